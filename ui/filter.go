package ui

import (
	"net/netip"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/internal/numfmt"
	"matomo-audit/ui/cell"
)

// setQuery applies a new query: the window is reloaded around the event
// under the cursor (or at the newest when that is where the cursor was),
// and counting starts for it in the background.
func (m *Model) setQuery(q *query.Query) tea.Cmd {
	if q == nil {
		q = &query.Query{}
	}
	var said tea.Cmd
	if q.Empty() && !m.query.Empty() {
		// Clearing is one key away (esc); say how to get it back.
		k := m.c.Keys
		said = m.toast("query cleared · "+k.Query.Help().Key+" "+k.HistPrev.Help().Key+" restores", false)
	}
	m.query = q
	m.filter = query.Compile(q, m.c.Now(), m.c.Loc)
	if s := q.String(); s != "" && (len(m.history) == 0 || m.history[len(m.history)-1] != s) {
		m.history = append(m.history, s)
	}
	atNewest := m.tl.atNewest && (len(m.tl.events) == 0 || m.tl.cursor == len(m.tl.events)-1)
	e := m.current()
	if e == nil || atNewest {
		return tea.Batch(m.loadJump(loadNewest), m.maybeCount(), said)
	}
	return tea.Batch(m.loadAround(e.ID, false), m.maybeCount(), said)
}

// counts holds a counting scan: the matches of one query by login and by
// type, read in id ranges from the oldest to the newest event. Results are
// kept per query, so going back to an earlier query shows its counts at
// once.
type counts struct {
	key     string
	filter  *query.Filter
	stats   source.Stats
	next    uint64 // next id to count from
	hi      uint64 // last id when counting started
	chunk   uint64
	running bool
	done    bool
	err     string
}

type countMsg struct {
	key   string
	epoch int // see served.epoch
	stats source.Stats
	next  uint64
	took  time.Duration
	err   error
}

// countTarget is how long one counting step should take: short enough to
// stay out of the way of the timeline's own reads.
const countTarget = 150 * time.Millisecond

func (m *Model) countsFor(key string, q *query.Query) *counts {
	if m.counts == nil {
		m.counts = map[string]*counts{}
	}
	c, ok := m.counts[key]
	if !ok {
		c = &counts{key: key, filter: query.Compile(q, m.c.Now(), m.c.Loc), chunk: 50_000}
		m.counts[key] = c
	}
	return c
}

// maybeCount starts or continues counting once the timeline is idle (the
// screen comes first): the current query for its chip, unless the window
// already holds all its matches, and the open picker's facet query. The
// unfiltered table is only counted when a picker needs it.
func (m *Model) maybeCount() tea.Cmd {
	if m.tl.loadingOlder || m.tl.loadingNewer || m.tl.jumping || m.tl.stopped {
		return nil
	}
	var cmds []tea.Cmd
	if !m.query.Empty() && !m.windowComplete() {
		cmds = append(cmds, m.countStep(m.countsFor(m.query.String(), m.query)))
	}
	if p := m.pickerLayer(); p != nil {
		fed, c := m.feedPicker(p)
		cmds = append(cmds, fed, m.countStep(c))
	}
	return tea.Batch(cmds...)
}

func (m *Model) countStep(c *counts) tea.Cmd {
	if c.running || c.done || c.err != "" || m.hi == 0 {
		return nil
	}
	if c.hi == 0 {
		c.next, c.hi = m.lo, m.hi
	}
	if c.next > c.hi {
		c.done = true
		return nil
	}
	c.running = true
	from, to := c.next, min(c.next+c.chunk-1, c.hi)
	src, ctx, f, key, epoch := m.c.Src, m.c.Ctx, c.filter, c.key, m.srv.epoch
	return func() tea.Msg {
		start := time.Now()
		st, err := src.Stats(ctx, f, from, to)
		return countMsg{key: key, epoch: epoch, stats: st, next: to + 1, took: time.Since(start), err: err}
	}
}

