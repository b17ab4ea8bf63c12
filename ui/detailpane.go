package ui

import (
	"fmt"
	"strings"

	"matomo-audit/data/activity"
	"matomo-audit/ui/cell"
)

// paneRule is the line between timeline and a detail pane below it.
func (m *Model) paneRule(w int) string {
	label := "─ detail "
	if m.detail.focus {
		label = "─ detail (" + m.c.Keys.Focus.Help().Key + ": back to the timeline) "
	}
	return cell.Fit(label+strings.Repeat("─", w), w, "")
}

// syncDetail records the detail pane's size and length after every
// update, so scrolling keys know their bounds without View changing state.
func (m *Model) syncDetail() {
	l := m.layout()
	m.detail.height, m.detail.total = l.dH, 0
	if e := m.current(); e != nil && l.detailShown {
		m.detail.total = len(m.detailFor(e, max(1, l.dW-2)))
	}
	m.detail.clampScroll()
}

// detailPane is the cursor event's detail, scrolled, exactly h lines of w.
func (m *Model) detailPane(w, h int) []string {
	out := make([]string, h)
	e := m.current()
	var lines []string
	inner := max(1, w-2)
	if e == nil {
		lines = []string{m.c.Theme.Empty.Render("no event selected")}
	} else {
		lines = m.detailFor(e, inner)
	}
	scroll := min(max(m.detail.scroll, 0), max(0, len(lines)-h))
	for i := range out {
		line := ""
		if j := scroll + i; j < len(lines) {
			line = lines[j]
		}
		out[i] = " " + cell.PadRight(cell.ClipStyled(line, inner), inner) + " "
	}
	if more := len(lines) - scroll - h; more > 0 && h > 1 {
		hint := fmt.Sprintf("↓ %d more lines", more)
		if m.detail.full || m.detail.focus {
			k := m.c.Keys
			hint += " (" + k.ScrollKeys() + ")"
		} else {
			k := m.c.Keys
			hint += " (" + k.Focus.Help().Key + " to scroll, " + k.Detail.Help().Key + " for full screen)"
		}
		out[h-1] = " " + m.c.Theme.DetailDim.Render(cell.Fit(hint, inner, m.c.Theme.Ellipsis)) + " "
	}
	return out
}

// detailCache is the pane's content for one event as last drawn: keys
// and redraws reuse it, so a long parameter tree is laid out once.
type detailCache struct {
	key   detailKey
	lines []string
}

// detailKey is everything the content depends on.
type detailKey struct {
	ev      *activity.Event
	id      uint64
	w       int
	raw     bool
	theme   string
	age     string // the age shown moves on with the clock
	problem string
}

// detailFor is e's content at width w, from the cache when nothing it
// depends on has changed.
func (m *Model) detailFor(e *activity.Event, w int) []string {
	k := detailKey{ev: e, id: e.ID, w: w, raw: m.detail.raw, theme: m.c.Theme.Name, problem: m.userProblem}
	if !e.Time.IsZero() {
		k.age = age(m.c.Now(), e.Time)
	}
	if m.detail.cache.lines == nil || m.detail.cache.key != k {
		m.detail.cache = detailCache{key: k, lines: m.detailLines(e, w)}
	}
	return m.detail.cache.lines
}
