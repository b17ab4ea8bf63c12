package summaryview

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/data/summary"
	"matomo-audit/keymap"
	"matomo-audit/theme"
	"matomo-audit/ui/common"
)

var clock = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// newCommon is the shared context over src, with the progress ticks
// turned off: each test runs a report by calling its command.
func newCommon(t *testing.T, src source.Source, keys keymap.KeyMap) *common.Common {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c := common.New(ctx, src, theme.NoColor(), &keys, func() time.Time { return clock }, time.UTC)
	c.After = func(time.Duration, tea.Msg) tea.Cmd { return nil }
	c.SetSize(120, 40)
	return c
}

func demoSource() source.Source {
	return demo.New(demo.Options{Seed: 1, Now: func() time.Time { return clock }})
}

// open builds the screen over q and hands back the command of its run,
// not yet run.
func open(t *testing.T, c *common.Common, q string) (*Model, tea.Cmd) {
	t.Helper()
	parsed, err := query.Parse(q)
	if err != nil {
		t.Fatal(err)
	}
	m, cmd := New(c, Options{Query: parsed})
	m.SetSize(c.Width, c.Height-3)
	return m, cmd
}

func finish(t *testing.T, m *Model, cmd tea.Cmd) tea.Msg {
	t.Helper()
	if cmd == nil {
		t.Fatal("no run")
	}
	intent, _ := m.Update(cmd())
	return intent
}

func plain(m *Model) []string { return strings.Split(ansi.Strip(m.View()), "\n") }

func TestRunAndView(t *testing.T) {
	c := newCommon(t, demoSource(), keymap.Default())
	m, cmd := open(t, c, "")
	if !m.Running() || m.Busy() != "summary 24h: finding the window… · esc cancels" {
		t.Fatalf("running %v, busy %q", m.Running(), m.Busy())
	}
	if got := plain(m)[2]; !strings.Contains(got, m.Busy()) {
		t.Errorf("body while running: %q", got)
	}
	for p, want := range map[summary.Progress]string{
		{Done: 5, Total: 20, Events: 4}:                    "summary 24h: reading ids 5 of 20 (25%) · esc cancels",
		{Done: 20, Total: 20, Events: 9, Privileges: true}: "summary 24h: window read; checking privileges against the log's grants… · esc cancels",
		{Events: 9, Hidden: true}:                          "summary 24h: reading… 9 events so far · esc cancels",
	} {
		m.run.progress.Store(&p)
		if got := m.Busy(); got != want {
			t.Errorf("progress %+v reads %q, want %q", p, got, want)
		}
	}
	m.run.progress.Store(nil)
	if in := finish(t, m, cmd); in != nil || m.Running() || m.Report() == nil || m.Busy() != "" {
		t.Fatalf("after the run: intent %v, running %v, report %v", in, m.Running(), m.Report())
	}
	lines := plain(m)
	if len(lines) != 37 || !strings.Contains(lines[0], "Summary · last 24h · all events") || !strings.Contains(lines[0], "[24h]") {
		t.Fatalf("%d lines, title %q", len(lines), lines[0])
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != 120 {
			t.Fatalf("line %d is %d cells: %q", i, w, l)
		}
	}
	if !m.HidesSpark() {
		t.Error("the header's sparkline stays over the summary")
	}
}

// TestStaleRun: a result is taken only by the run that asked for it, in
// the screen that started it.
func TestStaleRun(t *testing.T) {
	c := newCommon(t, demoSource(), keymap.Default())
	first, firstCmd := open(t, c, "")
	old := firstCmd()
	first.Closed()
	m, cmd := open(t, c, "")
	finish(t, m, cmd)
	if in, _ := m.Update(old); in != nil || m.Report().Window != "24h" {
		t.Fatalf("an earlier screen's result: intent %v", in)
	}
	_, wider := m.Update(tea.KeyPressMsg{Code: ']', Text: "]"})
	stale := m.run
	_, widest := m.Update(tea.KeyPressMsg{Code: ']', Text: "]"})
	finish(t, m, widest)
	for _, msg := range []tea.Msg{doneMsg{run: stale, rep: summary.Report{Window: "7d"}}, wider()} {
		if in, _ := m.Update(msg); in != nil || m.Report().Window != "30d" || m.Window().Name != "30d" {
			t.Fatalf("stale result taken: intent %v, report %q, window %q", in, m.Report().Window, m.Window().Name)
		}
	}
}

