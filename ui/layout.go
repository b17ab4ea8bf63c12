package ui

// Below these the UI shows a "terminal too small" note instead.
const (
	minWidth  = 40
	minHeight = 8
)

// layout is where everything goes at the current size.
type layout struct {
	small       bool
	bodyH       int
	tlW, tlH    int
	dW, dH      int
	side, below bool // detail pane placement when not full screen
	full        bool
	detailShown bool
}

// layout is where everything goes, as computed at the last resize or
// change of mode.
func (m *Model) layout() layout { return m.lay }

// relayout computes the layout after a resize or a change of mode (full
// screen detail), and sizes the components for it.
func (m *Model) relayout() {
	m.lay = m.computeLayout()
	for _, l := range m.layers {
		m.sizeLayer(l)
	}
}

func (m *Model) computeLayout() layout {
	l := layout{}
	if m.c.Width < minWidth || m.c.Height < minHeight {
		l.small = true
		return l
	}
	l.bodyH = m.c.Height - 3 // header, status bar, key hint
	switch {
	case m.detail.full:
		l.full, l.detailShown = true, true
		l.dW, l.dH = m.c.Width, l.bodyH
	case m.c.Width >= 80+1+40:
		// Side by side once the timeline keeps at least 80 columns next
		// to a useful pane (40+).
		l.side, l.detailShown = true, true
		l.dW = min(max((m.c.Width-1)*2/5, 40), 64, m.c.Width-81)
		l.tlW, l.tlH = m.c.Width-l.dW-1, l.bodyH
		l.dH = l.bodyH
	case l.bodyH >= 12:
		l.below, l.detailShown = true, true
		l.dH = min(max(l.bodyH*2/5, 5), 14)
		l.tlW, l.tlH = m.c.Width, l.bodyH-l.dH-1
		l.dW = m.c.Width
	default:
		l.tlW, l.tlH = m.c.Width, l.bodyH
	}
	return l
}

func (m *Model) timelineRows() int {
	l := m.layout()
	if l.full {
		// Keep paging sized for the timeline that comes back.
		return max(1, l.bodyH-8)
	}
	return max(1, l.tlH)
}

func (m *Model) detailVisible() bool { return m.layout().detailShown }
