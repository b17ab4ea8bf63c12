package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/summary"
	"matomo-audit/internal/numfmt"
	"matomo-audit/ui/cell"
	"matomo-audit/ui/common"
)

// Below these the UI shows a "terminal too small" note instead.
const (
	minWidth  = 40
	minHeight = 8
)

// layout is where everything goes at the current size.
type layout struct {
	small       bool
	bodyH       int
	tlW, tlH    int
	dW, dH      int
	side, below bool // detail pane placement when not full screen
	full        bool
	detailShown bool
}

// layout is where everything goes, as computed at the last resize or
// change of mode.
func (m *Model) layout() layout { return m.lay }

// relayout computes the layout after a resize or a change of mode (full
// screen detail), and sizes the components for it.
func (m *Model) relayout() {
	m.lay = m.computeLayout()
	for _, l := range m.layers {
		m.sizeLayer(l)
	}
}

func (m *Model) computeLayout() layout {
	l := layout{}
	if m.c.Width < minWidth || m.c.Height < minHeight {
		l.small = true
		return l
	}
	l.bodyH = m.c.Height - 3 // header, status bar, key hint
	switch {
	case m.detail.full:
		l.full, l.detailShown = true, true
		l.dW, l.dH = m.c.Width, l.bodyH
	case m.c.Width >= 80+1+40:
		// Side by side once the timeline keeps at least 80 columns next
		// to a useful pane (40+).
		l.side, l.detailShown = true, true
		l.dW = min(max((m.c.Width-1)*2/5, 40), 64, m.c.Width-81)
		l.tlW, l.tlH = m.c.Width-l.dW-1, l.bodyH
		l.dH = l.bodyH
	case l.bodyH >= 12:
		l.below, l.detailShown = true, true
		l.dH = min(max(l.bodyH*2/5, 5), 14)
		l.tlW, l.tlH = m.c.Width, l.bodyH-l.dH-1
		l.dW = m.c.Width
	default:
		l.tlW, l.tlH = m.c.Width, l.bodyH
	}
	return l
}

func (m *Model) timelineRows() int {
	l := m.layout()
	if l.full {
		// Keep paging sized for the timeline that comes back.
		return max(1, l.bodyH-8)
	}
	return max(1, l.tlH)
}

func (m *Model) detailVisible() bool { return m.layout().detailShown }

// View renders the screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "matomo-audit · " + m.srcLabel()
	return v
}

func (m *Model) srcLabel() string {
	if m.c.Src == nil {
		return ""
	}
	return cell.Safe(m.c.Src.Label())
}

func (m *Model) render() string {
	if m.c.Width == 0 || m.c.Height == 0 {
		return ""
	}
	l := m.layout()
	if l.small {
		return m.tooSmall()
	}
	var body []string
	switch {
	case l.full:
		body = m.detailPane(m.c.Width, l.bodyH)
	case l.side:
		tl := m.timelineView(l.tlW, l.tlH)
		dp := m.detailPane(l.dW, l.dH)
		sep := m.c.Theme.Border.Render("│")
		body = make([]string, l.bodyH)
		for i := range body {
			body[i] = tl[i] + sep + dp[i]
		}
	case l.below:
		body = append(m.timelineView(l.tlW, l.tlH), m.c.Theme.Border.Render(m.paneRule(m.c.Width)))
		body = append(body, m.detailPane(m.c.Width, l.dH)...)
	default:
		body = m.timelineView(l.tlW, l.tlH)
	}
	for _, ly := range m.layers {
		switch ly.Place() {
		case common.Screen:
			body = strings.Split(ly.View(), "\n")
		case common.Box:
			body = m.overlayBox(body, ly.View())
		}
	}
	lines := make([]string, 0, m.c.Height)
	lines = append(lines, m.header())
	lines = append(lines, body...)
	bottom := []string{m.statusBar(), m.hint()}
	for _, ly := range m.layers {
		if ly.Place() == common.Bottom {
			bottom = strings.Split(ly.View(), "\n")
		}
	}
	lines = append(lines, bottom...)
	return strings.Join(lines, "\n")
}

