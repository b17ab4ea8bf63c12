package summaryview

import (
	"fmt"
	"time"

	"matomo-audit/data/summary"
	"matomo-audit/ui/cell"
)

// driftLines are the first section, privileges without a trail: its
// heading, then the privileges no grant explains (marked as security),
// then apart those of accounts older than the log. enter on one shows
// the account's own events. A problem (no grant to read the tables, a
// session that is no super user's) is shown whole, wrapped: it names the
// GRANT to run, which is no use cut.
func (m *Model) driftLines(d *summary.Drift, w int) []line {
	th := m.c.Theme
	var out []line
	note := func(s string) {
		for _, l := range cell.Wrap(cell.Safe(s), max(1, w-4)) {
			out = append(out, line{styled: th.Empty.Render(cell.Fit("    "+l, w, th.Ellipsis))})
		}
	}
	const title = "Privileges without a trail"
	detail := ""
	if d.Problem == "" {
		n := d.Unexplained()
		detail = fmt.Sprintf(" · %d unexplained · %d from before the log · %d checked", n, len(d.Entries)-n, d.Checked)
	}
	out = append(out, line{styled: th.SumSection.Render(" "+title) + th.SumDim.Render(cell.Clip(detail, max(0, w-cell.Width(title)-1), th.Ellipsis))})
	switch {
	case d.Problem != "":
		note(d.Problem)
		return out
	case d.Checked == 0:
		note("none: nobody is super user or has admin, write or a capability")
		return out
	case len(d.Entries) == 0:
		note("none: every privilege held has its grant in the log")
		return out
	}
	uw := 0
	for _, e := range d.Entries {
		uw = max(uw, cell.Width(cell.Safe(e.Login)))
	}
	uw = min(uw, max(w/5, 10), 24)
	for i, e := range d.Entries {
		if e.BeforeLog && (i == 0 || !d.Entries[i-1].BeforeLog) {
			note(d.BeforeLogNote(m.regTime))
		}
		out = append(out, m.driftLine(e, w, uw))
	}
	return out
}

// driftLine: mark, login in a column uw wide, the privilege, when the
// account was registered, and for an unexplained one that no grant was
// found.
func (m *Model) driftLine(e summary.DriftEntry, w, uw int) line {
	th := m.c.Theme
	mark, markStyle, style := " ", th.Row, th.Desc
	if !e.BeforeLog {
		mark, markStyle, style = th.MarkSecurity, th.Security, th.Security
	}
	user := cell.Fit(cell.Safe(e.Login), uw, th.Ellipsis)
	what := cell.Safe(e.What())
	when := " · no registration date"
	if e.Registered != nil {
		when = " · registered " + m.regTime(*e.Registered)
	}
	if !e.BeforeLog {
		when += " · no grant in the log"
	}
	rest := max(1, w-3-uw-1)
	text := cell.Fit(what+when, rest, th.Ellipsis)
	plain := " " + mark + " " + user + " " + text
	styled := " " + markStyle.Render(mark) + " " + th.User.Render(user) + " " + style.Render(text)
	return line{styled: styled, plain: plain, query: e.Query}
}

// regTime is a registration date in the display zone: with its year,
// as accounts are often older than the log's span.
func (m *Model) regTime(t time.Time) string { return t.In(m.c.Loc).Format("2006-01-02 15:04") }
