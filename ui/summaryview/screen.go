// Package summaryview is the summary screen (s): who tried to get in, who
// gained rights, what changed and when activity spiked, for a query over
// a window. The report is computed by a command; keys keep working while
// it runs, and the last finished report stays on screen until the next
// one arrives.
package summaryview

import (
	"context"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/query"
	"matomo-audit/data/summary"
	"matomo-audit/ui/common"
)

// Options are what the screen opens with.
type Options struct {
	Query *query.Query
	// Window is the window chosen at the last opening (24h when none); a
	// query with its own since:/until: is summarised over those instead.
	Window summary.Window
	// BurstMin and BurstWithin are the failed-login burst thresholds
	// (summary's defaults when zero).
	BurstMin    int
	BurstWithin time.Duration
}

// Intents the screen hands the root.
type (
	// Show: the line's events in the timeline, through the same path as
	// a query typed at the / prompt; ID, when not 0, is a single event
	// to put the cursor on. The screen is done.
	Show struct {
		Query *query.Query
		ID    uint64
	}
	// WindowChosen: the window in force changed; the next opening over a
	// query without times starts with it.
	WindowChosen struct{ Window summary.Window }
)

// Model is the summary screen.
type Model struct {
	c           *common.Common
	q           *query.Query
	burstMin    int
	burstWithin time.Duration
	w, h        int

	// window is the window asked for; zero while the query's own
	// since:/until: are the window. A window chosen with [ or ] for a
	// query that has them summarises the query without them.
	window summary.Window
	shown  summary.Window  // the window asked for the report on screen
	rep    *summary.Report // the last finished report; nil before the first
	run    *run            // the run whose result is awaited; nil when none
	cursor int             // among the selectable lines
	offset int             // first line shown of the scrolling part
	// body is the scrolling part drawn for bodyKey; see lines.
	body    []line
	bodyKey bodyKey
}

// run is one computation of a report, shared with the command doing it.
// Its result names it by pointer, so a result is taken only by the screen
// that started that very run, never by a later run or a later opening.
type run struct {
	cancel   context.CancelFunc
	progress atomic.Pointer[summary.Progress]
}

type (
	doneMsg struct {
		run *run
		rep summary.Report
		err error
	}
	tickMsg struct{ run *run }
)

// tick is how often the progress is redrawn.
const tick = 100 * time.Millisecond

// New opens the screen and starts its first report.
func New(c *common.Common, o Options) (*Model, tea.Cmd) {
	w := o.Window
	switch {
	case len(summary.TimeTerms(o.Query)) > 0:
		w = summary.Window{}
	case w.Name == "":
		w = summary.DefaultWindow
	}
	m := &Model{c: c, q: o.Query, burstMin: o.BurstMin, burstWithin: o.BurstWithin, window: w}
	return m, m.start()
}

// Place: the summary takes the body.
func (m *Model) Place() common.Placement { return common.Screen }

// SetSize gives the screen the body's room.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.clamp()
}

// ShortHelp is the summary's hint.
func (m *Model) ShortHelp() []key.Binding { return m.c.Keys.SummaryHelp() }

// FullHelp is the summary's help screen.
func (m *Model) FullHelp() [][]key.Binding { return m.c.Keys.SummaryFullHelp() }

// Closed drops a run still going.
func (m *Model) Closed() { m.stop() }

// Busy is the progress of a run, with the key that cancels it; "" when
// none runs.
func (m *Model) Busy() string {
	if m.run == nil {
		return ""
	}
	return m.progress() + " · " + m.c.Keys.Back.Help().Key + " cancels"
}

// HidesSpark: the header's sparkline is of the timeline's rows, which
// the screen covers; it draws its own over the window.
func (m *Model) HidesSpark() bool { return true }

// Report is the report on screen, nil before the first.
func (m *Model) Report() *summary.Report { return m.rep }

// Running reports whether a report is being computed.
func (m *Model) Running() bool { return m.run != nil }

// Window is the window asked for; zero while the query's own times are.
func (m *Model) Window() summary.Window { return m.window }

// query is what the screen summarises: the query, without its
// since:/until: once a window has been chosen instead.
func (m *Model) query() *query.Query {
	if m.window.Name == "" {
		return m.q
	}
	return summary.WithoutTimeTerms(m.q)
}

// inForce is the window in force for the screen: the one chosen, or the
// query's (its span back from now).
func (m *Model) inForce() summary.Window {
	return summary.InForce(m.query(), m.window, m.c.Now(), m.c.Loc)
}

