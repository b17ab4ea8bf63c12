package ui

import (
	"errors"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/source"
)

func (m *Model) applyPage(msg pageMsg) tea.Cmd {
	if msg.gen != m.tl.gen {
		return nil
	}
	tl := &m.tl
	switch msg.kind {
	case loadOlder:
		tl.loadingOlder = false
	case loadNewer:
		tl.loadingNewer = false
	default:
		tl.jumping = false
	}
	if msg.err != nil {
		if m.c.Ctx.Err() != nil || tl.ctx.Err() != nil {
			return nil
		}
		// The connection may be gone (restart, network): say so, keep
		// what is on screen, and try again with growing pauses.
		m.status.err = msg.err.Error()
		m.status.retrying = true
		d := m.backoff(m.status.retries)
		m.status.retries++
		m.status.outage, m.status.nextIn = errors.Is(msg.err, source.ErrUnavailable), d
		return m.c.After(d, retryMsg{gen: msg.gen, kind: msg.kind})
	}
	m.status.err, m.status.retries, m.status.outage = "", 0, false
	p := msg.page
	rows := m.timelineRows()
	// A step that found less than it asked for and did not reach the
	// end is part of a longer scan; otherwise that scan is over.
	done := p.End || len(p.Events) >= msg.req.Limit
	switch msg.kind {
	case loadNewest:
		tl.events = p.Events
		tl.cursor = len(p.Events) - 1
		tl.atNewest, tl.atOldest = true, p.End
		tl.olderAnchor = p.Next
		tl.newerAnchor = lastID(p.Events, m.hi)
		tl.offset = max(0, len(p.Events)-rows)
		if !done {
			tl.runFrom[0] = max(m.hi, lastID(p.Events, 0)) + 1
		}
		m.newestArrived()
	case loadOldest:
		tl.events = p.Events
		tl.cursor = 0
		tl.atOldest, tl.atNewest = true, p.End
		tl.newerAnchor = p.Next
		tl.olderAnchor = firstID(p.Events)
		tl.offset = 0
		if !done {
			tl.runFrom[1] = max(m.lo, 1)
		}
	case loadOlder:
		n := len(p.Events)
		tl.events = append(p.Events, tl.events...)
		tl.cursor += n
		tl.offset += n
		tl.atOldest = p.End
		tl.olderAnchor = p.Next
		if done {
			tl.runFrom[0] = 0
		}
		if over := len(tl.events) - m.maxWindow(); over > 0 {
			tl.events = tl.events[:len(tl.events)-over]
			tl.atNewest = false
			tl.newerAnchor = lastID(tl.events, 0)
		}
	case loadNewer:
		tl.events = append(tl.events, p.Events...)
		tl.atNewest = p.End
		tl.newerAnchor = max(tl.newerAnchor, p.Next)
		if done {
			tl.runFrom[1] = 0
		}
		if over := len(tl.events) - m.maxWindow(); over > 0 {
			tl.events = append([]activity.Event(nil), tl.events[over:]...)
			tl.cursor -= over
			tl.offset -= over
			tl.atOldest = false
			tl.olderAnchor = firstID(tl.events)
		}
	}
	tl.loaded = true
	if tl.target != 0 {
		m.placeAtTarget()
	}
	var cmd tea.Cmd
	if tl.pending != 0 {
		d := tl.pending
		tl.pending = 0
		cmd = m.move(d)
	}
	tl.clamp(rows)
	return tea.Batch(cmd, m.prefetch(), m.maybeCount())
}

// placeAtTarget puts the cursor on the target event or its closest
// neighbour in the wanted direction, centred on screen.
func (m *Model) placeAtTarget() {
	tl := &m.tl
	if len(tl.events) == 0 {
		return
	}
	i := 0
	if tl.targetAfter {
		for i < len(tl.events)-1 && tl.events[i].ID < tl.target {
			i++
		}
	} else {
		i = len(tl.events) - 1
		for i > 0 && tl.events[i].ID > tl.target {
			i--
		}
	}
	tl.cursor = i
	tl.offset = max(0, i-m.timelineRows()/2)
}

func firstID(ev []activity.Event) uint64 {
	if len(ev) == 0 {
		return 0
	}
	return ev[0].ID
}

func lastID(ev []activity.Event, fallback uint64) uint64 {
	if len(ev) == 0 {
		return fallback
	}
	return ev[len(ev)-1].ID
}
