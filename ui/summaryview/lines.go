package summaryview

import (
	"fmt"
	"strings"

	"matomo-audit/data/summary"
	"matomo-audit/internal/numfmt"
	"matomo-audit/ui/cell"
)

// line is one line of the scrolling part. Which lines there are never
// depends on the width, so the cursor keeps its place on resize.
type line struct {
	styled string
	plain  string // drawn in the cursor style when selected
	query  string // what enter shows; empty for headings and notes
	id     uint64 // a single event to put the timeline's cursor on
}

type bodyKey struct {
	rep   *summary.Report
	w     int
	theme string
}

// topLines is how many fixed lines sit above the scrolling part.
func topLines(h int) int {
	switch {
	case h >= 10:
		return 4 // title, sparkline, peak, blank
	case h >= 5:
		return 2
	}
	return 1
}

func (m *Model) rows() int {
	n := 0
	if m.rep != nil {
		n = len(m.lines())
	}
	return scrollRows(m.h-topLines(m.h), n)
}

// scrollRows is how many lines of n fit in h rows when the last row says
// how many more there are whenever they do not all fit.
func scrollRows(h, n int) int {
	if n > h && h > 1 {
		return h - 1
	}
	return max(1, h)
}

// clamp keeps the cursor on a selectable line and in sight, with the
// heading of its section when it is the section's first line.
func (m *Model) clamp() {
	if m.rep == nil {
		return
	}
	lines := m.lines()
	sel := selectable(lines)
	rows := m.rows()
	m.cursor = min(max(m.cursor, 0), max(0, len(sel)-1))
	if len(sel) > 0 {
		li := sel[m.cursor]
		top := li
		if top > 0 && lines[top-1].query == "" && (m.cursor == 0 || sel[m.cursor-1] != top-1) {
			top-- // the heading (or note) just above
		}
		if m.cursor == 0 {
			top = 0
		}
		if top < m.offset {
			m.offset = top
		}
		if li >= m.offset+rows {
			m.offset = li - rows + 1
		}
	}
	m.offset = min(max(m.offset, 0), max(0, len(lines)-rows))
}

func selectable(lines []line) []int {
	var out []int
	for i, l := range lines {
		if l.query != "" {
			out = append(out, i)
		}
	}
	return out
}

// lines is the scrolling part for the shown report at the screen's
// width, drawn once: a report of a long window can hold thousands of
// lines, and drawing them all again for every key made keys lag.
func (m *Model) lines() []line {
	if k := (bodyKey{m.rep, m.w, m.c.Theme.Name}); m.body == nil || m.bodyKey != k {
		m.body, m.bodyKey = m.draw(m.rep, m.w), k
	}
	return m.body
}

// draw is every line of the scrolling part, in the order of the
// questions asked first in an incident.
func (m *Model) draw(r *summary.Report, w int) []line {
	th := m.c.Theme
	var out []line
	note := func(s string) {
		out = append(out, line{styled: th.Empty.Render(cell.Fit("    "+s, w, th.Ellipsis))})
	}
	heading := func(title, detail string) {
		if len(out) > 0 {
			out = append(out, line{})
		}
		out = append(out, line{styled: th.SumSection.Render(" "+title) + th.SumDim.Render(cell.Clip(detail, max(0, w-cell.Width(title)-1), th.Ellipsis))})
	}
	shown := func(n, all int) string {
		if n < all {
			return fmt.Sprintf(" · newest %d of %d", n, all)
		}
		return fmt.Sprintf(" · %d", all)
	}

	// Addresses are never cut: their column is as wide as the widest of
	// the report's, or left out when that would squeeze the description.
	ipw, uw := 0, min(max(w/7, 10), 18)
	if w >= 110 {
		for _, list := range [][]summary.Item{r.Privileges, r.Plugins} {
			for _, it := range list {
				ipw = max(ipw, cell.Width(cell.Safe(it.IP)))
			}
		}
		if w-3-11-1-uw-1-ipw-1 < 30 {
			ipw = 0
		}
	}
	kw := 16
	if w >= 120 {
		kw = 28
	}
	for _, b := range r.Bursts {
		if b.By == "ip" {
			kw = max(kw, cell.Width(b.Key))
		}
	}

	out = append(out, m.driftLines(&r.Drift, w)...)
	heading("Privilege changes", shown(len(r.Privileges), r.PrivilegeCount))
	for _, it := range r.Privileges {
		out = append(out, m.itemLine(it, w, uw, ipw))
	}
	if len(r.Privileges) == 0 {
		note("none")
	}

	heading("Signed in after failing", fmt.Sprintf(" · %d", len(r.SignInsAfterFailures)))
	aw := 0
	for _, b := range r.SignInsAfterFailures {
		aw = max(aw, cell.Width(cell.Safe(b.Address)))
	}
	for _, b := range r.SignInsAfterFailures {
		out = append(out, m.signInLine(b, w, aw))
	}
	if len(r.SignInsAfterFailures) == 0 {
		note("none")
	}

	heading("Failed-login bursts", fmt.Sprintf(" · %d · %s in all · a burst is %d or more within %s",
		len(r.Bursts), numfmt.Many(r.FailedLogins, "failed login"), r.BurstMin, r.BurstWithin))
	for _, b := range r.Bursts {
		out = append(out, m.burstLine(b, w, kw))
	}
	if len(r.Bursts) == 0 {
		note("none")
	}

	heading("Plugins", shown(len(r.Plugins), r.PluginCount))
	for _, it := range r.Plugins {
		out = append(out, m.itemLine(it, w, uw, ipw))
	}
	if len(r.Plugins) == 0 {
		note("none installed, activated or removed")
	}

	top := func(n, all int) string {
		if n < all {
			return fmt.Sprintf(" · top %d of %d", n, all)
		}
		return fmt.Sprintf(" · %d", all)
	}
	heading("Top users", top(len(r.Users), r.UserCount))
	out = append(out, m.countLines(r.Users, w)...)
	if len(r.Users) == 0 {
		note("none")
	}

	cut := ""
	if r.AddressesCut {
		cut = " · the first addresses seen only"
	}
	heading("Top addresses", top(len(r.Addresses), r.AddressCount)+cut)
	out = append(out, m.addressLines(r.Addresses, w)...)
	if len(r.Addresses) == 0 {
		note("none")
	}

	heading("Top categories", top(len(r.Categories), r.CategoryCount))
	out = append(out, m.countLines(r.Categories, w)...)
	if len(r.Categories) == 0 {
		note("none")
	}
	return out
}

