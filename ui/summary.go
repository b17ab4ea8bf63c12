package ui

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/query"
	"matomo-audit/data/summary"
	"matomo-audit/internal/numfmt"
	"matomo-audit/ui/cell"
)

// summaryState is the summary screen (s): who tried to get in, who gained
// rights, what changed and when activity spiked, for the query over a
// window. The report is computed by a command; keys keep working while it
// runs, and the last finished report stays on screen until the next one
// arrives.
type summaryState struct {
	// window is the window asked for; zero while the query's own
	// since:/until: are the window. A window chosen with [ or ] for a
	// query that has them summarises the query without them.
	window  summary.Window
	shown   summary.Window  // the window asked for the report on screen
	rep     *summary.Report // the last finished report; nil before the first
	running bool
	seq     int // the run whose result is awaited
	cancel  context.CancelFunc
	prog    *summaryProgress
	cursor  int // among the selectable lines
	offset  int // first line shown of the scrolling part
	// body is the scrolling part drawn for bodyKey; see summaryLines.
	body    []sumLine
	bodyKey bodyKey
}

type bodyKey struct {
	rep   *summary.Report
	w     int
	theme string
}

// summaryProgress is shared with the command computing the report.
type summaryProgress struct{ done, total atomic.Uint64 }

type (
	summaryDoneMsg struct {
		seq int
		rep summary.Report
		err error
	}
	summaryTickMsg struct{ seq int }
)

// summaryTick is how often the progress is redrawn.
const summaryTick = 100 * time.Millisecond

// openSummary is s: over the query's own since:/until: when it has
// them, else over the window chosen last (24h at first).
func (m *Model) openSummary() tea.Cmd {
	w := m.sumWindow
	switch {
	case len(summary.TimeTerms(m.query)) > 0:
		w = summary.Window{}
	case w.Name == "":
		w = summary.DefaultWindow
	}
	m.sum = &summaryState{window: w}
	return m.startSummary()
}

// summaryQuery is what the screen summarises: the query, without its
// since:/until: once a window has been chosen instead.
func (m *Model) summaryQuery() *query.Query {
	if m.sum.window.Name == "" {
		return m.query
	}
	return summary.WithoutTimeTerms(m.query)
}

// summaryWindow is the window in force for the screen: the one chosen,
// or the query's (its span back from now).
func (m *Model) summaryWindow() summary.Window {
	return summary.InForce(m.summaryQuery(), m.sum.window, m.c.Now(), m.c.Loc)
}

// startSummary computes the report for the screen's window, dropping any
// run still going: only the newest run's result is shown.
func (m *Model) startSummary() tea.Cmd {
	s := m.sum
	m.stopSummary()
	m.sumSeq++
	ctx, cancel := context.WithCancel(m.c.Ctx)
	s.seq, s.cancel, s.running, s.prog = m.sumSeq, cancel, true, &summaryProgress{}
	if s.window.Name != "" {
		// Remembered for the next opening over a query without times.
		m.sumWindow = s.window
	}
	src, prog, seq := m.c.Src, s.prog, s.seq
	o := summary.Options{
		Query: m.summaryQuery(), Window: s.window, Now: m.c.Now(), Loc: m.c.Loc, Buckets: sparkBuckets(m.c.Width),
		BurstMin: m.burstMin, BurstWithin: m.burstWithin,
		Progress: func(done, total uint64) {
			prog.total.Store(total)
			prog.done.Store(done)
		},
	}
	run := func() tea.Msg {
		defer cancel()
		rep, err := summary.Run(ctx, src, o)
		return summaryDoneMsg{seq: seq, rep: rep, err: err}
	}
	return tea.Batch(run, m.c.After(summaryTick, summaryTickMsg{seq: seq}))
}

// sparkBuckets is one bar per cell of the summary's sparkline at this
// width; narrower screens merge bars.
func sparkBuckets(w int) int { return min(max(w-4, 24), 120) }

// stopSummary cancels a run; its result, if it still comes, is dropped.
func (m *Model) stopSummary() {
	if s := m.sum; s != nil && s.running {
		s.cancel()
		s.running = false
	}
}

func (m *Model) closeSummary() {
	m.stopSummary()
	m.sum = nil
}