func TestIntents(t *testing.T) {
	c := newCommon(t, demoSource(), keymap.Default())
	m, cmd := open(t, c, "")
	finish(t, m, cmd)
	// The first line is the first privilege without a trail; its query
	// is the account's events, no single one.
	drift := m.Report().Drift.Entries[0]
	in, _ := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if show, ok := in.(Show); !ok || show.ID != 0 || show.Query.String() != drift.Query || drift.Query != "user:ivan.k" {
		t.Fatalf("enter: %#v, want the first privilege without a trail %q", in, drift.Query)
	}
	for range m.Report().Drift.Entries {
		m.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	}
	first := m.Report().Privileges[0]
	in, _ = m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	show, ok := in.(Show)
	if !ok || show.ID != first.ID || show.Query.String() != first.Query {
		t.Fatalf("enter: %#v, want the first privilege change %d %q", in, first.ID, first.Query)
	}
	in, _ = m.Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
	if cp, ok := in.(common.Copy); !ok || string(cp.Data) != first.Query || !strings.HasPrefix(cp.Said, "copied the line's query to the clipboard: ") {
		t.Fatalf("y: %#v", in)
	}
	in, cmd = m.Update(tea.KeyPressMsg{Code: ']', Text: "]"})
	if ch, ok := in.(WindowChosen); !ok || ch.Window.Name != "7d" || cmd == nil {
		t.Fatalf("]: %#v", in)
	}
	// esc cancels the run and goes back to the window on screen.
	in, _ = m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if ch, ok := in.(WindowChosen); !ok || ch.Window.Name != "24h" || m.Running() {
		t.Fatalf("esc while running: %#v, running %v", in, m.Running())
	}
	if in, _ := m.Update(cmd()); in != nil || m.Report().Window != "24h" {
		t.Fatalf("the cancelled run came back: %#v", in)
	}
	if in, _ := m.Update(tea.KeyPressMsg{Code: tea.KeyEscape}); in != (common.Close{}) {
		t.Fatalf("esc: %#v", in)
	}
}

type down struct{ source.Source }

func (down) Bounds(context.Context) (uint64, uint64, error) {
	return 0, 0, errors.New("connection refused")
}

func TestError(t *testing.T) {
	c := newCommon(t, down{demoSource()}, keymap.Default())
	m, cmd := open(t, c, "")
	in := finish(t, m, cmd)
	want := common.Batch{common.Error{Msg: "summary: connection refused"}, common.Close{}}
	if b, ok := in.(common.Batch); !ok || len(b) != 2 || b[0] != want[0] || b[1] != want[1] {
		t.Fatalf("failed run: %#v, want %#v", in, want)
	}
}

// TestRebound: the keys and the texts naming them follow the key map.
func TestRebound(t *testing.T) {
	keys := keymap.Default()
	keys.Back = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "back"))
	keys.Down = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "down"))
	c := newCommon(t, demoSource(), keys)
	c.SetSize(80, 24)
	m, cmd := open(t, c, "")
	if !strings.HasSuffix(m.Busy(), " · x cancels") {
		t.Errorf("busy %q", m.Busy())
	}
	finish(t, m, cmd)
	if v := strings.Join(plain(m), "\n"); !strings.Contains(v, "more lines (n/k pgup/pgdn)") {
		t.Errorf("the more-lines note does not name the rebound key:\n%s", v)
	}
	m.Update(tea.KeyPressMsg{Code: 'n', Text: "n"})
	if m.cursor != 1 {
		t.Errorf("n moved the cursor to %d", m.cursor)
	}
	if in, _ := m.Update(tea.KeyPressMsg{Code: 'x', Text: "x"}); in != (common.Close{}) {
		t.Errorf("x: %#v", in)
	}
}

// TestProgressHidesTheTable: while a report runs, the screen says how far
// through the window's ids it is; a session that may see only its own
// events is told how many of those it has counted instead, as the ids are
// the table's.
func TestProgressHidesTheTable(t *testing.T) {
	for _, restricted := range []bool{false, true} {
		src := demoSource()
		if restricted {
			src = source.Restrict(src, "bob")
		}
		m, cmd := open(t, newCommon(t, src, keymap.Default()), "")
		done := cmd() // the run, not yet handed to the screen
		busy := m.Busy()
		// The last word may be privileges still being checked, which
		// tells no id either.
		ids := strings.Contains(busy, "reading ids") || strings.Contains(busy, "window read; checking privileges")
		if restricted == ids || restricted != strings.Contains(busy, "so far") {
			t.Errorf("restricted %v: busy %q", restricted, busy)
		}
		m.Update(done)
		if r := m.Report(); r == nil || r.Own != restricted || restricted && r.Total == 0 {
			t.Errorf("restricted %v: report %+v", restricted, r)
		}
	}
}

