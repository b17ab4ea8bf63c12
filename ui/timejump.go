package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/ui/prompt"
)

// openPrompt is / and T: the one-line editor over the status bar.
func (m *Model) openPrompt(kind prompt.Kind) tea.Cmd {
	p, cmd := prompt.New(m.c, kind, m.query.String(), m.history)
	m.push(p)
	return cmd
}

// promptIntent applies what the prompt asks for.
func (m *Model) promptIntent(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case prompt.Submitted:
		return m.setQuery(msg.Query)
	case prompt.Cleared:
		return m.setQuery(nil)
	case prompt.JumpTo:
		m.pause()
		return m.jumpToTime(msg.At)
	}
	return nil
}

type foundTimeMsg struct {
	at  time.Time
	id  uint64
	err error
}

// jumpToTime moves the cursor to the first event at or after at, keeping
// the filter: the id comes from a bisection on the primary key.
func (m *Model) jumpToTime(at time.Time) tea.Cmd {
	src, ctx := m.c.Src, m.c.Ctx
	m.tl.jumping = true
	return func() tea.Msg {
		id, err := src.FindTime(ctx, at)
		return foundTimeMsg{at: at, id: id, err: err}
	}
}

func (m *Model) applyFoundTime(msg foundTimeMsg) tea.Cmd {
	m.tl.jumping = false
	if msg.err != nil {
		m.status.err = msg.err.Error()
		return nil
	}
	if msg.id == 0 {
		// Everything is older than that: the newest is the closest.
		m.status.note = "no event at or after " + msg.at.In(m.c.Loc).Format("2006-01-02 15:04:05") + ": showing the newest"
		return m.loadJump(loadNewest)
	}
	m.status.note = ""
	return m.loadAround(msg.id, true)
}
