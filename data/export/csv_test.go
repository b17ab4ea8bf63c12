package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"matomo-audit/data/activity"
)

// hostileLogins are what a failed sign-in can leave in user_login.
var hostileLogins = []string{
	"alice",
	"smith, john",
	`say "hi"`,
	"two\r\nlines",
	"lf\nonly",
	"\x1b]52;c;aGk=\x07",
	"=HYPERLINK(\"http://x.example\",\"click\")",
	"+1+1",
	"-2+3",
	"@SUM(A1)",
	"  =cmd|' /C calc'!A0",
	"a=b",
	"bad\xffutf8",
	"",
}

func writeCSV(t *testing.T, events []activity.Event) string {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, CSV)
	for i := range events {
		if err := w.Write(&events[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestCSVReadsBack(t *testing.T) {
	var events []activity.Event
	for i, l := range hostileLogins {
		events = append(events, event(uint64(i+1), l, goalParams))
	}
	out := writeCSV(t, events)
	// One event, one physical line: CR and LF inside values are shown as
	// \r and \n, never written.
	if lines := strings.Count(out, "\r\n"); lines != len(events)+1 || strings.Count(out, "\n") != lines {
		t.Fatalf("%d CRLF lines, %d LF, want %d rows + header:\n%s", lines, strings.Count(out, "\n"), len(events), out)
	}
	r := csv.NewReader(strings.NewReader(out))
	r.FieldsPerRecord = len(csvHeader)
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("not valid CSV: %v\n%s", err, out)
	}
	if strings.Join(recs[0], ",") != "id,time,user,type,category,severity,ip,country,description" {
		t.Fatalf("header %q", recs[0])
	}
	want := map[string]string{
		"alice":              "alice",
		"smith, john":        "smith, john",
		`say "hi"`:           `say "hi"`,
		"two\r\nlines":       `two\r\nlines`,
		"lf\nonly":           `lf\nonly`,
		"\x1b]52;c;aGk=\x07": `\x1b]52;c;aGk=\x07`,
		"=HYPERLINK(\"http://x.example\",\"click\")": `'=HYPERLINK("http://x.example","click")`,
		"+1+1":                 "'+1+1",
		"-2+3":                 "'-2+3",
		"@SUM(A1)":             "'@SUM(A1)",
		"  =cmd|' /C calc'!A0": "'  =cmd|' /C calc'!A0",
		"a=b":                  "a=b",
		"bad\xffutf8":          `bad\xffutf8`,
		"":                     "",
	}
	for i, rec := range recs[1:] {
		e := events[i]
		if rec[0] != strconv.FormatUint(e.ID, 10) || rec[1] != "2026-11-20T10:00:00Z" || rec[3] != "ActivityLog/GoalAdded" ||
			rec[4] != "goal" || rec[5] != "info" || rec[6] != "203.0.113.7" || rec[7] != "de" || rec[8] != `added goal "Signup" (id 3)` {
			t.Errorf("row %d: %q", i, rec)
		}
		if rec[2] != want[e.Login] {
			t.Errorf("login %q came back as %q, want %q", e.Login, rec[2], want[e.Login])
		}
	}
}

func TestCSVEmptyAndNulls(t *testing.T) {
	if out := writeCSV(t, nil); out != "id,time,user,type,category,severity,ip,country,description\r\n" {
		t.Fatalf("empty CSV export %q, want the header row", out)
	}
	e := activity.FromRow(activity.Row{ID: 9, Login: "x", Type: "Custom/T", Params: "a:0:{}", Created: "garbage"})
	recs, err := csv.NewReader(strings.NewReader(writeCSV(t, []activity.Event{e}))).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("%v %q", err, recs)
	}
	if r := recs[1]; r[0] != "9" || r[1] != "" || r[6] != "" || r[7] != "" {
		t.Fatalf("row without time, ip and country: %q", r)
	}
}

func TestDefuse(t *testing.T) {
	for in, want := range map[string]string{
		"=1": "'=1", "+1": "'+1", "-1": "'-1", "@x": "'@x", " =1": "' =1",
		"1=1": "1=1", "": "", "   ": "   ", "'=1": "'=1", "x-y": "x-y",
	} {
		if got := defuse(in); got != want {
			t.Errorf("defuse(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, c := range []struct {
		in      string
		allowed []Format
		want    Format
		err     string
	}{
		{"json", nil, JSON, ""},
		{"JSONL", nil, NDJSON, ""},
		{"csv", []Format{JSON, NDJSON, CSV}, CSV, ""},
		{"text", []Format{Text, CSV, NDJSON}, Text, ""},
		{"text", []Format{JSON, NDJSON, CSV}, 0, `unknown format "text": expected json, ndjson or csv`},
		{"xml", []Format{Text, CSV, NDJSON}, 0, `unknown format "xml": expected text, csv or ndjson`},
	} {
		got, err := ParseFormat(c.in, c.allowed...)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("ParseFormat(%q, %v): %v, want %q", c.in, c.allowed, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseFormat(%q): %v %v", c.in, got, err)
		}
	}
}

func TestTextWriter(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, Text)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	w.Loc = berlin
	e := event(7, "bob", goalParams)
	if err := w.Write(&e); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if want := string(AppendText(nil, &e, berlin)) + "\n"; buf.String() != want {
		t.Fatalf("text writer %q, want %q", buf.String(), want)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestCSVWriteErrorSurfaces(t *testing.T) {
	w := NewWriter(failingWriter{}, CSV)
	e := event(1, "alice", goalParams)
	_ = w.Write(&e)
	if err := w.Close(); !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("Close after a failing write: %v", err)
	}
}
