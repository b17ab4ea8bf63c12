package source_test

import (
	"testing"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/data/sourcetest"
)

func demoUsers() []demo.User {
	var out []demo.User
	for _, u := range sourcetest.RestrictUsers() {
		out = append(out, demo.User{Login: u.Login, Email: u.Email, SuperUser: u.SuperUser, Invited: u.Invited})
	}
	return out
}

// TestRestricted runs the restricted-session table on the in-memory
// source; the MySQL source's tests run it on MariaDB.
func TestRestricted(t *testing.T) {
	src := demo.FromRows(sourcetest.RestrictRows(), demoUsers())
	sourcetest.CheckRestricted(t, src, func(_ testing.TB, rows ...activity.Row) { src.Insert(rows...) })
}

func TestNarrow(t *testing.T) {
	src := demo.FromRows(sourcetest.RestrictRows(), demoUsers())
	r := source.Guard(src)
	f := sourcetest.Filter(t, "-user:x")
	redacted := activity.Event{ID: 5}
	// Not told whom it serves: nothing, not even a redacted row.
	for _, g := range []*query.Filter{nil, f} {
		if n := r.Narrow(g); n.Match(&redacted) || n.Match(&activity.Event{ID: 2, Login: "bob"}) {
			t.Errorf("an empty scope's Narrow(%v) matches", g.Terms())
		}
	}
	r.SetOnly("bob")
	n := r.Narrow(f)
	if n.Query != f.Query || n.Match(&redacted) || !n.Match(&activity.Event{ID: 2, Login: "Bob"}) {
		t.Error("Narrow must keep the user's query and match only bob")
	}
	// The same filter narrows to the same filter, so a source can resume
	// the scan of the previous page; a new scope narrows anew.
	if r.Narrow(f) != n {
		t.Error("Narrow of the same filter and scope is a new filter")
	}
	r.SetOnly("bob")
	if r.Narrow(f) == n {
		t.Error("Narrow kept a filter of an earlier scope")
	}
	r.SetAll()
	if r.Narrow(f) != f {
		t.Error("with every event allowed, Narrow must leave the filter as it is")
	}
}

// indexed is a source with a grant index in memory.
type indexed struct {
	*demo.Source
	span  source.GrantSpan
	saved int
}

func (s *indexed) LoadGrants() (source.GrantSpan, bool) { return s.span, s.span.From != 0 }
func (s *indexed) SaveGrants(g source.GrantSpan) error {
	s.span, s.saved = g, s.saved+1
	return nil
}

// TestRestrictedGrantIndex: only a super user's session that is no
// shared view reads or writes the index of grant events, as only it may
// read privileges; the others would write an index of their own events.
func TestRestrictedGrantIndex(t *testing.T) {
	src := &indexed{Source: demo.FromRows(sourcetest.RestrictRows(), demoUsers()), span: source.GrantSpan{From: 1, Upto: 9}}
	for _, c := range []struct {
		name  string
		r     *source.Restricted
		scope source.Scope
		ok    bool
	}{
		{"super user", source.Guard(src), source.Scope{All: true}, true},
		{"one login", source.Guard(src), source.Scope{Login: "bob"}, false},
		{"nothing yet", source.Guard(src), source.Scope{}, false},
		{"super user's view", source.GuardView(src, sourcetest.Filter(t, "user:bob"), "alice"), source.Scope{All: true}, false},
	} {
		c.r.Set(c.scope)
		saved := src.saved
		_, ok := c.r.LoadGrants()
		if err := c.r.SaveGrants(source.GrantSpan{From: 1, Upto: 10}); err != nil {
			t.Fatal(err)
		}
		if ok != c.ok || (src.saved > saved) != c.ok {
			t.Errorf("%s: loaded %v, saved %v; want %v", c.name, ok, src.saved > saved, c.ok)
		}
	}
}