// sevMark is the mark of a severity as the timeline draws it.
func (m *Model) sevMark(sev string) (string, func(...string) string) {
	switch sev {
	case "security":
		return m.c.Theme.MarkSecurity, m.c.Theme.Security.Render
	case "notice":
		return m.c.Theme.MarkNotice, m.c.Theme.Notice.Render
	}
	return " ", m.c.Theme.Row.Render
}

// itemLine: mark, time, user, description and the IP in a column ipw
// wide (none when 0).
func (m *Model) itemLine(it summary.Item, w, uw, ipw int) line {
	th := m.c.Theme
	mark, markStyle := m.sevMark(it.Severity)
	dw := max(1, w-3-11-1-uw-1-ipw)
	if ipw > 0 {
		dw--
	}
	ts := cell.Fit(m.shortTime(it.Time), 11, "")
	user := cell.Fit(cell.Safe(it.User), uw, th.Ellipsis)
	desc := cell.Fit(cell.Safe(it.Description), dw, th.Ellipsis)
	ip := ""
	if ipw > 0 {
		ip = " " + cell.Fit(cell.Safe(it.IP), ipw, "")
	}
	descStyle := th.Desc
	if it.Severity == "security" {
		descStyle = th.Security
	}
	plain := " " + mark + " " + ts + " " + user + " " + desc + ip
	styled := " " + markStyle(mark) + " " + th.Time.Render(ts) + " " + th.User.Render(user) + " " + descStyle.Render(desc) + th.IP.Render(ip)
	return line{styled: styled, plain: plain, query: it.Query, id: it.ID}
}

// burstLine: by what, the key in a column kw wide, how many, when, and
// the others involved. An address is never cut, as key or among the
// others: the list ends at a whole entry.
func (m *Model) burstLine(b summary.Burst, w, kw int) line {
	th := m.c.Theme
	by := cell.Fit(b.By, 5, "")
	k := cell.Fit(cell.Safe(b.Key), kw, th.Ellipsis)
	if b.By == "ip" {
		k = cell.PadRight(cell.Safe(b.Key), kw)
	}
	count := fmt.Sprintf("%5s failed", numfmt.Thousands(uint64(b.Count)))
	span := m.shortTime(b.First) + "–" + m.shortTime(b.Last)
	if !b.First.IsZero() && !b.Last.IsZero() && b.First.In(m.c.Loc).YearDay() == b.Last.In(m.c.Loc).YearDay() {
		span = m.shortTime(b.First) + "–" + b.Last.In(m.c.Loc).Format("15:04")
	}
	span = cell.Fit(span, 17, "")
	label := "logins: "
	if b.By == "login" {
		label = "from: "
	}
	others := make([]string, 0, len(b.Others))
	for _, o := range b.Others {
		others = append(others, cell.Safe(o))
	}
	head := " " + th.MarkSecurity + " " + by + " "
	restW := max(0, w-cell.Width(head)-cell.Width(k)-1-cell.Width(count)-2-17-2)
	rest := ""
	for i := range others {
		suffix := ""
		if more := b.OtherCount - i - 1; more > 0 {
			suffix = fmt.Sprintf(" (+%d)", more)
		}
		next := label + strings.Join(others[:i+1], ", ") + suffix
		if cell.Width(next) > restW && b.By == "login" {
			// Addresses: as many whole ones as fit, and how many more.
			rest = label + strings.Join(others[:i], ", ") + fmt.Sprintf(" (+%d)", b.OtherCount-i)
			if i == 0 {
				rest = label + fmt.Sprintf("%d addresses", b.OtherCount)
				if b.OtherCount == 1 {
					rest = label + "1 address"
				}
			}
			break
		}
		rest = next
	}
	plain := head + k + " " + count + "  " + span + "  " + rest
	styled := " " + th.Security.Render(th.MarkSecurity) + " " + th.SumDim.Render(by) + " " + th.Security.Render(k) + " " +
		th.Desc.Render(count) + "  " + th.Time.Render(span) + "  " + th.User.Render(cell.Clip(rest, restW, th.Ellipsis))
	return line{styled: styled, plain: plain, query: b.Query}
}

