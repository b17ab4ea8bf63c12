package ui

import (
	tea "charm.land/bubbletea/v2"

	"matomo-audit/ui/common"
	"matomo-audit/ui/summaryview"
)

// openSummary is s: over the query's own since:/until: when it has
// them, else over the window chosen last (24h at first).
func (m *Model) openSummary() tea.Cmd {
	s, cmd := summaryview.New(m.c, summaryview.Options{
		Query: m.query, Window: m.sumWindow, BurstMin: m.burstMin, BurstWithin: m.burstWithin,
	})
	m.push(s)
	return cmd
}

// summaryIntent applies what the summary screen asks of the root.
func (m *Model) summaryIntent(from common.Component, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case summaryview.WindowChosen:
		m.sumWindow = msg.Window
	case summaryview.Show:
		// Through the same path as a query typed at the / prompt; a
		// single event also gets the cursor.
		m.remove(from)
		cmd := m.setQuery(msg.Query)
		if msg.ID != 0 {
			m.pause()
			cmd = tea.Batch(cmd, m.loadAround(msg.ID, true))
		}
		return cmd
	}
	return nil
}
