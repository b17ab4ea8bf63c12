package ui

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/internal/numfmt"
	"matomo-audit/ui/exportdlg"
)

// openExport is e: export the selection, or everything the query matches.
func (m *Model) openExport() tea.Cmd {
	if m.c.NoExport {
		return m.refuseExport()
	}
	if m.srv.ssh != "" {
		return m.openSSHExport()
	}
	o := exportdlg.Options{Filter: m.filter, Query: m.query.String(), Dir: m.dir, Writers: &m.writers}
	var count tea.Cmd
	if lo, hi, ok := m.span(); ok {
		o.From, o.To = lo, hi
		o.First, o.Last = m.spanEnds()
	} else {
		o.Whole = true
		// The window, when it holds every match, has the ends for the
		// name; the dialog looks them up otherwise.
		if tl := &m.tl; tl.loaded && tl.atOldest && tl.atNewest && !tl.jumping {
			o.EndsKnown, o.Empty = true, len(tl.events) == 0
			if !o.Empty {
				o.First, o.Last = tl.events[0].Time, tl.events[len(tl.events)-1].Time
			}
		}
		count = m.countStep(m.countsFor(m.query.String(), m.query))
	}
	d := exportdlg.New(m.c, o)
	m.push(d)
	m.sendExportCount()
	return tea.Batch(d.Init(), count)
}

func (m *Model) refuseExport() tea.Cmd {
	return m.toast("export and copy are turned off here (--no-export or MATOMO_AUDIT_NO_EXPORT): nothing is written", true)
}

// exportDialog is the open export dialog, nil when none is.
func (m *Model) exportDialog() *exportdlg.Model {
	for _, l := range m.layers {
		if d, ok := l.(*exportdlg.Model); ok {
			return d
		}
	}
	return nil
}

// sendExportCount tells an open export dialog how many events it
// exports; sent after every update, as the window or a counting scan
// may have changed it. Count hands back nothing.
func (m *Model) sendExportCount() {
	d := m.exportDialog()
	if d == nil {
		return
	}
	c := exportdlg.Count{Lo: m.lo, Hi: m.hi, NoRange: m.srv.restricted}
	if c.NoRange {
		c.Lo, c.Hi = 0, 0 // not even handed on, so no later change shows it
	}
	switch {
	case !d.Whole():
		c.N, c.Done, c.Pct = m.selectionCount()
	case m.windowComplete():
		c.N, c.Done = uint64(len(m.tl.events)), true
	default:
		if k, ok := m.counts[d.Query()]; ok && k.done {
			c.N, c.Done = k.stats.Matches, true
		}
	}
	d.Update(c)
}

// exportCounts: the export dialog is still choosing a path for
// everything the query key matches, so counting that query goes on.
func (m *Model) exportCounts(key string) bool {
	d := m.exportDialog()
	return d != nil && d.Whole() && d.Asking() && key == d.Query()
}

// exportIntent closes the dialog once writing ended and says how it went.
func (m *Model) exportIntent(d *exportdlg.Model, msg exportdlg.Done) tea.Cmd {
	m.remove(d)
	switch {
	case errors.Is(msg.Err, context.Canceled):
		if m.c.Ctx.Err() != nil {
			return nil // the whole program is quitting
		}
		return m.toast("export cancelled: no file written", true)
	case msg.Err != nil:
		return m.toast("export failed, no file written: "+msg.Err.Error(), true)
	}
	return m.toast("wrote "+numfmt.Many(msg.N, "event")+" to "+exportdlg.ShortPath(m.dir, msg.Path), false)
}
