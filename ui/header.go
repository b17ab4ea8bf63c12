package ui

import (
	"time"

	"matomo-audit/data/summary"
	"matomo-audit/internal/numfmt"
	"matomo-audit/ui/cell"
)

func (m *Model) header() string {
	left := " matomo-audit "
	mid := " " + m.srcLabel() + " · times " + m.c.Zone()
	right := " " + m.c.Keys.Help.Help().Key + " help "
	spark := ""
	if m.c.Width >= 100 && !m.sparkHidden() {
		spark = m.headerSpark()
	}
	avail := m.c.Width - cell.Width(left) - cell.Width(right) - cell.Width(spark)
	mid = cell.Fit(mid, max(0, avail), m.c.Theme.Ellipsis)
	return m.c.Theme.Header.Render(left) + m.c.Theme.HeaderDim.Render(mid) + spark + m.c.Theme.Header.Render(right)
}

// headerCells is how many bars the header's sparkline has.
const headerCells = 20

// headerSpark is the activity rate over the time the rows on screen span,
// with that span: a glance tells a burst from a quiet stretch while
// scrolling. It reads only the rows on screen, so it costs nothing next
// to drawing them.
func (m *Model) headerSpark() string {
	tl := &m.tl
	end := min(len(tl.events), tl.offset+m.timelineRows())
	if tl.offset >= end {
		return ""
	}
	shown := tl.events[tl.offset:end]
	var lo, hi time.Time
	for i := range shown {
		t := shown[i].Time
		if t.IsZero() {
			continue
		}
		if lo.IsZero() || t.Before(lo) {
			lo = t
		}
		if t.After(hi) {
			hi = t
		}
	}
	span := hi.Sub(lo)
	if lo.IsZero() || span <= 0 {
		return ""
	}
	var cells [headerCells]uint64
	for i := range shown {
		if t := shown[i].Time; !t.IsZero() {
			cells[min(int(t.Sub(lo)*headerCells/(span+1)), headerCells-1)]++
		}
	}
	th := m.c.Theme
	return th.HeaderSpark.Render(summary.Spark(cells[:])) + th.HeaderDim.Render(" "+numfmt.Duration(span)+" on screen ")
}
