package ui

import (
	"strings"

	"matomo-audit/data/activity"
	"matomo-audit/ui/cell"
)

// column widths for a timeline w cells wide.
type cols struct {
	time, user, ip, country, desc int
	shortTime                     bool
}

// gutter is the cursor mark, the severity mark and a space.
const gutter = 3

// ipFrom is the timeline width from which addresses get a column, and
// minDesc what the description keeps beside it: what happened matters
// more than where from (the detail pane has both).
const (
	ipFrom  = 100
	minDesc = 30
)

// columns sizes the timeline for the rows on screen. An address is shown
// whole or not at all (two attackers in one IPv6 /64 must not look
// alike), so its column is as wide as the longest address shown, and the
// country gives way first when room runs short.
func columns(w int, shown []activity.Event) cols {
	c := cols{time: 19}
	if w < 70 {
		c.time, c.shortTime = 14, true
	}
	c.user = min(max(w/6, 10), 20)
	used := gutter + c.time + 1 + c.user + 1
	if w >= ipFrom {
		ipW, cW := 0, 0
		for i := range shown {
			ipW = max(ipW, cell.Width(shown[i].IPText()))
			cW = max(cW, cell.Width(cell.Safe(shown[i].Country)))
		}
		if ipW > 0 && w-used-ipW-1 >= minDesc {
			c.ip = ipW
			used += ipW + 1
			if cW > 0 && w-used-cW-1 >= minDesc {
				c.country = cW
				used += cW + 1
			}
		}
	}
	c.desc = max(1, w-used)
	return c
}

func (m *Model) timelineView(w, h int) []string {
	out := make([]string, h)
	tl := &m.tl
	switch {
	case !tl.loaded && m.status.err == "":
		out[0] = m.c.Theme.Empty.Render(cell.Fit("  loading…", w, ""))
	case len(tl.events) == 0 && tl.loaded:
		msg := "  no events in this table"
		if !m.query.Empty() {
			msg = "  no events match " + cell.Safe(m.query.String())
		}
		out[0] = m.c.Theme.Empty.Render(cell.Fit(msg, w, m.c.Theme.Ellipsis))
	}
	c := columns(w, tl.events[min(tl.offset, len(tl.events)):min(tl.offset+h, len(tl.events))])
	for i := 0; i < h; i++ {
		idx := tl.offset + i
		if idx >= len(tl.events) {
			if out[i] == "" {
				out[i] = strings.Repeat(" ", w)
			}
			continue
		}
		e := &tl.events[idx]
		out[i] = m.row(e, idx == tl.cursor, m.selected(e.ID), c, w)
	}
	return out
}

func (m *Model) row(e *activity.Event, cursor, selected bool, c cols, w int) string {
	th := m.c.Theme
	cur := " "
	switch {
	case cursor:
		cur = th.MarkCursor
	case selected:
		cur = th.MarkSelected
	}
	// The gutter's third cell holds the incident mark.
	flag := " "
	if m.marked(e.ID) {
		flag = th.MarkIncident
	}
	mark := " "
	switch e.Severity {
	case activity.Security:
		mark = th.MarkSecurity
	case activity.Notice:
		mark = th.MarkNotice
	}
	ts := "(no valid time)"
	if !e.Time.IsZero() {
		layout := "2006-01-02 15:04:05"
		if c.shortTime {
			layout = "01-02 15:04:05"
		}
		ts = e.Time.In(m.c.Loc).Format(layout)
	}
	login := cell.Safe(e.Login)
	userMark := ""
	switch {
	case e.User.Kind.Pseudo():
		userMark = th.MarkPseudo
	case e.User.Kind == activity.UserGone:
		userMark = th.MarkGone
	}
	// The mark sits right after the (possibly shortened) name.
	user := cell.PadRight(cell.Clip(login, c.user-cell.Width(userMark), th.Ellipsis)+userMark, c.user)
	desc := cell.Fit(cell.Safe(e.Description), c.desc, th.Ellipsis)
	// Never cut: the column is as wide as the widest shown.
	ip := cell.Fit(e.IPText(), c.ip, "")
	country := cell.Fit(cell.Safe(e.Country), c.country, "")
	if cursor || selected {
		line := cur + mark + flag + cell.Fit(ts, c.time, "") + " " + user + " "
		if c.ip > 0 {
			line += ip + " "
		}
		if c.country > 0 {
			line += country + " "
		}
		line += desc
		if cursor {
			return th.Cursor.Render(cell.Fit(line, w, ""))
		}
		return th.Selected.Render(cell.Fit(line, w, ""))
	}
	userStyle := th.User
	switch {
	case e.User.Kind.Pseudo():
		userStyle = th.UserPseudo
	case e.User.Kind == activity.UserGone:
		userStyle = th.UserGone
	}
	descStyle, markStyle := th.Desc, th.Row
	switch e.Severity {
	case activity.Security:
		descStyle, markStyle = th.Security, th.Security
	case activity.Notice:
		markStyle = th.Notice
	}
	if m.flashing(e.ID) {
		descStyle = th.Flash
	}
	var b strings.Builder
	b.WriteString(cur)
	b.WriteString(markStyle.Render(mark))
	if flag == " " {
		b.WriteByte(' ')
	} else {
		b.WriteString(th.Notice.Render(flag))
	}
	b.WriteString(th.Time.Render(cell.Fit(ts, c.time, "")))
	b.WriteByte(' ')
	b.WriteString(userStyle.Render(user))
	b.WriteByte(' ')
	if c.ip > 0 {
		b.WriteString(th.IP.Render(ip))
		b.WriteByte(' ')
	}
	if c.country > 0 {
		b.WriteString(th.IP.Render(country))
		b.WriteByte(' ')
	}
	b.WriteString(descStyle.Render(desc))
	return cell.PadRight(b.String(), w)
}