// paneRule is the line between timeline and a detail pane below it.
func (m *Model) paneRule(w int) string {
	label := "─ detail "
	if m.detail.focus {
		label = "─ detail (" + m.c.Keys.Focus.Help().Key + ": back to the timeline) "
	}
	return cell.Fit(label+strings.Repeat("─", w), w, "")
}

func (m *Model) tooSmall() string {
	msg := []string{
		"Terminal too small",
		fmt.Sprintf("%dx%d, need %dx%d", m.c.Width, m.c.Height, minWidth, minHeight),
		m.c.Keys.Quit.Keys()[0] + " quits",
	}
	out := make([]string, m.c.Height)
	top := max(0, (m.c.Height-len(msg))/2)
	for i := range out {
		line := ""
		if j := i - top; j >= 0 && j < len(msg) {
			line = cell.Clip(msg[j], m.c.Width, "")
			line = strings.Repeat(" ", max(0, (m.c.Width-cell.Width(line))/2)) + line
		}
		out[i] = cell.Fit(line, m.c.Width, "")
	}
	return strings.Join(out, "\n")
}

func (m *Model) header() string {
	left := " matomo-audit "
	mid := " " + m.srcLabel() + " · times " + zoneName(m)
	right := " ? help "
	spark := ""
	if m.c.Width >= 100 && !m.sparkHidden() {
		spark = m.headerSpark()
	}
	avail := m.c.Width - cell.Width(left) - cell.Width(right) - cell.Width(spark)
	mid = cell.Fit(mid, max(0, avail), m.c.Theme.Ellipsis)
	return m.c.Theme.Header.Render(left) + m.c.Theme.HeaderDim.Render(mid) + spark + m.c.Theme.Header.Render(right)
}

// headerCells is how many bars the header's sparkline has.
const headerCells = 20

// headerSpark is the activity rate over the time the rows on screen span,
// with that span: a glance tells a burst from a quiet stretch while
// scrolling. It reads only the rows on screen, so it costs nothing next
// to drawing them.
func (m *Model) headerSpark() string {
	tl := &m.tl
	end := min(len(tl.events), tl.offset+m.timelineRows())
	if tl.offset >= end {
		return ""
	}
	shown := tl.events[tl.offset:end]
	var lo, hi time.Time
	for i := range shown {
		t := shown[i].Time
		if t.IsZero() {
			continue
		}
		if lo.IsZero() || t.Before(lo) {
			lo = t
		}
		if t.After(hi) {
			hi = t
		}
	}
	span := hi.Sub(lo)
	if lo.IsZero() || span <= 0 {
		return ""
	}
	var cells [headerCells]uint64
	for i := range shown {
		if t := shown[i].Time; !t.IsZero() {
			cells[min(int(t.Sub(lo)*headerCells/(span+1)), headerCells-1)]++
		}
	}
	hiCount := maxOf(cells[:])
	var b strings.Builder
	for _, c := range cells {
		b.WriteString(summary.Bar(c, hiCount))
	}
	th := m.c.Theme
	return th.HeaderSpark.Render(b.String()) + th.HeaderDim.Render(" "+numfmt.Duration(span)+" on screen ")
}

func zoneName(m *Model) string {
	if m.c.Loc.String() == "UTC" {
		return "UTC"
	}
	abbr, _ := m.c.Now().In(m.c.Loc).Zone()
	return m.c.Loc.String() + " (" + abbr + ")"
}

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
		line := cur + mark + " " + cell.Fit(ts, c.time, "") + " " + user + " "
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
	b.WriteByte(' ')
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