func (m *Model) summaryUpdate(msg tea.Msg) tea.Cmd {
	s := m.sum
	switch msg := msg.(type) {
	case summaryTickMsg:
		if s != nil && s.running && s.seq == msg.seq {
			return m.c.After(summaryTick, msg)
		}
	case summaryDoneMsg:
		if s == nil || !s.running || s.seq != msg.seq {
			return nil
		}
		s.running = false
		if msg.err != nil {
			if m.c.Ctx.Err() == nil {
				m.status.err = "summary: " + msg.err.Error()
			}
			if s.rep == nil {
				m.sum = nil
			} else {
				s.window = s.shown
			}
			return nil
		}
		rep := msg.rep
		s.rep, s.shown, s.cursor, s.offset = &rep, s.window, 0, 0
		m.summaryClamp()
	}
	return nil
}

func (m *Model) summaryKey(msg tea.KeyPressMsg) tea.Cmd {
	s, k := m.sum, m.c.Keys
	switch {
	case key.Matches(msg, k.Back):
		// A run is cancelled first; the screen closes when nothing else
		// is left to back out of.
		if s.running && s.rep != nil {
			m.stopSummary()
			s.window = s.shown
			if s.window.Name != "" {
				m.sumWindow = s.window
			}
			return nil
		}
		m.closeSummary()
		return nil
	case key.Matches(msg, k.Narrower), key.Matches(msg, k.Wider):
		dir := 1
		if key.Matches(msg, k.Narrower) {
			dir = -1
		}
		// From the window in force, which need not be a usual one: the
		// query's since:2d is 48h back, so ] goes to 7d and [ to 24h.
		cur := m.summaryWindow()
		if w := cur.Step(dir); w != cur {
			s.window = w
			return m.startSummary()
		}
		return nil
	case key.Matches(msg, k.Show):
		return m.summaryShow()
	case key.Matches(msg, k.CopyQuery):
		return m.summaryCopy()
	}
	page := max(1, m.summaryRows()-1)
	switch {
	case key.Matches(msg, k.Up):
		s.cursor--
	case key.Matches(msg, k.Down):
		s.cursor++
	case key.Matches(msg, k.PageUp):
		s.cursor -= page
	case key.Matches(msg, k.PageDown):
		s.cursor += page
	case key.Matches(msg, k.HalfUp):
		s.cursor -= page / 2
	case key.Matches(msg, k.HalfDown):
		s.cursor += page / 2
	case key.Matches(msg, k.Oldest):
		s.cursor = 0
	case key.Matches(msg, k.Newest):
		s.cursor = 1 << 30
	}
	m.summaryClamp()
	return nil
}

// summaryShow is enter: the line's events in the timeline, through the
// same path as a query typed at the / prompt. A single event also gets
// the cursor.
func (m *Model) summaryShow() tea.Cmd {
	line, ok := m.summaryCurrent()
	if !ok {
		return nil
	}
	q, err := query.Parse(line.query)
	if err != nil {
		m.status.err = "summary: " + err.Error()
		return nil
	}
	m.closeSummary()
	cmd := m.setQuery(q)
	if line.id != 0 {
		m.pause()
		cmd = tea.Batch(cmd, m.loadAround(line.id, true))
	}
	return cmd
}

// summaryCurrent is the line under the cursor, when there is one.
func (m *Model) summaryCurrent() (sumLine, bool) {
	s := m.sum
	if s.rep == nil {
		return sumLine{}, false
	}
	lines := m.summaryLines()
	sel := selectable(lines)
	if len(sel) == 0 {
		return sumLine{}, false
	}
	return lines[sel[min(s.cursor, len(sel)-1)]], true
}

// summaryCopy is y: the line's query to the clipboard, as enter would
// apply it. It is written the way the query language prints it back, with
// anything the screen escapes (a hostile login's ESC or bidi marks) as
// those escapes, so pasting it into a terminal or the / prompt is safe
// and reads back as the same bytes.
func (m *Model) summaryCopy() tea.Cmd {
	if m.c.NoExport {
		return m.refuseExport()
	}
	line, ok := m.summaryCurrent()
	if !ok {
		return nil
	}
	if base64.StdEncoding.EncodedLen(len(line.query)) > clipboardMax {
		return m.toast("the line's query is too long for a terminal clipboard", true)
	}
	return tea.Batch(tea.Raw(osc52([]byte(line.query), m.inTmux)),
		m.toast("copied the line's query to the clipboard: "+line.query, false))
}