// noGrant is a source whose Matomo tables this account may not read.
type noGrant struct{ source.Source }

func (noGrant) Privileges(context.Context) (source.PrivilegeSet, error) {
	return source.PrivilegeSet{}, &source.SetupError{Msg: "this account may not read the columns needed of matomo_access: " +
		"GRANT SELECT (login, idsite, access) ON `matomo`.`matomo_access` TO 'audit'@'%'"}
}

// TestDriftSection: privileges without a trail come first, the
// unexplained marked; a session that is no super user's is told the
// section is for super users and gets no line of it; a missing grant is
// shown whole, wrapped, at any width.
func TestDriftSection(t *testing.T) {
	c := newCommon(t, demoSource(), keymap.Default())
	m, cmd := open(t, c, "")
	finish(t, m, cmd)
	lines := plain(m)
	if !strings.HasPrefix(lines[4], " Privileges without a trail · 1 unexplained · ") ||
		!strings.HasPrefix(lines[5], ">! ivan.k ") || !strings.HasSuffix(strings.TrimSpace(lines[5]), "· no grant in the log") ||
		!strings.Contains(lines[6], "granted before the log began, maybe") {
		t.Errorf("section:\n%s", strings.Join(lines[4:9], "\n"))
	}
	alice := false
	for _, l := range lines[5:] {
		if strings.HasPrefix(l, " Privilege changes") {
			break
		}
		if strings.HasPrefix(l, "   alice ") && strings.Contains(l, " super user · registered 2024-") {
			alice = true
		} else if strings.Contains(l, " alice ") {
			t.Errorf("alice, older than the log, is not listed apart: %q", l)
		}
	}
	if !alice {
		t.Errorf("alice, a super user older than the log, is not listed:\n%s", strings.Join(lines, "\n"))
	}

	r := newCommon(t, source.Restrict(demoSource(), "bob"), keymap.Default())
	m, cmd = open(t, r, "")
	finish(t, m, cmd)
	lines = plain(m)
	if strings.TrimSpace(lines[4]) != "Privileges without a trail" || strings.TrimSpace(lines[5]) != source.ErrSuperUsersOnly.Error() {
		t.Errorf("restricted:\n%s", strings.Join(lines[4:7], "\n"))
	}
	for _, l := range m.lines() {
		if strings.HasPrefix(l.query, "user:") && l.query != "user:bob" {
			t.Errorf("restricted session has the line %q", l.plain)
		}
	}

	// No privilege held at all: said, and nothing to select.
	rows := []activity.Row{{ID: 1, Login: "bob", Type: "ActivityLog/UserSignedIn", Params: "a:0:{}", Created: clock.Add(-time.Hour).Format(time.DateTime)}}
	m, cmd = open(t, newCommon(t, demo.FromRows(rows, []demo.User{{Login: "bob", Email: "bob@example.org"}}), keymap.Default()), "")
	finish(t, m, cmd)
	if lines := plain(m); !strings.HasPrefix(lines[4], " Privileges without a trail · 0 unexplained · 0 from before the log · 0 checked") ||
		strings.TrimSpace(lines[5]) != "none: nobody is super user or has admin, write or a capability" {
		t.Errorf("no privileges:\n%s", strings.Join(lines[4:7], "\n"))
	}

	for _, w := range []int{60, 120} {
		g := newCommon(t, noGrant{demoSource()}, keymap.Default())
		g.SetSize(w, 40)
		m, cmd = open(t, g, "")
		finish(t, m, cmd)
		var text []string
		for _, l := range plain(m)[5:] {
			if strings.TrimSpace(l) == "" {
				break
			}
			text = append(text, strings.TrimSpace(l))
		}
		if got := strings.Join(text, " "); !strings.Contains(got, "GRANT SELECT (login, idsite, access) ON `matomo`.`matomo_access` TO 'audit'@'%'") {
			t.Errorf("%d columns: the grant is not shown whole: %q", w, got)
		}
	}
}
