package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/demo"
	"matomo-audit/theme"
)

// TestIPKeys: i keeps only the cursor row's address, I widens it to its
// /24 (or /64), I again shows every address; the window then holds
// exactly what the query shows.
func TestIPKeys(t *testing.T) {
	m := newModel(t, demoSource(), theme.NoColor(), 120, 40)
	m.c.After = func(time.Duration, tea.Msg) tea.Cmd { return nil } // toasts stay; no waiting on them
	press(t, m, "/")
	typeText(t, m, "type:UserSignInFailed ip:"+demo.IncidentIP)
	press(t, m, "enter", "k", "ctrl+l") // the cursor on one of the incident's failures, then every event
	if e := m.current(); e == nil || e.IPText() != demo.IncidentIP {
		t.Fatalf("fixture: cursor on %+v", e)
	}
	press(t, m, "i")
	if got := m.query.String(); got != "ip:"+demo.IncidentIP {
		t.Fatalf("i: query %q", got)
	}
	for _, e := range m.tl.events {
		if e.IPText() != demo.IncidentIP {
			t.Fatalf("i: the window holds #%d from %s", e.ID, e.IPText())
		}
	}
	press(t, m, "I")
	if got := m.query.String(); got != "ip:203.0.113.0/24" {
		t.Fatalf("I: query %q", got)
	}
	press(t, m, "I")
	if !m.query.Empty() {
		t.Fatalf("I again: query %q", m.query.String())
	}
	press(t, m, "i", "i")
	if !m.query.Empty() {
		t.Fatalf("i twice: query %q", m.query.String())
	}
}
