package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/source"
	"matomo-audit/theme"
)

// TestLostConnection: the database goes away; the UI keeps its rows, says
// so in the status bar, retries with growing pauses and recovers.
func TestLostConnection(t *testing.T) {
	f := &flaky{Source: demoSource()}
	m := newModel(t, f, theme.Dark(), 80, 24)
	m.retryBase = time.Millisecond
	f.setDown(true)
	// Walk up until the window needs a page that cannot come.
	stop := time.Now().Add(5 * time.Second)
	for m.status.err == "" && time.Now().Before(stop) {
		_, cmd := m.Update(keyMsg("pgup"))
		runOnce(t, m, cmd)
	}
	v := plainView(m)
	if !strings.Contains(v, "database not answering · reconnecting (attempt 1, next in") || strings.Contains(v, "is MySQL/MariaDB running") {
		t.Fatalf("status bar does not say the database is gone (without setup advice):\n%s", v)
	}
	if !strings.Contains(v, ">") {
		t.Fatal("rows disappeared while the database was down")
	}
	f.setDown(false)
	drainRetries(t, m)
	if m.status.err != "" {
		t.Fatalf("error still shown after recovery: %s", m.status.err)
	}
	press(t, m, "g")
	if m.current().ID != 1 {
		t.Fatal("cannot page after recovery")
	}

	// An error that is not an outage is shown as it is.
	f = &flaky{Source: demoSource(), fail: errors.New("SELECT command denied to user 'audit'")}
	m = newModel(t, f, theme.Dark(), 80, 24)
	f.setDown(true)
	for m.status.err == "" && time.Now().Before(stop.Add(5*time.Second)) {
		_, cmd := m.Update(keyMsg("pgup"))
		runOnce(t, m, cmd)
	}
	if v := plainView(m); !strings.Contains(v, "SELECT command denied") || strings.Contains(v, "not answering") {
		t.Fatalf("a query error reads as an outage:\n%s", v)
	}
}

// runOnce runs a command and feeds its message back, but not the retry
// ticks it schedules (so a test can look at the failing state).
func runOnce(t *testing.T, m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			runOnce(t, m, c)
		}
	case retryMsg, nil:
	default:
		m.Update(msg)
	}
}

func drainRetries(t *testing.T, m *Model) {
	for i := 0; i < 20 && (m.status.err != "" || m.status.retrying); i++ {
		drain(t, m, func() tea.Msg { return retryMsg{gen: m.tl.gen, kind: loadOlder} })
	}
}

var _ source.Source = (*flaky)(nil)