// summaryTop is how many fixed lines sit above the scrolling part.
func (m *Model) summaryTop(h int) int {
	switch {
	case h >= 10:
		return 4 // title, sparkline, peak, blank
	case h >= 5:
		return 2
	}
	return 1
}

func (m *Model) summaryRows() int {
	h := m.layout().bodyH
	n := 0
	if m.sum != nil && m.sum.rep != nil {
		n = len(m.summaryLines())
	}
	return scrollRows(h-m.summaryTop(h), n)
}

// scrollRows is how many lines of n fit in h rows when the last row says
// how many more there are whenever they do not all fit.
func scrollRows(h, n int) int {
	if n > h && h > 1 {
		return h - 1
	}
	return max(1, h)
}

// summaryClamp keeps the cursor on a selectable line and in sight, with
// the heading of its section when it is the section's first line.
func (m *Model) summaryClamp() {
	s := m.sum
	if s == nil || s.rep == nil {
		return
	}
	lines := m.summaryLines()
	sel := selectable(lines)
	rows := m.summaryRows()
	s.cursor = min(max(s.cursor, 0), max(0, len(sel)-1))
	if len(sel) > 0 {
		li := sel[s.cursor]
		top := li
		if top > 0 && lines[top-1].query == "" && (s.cursor == 0 || sel[s.cursor-1] != top-1) {
			top-- // the heading (or note) just above
		}
		if s.cursor == 0 {
			top = 0
		}
		if top < s.offset {
			s.offset = top
		}
		if li >= s.offset+rows {
			s.offset = li - rows + 1
		}
	}
	s.offset = min(max(s.offset, 0), max(0, len(lines)-rows))
}

func selectable(lines []sumLine) []int {
	var out []int
	for i, l := range lines {
		if l.query != "" {
			out = append(out, i)
		}
	}
	return out
}

// sumLine is one line of the scrolling part. Which lines there are never
// depends on the width, so the cursor keeps its place on resize.
type sumLine struct {
	styled string
	plain  string // drawn in the cursor style when selected
	query  string // what enter shows; empty for headings and notes
	id     uint64 // a single event to put the timeline's cursor on
}

// summaryView is the screen's body: exactly h lines of w cells.
func (m *Model) summaryView(w, h int) []string {
	s, th := m.sum, m.c.Theme
	out := make([]string, 0, h)
	if s.rep == nil {
		out = append(out, m.summaryTitle(nil, w), "")
		msg := "  computing…"
		if s.running {
			msg = "  " + m.summaryProgress() + " · esc cancels"
		}
		out = append(out, th.Empty.Render(cell.Fit(msg, w, th.Ellipsis)))
		return cell.Lines(out, w, h)
	}
	top := m.summaryTop(h)
	out = append(out, m.summaryTitle(s.rep, w))
	if top >= 2 {
		spark, peak := m.summarySpark(s.rep, w)
		out = append(out, spark)
		if top >= 4 {
			out = append(out, peak, "")
		}
	}
	lines := m.summaryLines()
	sel := selectable(lines)
	cur := -1
	if len(sel) > 0 {
		cur = sel[min(s.cursor, len(sel)-1)]
	}
	rows := scrollRows(h-len(out), len(lines))
	offset := min(max(s.offset, 0), max(0, len(lines)-rows))
	for i := offset; i < len(lines) && i < offset+rows; i++ {
		l := lines[i]
		if i == cur {
			out = append(out, th.Cursor.Render(cell.Fit(th.MarkCursor+l.plain[1:], w, th.Ellipsis)))
			continue
		}
		out = append(out, cell.PadRight(cell.ClipStyled(l.styled, w), w))
	}
	if more := len(lines) - offset - rows; more > 0 && len(out) < h {
		out = append(out, th.SumDim.Render(cell.Fit(fmt.Sprintf("  ↓ %d more lines (j/k, pgdn)", more), w, th.Ellipsis)))
	}
	return cell.Lines(out, w, h)
}

