package ui

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/theme"
	"matomo-audit/ui/cell"
	"matomo-audit/ui/uitest"
)

// clock is the fixed "now" of every UI test, so ages and the demo data
// never change.
var clock = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return clock }

func demoSource() *demo.Source {
	return demo.New(demo.Options{Seed: 1, Now: fixedNow})
}

func newModel(t testing.TB, src source.Source, th theme.Theme, w, h int) *Model {
	t.Helper()
	m := New(Options{Source: src, Theme: th, Now: fixedNow})
	t.Cleanup(m.Close)
	send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	drain(t, m, m.Init())
	return m
}

// drain runs commands the way the Bubble Tea runtime would, feeding their
// messages back into Update, until nothing is left.
func drain(t testing.TB, m *Model, cmd tea.Cmd) {
	t.Helper()
	if err := uitest.Drain(m, cmd); err != nil {
		t.Fatal(err)
	}
}

// isTerminalQuery spots the runtime's own requests (background colour and
// the like), which only a real terminal answers.
func isTerminalQuery(msg tea.Msg) bool { return uitest.IsTerminalQuery(msg) }

func send(t testing.TB, m *Model, msg tea.Msg) {
	t.Helper()
	if err := uitest.Send(m, msg); err != nil {
		t.Fatal(err)
	}
}

// press sends keys by name: "k", "enter", "ctrl+d", "G", "?", "pgup".
func press(t testing.TB, m *Model, keys ...string) {
	t.Helper()
	for _, k := range keys {
		send(t, m, keyMsg(k))
	}
}

func keyMsg(k string) tea.KeyPressMsg { return uitest.Key(k) }

func view(m *Model) string { return m.View().Content }

// plainView is the screen without styling, for assertions on text.
func plainView(m *Model) string { return ansi.Strip(view(m)) }

// checkFrame asserts the screen is exactly h lines, none wider than w.
func checkFrame(t testing.TB, m *Model, w, h int) {
	t.Helper()
	lines := strings.Split(view(m), "\n")
	if len(lines) != h {
		t.Fatalf("%dx%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Fatalf("%dx%d: line %d is %d cells: %q", w, h, i, lw, ansi.Strip(l))
		}
	}
}

// sgr matches the only escape sequences the UI may emit itself: colours
// and attributes (SGR).
var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// flaky wraps a source and fails while down is set, like a database that
// went away.
type flaky struct {
	source.Source
	mu    sync.Mutex
	down  bool
	calls int
	fail  error // what it fails with; errDown when nil
}

func (f *flaky) failure() error {
	if f.fail != nil {
		return f.fail
	}
	return errDown
}

// errDown is what the MySQL source returns when the server went away: it
// matches source.ErrUnavailable.
var errDown = source.Unavailable("connection refused by 127.0.0.1:3306: is MySQL/MariaDB running there?")

func (f *flaky) setDown(v bool) { f.mu.Lock(); f.down = v; f.mu.Unlock() }

func (f *flaky) Page(ctx context.Context, r source.Request) (source.Page, error) {
	f.mu.Lock()
	f.calls++
	down := f.down
	f.mu.Unlock()
	if down {
		return source.Page{}, f.failure()
	}
	return f.Source.Page(ctx, r)
}

func (f *flaky) Bounds(ctx context.Context) (uint64, uint64, error) {
	f.mu.Lock()
	down := f.down
	f.mu.Unlock()
	if down {
		return 0, 0, f.failure()
	}
	return f.Source.Bounds(ctx)
}

// hostileRows builds rows whose every text field tries to attack the
// terminal.
func hostileRows() []activity.Row {
	evil := []string{
		"\x1b]52;c;ZXZpbA==\x07\x1b[2Jmallory",
		"\x1b[31mred\x1b[0m",
		"admin\u202egnp.exe",
		"nul\x00byte",
		"c1\u009b2Jcsi",
		"bell\x07\x07",
		"\u200bzero\u2066width\u2069",
		"漢字ユーザー😀",
		"e\u0301\u0301combining",
	}
	var rows []activity.Row
	for i, s := range evil {
		params := `a:3:{s:5:"items";a:1:{i:0;a:2:{s:4:"type";s:4:"goal";s:4:"data";a:2:{s:2:"id";i:1;s:4:"name";s:` +
			itoa(len(s)) + `:"` + s + `";}}}s:` + itoa(len(s)) + `:"` + s + `";s:` + itoa(len(s)) + `:"` + s + `";s:3:"raw";i:1;}`
		rows = append(rows, activity.Row{
			ID: uint64(i + 1), Login: s, Type: "ActivityLog/GoalAdded", Params: params, Created: "2026-11-20 10:00:00",
			Country: s[:min(3, len(s))], HasCountry: true,
		})
		rows = append(rows, activity.Row{ID: uint64(100 + i), Login: "x", Type: "Evil/" + s, Params: "broken" + s, Created: "2026-11-20 10:00:01"})
	}
	return rows
}

func itoa(n int) string { return cell.Itoa(uint64(n)) }

func compile(t testing.TB, q string) *query.Query {
	t.Helper()
	parsed, err := query.Parse(q)
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}

// run executes a command and its batches without feeding the messages
// back, so a test decides when (and whether) they arrive.
func run(cmd tea.Cmd) []tea.Msg { return uitest.Collect(cmd) }
