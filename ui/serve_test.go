package ui

import (
	"encoding/base64"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/source"
	"matomo-audit/internal/shellword"
	"matomo-audit/theme"
)

// newServed is newModel for a session served over SSH.
func newServed(t testing.TB, src source.Source, o Options, w, h int) *Model {
	t.Helper()
	o.Source, o.Now = src, fixedNow
	if o.Theme.Name == "" {
		o.Theme = theme.NoColor()
	}
	m := New(o)
	t.Cleanup(m.Close)
	send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	drain(t, m, m.Init())
	return m
}

// statusOf is the status bar as text.
func statusOf(m *Model) string {
	lines := strings.Split(plainView(m), "\n")
	return lines[len(lines)-2]
}

// TestGoldenServed pins a served session's screens: the role on the
// status bar, and a restricted one without the table-wide position.
// Regenerate with: go test ./ui -run TestGoldenServed -update
func TestGoldenServed(t *testing.T) {
	sessions := []struct {
		name string
		o    Options
		keys []string
	}{
		{"super", Options{Role: "alice · super user"}, nil},
		{"restricted", Options{Role: "bob · own activity only", Restricted: true}, []string{"k", "k", "u"}},
	}
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, th := range []theme.Theme{theme.Dark(), theme.NoColor()} {
			for _, s := range sessions {
				t.Run(fmt.Sprintf("%s-%dx%d-%s", th.Name, size[0], size[1], s.name), func(t *testing.T) {
					o := s.o
					o.Theme = th
					m := newServed(t, demoSource(), o, size[0], size[1])
					press(t, m, s.keys...)
					golden.RequireEqual(t, view(m))
				})
			}
		}
	}
}

// TestRoleBadge: the role is on the status bar, and as the room runs short
// it gives way after the position, before the count and the follow badge.
func TestRoleBadge(t *testing.T) {
	r := startRig(t, demo.FromRows(liveRows(1, 300, clock), nil), Options{Role: "alice · super user", Query: compile(t, "user:alice")})
	m := r.m
	if s := statusOf(m); !strings.Contains(s, " alice · super user ") || !strings.Contains(s, "FOLLOW") {
		t.Fatalf("no role badge: %q", s)
	}
	for w := 120; w >= 40; w-- {
		r.send(tea.WindowSizeMsg{Width: w, Height: 30})
		checkFrame(t, m, w, 30)
		s := statusOf(m)
		if !strings.Contains(s, "FOLLOW") {
			t.Fatalf("%d cells: the follow badge gave way before the role: %q", w, s)
		}
		if strings.Contains(s, "#") && !strings.Contains(s, "alice · super user") {
			t.Fatalf("%d cells: the role gave way before the position: %q", w, s)
		}
	}
	if s := statusOf(m); strings.Contains(s, "super user") {
		t.Errorf("at 40 cells the role still takes room from the count: %q", s)
	}
	// Text from the caller (a login from the database) is made safe.
	m = newServed(t, demoSource(), Options{Role: "\x1b[2Jmallory · own activity only"}, 100, 30)
	if v := view(m); strings.Contains(v, "\x1b[2J") || !strings.Contains(v, `\x1b[2Jmallory`) {
		t.Errorf("role drawn unsafe: %q", statusOf(m))
	}
}

// newServedStepper is newStepper for a served session.
func newServedStepper(t *testing.T, rows []activity.Row, q string, o Options) *stepper {
	o.Source, o.Query, o.Theme, o.Now = demo.FromRows(rows, nil), compile(t, q), theme.NoColor(), fixedNow
	m := New(o)
	m.scanBudget = time.Nanosecond
	t.Cleanup(m.Close)
	s := &stepper{t: t, m: m}
	_, cmd := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	s.push(cmd)
	s.push(m.Init())
	return s
}