// summaryProgress says how far the run has read.
func (m *Model) summaryProgress() string {
	s := m.sum
	done, total := s.prog.done.Load(), s.prog.total.Load()
	name := cell.Safe(m.summaryWindow().Name)
	if total == 0 {
		return "summary " + name + ": finding the window…"
	}
	return fmt.Sprintf("summary %s: reading ids %s of %s (%d%%)", name, short(done), short(total), done*100/total)
}

// windowName is how the title says the window.
func windowName(name, source string) string {
	switch {
	case source == summary.FromQuery:
		return "window from the query"
	case name == "all":
		return "all time"
	}
	return "last " + name
}

// summaryTitle: the window, the filter, the total and the period on the
// left; the windows [ and ] step through on the right, the one in force
// bracketed, when there is room for both.
func (m *Model) summaryTitle(r *summary.Report, w int) string {
	th := m.c.Theme
	q, win := m.summaryQuery().String(), m.summaryWindow()
	source := summary.FromOption
	if m.sum.window.Name == "" {
		source = summary.FromQuery
	}
	if r != nil {
		q, win.Name, source = r.Query, r.Window, r.WindowSource
	}
	filter := "all events"
	if q != "" {
		filter = cell.Safe(q)
	}
	left := " Summary · " + windowName(win.Name, source) + " · " + filter
	if r != nil {
		left += " · " + numfmt.Many(r.Total, "event")
		if !r.Since.IsZero() {
			left += " · " + m.shortTime(r.Since) + " – " + m.shortTime(r.Until) + " " + zoneName(m)
		}
	}
	var right strings.Builder
	rw := 1
	right.WriteString(th.SumDim.Render(" "))
	for _, l := range ladder(m.summaryWindow()) {
		if l.inForce {
			right.WriteString(th.SumWindow.Render("[" + l.name + "]"))
		} else {
			right.WriteString(th.SumDim.Render(" " + l.name + " "))
		}
		rw += cell.Width(l.name) + 2
	}
	right.WriteString(th.SumDim.Render(" "))
	rw++
	if w-rw < cell.Width(left) {
		return th.SumTitle.Render(cell.Fit(left, w, th.Ellipsis))
	}
	return th.SumTitle.Render(cell.Fit(left, w-rw, th.Ellipsis)) + right.String()
}

type rung struct {
	name    string
	inForce bool
}

// ladder is the usual windows with the one in force marked; a window
// between them (a query's since:2d) is put in its place by its span.
func ladder(cur summary.Window) []rung {
	var out []rung
	placed := false
	for _, w := range summary.Windows {
		same := w.Span == cur.Span
		if !placed && !same && (w.Span == 0 || cur.Span != 0 && w.Span > cur.Span) {
			out = append(out, rung{numfmt.Duration(max(cur.Span, 0)), true})
			placed = true
		}
		out = append(out, rung{w.Name, same})
		placed = placed || same
	}
	return out
}

// shortTime is a time in the display zone without seconds.
func (m *Model) shortTime(t time.Time) string {
	if t.IsZero() {
		return "(no time)"
	}
	return t.In(m.c.Loc).Format("01-02 15:04")
}

