package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/sourcetest"
	"matomo-audit/internal/numfmt"
	"matomo-audit/theme"
	"matomo-audit/ui/cell"
	"matomo-audit/ui/picker"
)

// openPickerOf is the picker on top, nil when none is.
func openPickerOf(m *Model) *picker.Model {
	p, _ := m.top().(*picker.Model)
	return p
}

func typeText(t *testing.T, m *Model, s string) {
	t.Helper()
	for _, r := range s {
		send(t, m, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func TestQueryPrompt(t *testing.T) {
	m := newModel(t, demoSource(), theme.NoColor(), 100, 30)
	press(t, m, "/")
	if thePrompt(m) == nil || !strings.Contains(plainView(m), "/ ") {
		t.Fatal("/ does not open the prompt")
	}
	typeText(t, m, "user:")
	v := plainView(m)
	if !strings.Contains(v, "column 6: expected a login") {
		t.Fatalf("no inline error while typing:\n%s", v)
	}
	press(t, m, "enter")
	if thePrompt(m) == nil {
		t.Fatal("enter applied a query with an error")
	}
	typeText(t, m, "frank")
	press(t, m, "enter")
	if thePrompt(m) != nil || m.query.String() != "user:frank" {
		t.Fatalf("query %q after enter", m.query.String())
	}
	for _, e := range m.tl.events {
		if e.Login != "frank" {
			t.Fatalf("event of %q under user:frank", e.Login)
		}
	}
	// History: the earlier query comes back with up.
	press(t, m, "/", "ctrl+l")
	if !m.query.Empty() || thePrompt(m) != nil {
		t.Fatalf("ctrl+l in the prompt: query %q", m.query.String())
	}
	press(t, m, "/", "up")
	if thePrompt(m).Value() != "user:frank" {
		t.Fatalf("history gave %q", thePrompt(m).Value())
	}
	press(t, m, "down")
	if thePrompt(m).Value() != "" {
		t.Fatalf("down past the history gave %q", thePrompt(m).Value())
	}
	press(t, m, "esc")
	if thePrompt(m) != nil || !m.query.Empty() {
		t.Fatal("esc did not cancel")
	}
	// An empty query applied clears.
	m = New(Options{Source: demoSource(), Query: compile(t, "cat:login"), Theme: theme.NoColor(), Now: fixedNow})
	send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	drain(t, m, m.Init())
	press(t, m, "/")
	for range len("cat:login") {
		press(t, m, "ctrl+h")
	}
	send(t, m, tea.KeyPressMsg{Code: tea.KeyBackspace})
	for thePrompt(m).Value() != "" {
		send(t, m, tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	press(t, m, "enter")
	if !m.query.Empty() {
		t.Fatalf("empty query did not clear: %q", m.query.String())
	}
}

func TestPromptShowsPastedControlsEscaped(t *testing.T) {
	m := newModel(t, demoSource(), theme.Dark(), 100, 30)
	press(t, m, "/")
	send(t, m, tea.PasteMsg{Content: "user:\x1b]52;c;ZXZpbA==\x07x"})
	// The input drops control characters from a paste; either way none
	// reaches the screen.
	if out := sgr.ReplaceAllString(view(m), ""); strings.ContainsAny(out, "\x1b\x07") {
		t.Fatalf("pasted control characters reach the screen: %q", out)
	}
	if !strings.Contains(plainView(m), "/ user:]52;c;ZXZpbA==x") {
		t.Fatalf("prompt after paste:\n%s", plainView(m))
	}
}

func TestUserKey(t *testing.T) {
	m := newModel(t, demoSource(), theme.NoColor(), 100, 30)
	press(t, m, "k", "k", "k")
	e := *m.current()
	press(t, m, "u")
	if want := "user:" + e.Login; m.query.String() != want && m.query.String() != `user:"`+e.Login+`"` {
		t.Fatalf("u gave %q", m.query.String())
	}
	if m.current().ID != e.ID {
		t.Fatalf("u moved the cursor from %d to %d", e.ID, m.current().ID)
	}
	for _, ev := range m.tl.events {
		if ev.Login != e.Login {
			t.Fatalf("%q's event under u on %q", ev.Login, e.Login)
		}
	}
	press(t, m, "u")
	if !m.query.Empty() || m.current().ID != e.ID {
		t.Fatalf("u again: query %q, cursor %d", m.query.String(), m.current().ID)
	}
	// esc clears a query when nothing else is open.
	press(t, m, "u", "esc")
	if !m.query.Empty() {
		t.Fatal("esc did not clear the query")
	}
}

func TestUserPicker(t *testing.T) {
	m := newModel(t, demoSource(), theme.NoColor(), 120, 40)
	press(t, m, "U")
	if openPickerOf(m) == nil {
		t.Fatal("U does not open the user picker")
	}
	v := plainView(m)
	for _, want := range []string{"Users · include", "frank†", "Matomo System⚙", "admin†", "heidi"} {
		if !strings.Contains(v, want) {
			t.Errorf("user picker lacks %q:\n%s", want, v)
		}
	}
	// Counts are the stream's.
	all := sourcetest.Stream(t, demoSource(), nil)
	n := 0
	for _, e := range all {
		if e.Login == "frank" {
			n++
		}
	}
	typeText(t, m, "frnk")
	if it := openPickerOf(m).Current(); it == nil || it.Label != "frank" || it.Count.Count != uint64(n) {
		t.Fatalf("fuzzy frnk: %+v, want frank with %d events", it, n)
	}
	press(t, m, "enter")
	if m.query.String() != "user:frank" {
		t.Fatalf("picker gave %q", m.query.String())
	}
	// It opens with the query's users selected; several at once, excluded.
	press(t, m, "U")
	if !strings.Contains(plainView(m), "1 selected") || !openPickerOf(m).Selected("u:frank") {
		t.Fatalf("reopened picker does not hold user:frank:\n%s", plainView(m))
	}
	typeText(t, m, "frank")
	press(t, m, "space") // frank off
	openPickerOf(m).SetSearch("")
	typeText(t, m, "MatomoSystem")
	press(t, m, "space")
	openPickerOf(m).SetSearch("")
	typeText(t, m, "ConsoleCommand")
	press(t, m, "space", "tab", "enter")
	if got := m.query.String(); got != `-user:"Console Command","Matomo System"` {
		t.Fatalf("exclude two: %q", got)
	}
}

func TestTypePicker(t *testing.T) {
	m := newModel(t, demoSource(), theme.NoColor(), 120, 40)
	press(t, m, "t")
	v := plainView(m)
	if !strings.Contains(v, "category login") || !strings.Contains(v, "ActivityLog/UserSignInFailed") {
		t.Fatalf("type picker:\n%s", v)
	}
	typeText(t, m, "SuperUser")
	if it := openPickerOf(m).Current(); it == nil || !it.Header && it.Key != "ActivityLog/UserSetSuperUserAccess" {
		t.Fatalf("search picked %+v", it)
	}
	for openPickerOf(m).Current().Header {
		press(t, m, "down")
	}
	press(t, m, "enter")
	if m.query.String() != "type:ActivityLog/UserSetSuperUserAccess" {
		t.Fatalf("type picker gave %q", m.query.String())
	}
	// Reopened, the type is selected; a category with it means either.
	press(t, m, "t")
	if !openPickerOf(m).Selected("t:activitylog/usersetsuperuseraccess") {
		t.Fatal("reopened type picker lost the query's type")
	}
	press(t, m, "pgup") // "category login", the first entry
	press(t, m, "space", "enter")
	if got := m.query.String(); got != "type:ActivityLog/UserSetSuperUserAccess,ActivityLog/UserSignInFailed,ActivityLog/UserSignedIn,ActivityLog/UserSignedOff" {
		t.Fatalf("category gave %q", got)
	}
	// The category alone, after unselecting the types it brought.
	press(t, m, "t")
	openPickerOf(m).SetSelection(false)
	press(t, m, "pgup")
	press(t, m, "space", "enter")
	if got := m.query.String(); got != "cat:login" {
		t.Fatalf("category alone gave %q", got)
	}
}

func TestJumpToTime(t *testing.T) {
	m := newModel(t, demoSource(), theme.NoColor(), 100, 30)
	all := sourcetest.Stream(t, demoSource(), nil)
	at := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)
	var want uint64
	for _, e := range all {
		if !e.Time.Before(at) {
			want = e.ID
			break
		}
	}
	press(t, m, "T")
	typeText(t, m, "2026-11-10 12:00")
	press(t, m, "enter")
	if m.current().ID != want {
		t.Fatalf("T 2026-11-10 12:00 landed on %d, want %d", m.current().ID, want)
	}
	// Keeps the filter: the first alice event at or after.
	press(t, m, "/")
	typeText(t, m, "user:alice")
	press(t, m, "enter", "T")
	typeText(t, m, "2026-11-10 12:00")
	press(t, m, "enter")
	if e := m.current(); e.Login != "alice" || e.Time.Before(at) {
		t.Fatalf("with a filter: %d %s %v", e.ID, e.Login, e.Time)
	}
	for _, e := range all {
		if e.Login == "alice" && !e.Time.Before(at) {
			if m.current().ID != e.ID {
				t.Fatalf("landed on %d, the first alice event after is %d", m.current().ID, e.ID)
			}
			break
		}
	}
	press(t, m, "T")
	typeText(t, m, "yesterdayy")
	if !strings.Contains(plainView(m), `"yesterdayy"`) {
		t.Fatal("no error for a bad time")
	}
	press(t, m, "esc", "T")
	typeText(t, m, "2030-01-01")
	press(t, m, "enter")
	if !strings.Contains(plainView(m), "no event at or after") {
		t.Fatal("a future time does not say so")
	}
}

func TestChipsAndCount(t *testing.T) {
	m := New(Options{Source: demoSource(), Query: compile(t, `cat:security -user:"Matomo System"`), Theme: theme.NoColor(), Now: fixedNow})
	send(t, m, tea.WindowSizeMsg{Width: 160, Height: 40})
	drain(t, m, m.Init())
	want := len(sourcetest.Stream(t, demoSource(), m.filter))
	v := plainView(m)
	if !strings.Contains(v, " cat:security ") || !strings.Contains(v, ` -user:"Matomo System" `) || !strings.Contains(v, numfmt.Thousands(uint64(want))+" matches") {
		t.Fatalf("status bar (want %d matches):\n%s", want, v)
	}
}

func TestNoRawEscapeInPickers(t *testing.T) {
	m := newModel(t, demo.FromRows(hostileRows(), nil), theme.Dark(), 120, 40)
	for _, k := range []string{"U", "esc", "t"} {
		press(t, m, k)
		if out := sgr.ReplaceAllString(view(m), ""); strings.ContainsRune(out, 0x1b) {
			t.Fatalf("raw escape in the %s picker", k)
		}
	}
}

// A -q query is in the prompt's history from the start, so clearing it by
// accident (esc) is undone with / and ↑, as the status bar says.
func TestQueryNeverLost(t *testing.T) {
	q := compile(t, `user:"evil\x1b[31m" cat:security`)
	r := newRig(t, demoSource(), Options{Query: q})
	r.run(r.m.Init())
	r.press("esc")
	if !r.m.query.Empty() {
		t.Fatal("esc did not clear the query")
	}
	r.wantStatus("query cleared · / ↑ restores")
	r.press("/", "up", "enter")
	if m := r.m; m.query.String() != q.String() {
		t.Fatalf("/ ↑ gave %q, want %q", m.query.String(), q.String())
	}
}

// A login full of control characters: u writes it with the escapes the
// screen shows, and applying that query again unchanged from the prompt,
// or typing what the screen shows, gives the very same events.
func TestHostileLoginRoundTrip(t *testing.T) {
	logins := []string{"evil\x1b[31m\a\r\nx", "\u202eadmin", "tab\tand\x7fdel", "Evil\x1b[31m\a\r\nX", "plain"}
	var rows []activity.Row
	for i := 0; i < 30; i++ {
		rows = append(rows, liveRow(uint64(i+1), "ActivityLog/UserSignInFailed", logins[i%len(logins)], clock.Add(-time.Duration(30-i)*time.Minute)))
	}
	r := newRig(t, demo.FromRows(rows, nil), Options{})
	r.run(r.m.Init())
	r.press("k") // onto the first hostile login, id 29 (30 is "plain")
	login := r.m.current().Login
	r.press("u")
	want := r.window()
	if len(want) != 12 { // both spellings of the first login
		t.Fatalf("u on %q shows %d events (%v) under %q", login, len(want), want, r.m.query.String())
	}
	typed := r.m.query.String()
	if strings.ContainsAny(typed, "\x1b\a\r\n\x7f") || !strings.Contains(typed, `\x1b[31m\a`) && !strings.Contains(typed, `\x07`) {
		t.Fatalf("u wrote %q", typed)
	}
	r.press("/", "enter")
	if got := r.window(); !slices.Equal(got, want) || r.m.query.String() != typed {
		t.Fatalf("/ enter changed the result: %q %v, was %v", r.m.query.String(), got, want)
	}
	// What the screen shows for that login, typed by hand inside quotes.
	shown := cell.Safe(login)
	r.press("ctrl+l", "/")
	typeText(t, r.m, `user:"`+shown+`"`)
	r.press("enter")
	if got := r.window(); !slices.Equal(got, want) {
		t.Fatalf("typing user:%q shows %v, want %v", shown, got, want)
	}
}

// Long chips give way to the count: the status bar always says how many
// events the query shows, whole.
func TestStatusBarKeepsTheCount(t *testing.T) {
	m := newModel(t, demoSource(), theme.NoColor(), 80, 24)
	drain(t, m, m.setQuery(compile(t, `ip:203.0.113.66 since:"2026-11-21T00:00:00Z" type:ActivityLog/UserSignInFailed id:2000..3100 -user:"Matomo System"`)))
	want := numfmt.Thousands(uint64(len(m.tl.events))) + " matches"
	line := lastLines(plainView(m), 2)
	if !strings.Contains(line, want) || !strings.Contains(line, "ip:203") {
		t.Fatalf("status bar lost the count %q or all chips:\n%s", want, line)
	}
	checkFrame(t, m, 80, 24)
}