// countLines are a top list: name, count and a bar scaled to the largest.
func (m *Model) countLines(cs []summary.Count, w int) []line {
	th := m.c.Theme
	var hi uint64
	for _, c := range cs {
		hi = max(hi, c.Count)
	}
	nw := min(max(w/4, 12), 28)
	barW := min(max(0, w-3-nw-1-9-2), 60)
	out := make([]line, 0, len(cs))
	for _, c := range cs {
		name := cell.Fit(cell.Safe(c.Name), nw, th.Ellipsis)
		if c.Name == "" {
			name = cell.Fit("(none)", nw, "")
		}
		n := fmt.Sprintf("%9s", numfmt.Thousands(c.Count))
		bar := ""
		if hi > 0 && barW > 0 {
			bar = strings.Repeat("█", max(1, int(c.Count*uint64(barW)/hi)))
		}
		plain := "   " + name + " " + n + "  " + bar
		styled := "   " + th.User.Render(name) + " " + th.Desc.Render(n) + "  " + th.SumBar.Render(bar)
		out = append(out, line{styled: styled, plain: plain, query: c.Query})
	}
	return out
}

// signInLine: the address, how many failures, who then signed in and
// when; enter shows the address's events with the cursor on that sign-in.
func (m *Model) signInLine(b summary.SignInAfterFailures, w, aw int) line {
	th := m.c.Theme
	mark := " "
	if m.rep != nil && b.Failures >= m.rep.BurstMin {
		mark = th.MarkSecurity
	}
	addr := cell.PadRight(cell.Safe(b.Address), aw)
	what := numfmt.Many(uint64(b.Failures), "failure") + ", then "
	who := cell.Safe(b.Login)
	when := " signed in " + m.shortTime(b.At)
	switch {
	case b.Again == 1:
		when += " (and once more)"
	case b.Again > 1:
		when += fmt.Sprintf(" (and %d more times)", b.Again)
	}
	rest := max(0, w-3-cell.Width(addr)-2-cell.Width(what)-cell.Width(when))
	who = cell.Clip(who, rest, th.Ellipsis)
	plain := " " + mark + " " + addr + "  " + what + who + when
	styled := " " + th.Security.Render(mark) + " " + th.IP.Render(addr) + "  " + th.Desc.Render(what) + th.User.Render(who) + th.Time.Render(when)
	return line{styled: styled, plain: cell.Fit(plain, w, th.Ellipsis), query: b.Query, id: b.ID}
}

// addressLines are the top addresses: the address whole, its events,
// failed sign-ins, logins tried and countries.
func (m *Model) addressLines(as []summary.Address, w int) []line {
	th := m.c.Theme
	aw := 0
	for _, a := range as {
		aw = max(aw, cell.Width(cell.Safe(a.Address)))
	}
	out := make([]line, 0, len(as))
	for _, a := range as {
		addr := cell.PadRight(cell.Safe(a.Address), aw)
		n := fmt.Sprintf("%9s", numfmt.Thousands(a.Events))
		failed := fmt.Sprintf("%6s failed", numfmt.Thousands(a.Failures))
		logins := fmt.Sprintf("%5s logins", numfmt.Thousands(uint64(a.Logins)))
		span := m.shortTime(a.First) + "–" + m.shortTime(a.Last)
		countries := cell.Safe(strings.Join(a.Countries, ","))
		plain := "   " + addr + " " + n + "  " + failed + "  " + logins + "  " + span + "  " + countries
		style := th.Desc
		if a.Failures > 0 {
			style = th.Security
		}
		styled := "   " + th.IP.Render(addr) + " " + th.Desc.Render(n) + "  " + style.Render(failed) + "  " + th.Desc.Render(logins) + "  " +
			th.Time.Render(span) + "  " + th.SumDim.Render(countries)
		out = append(out, line{styled: cell.ClipStyled(styled, w), plain: cell.Fit(plain, w, th.Ellipsis), query: a.Query})
	}
	return out
}