// summarySpark is the activity over the window, and below it the peak:
// a mark under its bar (a character, so it survives NO_COLOR) with its
// time and count.
func (m *Model) summarySpark(r *summary.Report, w int) (string, string) {
	th := m.c.Theme
	buckets := r.Buckets
	if r.BucketWidth > 0 && r.Until.After(r.Since) {
		// Whole minutes leave the last bars after the window's end: they
		// would read as a quiet stretch that has not happened yet.
		n := int((r.Until.Sub(r.Since) + r.BucketWidth - 1) / r.BucketWidth)
		buckets = buckets[:min(max(n, r.Peak+1, 1), len(buckets))]
	}
	cells := max(1, min(len(buckets), w-2))
	vals, peakCell := resample(buckets, cells, r.Peak)
	var b strings.Builder
	b.WriteString(" ")
	for i, v := range vals {
		bar := summary.Bar(v, maxOf(vals))
		if i == peakCell {
			b.WriteString(th.SparkPeak.Render(bar))
		} else {
			b.WriteString(th.Spark.Render(bar))
		}
	}
	spark := cell.PadRight(b.String(), w)
	if r.Peak < 0 || peakCell < 0 {
		return spark, th.SumDim.Render(cell.Fit("  no events in this window", w, th.Ellipsis))
	}
	at := r.Since.Add(time.Duration(r.Peak) * r.BucketWidth)
	note := fmt.Sprintf("peak %s in %s from %s", numfmt.Many(r.Buckets[r.Peak], "event"), numfmt.Duration(r.BucketWidth), m.shortTime(at))
	pos := 1 + peakCell
	var line string
	if pos+2+cell.Width(note) <= w || pos < cell.Width(note)+2 {
		line = strings.Repeat(" ", pos) + th.SparkPeak.Render(th.MarkPeak) + th.SumDim.Render(cell.Clip(" "+note, max(0, w-pos-1), th.Ellipsis))
	} else {
		line = th.SumDim.Render(cell.Fit(note+" ", pos, th.Ellipsis)) + th.SparkPeak.Render(th.MarkPeak)
	}
	return spark, cell.PadRight(line, w)
}

// resample merges buckets into cells sums and says which cell holds the
// peak bucket (-1 when none).
func resample(b []uint64, cells, peak int) ([]uint64, int) {
	if len(b) == 0 {
		return nil, -1
	}
	cells = min(cells, len(b))
	out := make([]uint64, cells)
	cellOf := -1
	for i, v := range b {
		c := i * cells / len(b)
		out[c] += v
		if i == peak {
			cellOf = c
		}
	}
	return out, cellOf
}

func maxOf(v []uint64) uint64 {
	var hi uint64
	for _, x := range v {
		hi = max(hi, x)
	}
	return hi
}

// summaryLines is the scrolling part for the shown report at the screen's
// width, drawn once: a report of a long window can hold thousands of
// lines, and drawing them all again for every key made keys lag.
func (m *Model) summaryLines() []sumLine {
	s := m.sum
	if k := (bodyKey{s.rep, m.c.Width, m.c.Theme.Name}); s.body == nil || s.bodyKey != k {
		s.body, s.bodyKey = m.summaryBody(s.rep, m.c.Width), k
	}
	return s.body
}

// summaryBody is every line of the scrolling part, in the order of the
// questions asked first in an incident.
func (m *Model) summaryBody(r *summary.Report, w int) []sumLine {
	th := m.c.Theme
	var out []sumLine
	note := func(s string) {
		out = append(out, sumLine{styled: th.Empty.Render(cell.Fit("    "+s, w, th.Ellipsis))})
	}
	heading := func(title, detail string) {
		if len(out) > 0 {
			out = append(out, sumLine{})
		}
		out = append(out, sumLine{styled: th.SumSection.Render(" "+title) + th.SumDim.Render(cell.Clip(detail, max(0, w-cell.Width(title)-1), th.Ellipsis))})
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

	heading("Privilege changes", shown(len(r.Privileges), r.PrivilegeCount))
	for _, it := range r.Privileges {
		out = append(out, m.itemLine(it, w, uw, ipw))
	}
	if len(r.Privileges) == 0 {
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
func (m *Model) itemLine(it summary.Item, w, uw, ipw int) sumLine {
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
	return sumLine{styled: styled, plain: plain, query: it.Query, id: it.ID}
}

// burstLine: by what, the key in a column kw wide, how many, when, and
// the others involved. An address is never cut, as key or among the
// others: the list ends at a whole entry.
func (m *Model) burstLine(b summary.Burst, w, kw int) sumLine {
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
	return sumLine{styled: styled, plain: plain, query: b.Query}
}

// countLines are a top list: name, count and a bar scaled to the largest.
func (m *Model) countLines(cs []summary.Count, w int) []sumLine {
	th := m.c.Theme
	var hi uint64
	for _, c := range cs {
		hi = max(hi, c.Count)
	}
	nw := min(max(w/4, 12), 28)
	barW := min(max(0, w-3-nw-1-9-2), 60)
	out := make([]sumLine, 0, len(cs))
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
		out = append(out, sumLine{styled: styled, plain: plain, query: c.Query})
	}
	return out
}