// start computes the report for the screen's window, dropping any run
// still going: only the newest run's result is shown.
func (m *Model) start() tea.Cmd {
	m.stop()
	ctx, cancel := context.WithCancel(m.c.Ctx)
	r := &run{cancel: cancel}
	m.run = r
	src := m.c.Src
	o := summary.Options{
		Query: m.query(), Window: m.window, Now: m.c.Now(), Loc: m.c.Loc, Buckets: sparkBuckets(m.c.Width),
		BurstMin: m.burstMin, BurstWithin: m.burstWithin,
		Progress: func(p summary.Progress) { r.progress.Store(&p) },
	}
	do := func() tea.Msg {
		defer cancel()
		rep, err := summary.Run(ctx, src, o)
		return doneMsg{run: r, rep: rep, err: err}
	}
	return tea.Batch(do, m.c.After(tick, tickMsg{run: r}))
}

// sparkBuckets is one bar per cell of the sparkline at this width;
// narrower screens merge bars.
func sparkBuckets(w int) int { return min(max(w-4, 24), 120) }

// stop cancels a run; its result, if it still comes, is dropped.
func (m *Model) stop() {
	if m.run != nil {
		m.run.cancel()
		m.run = nil
	}
}

// Update takes keys, the runs' results and the progress ticks.
func (m *Model) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	switch msg := msg.(type) {
	case tickMsg:
		if m.run != nil && msg.run == m.run {
			return nil, m.c.After(tick, msg)
		}
	case doneMsg:
		return m.finished(msg), nil
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return nil, nil
}

func (m *Model) finished(msg doneMsg) tea.Msg {
	if m.run == nil || msg.run != m.run {
		return nil
	}
	m.run = nil
	if msg.err != nil {
		var out common.Batch
		if m.c.Ctx.Err() == nil {
			out = append(out, common.Error{Msg: "summary: " + msg.err.Error()})
		}
		if m.rep == nil {
			out = append(out, common.Close{})
		} else {
			m.window = m.shown
		}
		return out
	}
	rep := msg.rep
	m.rep, m.shown, m.cursor, m.offset = &rep, m.window, 0, 0
	m.clamp()
	return nil
}

func (m *Model) key(msg tea.KeyPressMsg) (tea.Msg, tea.Cmd) {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Back):
		// A run is cancelled first; the screen closes when nothing else
		// is left to back out of.
		if m.run != nil && m.rep != nil {
			m.stop()
			m.window = m.shown
			return m.chosen(), nil
		}
		return common.Close{}, nil
	case key.Matches(msg, k.Narrower, k.Wider):
		dir := 1
		if key.Matches(msg, k.Narrower) {
			dir = -1
		}
		// From the window in force, which need not be a usual one: the
		// query's since:2d is 48h back, so ] goes to 7d and [ to 24h.
		cur := m.inForce()
		if w := cur.Step(dir); w != cur {
			m.window = w
			cmd := m.start()
			return m.chosen(), cmd
		}
		return nil, nil
	case key.Matches(msg, k.Show):
		return m.show(), nil
	case key.Matches(msg, k.CopyQuery):
		return m.copyQuery(), nil
	}
	page := max(1, m.rows()-1)
	if mv, ok := k.Nav().Match(msg, page, page/2); ok {
		m.cursor = mv.From(m.cursor)
	}
	m.clamp()
	return nil, nil
}

// chosen tells the root the window asked for, when it is one it can
// open with (the query's own times are not).
func (m *Model) chosen() tea.Msg {
	if m.window.Name == "" {
		return nil
	}
	return WindowChosen{Window: m.window}
}

// show is enter: the line's events in the timeline.
func (m *Model) show() tea.Msg {
	l, ok := m.current()
	if !ok {
		return nil
	}
	q, err := query.Parse(l.query)
	if err != nil {
		return common.Error{Msg: "summary: " + err.Error()}
	}
	return Show{Query: q, ID: l.id}
}

// copyQuery is y: the line's query to the clipboard, as enter would apply
// it. It is written the way the query language prints it back, with
// anything the screen escapes (a hostile login's ESC or bidi marks) as
// those escapes, so pasting it into a terminal or the / prompt is safe
// and reads back as the same bytes.
func (m *Model) copyQuery() tea.Msg {
	l, ok := m.current()
	if !ok && !m.c.NoExport {
		// With --no-export the root says so even when there is nothing
		// to copy, as y does everywhere.
		return nil
	}
	return common.Copy{
		Data:    []byte(l.query),
		Said:    "copied the line's query to the clipboard: " + l.query,
		TooLong: "the line's query is too long for a terminal clipboard",
	}
}

// current is the line under the cursor, when there is one.
func (m *Model) current() (line, bool) {
	if m.rep == nil {
		return line{}, false
	}
	lines := m.lines()
	sel := selectable(lines)
	if len(sel) == 0 {
		return line{}, false
	}
	return lines[sel[min(m.cursor, len(sel)-1)]], true
}
