package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"matomo-audit/data/activity"
	php "matomo-audit/data/phpser"
)

func event(id uint64, login, params string) activity.Event {
	return activity.FromRow(activity.Row{
		ID: id, Login: login, Type: "ActivityLog/GoalAdded", Params: params, Created: "2026-11-20 10:00:00",
		Country: "DE", HasCountry: true, IP: netip.MustParseAddr("203.0.113.7").AsSlice(),
	})
}

var goalParams = string(php.Encode(php.Map(php.Pair("items", php.List(
	php.Map(php.Pair("type", php.Str("goal")), php.Pair("data", php.Map(php.Pair("id", php.Int(3)), php.Pair("name", php.Str("Signup"))))),
)))))

func TestShape(t *testing.T) {
	e := event(1234, "alice", goalParams)
	var got map[string]any
	d := json.NewDecoder(bytes.NewReader(AppendEvent(nil, &e)))
	d.UseNumber()
	if err := d.Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"id": json.Number("1234"), "time": "2026-11-20T10:00:00Z", "user": "alice", "type": "ActivityLog/GoalAdded",
		"category": "goal", "severity": "info", "description": `added goal "Signup" (id 3)`,
		"ip": "203.0.113.7", "country": "de",
		"parameters": map[string]any{"items": []any{map[string]any{"type": "goal", "data": map[string]any{"id": json.Number("3"), "name": "Signup"}}}},
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Fatalf("export shape\n got %s\nwant %s", gj, wj)
	}
	// Field order is part of the documented shape.
	s := string(AppendEvent(nil, &e))
	last := -1
	for _, k := range []string{`"id"`, `"time"`, `"user"`, `"type"`, `"category"`, `"severity"`, `"description"`, `"ip"`, `"country"`, `"parameters"`} {
		i := strings.Index(s, k+":")
		if i < last {
			t.Fatalf("key %s out of order in %s", k, s)
		}
		last = i
	}
}

func TestUndecodableAndNulls(t *testing.T) {
	e := activity.FromRow(activity.Row{ID: 9, Login: "x", Type: "Custom/T", Params: `a:1:{s:3:"abc"`, Created: "garbage"})
	var got map[string]any
	if err := json.Unmarshal(AppendEvent(nil, &e), &got); err != nil {
		t.Fatal(err)
	}
	if got["parameters"] != nil || got["parameters_raw"] != `a:1:{s:3:"abc"` || got["time"] != nil || got["ip"] != nil || got["country"] != nil {
		t.Fatalf("undecodable row exported as %v", got)
	}
	ok := event(1, "x", goalParams)
	if strings.Contains(string(AppendEvent(nil, &ok)), "parameters_raw") {
		t.Fatal("parameters_raw on a decodable row")
	}
}

func TestHostileStringsStayValidJSON(t *testing.T) {
	for _, login := range []string{"\x1b]52;c;aGk=\x07", "a\"b\\c", "\x00\x01\x7f", "bad\xff\xfeutf8", "line\u2028sep", "漢字 😀"} {
		e := event(1, login, goalParams)
		b := AppendEvent(nil, &e)
		if !json.Valid(b) {
			t.Fatalf("invalid JSON for login %q: %s", login, b)
		}
		var got map[string]any
		json.Unmarshal(b, &got)
		// Same as encoding/json: each invalid byte becomes U+FFFD.
		std, _ := json.Marshal(login)
		var want string
		json.Unmarshal(std, &want)
		if want != got["user"] {
			t.Errorf("login %q came back as %q", login, got["user"])
		}
	}
}

func TestWriterFormats(t *testing.T) {
	for _, n := range []int{0, 1, 3} {
		for _, f := range []Format{JSON, NDJSON} {
			var buf bytes.Buffer
			w := NewWriter(&buf, f)
			for i := 0; i < n; i++ {
				e := event(uint64(i+1), "alice", goalParams)
				if err := w.Write(&e); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if f == JSON {
				var arr []map[string]any
				if err := json.Unmarshal(buf.Bytes(), &arr); err != nil || len(arr) != n {
					t.Fatalf("json with %d events: %v %q", n, err, buf.String())
				}
				continue
			}
			lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
			if n == 0 {
				if buf.Len() != 0 {
					t.Fatalf("empty ndjson wrote %q", buf.String())
				}
				continue
			}
			if len(lines) != n {
				t.Fatalf("ndjson with %d events has %d lines", n, len(lines))
			}
			for _, l := range lines {
				if !json.Valid([]byte(l)) {
					t.Fatalf("bad ndjson line %q", l)
				}
			}
		}
	}
}

func TestPretty(t *testing.T) {
	e := event(1, "alice", goalParams)
	p := Pretty(&e)
	if !json.Valid(p) || !bytes.Contains(p, []byte("\n  \"user\": \"alice\"")) {
		t.Fatalf("pretty: %s", p)
	}
}

func TestText(t *testing.T) {
	e := event(1234, "evil\x1b[2J", goalParams)
	e.User.Kind = activity.UserGone
	got := string(AppendText(nil, &e, time.UTC))
	want := `2026-11-20 10:00:00Z  #1234  evil\x1b[2J (not a current user)  info  added goal "Signup" (id 3)  203.0.113.7 de`
	if got != want {
		t.Fatalf("text line\n got %q\nwant %q", got, want)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err == nil && !strings.HasPrefix(string(AppendText(nil, &e, berlin)), "2026-11-20 11:00:00+01:00") {
		t.Fatalf("Berlin line: %s", AppendText(nil, &e, berlin))
	}
}

func TestFileAtomicity(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	f, err := Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("[]\n")
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("target visible before Commit")
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("committed file: %v mode %v", err, st.Mode())
	}
	if _, err := Create(path, false); !errors.Is(err, ErrExists) {
		t.Fatalf("existing file not refused: %v", err)
	}
	// A file that appears while writing is not clobbered either.
	late := filepath.Join(dir, "late.json")
	f, _ = Create(late, false)
	os.WriteFile(late, []byte("precious"), 0o644)
	f.WriteString("[]\n")
	if err := f.Commit(); !errors.Is(err, ErrExists) {
		t.Fatalf("late file clobbered: %v", err)
	}
	if b, _ := os.ReadFile(late); string(b) != "precious" {
		t.Fatal("late file changed")
	}
	// --force replaces.
	f, err = Create(path, true)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Fatal("force did not replace")
	}
	// Abort leaves nothing.
	f, _ = Create(filepath.Join(dir, "aborted.json"), false)
	f.WriteString("partial")
	f.Abort()
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "late.json,out.json" {
		t.Fatalf("directory after abort: %v", names)
	}
	if _, err := Create(dir, true); err == nil {
		t.Fatal("a folder as target was accepted")
	}
}

func BenchmarkAppendEvent(b *testing.B) {
	e := event(1234, "alice", goalParams)
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendEvent(buf[:0], &e)
	}
	b.SetBytes(int64(len(buf)))
}
