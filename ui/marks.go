package ui

import (
	"context"
	"slices"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/marks"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/internal/numfmt"
	"matomo-audit/ui/cell"
	"matomo-audit/ui/markslist"
)

// MarksChanged: the marks changed, maybe in another session; the rows
// are drawn again with them (whoever shares the set sends it).
type MarksChanged struct{}

type markedMsg struct {
	id     uint64
	marked bool
	err    error
}

// marked reports whether event id is marked.
func (m *Model) marked(id uint64) bool {
	if m.marks == nil {
		return false
	}
	_, ok := m.marks.Get(id)
	return ok
}

// toggleMark is m: the cursor event marked for everyone on the server, or
// unmarked. Kept in a file, a mark waits on the disk: off the UI's path.
func (m *Model) toggleMark() tea.Cmd {
	e := m.current()
	if e == nil || m.marks == nil {
		return nil
	}
	set, id, by, at := m.marks, e.ID, m.markedBy, m.c.Now()
	return func() tea.Msg {
		marked, err := set.Toggle(id, by, at)
		return markedMsg{id, marked, err}
	}
}

func (m *Model) markedDone(msg markedMsg) tea.Cmd {
	n := "#" + numfmt.Thousands(msg.id)
	switch {
	case msg.err != nil:
		return m.toast("could not mark "+n+": "+cell.Safe(msg.err.Error()), true)
	case !msg.marked:
		return m.toast("unmarked "+n, false)
	case m.share != nil:
		return m.toast("marked "+n+" for everyone on the server ("+m.c.Keys.Marks.Help().Key+" lists them)", false)
	}
	return m.toast("marked "+n+" ("+m.c.Keys.Marks.Help().Key+" lists them)", false)
}

// openMarks is M: the marked events this session may see.
func (m *Model) openMarks() tea.Cmd {
	if m.marks == nil {
		return nil
	}
	m.push(markslist.New(m.c))
	list, src, ctx := m.marks.List(), m.c.Src, m.c.Ctx
	return func() tea.Msg {
		entries, err := visibleMarks(ctx, src, list)
		if err != nil {
			return markslist.Loaded{Err: err.Error()}
		}
		return markslist.Loaded{Entries: entries}
	}
}

// visibleMarks reads the marked events through the session's source, so
// a mark on an event the session may not see is not listed at all: not
// its id, not who marked it.
func visibleMarks(ctx context.Context, src source.Source, list []marks.Mark) ([]markslist.Entry, error) {
	if len(list) == 0 {
		return nil, nil
	}
	ids := make([]uint64, len(list))
	by := make(map[uint64]marks.Mark, len(list))
	for i, mk := range list {
		ids[i], by[mk.ID] = mk.ID, mk
	}
	slices.Sort(ids)
	var out []markslist.Entry
	err := src.Stream(ctx, query.OnlyIDs(ids), ids[0], ids[len(ids)-1], func(e *activity.Event) error {
		out = append(out, markslist.Entry{Mark: by[e.ID], Event: *e})
		return nil
	})
	return out, err
}

// marksIntent: the list's jump to an event.
func (m *Model) marksIntent(msg markslist.Jump) tea.Cmd {
	m.pause()
	return m.loadAround(msg.ID, true)
}