// syncDetail records the detail pane's size and length after every
// update, so scrolling keys know their bounds without View changing state.
func (m *Model) syncDetail() {
	l := m.layout()
	m.detail.height, m.detail.total = l.dH, 0
	if e := m.current(); e != nil && l.detailShown {
		m.detail.total = len(m.detailFor(e, max(1, l.dW-2)))
	}
	m.detail.clampScroll()
}

// detailPane is the cursor event's detail, scrolled, exactly h lines of w.
func (m *Model) detailPane(w, h int) []string {
	out := make([]string, h)
	e := m.current()
	var lines []string
	inner := max(1, w-2)
	if e == nil {
		lines = []string{m.c.Theme.Empty.Render("no event selected")}
	} else {
		lines = m.detailFor(e, inner)
	}
	scroll := min(max(m.detail.scroll, 0), max(0, len(lines)-h))
	for i := range out {
		line := ""
		if j := scroll + i; j < len(lines) {
			line = lines[j]
		}
		out[i] = " " + cell.PadRight(cell.ClipStyled(line, inner), inner) + " "
	}
	if more := len(lines) - scroll - h; more > 0 && h > 1 {
		hint := fmt.Sprintf("↓ %d more lines", more)
		if m.detail.full || m.detail.focus {
			k := m.c.Keys
			hint += " (" + k.ScrollKeys() + ")"
		} else {
			k := m.c.Keys
			hint += " (" + k.Focus.Help().Key + " to scroll, " + k.Detail.Help().Key + " for full screen)"
		}
		out[h-1] = " " + m.c.Theme.DetailDim.Render(cell.Fit(hint, inner, m.c.Theme.Ellipsis)) + " "
	}
	return out
}

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
		if m.hi > m.lo && e.ID >= m.lo && e.ID <= m.hi {
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
	if cell.Width(c)+cell.Width(t)+cell.Width(p) > room {
		p = "" // the position is in the detail pane too
	}
	if over := cell.Width(c) + cell.Width(t) - room; over > 0 {
		// Keep a little of the chips so the bar still reads as a query.
		c = cell.ClipStyled(c, max(min(cell.Width(c), 8), cell.Width(c)-over-1)) + th.Status.Render(th.Ellipsis)
	}
	l := c + t + p
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
	return dir + ": " + short(scanned) + " of " + short(span) + " rows"
}

// short writes large counts like 4.1M, 10M, 830k.
func short(n uint64) string {
	switch {
	case n >= 10_000_000:
		return cell.Itoa(n/1_000_000) + "M"
	case n >= 1_000_000:
		return cell.Itoa(n/1_000_000) + "." + cell.Itoa(n/100_000%10) + "M"
	case n >= 10_000:
		return cell.Itoa(n/1000) + "k"
	}
	return numfmt.Thousands(n)
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

// placeBox centres a box in a w x h area, exactly h lines of w cells.
// overlayBox draws box over the body, on whole rows (slivers of rows
// beside a box read as noise): centred, or at the top or bottom when that
// hides fewer selected rows.
func (m *Model) overlayBox(lines []string, box string) []string {
	rows := strings.Split(box, "\n")
	bw := 0
	for _, r := range rows {
		bw = max(bw, cell.Width(r))
	}
	bw = min(bw, m.c.Width)
	spare := max(0, len(lines)-len(rows))
	hidden := func(top int) int {
		n := 0
		for i := top; i < top+len(rows) && i < len(lines); i++ {
			if idx := m.tl.offset + i; i < m.timelineRows() && idx < len(m.tl.events) && m.selected(m.tl.events[idx].ID) {
				n++
			}
		}
		return n
	}
	top := spare / 2
	for _, t := range []int{0, spare} {
		if hidden(t) < hidden(top) {
			top = t
		}
	}
	out := append([]string(nil), lines...)
	left := (m.c.Width - bw) / 2
	for i, r := range rows {
		if j := top + i; j < len(out) {
			out[j] = cell.PadRight(strings.Repeat(" ", left)+cell.ClipStyled(r, bw), m.c.Width)
		}
	}
	return out
}
