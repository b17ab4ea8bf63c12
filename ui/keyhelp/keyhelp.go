// Package keyhelp is the ? screen: every key of the component it was
// opened over, from that component's own bindings, and the marks, in a
// box that fits the terminal and scrolls when it is taller.
package keyhelp

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"matomo-audit/ui/cell"
	"matomo-audit/ui/common"
)

// Model is the help screen.
type Model struct {
	c      *common.Common
	groups [][]key.Binding
	w, h   int
	scroll int // first line shown, when help is taller than the screen
}

// New is help over a component whose keys are groups.
func New(c *common.Common, groups [][]key.Binding) *Model {
	return &Model{c: c, groups: groups}
}

// Place: help takes the body.
func (m *Model) Place() common.Placement { return common.Screen }

// SetSize gives help the body's room.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.clamp()
}

func (m *Model) closeKey() key.Binding {
	k := m.c.Keys
	return key.NewBinding(key.WithKeys(append(k.Help.Keys(), k.Back.Keys()...)...),
		key.WithHelp(k.Help.Help().Key+" or "+k.Back.Help().Key, "close help"))
}

// ShortHelp: closing it, and quitting.
func (m *Model) ShortHelp() []key.Binding { return []key.Binding{m.closeKey(), m.c.Keys.Quit} }

// FullHelp is help's own keys (help over help is not opened).
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Oldest, k.Newest, m.closeKey()}}
}

// Update scrolls and closes.
func (m *Model) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	if key.Matches(kp, m.closeKey()) {
		return common.Close{}, nil
	}
	page := max(1, m.h-4)
	if mv, ok := m.c.Keys.Nav().Match(kp, page, page); ok {
		m.scroll = mv.From(m.scroll)
		m.clamp()
	}
	return nil, nil
}

// width is the room inside the box (border and padding take 4).
func (m *Model) width() int { return max(1, m.w-4) }

func (m *Model) rows() int { return max(1, m.h-2) }

// clamp keeps the scroll within the lines when rows show them, the last
// row saying how many more there are.
func (m *Model) clamp() {
	n, rows := len(m.lines(m.width())), m.rows()
	if n <= rows {
		m.scroll = 0
		return
	}
	m.scroll = min(max(m.scroll, 0), n-(rows-1))
}

// View is the box, centred in the body.
func (m *Model) View() string {
	th := &m.c.Theme
	inner := m.width()
	lines := m.lines(inner)
	// As wide as the widest line of all, so the box keeps its size while
	// it scrolls.
	bw := 0
	for _, l := range lines {
		bw = max(bw, min(cell.Width(l), inner))
	}
	rows := m.rows()
	if len(lines) > rows {
		more := len(lines) - m.scroll - (rows - 1)
		shown := append([]string(nil), lines[m.scroll:m.scroll+rows-1]...)
		k := m.c.Keys
		hint := k.Up.Help().Key + " " + k.PageDown.Help().Key + ": scroll · " + k.Back.Help().Key + ": close"
		if more > 0 {
			hint = fmt.Sprintf("↓ %d more · ", more) + hint
		}
		lines = append(shown, th.HelpDesc.Render(cell.Clip(hint, inner, th.Ellipsis)))
	}
	for i, l := range lines {
		lines[i] = cell.PadRight(cell.ClipStyled(l, bw), bw)
	}
	return strings.Join(cell.PlaceBox(th.HelpBox.Render(strings.Join(lines, "\n")), m.w, m.h), "\n")
}

// lines are the help's content at a width: the keys laid out in as many
// columns as fit, then the marks.
func (m *Model) lines(w int) []string {
	th := &m.c.Theme
	out := []string{th.HelpTitle.Render("Keys")}
	out = append(out, m.grid(w)...)
	out = append(out, "", th.HelpTitle.Render("Marks"))
	marks := []string{
		th.Security.Render(th.MarkSecurity) + th.HelpDesc.Render(" security event"),
		th.Notice.Render(th.MarkNotice) + th.HelpDesc.Render(" notice"),
		th.HelpKey.Render(th.MarkCursor) + th.HelpDesc.Render(" cursor"),
		th.HelpKey.Render(th.MarkSelected) + th.HelpDesc.Render(" selected ("+m.c.Keys.Range.Help().Key+")"),
		th.Notice.Render(th.MarkIncident) + th.HelpDesc.Render(" marked ("+m.c.Keys.Mark.Help().Key+")"),
		th.UserPseudo.Render("name"+th.MarkPseudo) + th.HelpDesc.Render(" Matomo System, console or anonymous"),
		th.UserGone.Render("name"+th.MarkGone) + th.HelpDesc.Render(" not a current user"),
	}
	// Marks flow onto as many lines as the width needs.
	line := ""
	for _, mk := range marks {
		switch {
		case line == "":
			line = mk
		case cell.Width(line)+4+cell.Width(mk) <= w:
			line += "    " + mk
		default:
			out = append(out, line)
			line = mk
		}
	}
	return append(out, line)
}

// grid lays key groups out in columns: as many as fit in w cells, every
// key in one key column as wide as the widest key, so the columns line up
// whatever group a key is in. Narrow screens get one column, with long
// descriptions cut.
func (m *Model) grid(w int) []string {
	th := &m.c.Theme
	groups := m.groups
	kw := 0
	for _, g := range groups {
		for _, b := range g {
			kw = max(kw, cell.Width(b.Help().Key))
		}
	}
	const gap = 3
	for n := min(len(groups), 4); n >= 1; n-- {
		dw := make([]int, n)
		for i, g := range groups {
			for _, b := range g {
				dw[i%n] = max(dw[i%n], cell.Width(b.Help().Desc))
			}
		}
		total := (n - 1) * gap
		for _, d := range dw {
			total += kw + 1 + d
		}
		if total > w && n > 1 {
			continue
		}
		if n == 1 {
			dw[0] = max(1, min(dw[0], w-kw-1))
		}
		var out []string
		for row := 0; row*n < len(groups); row++ {
			height := 0
			for c := 0; c < n && row*n+c < len(groups); c++ {
				height = max(height, len(groups[row*n+c]))
			}
			for i := 0; i < height; i++ {
				var b strings.Builder
				for c := 0; c < n && row*n+c < len(groups); c++ {
					if c > 0 {
						b.WriteString(strings.Repeat(" ", gap))
					}
					g := groups[row*n+c]
					entry := strings.Repeat(" ", kw+1+dw[c])
					if i < len(g) {
						h := g[i].Help()
						entry = th.HelpKey.Render(cell.Fit(h.Key, kw, "")) + " " + th.HelpDesc.Render(cell.Fit(h.Desc, dw[c], th.Ellipsis))
					}
					b.WriteString(entry)
				}
				out = append(out, strings.TrimRight(b.String(), " "))
			}
		}
		return out
	}
	return nil
}
