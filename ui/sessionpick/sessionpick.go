// Package sessionpick is W in a session served over SSH: the sessions of
// the server one may watch, newest first, with what each is looking at,
// to pick one and mirror it live.
package sessionpick

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"matomo-audit/internal/numfmt"
	"matomo-audit/keymap"
	"matomo-audit/serve/watch"
	"matomo-audit/ui/cell"
	"matomo-audit/ui/common"
)

// Chosen asks the root to watch session ID.
type Chosen struct{ ID uint64 }

// Model is the list.
type Model struct {
	c       *common.Common
	targets []watch.Target
	cursor  int
	w, h    int
}

// New is the list of targets (as the registry gave them: newest first).
func New(c *common.Common, targets []watch.Target) *Model {
	return &Model{c: c, targets: targets}
}

// Place: a box over the timeline.
func (m *Model) Place() common.Placement { return common.Box }

// SetSize is the room the box may take.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

func (m *Model) watchKey() key.Binding { return keymap.Relabel(m.c.Keys.Apply, "watch") }

func (m *Model) closeKey() key.Binding { return keymap.Relabel(m.c.Keys.Back, "close") }

// ShortHelp: moving, watching, closing.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{keymap.Relabel(k.Up, "up"), keymap.Relabel(k.Down, "down"), m.watchKey(), m.closeKey(), k.Quit}
}

// FullHelp is the list's own keys.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Update moves, chooses and closes.
func (m *Model) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	switch {
	case key.Matches(kp, m.closeKey()):
		return common.Close{}, nil
	case key.Matches(kp, m.watchKey()) && len(m.targets) > 0:
		return common.Batch{common.Close{}, Chosen{ID: m.targets[m.cursor].ID}}, nil
	}
	if mv, ok := m.c.Keys.Nav().Match(kp, max(1, m.rows()-1), max(1, m.rows()/2)); ok && len(m.targets) > 0 {
		m.cursor = min(max(0, mv.From(m.cursor)), len(m.targets)-1)
	}
	return nil, nil
}

// rows is how many sessions the box shows at once.
func (m *Model) rows() int { return max(1, m.h-6) }

// View is the box: one line per session.
func (m *Model) View() string {
	th := &m.c.Theme
	inner := max(30, min(m.w-8, 110))
	lines := []string{th.HelpTitle.Render("watch a session")}
	if len(m.targets) == 0 {
		lines = append(lines, th.HelpDesc.Render(cell.Fit("nobody you may watch is connected", inner, th.Ellipsis)))
	}
	first := max(0, min(m.cursor-m.rows()+1, len(m.targets)-m.rows()))
	for i := first; i < len(m.targets) && i < first+m.rows(); i++ {
		mark, style := "  ", th.HelpDesc
		if i == m.cursor {
			mark, style = th.MarkCursor+" ", th.HelpKey
		}
		lines = append(lines, style.Render(cell.Fit(mark+Describe(m.targets[i], m.c.Now(), m.c.Loc), inner, th.Ellipsis)))
	}
	return th.HelpBox.Render(strings.Join(pad(lines, inner), "\n"))
}

func pad(lines []string, w int) []string {
	for i, l := range lines {
		lines[i] = cell.PadRight(l, w)
	}
	return lines
}

// Describe is a session's line: who, since when, what it looks at. Every
// piece from outside is made safe to draw.
func Describe(t watch.Target, now time.Time, loc *time.Location) string {
	who := t.Who.Login
	if who == "" {
		who = "view " + t.Who.View
	} else if t.Who.View != "" {
		who += " (view " + t.Who.View + ")"
	}
	parts := []string{cell.Safe(who), "since " + t.Started.In(loc).Format("15:04") + " (" + numfmt.Duration(now.Sub(t.Started).Truncate(time.Minute)) + ")"}
	if t.Watchers > 0 {
		parts = append(parts, fmt.Sprintf("%d watching", t.Watchers))
	}
	q := t.State.Query
	if q == "" {
		q = "all events"
	}
	parts = append(parts, cell.Safe(q))
	switch {
	case t.State.Following:
		parts = append(parts, "following")
	case t.State.Cursor != 0:
		parts = append(parts, "at #"+numfmt.Thousands(t.State.Cursor))
	}
	return strings.Join(parts, " · ")
}
