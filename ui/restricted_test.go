package ui

import (
	"context"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/data/summary"
	"matomo-audit/theme"
	"matomo-audit/ui/picker"
	"matomo-audit/ui/summaryview"
)

// TestRestrictedSessionPaths walks a session restricted to bob through
// every path that shows events, counts or names (the timeline, queries of
// any kind, the pickers and their counts, the summary, the detail pane,
// copies, time jumps, selections and the status bar) and checks that all
// it holds or shows is bob's. The restriction is the source's; this test
// is about the UI reading nothing around it.
func TestRestrictedSessionPaths(t *testing.T) {
	src := source.Restrict(demoSource(), "bob")
	m := New(Options{Source: src, Theme: theme.NoColor(), Now: fixedNow, Role: "bob · own activity only", Restricted: true})
	m.c.After = func(d time.Duration, msg tea.Msg) tea.Cmd { return nil }
	t.Cleanup(m.Close)
	send(t, m, tea.WindowSizeMsg{Width: 160, Height: 48})
	drain(t, m, m.Init())

	onlyBob := func(where string) {
		t.Helper()
		if len(m.tl.events) == 0 && where == "start" {
			t.Fatalf("%s: bob sees nothing at all", where)
		}
		for i := range m.tl.events {
			if l := m.tl.events[i].Login; query.FoldLogin(l) != "bob" {
				t.Fatalf("%s: the window holds %q's event #%d", where, l, m.tl.events[i].ID)
			}
		}
		v := plainView(m)
		if regexp.MustCompile(`\(\d+%\)`).MatchString(v) {
			t.Fatalf("%s: a table-wide position is shown:\n%s", where, v)
		}
		if p, ok := m.top().(*picker.Model); ok {
			for _, it := range p.Items() {
				if strings.HasPrefix(it.Key, "u:") && it.Key != "u:bob" && it.Count.Count > 0 {
					t.Fatalf("%s: the picker counts %q", where, it.Label)
				}
			}
		}
		if s, ok := m.top().(*summaryview.Model); ok && s.Report() != nil {
			r := s.Report()
			for _, u := range r.Users {
				if query.FoldLogin(u.Name) != "bob" {
					t.Fatalf("%s: the summary lists %q", where, u.Name)
				}
			}
			if d := r.Drift; len(d.Entries) > 0 || d.Problem != source.ErrSuperUsersOnly.Error() {
				t.Fatalf("%s: the summary shows Matomo's privileges to bob: %+v", where, d)
			}
			for _, it := range append(append([]summary.Item(nil), r.Privileges...), r.Plugins...) {
				if query.FoldLogin(it.User) != "bob" {
					t.Fatalf("%s: the summary lists %q's event #%d", where, it.User, it.ID)
				}
			}
		}
	}
	walkPaths(t, m, []string{"user:alice", "-user:bob", "user:alice,bob", "mallory", "cat:security", `user:*`, "id:1..100000"}, func(where string) {
		onlyBob(where)
		if v := plainView(m); where == "detail" && !strings.Contains(v, "bob") {
			t.Fatalf("the detail pane does not show bob's event:\n%s", v)
		}
	})
	press(t, m, "v", "G")
	// y copies the cursor event: bob's, as JSON.
	_, cmd := m.Update(keyMsg("y"))
	for _, msg := range run(cmd) {
		if raw, ok := msg.(tea.RawMsg); ok {
			s, _ := raw.Msg.(string)
			if i := strings.Index(s, "52;c;"); i >= 0 {
				b64 := strings.TrimRight(s[i+5:], "\a\x1b\\")
				data, err := base64.StdEncoding.DecodeString(b64)
				if err != nil || !strings.Contains(string(data), `"user": "bob"`) && !strings.Contains(string(data), `"user":"bob"`) {
					t.Fatalf("y copied %q (%v)", data, err)
				}
			}
		}
	}
	onlyBob("after copying")
}