// TestRestrictedHidesTableSize: a restricted session is never shown how
// big the table is: no position in percent, no scan progress in rows of
// the table, no counting percentage. The same session unrestricted shows
// all three, so the test does go through them.
func TestRestrictedHidesTableSize(t *testing.T) {
	for _, restricted := range []bool{false, true} {
		o := Options{Role: "bob · own activity only", Restricted: restricted}
		saw := map[string]bool{}
		look := func(s *stepper) {
			st := ansi.Strip(s.m.statusBar())
			for _, sub := range []string{"%", " rows", "scanning older…", "counting…"} {
				saw[sub] = saw[sub] || strings.Contains(st, sub)
			}
		}
		s := newServedStepper(t, rareRows(10_000, 100, 5_000, 9_000), "user:rare.user", o)
		for s.step() {
			look(s)
		}
		press(t, s.m, "k", "k")
		look(s)
		s = newServedStepper(t, rareRows(10_000), "user:alice", o)
		for s.step() {
			look(s)
		}
		if !restricted {
			if !saw["%"] || !saw[" rows"] {
				t.Fatalf("unrestricted: the status bar never showed the percentages and rows the test is about: %v", saw)
			}
			continue
		}
		if saw["%"] || saw[" rows"] || !saw["scanning older…"] || !saw["counting…"] {
			t.Fatalf("restricted: %v", saw)
		}
	}
}

// TestExportOverSSH: in a served session e says how to export from the
// client's side, with the query quoted for a POSIX shell, and opens no
// dialog (it would write on the server); y copies that command, and y and
// Y on the timeline copy as ever.
func TestExportOverSSH(t *testing.T) {
	rows := liveRows(1, 40, clock)
	for i := range rows {
		rows[i].Login = "o'brien"
	}
	q := `user:o'brien since:2026-11-01`
	r := newRig(t, demo.FromRows(rows, nil), Options{Query: compile(t, q), SSH: "ssh -p 2222 host"})
	r.run(r.m.Init())
	r.press("e")
	if r.m.exportDialog() != nil {
		t.Fatal("the export dialog opened in a served session")
	}
	want := `ssh -p 2222 host -- 'export -q "user:o'\''brien since:2026-11-01" --format ndjson' > events.ndjson`
	v := plainView(r.m)
	if !strings.Contains(v, "export over SSH") || !strings.Contains(v, want) {
		t.Fatalf("no command %q:\n%s", want, v)
	}
	// A shell reads the remote command, which the server splits into
	// the query itself.
	quoted := want[strings.Index(want, "-- ")+3 : strings.Index(want, " > ")]
	out, err := exec.Command("sh", "-c", "printf %s "+quoted).Output()
	if args, _ := shellword.Split(string(out)); err != nil || len(args) < 3 || args[2] != q {
		t.Fatalf("sh reads %s as %q (%v), want the query %q", quoted, out, err, q)
	}
	if got := r.clipboardWrites("y"); len(got) != 1 || decodeOSC52(got[0]) != want {
		t.Fatalf("y in the box copied %q, want %q", got, want)
	}
	if r.m.top() != nil {
		t.Fatal("the box stayed open after copying")
	}
	if got := r.clipboardWrites("y"); len(got) != 1 || !strings.HasPrefix(decodeOSC52(got[0]), "{") {
		t.Fatalf("y on the timeline copied %q, want the event as JSON", got)
	}
	if got := r.clipboardWrites("Y"); len(got) != 1 || !strings.Contains(decodeOSC52(got[0]), "o'brien") {
		t.Fatalf("Y on the timeline copied %q, want the line", got)
	}

	// A selection is exported by its ids; esc closes the box.
	r.press("v", "k", "k")
	lo, hi, _ := r.m.span()
	r.press("e")
	if v := strings.Join(strings.Fields(plainView(r.m)), " "); !strings.Contains(v, "--from-id "+itoa(int(lo))+" --to-id "+itoa(int(hi))) {
		t.Fatalf("no ids of the selection:\n%s", plainView(r.m))
	}
	r.press("esc")
	if r.m.top() != nil {
		t.Fatal("esc left the box open")
	}
}

// decodeOSC52 is what a clipboard write carries.
func decodeOSC52(seq string) string {
	b64 := strings.TrimSuffix(strings.TrimPrefix(seq, "\x1b]52;c;"), "\a")
	b, _ := base64.StdEncoding.DecodeString(b64)
	return string(b)
}
