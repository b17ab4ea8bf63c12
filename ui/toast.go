package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

type toastDoneMsg struct{ seq int }

// toastFor is how long a toast stays.
const toastFor = 6 * time.Second

// toast shows a passing message on the status bar's right.
func (m *Model) toast(msg string, warn bool) tea.Cmd {
	m.status.toastSeq++
	m.status.toast, m.status.toastWarn = msg, warn
	return m.c.After(toastFor, toastDoneMsg{seq: m.status.toastSeq})
}

// toastDone takes the toast away unless a later one replaced it.
func (m *Model) toastDone(msg toastDoneMsg) {
	if msg.seq == m.status.toastSeq {
		m.status.toast = ""
	}
}
