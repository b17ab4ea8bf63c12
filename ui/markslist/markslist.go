// Package markslist is M: the events marked for everyone (m), those this
// session may see, with who marked each and when, to jump to one.
package markslist

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/marks"
	"matomo-audit/internal/numfmt"
	"matomo-audit/keymap"
	"matomo-audit/ui/cell"
	"matomo-audit/ui/common"
)

// Entry is a mark with its event, as the session's source gave it.
type Entry struct {
	Mark  marks.Mark
	Event activity.Event
}

// Loaded gives the list its entries (oldest event first), or why they
// could not be read.
type Loaded struct {
	Entries []Entry
	Err     string
}

// Jump asks the root to put the cursor on event ID.
type Jump struct{ ID uint64 }

// Model is the list.
type Model struct {
	c       *common.Common
	entries []Entry
	loaded  bool
	err     string
	cursor  int
	w, h    int
}

// New is the list, empty until Loaded arrives.
func New(c *common.Common) *Model { return &Model{c: c} }

// Place: a box over the timeline.
func (m *Model) Place() common.Placement { return common.Box }

// SetSize is the room the box may take.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

func (m *Model) jumpKey() key.Binding { return keymap.Relabel(m.c.Keys.Apply, "go to the event") }

func (m *Model) closeKey() key.Binding { return keymap.Relabel(m.c.Keys.Back, "close") }

// ShortHelp: moving, jumping, closing.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{keymap.Relabel(k.Up, "up"), keymap.Relabel(k.Down, "down"), m.jumpKey(), m.closeKey(), k.Quit}
}

// FullHelp is the list's own keys.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Update takes the entries, moves, jumps and closes.
func (m *Model) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	switch msg := msg.(type) {
	case Loaded:
		m.entries, m.err, m.loaded = msg.Entries, msg.Err, true
		// The newest mark's event is the likeliest to be wanted.
		m.cursor = max(0, len(m.entries)-1)
		return nil, nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.closeKey()):
			return common.Close{}, nil
		case key.Matches(msg, m.jumpKey()) && len(m.entries) > 0:
			return common.Batch{common.Close{}, Jump{ID: m.entries[m.cursor].Event.ID}}, nil
		}
		if mv, ok := m.c.Keys.Nav().Match(msg, max(1, m.rows()-1), max(1, m.rows()/2)); ok && len(m.entries) > 0 {
			m.cursor = min(max(0, mv.From(m.cursor)), len(m.entries)-1)
		}
	}
	return nil, nil
}

func (m *Model) rows() int { return max(1, m.h-6) }

// View is the box: a line per marked event.
func (m *Model) View() string {
	th := &m.c.Theme
	inner := max(30, min(m.w-8, 120))
	title := "marked events"
	if m.loaded {
		title += " (" + numfmt.Thousands(uint64(len(m.entries))) + ")"
	}
	lines := []string{th.HelpTitle.Render(title)}
	switch {
	case !m.loaded:
		lines = append(lines, th.HelpDesc.Render("reading…"))
	case m.err != "":
		lines = append(lines, th.StatusErr.Render(cell.Fit(cell.Safe(m.err), inner, th.Ellipsis)))
	case len(m.entries) == 0:
		lines = append(lines, th.HelpDesc.Render(cell.Fit("nothing marked that you may see: m marks the event under the cursor", inner, th.Ellipsis)))
	}
	first := max(0, min(m.cursor-m.rows()+1, len(m.entries)-m.rows()))
	for i := first; i < len(m.entries) && i < first+m.rows(); i++ {
		mark, style := "  ", th.HelpDesc
		if i == m.cursor {
			mark, style = th.MarkCursor+" ", th.HelpKey
		}
		lines = append(lines, style.Render(cell.Fit(mark+m.describe(m.entries[i]), inner, th.Ellipsis)))
	}
	for i, l := range lines {
		lines[i] = cell.PadRight(l, inner)
	}
	return th.HelpBox.Render(strings.Join(lines, "\n"))
}

// describe is an entry's line: the event (id, time, user, what), then who
// marked it and when. Every piece from outside is made safe to draw.
func (m *Model) describe(e Entry) string {
	ev := &e.Event
	ts := "(no valid time)"
	if !ev.Time.IsZero() {
		ts = ev.Time.In(m.c.Loc).Format("2006-01-02 15:04:05")
	}
	by := "marked by " + cell.Safe(e.Mark.By) + " at " + e.Mark.At.In(m.c.Loc).Format("15:04")
	return "#" + numfmt.Thousands(ev.ID) + "  " + ts + "  " + cell.Safe(ev.Login) + "  " + cell.Safe(ev.Description) + "  · " + by
}
