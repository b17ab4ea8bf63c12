package picker

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/keymap"
	"matomo-audit/theme"
	"matomo-audit/ui/common"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func newCommon(src source.Source, keys keymap.KeyMap) *common.Common {
	c := common.New(context.Background(), src, theme.NoColor(), &keys, func() time.Time { return now }, time.UTC)
	c.SetSize(100, 30)
	return c
}

func parse(t *testing.T, s string) *query.Query {
	t.Helper()
	q, err := query.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// stats counts logins and types as a counting scan would.
func stats(events ...activity.Event) Stats {
	var st source.Stats
	for i := range events {
		st.Add(&events[i])
	}
	return Stats{Stats: st, Done: true}
}

func ev(login, typ string, ago time.Duration) activity.Event {
	return activity.Event{Login: login, Type: typ, Time: now.Add(-ago)}
}

func press(t *testing.T, m *Model, keys ...string) tea.Msg {
	t.Helper()
	var last tea.Msg
	for _, k := range keys {
		msg := tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "space":
			msg = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "pgdown":
			msg = tea.KeyPressMsg{Code: tea.KeyPgDown}
		}
		last, _ = m.Update(msg)
	}
	return last
}

var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

func view(m *Model) string { return sgr.ReplaceAllString(m.View(), "") }

// The picker lists what the root's counts say, busiest first, and applying
// hands the root the query with the highlighted user.
func TestUsersFromStats(t *testing.T) {
	m := New(newCommon(nil, keymap.Default()), Users, parse(t, "cat:security"))
	m.SetSize(100, 20)
	if v := view(m); !strings.Contains(v, "counting under cat:security…") {
		t.Fatalf("before any counts:\n%s", v)
	}
	m.Update(stats(ev("bob", "ActivityLog/UserSignInFailed", time.Hour), ev("alice", "ActivityLog/UserSignInFailed", 2*time.Hour), ev("alice", "ActivityLog/UserSignInFailed", 2*time.Hour), ev("Alice", "ActivityLog/UserSignInFailed", 3*time.Hour)))
	v := view(m)
	if !strings.Contains(v, "counts under cat:security") || !strings.Contains(v, "alice (also Alice)") {
		t.Fatalf("with counts:\n%s", v)
	}
	if it := m.Current(); it == nil || it.Label != "alice" || it.Count.Count != 3 {
		t.Fatalf("first entry %+v, want alice with 3", it)
	}
	press(t, m, "down")
	apply, ok := press(t, m, "enter").(Apply)
	if !ok || apply.Query.String() != "cat:security user:bob" {
		t.Fatalf("enter gave %#v", apply)
	}
	m.Update(Stats{Err: "boom"})
	if v := view(m); !strings.Contains(v, "counting failed: boom") {
		t.Fatalf("a failed count:\n%s", v)
	}
}

// Opened over the query's own users it holds them; enter unchanged only
// closes, tab turns them into exclusions, esc closes.
func TestPreselectAndApply(t *testing.T) {
	m := New(newCommon(nil, keymap.Default()), Users, parse(t, "user:alice type:x"))
	if got := m.Facet().String(); got != "type:x" {
		t.Fatalf("facet %q", got)
	}
	m.Update(stats(ev("alice", "x", time.Hour), ev("bob", "x", time.Hour)))
	if !m.Selected("u:alice") {
		t.Fatal("the query's user is not selected")
	}
	if _, ok := press(t, m, "enter").(common.Close); !ok {
		t.Fatal("enter with nothing changed does not just close")
	}
	apply, ok := press(t, m, "tab", "enter").(Apply)
	if !ok || apply.Query.String() != "type:x -user:alice" {
		t.Fatalf("tab enter gave %#v", apply)
	}
	if _, ok := press(t, m, "esc").(common.Close); !ok {
		t.Fatal("esc does not close")
	}
}

// The user table comes from the picker's own command: a login it lacks is
// marked as gone.
func TestKnownUsers(t *testing.T) {
	src := demo.FromRows(nil, []demo.User{{Login: "alice"}})
	m := New(newCommon(src, keymap.Default()), Users, &query.Query{})
	m.SetSize(100, 20)
	m.Update(stats(ev("alice", "x", time.Hour), ev("mallory", "x", time.Hour)))
	run(m, m.Init())
	if v := view(m); !strings.Contains(v, "mallory"+theme.NoColor().MarkGone) || strings.Contains(v, "alice"+theme.NoColor().MarkGone) {
		t.Fatalf("gone users:\n%s", v)
	}
}

func run(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			run(m, c)
		}
	case nil:
	default:
		m.Update(msg)
	}
}

// Types come grouped under their categories; a search keeps a category
// above the types it matched.
func TestTypesSearch(t *testing.T) {
	m := New(newCommon(nil, keymap.Default()), Types, &query.Query{})
	m.SetSize(100, 30)
	m.Update(stats(ev("a", "ActivityLog/UserSignInFailed", time.Hour)))
	m.SetSearch("SignInFailed")
	v := view(m)
	if !strings.Contains(v, "category login") || !strings.Contains(v, "ActivityLog/UserSignInFailed") {
		t.Fatalf("search:\n%s", v)
	}
	if it := m.Current(); it == nil || !it.Header {
		t.Fatalf("first shown %+v, want the category", it)
	}
}

// Rebound keys move, and the hint line shows them.
func TestRebound(t *testing.T) {
	keys := keymap.Default()
	keys.ListDown = key.NewBinding(key.WithKeys("ctrl+j"), key.WithHelp("ctrl+j", "down"))
	keys.ListPageDown = key.NewBinding(key.WithKeys("ctrl+f"), key.WithHelp("ctrl+f", "page down"))
	c := newCommon(nil, keys)
	m := New(c, Users, &query.Query{})
	var evs []activity.Event
	for i := range 30 {
		evs = append(evs, ev("user"+string(rune('a'+i)), "x", time.Duration(i)*time.Minute))
	}
	m.Update(stats(evs...))
	m.Update(tea.KeyPressMsg{Code: 'j', Mod: tea.ModCtrl})
	if m.cursor != 1 {
		t.Fatalf("ctrl+j: cursor %d", m.cursor)
	}
	press(t, m, "down")
	if m.cursor != 1 {
		t.Fatalf("the old key still moves: cursor %d", m.cursor)
	}
	m.Update(tea.KeyPressMsg{Code: 'f', Mod: tea.ModCtrl})
	if m.cursor != 1+page {
		t.Fatalf("ctrl+f: cursor %d", m.cursor)
	}
	if h := sgr.ReplaceAllString(c.Hint(m.ShortHelp(), 200), ""); !strings.Contains(h, "ctrl+j down") || !strings.Contains(h, "ctrl+f page down") {
		t.Fatalf("hint %q", h)
	}
}
