package ui

import (
	tea "charm.land/bubbletea/v2"

	"matomo-audit/ui/common"
	"matomo-audit/ui/picker"
)

// openPicker opens a picker over the current query, with the counts known
// so far under its facet, and counts on.
func (m *Model) openPicker(kind picker.Kind) tea.Cmd {
	p := picker.New(m.c, kind, m.query)
	m.push(p)
	fed, c := m.feedPicker(p)
	return tea.Batch(p.Init(), fed, m.countStep(c))
}

// pickerLayer is the open picker, nil when none is.
func (m *Model) pickerLayer() *picker.Model {
	for _, l := range m.layers {
		if p, ok := l.(*picker.Model); ok {
			return p
		}
	}
	return nil
}

// pickerCounts are the counts behind the picker: the facet query's
// counting scan, or the window itself when it holds every match of that
// very query.
func (m *Model) pickerCounts(p *picker.Model) (picker.Stats, *counts) {
	fq := p.Facet()
	if fq.String() == m.query.String() && m.windowComplete() && !m.query.Empty() {
		return picker.Stats{Stats: m.windowStats(), Done: true}, &counts{done: true}
	}
	c := m.countsFor(fq.String(), fq)
	return picker.Stats{Stats: c.stats, Done: c.done, Err: c.err}, c
}

// feedPicker sends the picker its counts as they stand, and hands back the
// scan behind them so that the caller can count on.
func (m *Model) feedPicker(p *picker.Model) (tea.Cmd, *counts) {
	st, c := m.pickerCounts(p)
	return m.fromLayer(p, st), c
}

// pickerIntent applies what a picker asks: its query, in place of the
// one it opened over.
func (m *Model) pickerIntent(from common.Component, msg picker.Apply) tea.Cmd {
	m.remove(from)
	return m.setQuery(msg.Query)
}
