package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/ui/cell"
	"matomo-audit/ui/common"
)

// View renders the screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "matomo-audit · " + m.srcLabel()
	return v
}

func (m *Model) srcLabel() string {
	if m.label != "" {
		return cell.Safe(m.label)
	}
	if m.c.Src == nil {
		return ""
	}
	return cell.Safe(m.c.Src.Label())
}

func (m *Model) render() string {
	if m.c.Width == 0 || m.c.Height == 0 {
		return ""
	}
	l := m.layout()
	if l.small {
		return m.tooSmall()
	}
	var body []string
	switch {
	case l.full:
		body = m.detailPane(m.c.Width, l.bodyH)
	case l.side:
		tl := m.timelineView(l.tlW, l.tlH)
		dp := m.detailPane(l.dW, l.dH)
		sep := m.c.Theme.Border.Render("│")
		body = make([]string, l.bodyH)
		for i := range body {
			body[i] = tl[i] + sep + dp[i]
		}
	case l.below:
		body = append(m.timelineView(l.tlW, l.tlH), m.c.Theme.Border.Render(m.paneRule(m.c.Width)))
		body = append(body, m.detailPane(m.c.Width, l.dH)...)
	default:
		body = m.timelineView(l.tlW, l.tlH)
	}
	for _, ly := range m.layers {
		switch ly.Place() {
		case common.Screen:
			body = strings.Split(ly.View(), "\n")
		case common.Box:
			body = m.overlayBox(body, ly.View())
		}
	}
	lines := make([]string, 0, m.c.Height)
	lines = append(lines, m.header())
	lines = append(lines, body...)
	bottom := []string{m.statusBar(), m.hint()}
	for _, ly := range m.layers {
		if ly.Place() == common.Bottom {
			bottom = strings.Split(ly.View(), "\n")
		}
	}
	lines = append(lines, bottom...)
	return strings.Join(lines, "\n")
}

func (m *Model) tooSmall() string {
	msg := []string{
		"Terminal too small",
		fmt.Sprintf("%dx%d, need %dx%d", m.c.Width, m.c.Height, minWidth, minHeight),
		m.c.Keys.Quit.Keys()[0] + " quits",
	}
	out := make([]string, m.c.Height)
	top := max(0, (m.c.Height-len(msg))/2)
	for i := range out {
		line := ""
		if j := i - top; j >= 0 && j < len(msg) {
			line = cell.Clip(msg[j], m.c.Width, "")
			line = strings.Repeat(" ", max(0, (m.c.Width-cell.Width(line))/2)) + line
		}
		out[i] = cell.Fit(line, m.c.Width, "")
	}
	return strings.Join(out, "\n")
}

// placeBox centres a box in a w x h area, exactly h lines of w cells.
// overlayBox draws box over the body, on whole rows (slivers of rows
// beside a box read as noise): centred, or at the top or bottom when that
// hides fewer selected rows.
func (m *Model) overlayBox(lines []string, box string) []string {
	rows := strings.Split(box, "\n")
	bw := 0
	for _, r := range rows {
		bw = max(bw, cell.Width(r))
	}
	bw = min(bw, m.c.Width)
	spare := max(0, len(lines)-len(rows))
	hidden := func(top int) int {
		n := 0
		for i := top; i < top+len(rows) && i < len(lines); i++ {
			if idx := m.tl.offset + i; i < m.timelineRows() && idx < len(m.tl.events) && m.selected(m.tl.events[idx].ID) {
				n++
			}
		}
		return n
	}
	top := spare / 2
	for _, t := range []int{0, spare} {
		if hidden(t) < hidden(top) {
			top = t
		}
	}
	out := append([]string(nil), lines...)
	left := (m.c.Width - bw) / 2
	for i, r := range rows {
		if j := top + i; j < len(out) {
			out[j] = cell.PadRight(strings.Repeat(" ", left)+cell.ClipStyled(r, bw), m.c.Width)
		}
	}
	return out
}