func (m *Model) applyCount(msg countMsg) tea.Cmd {
	c, ok := m.counts[msg.key]
	if !ok || msg.epoch != m.srv.epoch {
		return nil
	}
	c.running = false
	if msg.err != nil {
		if m.c.Ctx.Err() == nil {
			c.err = msg.err.Error()
		}
		return nil
	}
	c.stats.Merge(msg.stats)
	c.next = msg.next
	switch {
	case msg.took < countTarget/2 && c.chunk < 8_000_000:
		c.chunk *= 2
	case msg.took > countTarget*2 && c.chunk > 5_000:
		c.chunk /= 2
	}
	if c.next > c.hi {
		c.done = true
	}
	var fed tea.Cmd
	if p := m.pickerLayer(); p != nil {
		var pc *counts
		fed, pc = m.feedPicker(p)
		if pc == c {
			return tea.Batch(fed, m.countStep(c))
		}
	}
	return tea.Batch(fed, m.countOn(msg, c))
}

// countOn continues the scan a count step was of, when something still
// shows it: the selection's span and the export dialog's total count on;
// of the queries only the current one does, others resume if chosen
// again.
func (m *Model) countOn(msg countMsg, c *counts) tea.Cmd {
	switch {
	case msg.key == m.sel.countKey:
		return m.countStep(c)
	case msg.key != m.query.String():
		return nil
	case m.exportCounts(msg.key) && m.query.Empty():
		return m.countStep(c)
	}
	return m.maybeCount()
}

// windowComplete: the timeline holds every match of the query (a rare
// filter, once scanned), so counts come from it without another scan.
func (m *Model) windowComplete() bool {
	tl := &m.tl
	return tl.loaded && tl.atOldest && tl.atNewest && !tl.jumping && !tl.loadingOlder && !tl.loadingNewer
}

// windowStats counts the window's events.
func (m *Model) windowStats() source.Stats {
	var st source.Stats
	for i := range m.tl.events {
		st.Add(&m.tl.events[i])
	}
	return st
}

// countText is what the status bar says about the current query's size.
func (m *Model) countText() string {
	if m.query.Empty() {
		return ""
	}
	if m.windowComplete() {
		if n := len(m.tl.events); n != 1 {
			return numfmt.Thousands(uint64(n)) + " matches"
		}
		return "1 match"
	}
	c, ok := m.counts[m.query.String()]
	switch {
	case m.tl.stopped && (!ok || !c.done):
		return "count paused"
	case !ok || c.hi == 0:
		return "counting…"
	case c.err != "":
		return "count failed"
	case c.done:
		n := c.stats.Matches
		if n == 1 {
			return "1 match"
		}
		return numfmt.Thousands(n) + " matches"
	}
	if m.srv.restricted {
		// The percentage is of the table's id range.
		return "≥" + numfmt.Thousands(c.stats.Matches) + " matches, counting…"
	}
	span := max(c.hi-m.lo+1, 1)
	pct := (c.next - m.lo) * 100 / span
	return "≥" + numfmt.Thousands(c.stats.Matches) + " matches, counting " + cell.Itoa(pct) + "%"
}

// toggleIP is i (the cursor row's address, unmapped as ip: matches it) and
// I (its network: the /24 of an IPv4 address, the /64 of an IPv6 one);
// the same key again shows every address.
func (m *Model) toggleIP(network bool) tea.Cmd {
	e := m.current()
	if e == nil {
		return nil
	}
	if !e.IP.IsValid() {
		return m.toast("event #"+numfmt.Thousands(e.ID)+" has no address", true)
	}
	a := e.IP.Unmap()
	v := a.String()
	if network {
		bits := 64
		if a.Is4() {
			bits = 24
		}
		v = netip.PrefixFrom(a, bits).Masked().String()
	}
	return m.setQuery(m.query.ToggleIP(v))
}
