package cli

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"matomo-audit/data/dbtest"
	"matomo-audit/data/demo"
	"matomo-audit/serve"
	"matomo-audit/serve/sshtest"
)

// TestServeViewKeys: a shared view's key exports exactly what the same
// query exports locally, and no query typed inside it reaches outside it;
// a view that is also a login's keeps that login's rule inside it.
func TestServeViewKeys(t *testing.T) {
	dsn, db := matomoDB(t, "('alice', 'x', 'alice@example.org', 1, NULL), ('bob', 'x', 'bob@example.org', 0, NULL)")
	const in, failed, created = "ActivityLog/UserSignedIn", "ActivityLog/UserSignInFailed", "ActivityLog/UserCreated"
	var rows []dbtest.Row
	for i, r := range []struct{ login, typ string }{
		{"alice", in}, {"bob", failed}, {"alice", created}, {"mallory", failed}, {"Matomo System", in},
		{"bob", in}, {"alice", failed}, {"Bob", failed},
	} {
		rows = append(rows, dbtest.Row{ID: uint64(i + 1), Login: r.login, Type: r.typ, Params: "a:0:{}", TS: "2026-11-20 10:00:00"})
	}
	dbtest.InsertRows(t, db, "matomo_activity_log", rows)

	oncall, bobs := sshtest.Key(t), sshtest.Key(t)
	s := startServe(t, dsn, map[string]gossh.Signer{
		`view="oncall",query="cat:security -user:\"Matomo System\""`: oncall,
		`login="bob",view="bob-failures",query="type:*Failed"`:       bobs,
	})
	local := func(q string) string {
		var out, errb bytes.Buffer
		if code := run(context.Background(), &globals{stderr: &errb}, []string{"export", "--dsn", dsn, "--format", "ndjson", "-q", q}, &out, &errb); code != 0 {
			t.Fatalf("local export -q %q: exit %d %s", q, code, errb.String())
		}
		return out.String()
	}
	out, stderr, code := s.ssh(oncall, "export --format ndjson")
	if want := local(`cat:security -user:"Matomo System"`); code != 0 || out != want || want == "" {
		t.Errorf("the view's export (exit %d, %s):\n%s\nwant what the query exports locally:\n%s", code, stderr, out, want)
	}
	inView := loginsOf(t, out)
	for _, q := range []string{"", "user:x -cat:security", "-cat:security", `user:"Matomo System"`, "cat:login", "user:*", "-user:bob", "id:1..5"} {
		out, stderr, code := s.ssh(oncall, "export --format ndjson -q '"+q+"'")
		got := loginsOf(t, out)
		want := inView
		switch q {
		case "user:x -cat:security", "-cat:security", `user:"Matomo System"`:
			want = nil
		case "id:1..5":
			want = []string{"alice", "bob", "mallory"} // sorted: 2, 3 and 4
		case "cat:login":
			want = []string{"Bob", "alice", "bob", "mallory"} // not alice's UserCreated
		case "-user:bob":
			want = slices.DeleteFunc(slices.Clone(inView), func(l string) bool { return strings.EqualFold(l, "bob") })
		}
		if code != 0 || !slices.Equal(got, want) {
			t.Errorf("oncall -q %q: exit %d, %v, want %v (%s)", q, code, got, want, stderr)
		}
	}
	out, _, code = s.ssh(oncall, "summary -w all --format json")
	if code != 0 || strings.Contains(out, "alice@") || strings.Contains(out, "Matomo System") || !strings.Contains(out, `"own_events_only": true`) {
		t.Errorf("the view's summary (exit %d):\n%s", code, out)
	}

	out, _, code = s.ssh(bobs, "export --format ndjson -q 'user:alice,bob'")
	if got := loginsOf(t, out); code != 0 || !slices.Equal(got, []string{"Bob", "bob"}) {
		t.Errorf("bob's view: exit %d, %v, want bob's failures only", code, got)
	}
	if log := s.log.String(); !strings.Contains(log, `view=oncall role="view oncall"`) {
		t.Errorf("the log does not name the view:\n%s", log)
	}
}

// TestServedTimelineArgs: with a terminal, the timeline's own flags open
// it as the binary would; headless commands and printed lists are left to
// run as commands; mistakes are refused with the binary's words.
func TestServedTimelineArgs(t *testing.T) {
	s := &serve.Session{Login: "bob", Src: demo.New(demo.Options{Seed: 1}), Addr: "127.0.0.1:2222"}
	var stderr bytes.Buffer
	g, code, ok := servedTimeline(s, []string{"-q", `user:"a b"`, "--at", "2856", "--follow=false", "--tz", "Europe/Berlin"}, &stderr, nil, nil)
	if g == nil || !ok || code != 0 {
		t.Fatalf("the timeline's flags: %v %d %q", ok, code, stderr.String())
	}
	o := sessionOptions(g, s)
	if o.At != 2856 || o.Follow || o.Query.String() != `user:"a b"` || o.Loc.String() != "Europe/Berlin" ||
		o.SSH != "ssh -p 2222 127.0.0.1 --tz Europe/Berlin" {
		t.Errorf("options: at %d follow %v query %q loc %v ssh %q", o.At, o.Follow, o.Query.String(), o.Loc, o.SSH)
	}
	// No arguments are no arguments, not the server's own command line.
	defer func(args []string) { os.Args = args }(os.Args)
	os.Args = []string{"matomo-audit", "serve", "--keys", "/etc/keys", "--dsn", "x"}
	if g, _, ok := servedTimeline(s, nil, &stderr, nil, nil); g == nil || !ok || !sessionOptions(g, s).Follow {
		t.Errorf("no arguments: the timeline, following (%q)", stderr.String())
	}
	for _, args := range [][]string{{"export"}, {"-n", "5"}, {"--format", "csv"}, {"summary", "-w", "7d"}, {"help"}} {
		if g, _, ok := servedTimeline(s, args, &stderr, nil, nil); g != nil || ok {
			t.Errorf("%q is a command, not the timeline", args)
		}
	}
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"-q", "id:abc"}, "invalid --query"},
		{[]string{"--at", "x"}, "invalid argument"},
		{[]string{"--dsn", "x"}, "cannot be used over SSH"},
		{[]string{"-n", "3", "--at", "5"}, "--at opens the timeline"},
		{[]string{"stray"}, "stray"},
	} {
		stderr.Reset()
		g, code, ok := servedTimeline(s, c.args, &stderr, nil, nil)
		if g != nil || !ok || code != 2 || !strings.Contains(stderr.String(), c.says) {
			t.Errorf("%q: %v %d %q, want refused saying %q", c.args, ok, code, stderr.String(), c.says)
		}
	}
}
