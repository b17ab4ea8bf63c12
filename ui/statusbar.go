package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"

	"matomo-audit/internal/numfmt"
	"matomo-audit/ui/cell"
)

// statusBar: the query as chips with its match count, the position, and
// on the right whatever is going on (scan progress, errors).
func (m *Model) statusBar() string {
	th := m.c.Theme
	// The chips give way first when room runs short: the count, the
	// follow badge and the selection are what the bar is for.
	var chips, tail, pos strings.Builder
	chips.WriteString(th.Status.Render(" "))
	if m.query.Empty() {
		chips.WriteString(th.Status.Render("all events"))
	} else {
		for _, t := range m.query.Terms {
			style := th.Chip
			if t.Negate {
				style = th.ChipNeg
			}
			chips.WriteString(style.Render(" " + cell.Safe(t.String()) + " "))
			chips.WriteString(th.Status.Render(" "))
		}
		tail.WriteString(th.Status.Render(m.countText()))
	}
	if n := m.watchNote(); n != "" {
		tail.WriteString(th.StatusWarn.Render(" " + n + " "))
	}
	if b := m.followBadge(); b != "" {
		style := th.StatusKey
		if m.fol.mode == followPaused {
			style = th.StatusWarn
		}
		tail.WriteString(style.Render(" " + b + " "))
	}
	if s := m.selectionText(); s != "" {
		tail.WriteString(th.StatusKey.Render(" " + s + " "))
	}
	if e := m.current(); e != nil {
		p := " · #" + numfmt.Thousands(e.ID)
		// A restricted session may not learn how big the table is, and
		// the range is the whole table's.
		if m.hi > m.lo && e.ID >= m.lo && e.ID <= m.hi && !m.srv.restricted {
			p += fmt.Sprintf(" (%d%%)", int(float64(e.ID-m.lo)*100/float64(m.hi-m.lo)))
		}
		pos.WriteString(th.Status.Render(p))
	}
	var right string
	var rightStyle lipgloss.Style
	switch {
	case m.status.err != "":
		// The error gets the room: keep 12 cells on the left and the
		// retry count whole; shorten the message itself. An outage is
		// said as one: the error's advice (check the config) is for a
		// start, not for a server that is restarting.
		suffix := " "
		if m.status.retrying {
			suffix = fmt.Sprintf(" · reconnecting (attempt %d, next in %s) ", m.status.retries, numfmt.Duration(m.status.nextIn))
		}
		msg := cell.Safe(m.status.err)
		if m.status.outage {
			msg = "database not answering"
		}
		room := max(0, m.c.Width-12-cell.Width(suffix)-1)
		right = " " + cell.Clip(msg, room, th.Ellipsis) + suffix
		rightStyle = th.StatusErr
	case m.status.toast != "":
		right, rightStyle = " "+cell.Clip(cell.Safe(m.status.toast), max(0, m.c.Width-13), th.Ellipsis)+" ", th.Toast
		if m.status.toastWarn {
			rightStyle = th.StatusWarn
		}
	case m.layerBusy() != "":
		right, rightStyle = " "+m.layerBusy()+" ", th.StatusWarn
	case m.scanning():
		right, rightStyle = " "+m.scanProgress()+" · "+m.c.Keys.Back.Help().Key+" stops ", th.StatusWarn
	case m.tl.stopped:
		right, rightStyle = " scan stopped · move past the edge to go on ", th.StatusWarn
	case m.tl.jumping:
		right, rightStyle = " loading… ", th.StatusWarn
	case m.tl.loadingOlder || m.tl.loadingNewer:
		right, rightStyle = " fetching more… ", th.StatusWarn
	case m.status.note != "":
		right, rightStyle = " "+m.status.note+" ", th.StatusWarn
	case m.userProblem != "":
		// Lowest priority, but always said: without marks a deleted
		// account reads like a current one. The detail pane has the why.
		right, rightStyle = " "+cell.Clip("user marks off: "+cell.Safe(m.userProblem), max(0, m.c.Width/2), th.Ellipsis)+" ", th.StatusWarn
	}
	rw := min(cell.Width(right), m.c.Width)
	right = cell.Clip(right, rw, th.Ellipsis)
	room := m.c.Width - rw
	c, t, p := chips.String(), tail.String(), pos.String()
	r := m.roleBadge(m.c.Width)
	if cell.Width(c)+cell.Width(t)+cell.Width(r)+cell.Width(p) > room {
		p = "" // the position is in the detail pane too
	}
	if over := cell.Width(c) + cell.Width(t) + cell.Width(r) - room; over > 0 && r != "" {
		// The role gives way like the chips, down to about its login.
		r = m.roleBadge(max(min(cell.Width(r), 12), cell.Width(r)-over))
	}
	if over := cell.Width(c) + cell.Width(t) + cell.Width(r) - room; over > 0 {
		// Keep a little of the chips so the bar still reads as a query.
		c = cell.ClipStyled(c, max(min(cell.Width(c), 8), cell.Width(c)-over-1)) + th.Status.Render(th.Ellipsis)
	}
	if cell.Width(c)+cell.Width(t)+cell.Width(r) > room {
		r = "" // the count and the follow badge come first
	}
	l := c + t + r + p
	if cell.Width(l) > room {
		l = cell.ClipStyled(l, max(0, room-1)) + th.Status.Render(th.Ellipsis)
	}
	return cell.PadStyled(l, room, th.Status) + rightStyle.Render(right)
}

// scanProgress says how far a filtered scan has read, in rows of the table.
func (m *Model) scanProgress() string {
	tl := &m.tl
	span := uint64(1)
	if m.hi >= m.lo {
		span = m.hi - m.lo + 1
	}
	var scanned uint64
	dir := "scanning"
	switch {
	case tl.runFrom[0] != 0 && tl.loadingOlder:
		scanned = tl.runFrom[0] - min(tl.olderAnchor, tl.runFrom[0])
		dir = "scanning older"
	case tl.runFrom[1] != 0 && tl.loadingNewer:
		scanned = max(tl.newerAnchor, tl.runFrom[1]) - tl.runFrom[1]
		dir = "scanning newer"
	default:
		return "scanning…"
	}
	if m.srv.restricted {
		return dir + "…" // how far, in rows of the table, tells its size
	}
	return dir + ": " + numfmt.Short(scanned) + " of " + numfmt.Short(span) + " rows"
}

func (m *Model) hint() string {
	if h := m.layerHint(); h != "" {
		return h
	}
	return m.shortHelp(m.hintKeys())
}

// shortHelp is a one-line key hint, cut at a whole entry, never mid-word.
func (m *Model) shortHelp(keys []key.Binding) string {
	var hint string
	for i := len(keys); i > 0; i-- {
		hint = " " + m.c.HelpLine(keys[:i])
		if cell.Width(hint) <= m.c.Width {
			break
		}
	}
	return cell.PadRight(cell.ClipStyled(hint, m.c.Width), m.c.Width)
}