// TestServedLabel: a served session's header names the server, not the
// database account and host it reads with.
func TestServedLabel(t *testing.T) {
	m := New(Options{Source: demoSource(), Theme: theme.NoColor(), Now: fixedNow, Label: "served at 127.0.0.1:2222"})
	t.Cleanup(m.Close)
	send(t, m, tea.WindowSizeMsg{Width: 120, Height: 30})
	drain(t, m, m.Init())
	header := strings.Split(plainView(m), "\n")[0]
	if !strings.Contains(header, "served at 127.0.0.1:2222") || strings.Contains(header, "demo") {
		t.Fatalf("header: %q", header)
	}
	if got := m.View().WindowTitle; strings.Contains(got, "demo") {
		t.Fatalf("window title: %q", got)
	}
}

// TestViewSessionPaths walks a shared view's session (a key with
// view="...",query="cat:login" and no login) through the same paths as
// TestRestrictedSessionPaths: nothing outside the view is held or shown,
// and no e-mail from Matomo's user table appears.
func TestViewSessionPaths(t *testing.T) {
	vq, err := query.Parse("cat:login")
	if err != nil {
		t.Fatal(err)
	}
	view := query.Compile(vq, fixedNow(), time.UTC)
	src := source.GuardView(demoSource(), view, "")
	src.SetAll()
	m := New(Options{Source: src, Theme: theme.NoColor(), Now: fixedNow, Role: "view oncall", Restricted: true})
	m.c.After = func(d time.Duration, msg tea.Msg) tea.Cmd { return nil }
	t.Cleanup(m.Close)
	send(t, m, tea.WindowSizeMsg{Width: 160, Height: 48})
	drain(t, m, m.Init())
	users, err := demoSource().Users(context.Background())
	if err != nil || len(users) == 0 {
		t.Fatalf("fixture: users %v, %v", users, err)
	}
	var emails []string // those that are not also a login
	for _, u := range users {
		if u.Email != "" && !strings.EqualFold(u.Email, u.Login) {
			emails = append(emails, u.Email)
		}
	}
	if len(emails) == 0 {
		t.Fatal("fixture: no e-mail to look for")
	}
	inView := func(where string) {
		t.Helper()
		if len(m.tl.events) == 0 && where == "start" {
			t.Fatalf("%s: the view shows nothing at all", where)
		}
		for i := range m.tl.events {
			if e := &m.tl.events[i]; !view.Match(e) {
				t.Fatalf("%s: the window holds event #%d (%s), outside the view", where, e.ID, e.Type)
			}
		}
		v := plainView(m)
		if regexp.MustCompile(`\(\d+%\)`).MatchString(v) {
			t.Fatalf("%s: a table-wide position is shown:\n%s", where, v)
		}
		for _, addr := range emails {
			if strings.Contains(v, addr) {
				t.Fatalf("%s: the e-mail %s is shown:\n%s", where, addr, v)
			}
		}
		if s, ok := m.top().(*summaryview.Model); ok && s.Report() != nil {
			if r := s.Report(); len(r.Privileges) > 0 || len(r.Plugins) > 0 {
				t.Fatalf("%s: the summary lists privilege or plugin events outside the view", where)
			}
			if d := s.Report().Drift; len(d.Entries) > 0 || d.Problem != source.ErrSuperUsersOnly.Error() {
				t.Fatalf("%s: the summary shows Matomo's privileges in a view: %+v", where, d)
			}
		}
	}
	walkPaths(t, m, []string{"-cat:login", "cat:security -cat:login", "type:*Added", "sev:notice", "id:1..100000", "user:*"}, inView)
}

// walkPaths takes a session through every path that shows events, counts
// or names, calling check after each: the start, each query typed, the
// pickers, the summary and a wider one, the detail pane, a time jump and
// a selection (left open).
func walkPaths(t *testing.T, m *Model, queries []string, check func(where string)) {
	t.Helper()
	check("start")
	for _, q := range queries {
		press(t, m, "/")
		typeText(t, m, q)
		press(t, m, "enter")
		check("query " + q)
		press(t, m, "ctrl+l")
	}
	press(t, m, "U")
	check("user picker")
	press(t, m, "esc", "t")
	check("type picker")
	press(t, m, "esc", "s")
	check("summary")
	press(t, m, "]", "]")
	check("summary, wider")
	press(t, m, "esc", "k", "k", "enter")
	check("detail")
	press(t, m, "enter", "T")
	typeText(t, m, "-29d")
	press(t, m, "enter")
	check("time jump")
	press(t, m, "v", "k", "k", "k")
	check("selection")
}
