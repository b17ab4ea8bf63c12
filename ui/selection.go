package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/internal/numfmt"
	"matomo-audit/ui/cell"
)

// selection is a range of events from an anchor (where v was pressed) to
// the cursor, in id order. Ids, not window positions, define it, so it
// stretches across pages not loaded yet and survives the window being
// trimmed. It contains the events the filter shows between its ends.
type selection struct {
	active     bool
	anchor     uint64
	anchorTime time.Time
	// countKey names the counting scan of the span when the window does
	// not hold all of it ("" when it does).
	countKey string
}

// toggleRange is v: anchor a selection at the cursor, or drop it.
func (m *Model) toggleRange() tea.Cmd {
	if m.sel.active {
		m.clearRange()
		return nil
	}
	e := m.current()
	if e == nil {
		return nil
	}
	// Choosing a span while rows keep arriving at the bottom would move
	// it under the user's hands.
	m.pause()
	m.sel = selection{active: true, anchor: e.ID, anchorTime: e.Time}
	return nil
}

func (m *Model) clearRange() {
	if m.sel.countKey != "" {
		delete(m.counts, m.sel.countKey)
	}
	m.sel = selection{}
}

// span is the selected id range, lo <= hi.
func (m *Model) span() (lo, hi uint64, ok bool) {
	if !m.sel.active {
		return 0, 0, false
	}
	e := m.current()
	if e == nil {
		return m.sel.anchor, m.sel.anchor, true
	}
	return min(m.sel.anchor, e.ID), max(m.sel.anchor, e.ID), true
}

func (m *Model) selected(id uint64) bool {
	lo, hi, ok := m.span()
	return ok && id >= lo && id <= hi
}

// spanEnds are the times of the first and last selected events.
func (m *Model) spanEnds() (first, last time.Time) {
	e := m.current()
	if e == nil {
		return m.sel.anchorTime, m.sel.anchorTime
	}
	if e.ID < m.sel.anchor {
		return e.Time, m.sel.anchorTime
	}
	return m.sel.anchorTime, e.Time
}

// windowCovers: the window holds every matching event in [lo, hi].
func (m *Model) windowCovers(lo, hi uint64) bool {
	tl := &m.tl
	if len(tl.events) == 0 || tl.jumping {
		return false
	}
	return (tl.atOldest || tl.events[0].ID <= lo) && (tl.atNewest || tl.events[len(tl.events)-1].ID >= hi)
}

// selectionCount is how many events are selected: from the window when it
// holds the whole span, else from a counting scan of the span. done is
// false while that scan runs (n is then a lower bound).
func (m *Model) selectionCount() (n uint64, done bool, pct uint64) {
	lo, hi, ok := m.span()
	if !ok {
		return 0, true, 100
	}
	if m.windowCovers(lo, hi) {
		for i := range m.tl.events {
			if id := m.tl.events[i].ID; id >= lo && id <= hi {
				n++
			}
		}
		return n, true, 100
	}
	c, ok := m.counts[m.sel.countKey]
	if !ok || c.hi == 0 {
		return 0, false, 0
	}
	span := max(c.hi-lo+1, 1)
	return c.stats.Matches, c.done, (c.next - lo) * 100 / span
}

// countSelection starts counting the span when the window cannot, once
// the cursor rests (every move makes a new span).
func (m *Model) countSelection() tea.Cmd {
	lo, hi, ok := m.span()
	if !ok || m.windowCovers(lo, hi) {
		return nil
	}
	key := "\x00selection\x00" + m.query.String() + "\x00" + cell.Itoa(lo) + "-" + cell.Itoa(hi)
	if key == m.sel.countKey {
		return m.countStep(m.counts[key])
	}
	if m.sel.countKey != "" {
		delete(m.counts, m.sel.countKey)
	}
	m.sel.countKey = key
	c := m.countsFor(key, m.query)
	c.filter = m.filter // the very filter the timeline shows
	c.next, c.hi = lo, hi
	return m.countStep(c)
}

// selectionText is the status bar's word on the selection.
func (m *Model) selectionText() string {
	lo, hi, ok := m.span()
	if !ok {
		return ""
	}
	n, done, pct := m.selectionCount()
	ids := " (id " + numfmt.Thousands(lo) + ".." + numfmt.Thousands(hi) + ")"
	switch {
	case done && n == 1:
		return "selected 1 event" + ids
	case done:
		return "selected " + numfmt.Thousands(n) + " events" + ids
	case n == 0:
		return "selected: counting…" + ids
	case m.srv.restricted:
		// No scan percentage in a restricted session: the ids a scan
		// walks are mostly other logins' rows.
		return "selected ≥" + numfmt.Thousands(n) + " events" + ids + ", counting…"
	}
	return "selected ≥" + numfmt.Thousands(n) + " events" + ids + ", counting " + cell.Itoa(pct) + "%"
}
