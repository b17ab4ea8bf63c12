package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/source"
)

// timeline is a bounded window of events around the cursor. Pages are
// fetched by keyset next to whichever edge the cursor approaches, and the
// far edge is dropped when the window grows past its cap, so memory stays
// flat and a 10M-row table scrolls like a 100-row one. With a filter the
// table is scanned in short steps (scanBudget each) that stream matches
// in, report progress and can be stopped, so keys never wait for a scan.
type timeline struct {
	events []activity.Event // ascending by id: oldest at the top
	cursor int
	offset int // first visible row

	atOldest, atNewest bool // the window reaches that end of the (filtered) table
	olderAnchor        uint64
	newerAnchor        uint64

	loadingOlder, loadingNewer, jumping bool
	// pending is movement asked for beyond a loaded edge; it is carried
	// out when the page arrives, so holding pgup never stalls.
	pending int

	// After a jump into the middle (new query, u, T) the cursor goes to
	// target as pages arrive: the first event at or after it when
	// targetAfter, else the last one at or before it.
	target      uint64
	targetAfter bool

	// stopped: esc ended a scan; edges load again when the cursor asks.
	stopped bool
	// runFrom is where the current scan in each direction started, for
	// the progress shown (0: none running).
	runFrom [2]uint64

	gen    int // bumped by jumps; pages of older generations are dropped
	ctx    context.Context
	cancel context.CancelFunc
	loaded bool
}

type loadKind uint8

const (
	loadNewest loadKind = iota
	loadOldest
	loadOlder
	loadNewer
)

func (k loadKind) String() string {
	return [...]string{"newest", "oldest", "older", "newer"}[k]
}

// defaultScanBudget is how long one step of a filtered scan may read
// before it hands over what it found (Model.scanBudget; tests shorten it).
const defaultScanBudget = 120 * time.Millisecond

type pageMsg struct {
	gen  int
	kind loadKind
	req  source.Request
	page source.Page
	err  error
	took time.Duration
}

type retryMsg struct {
	gen  int
	kind loadKind
}

func (m *Model) pageSize() int { return max(100, 3*m.timelineRows()) }

// maxWindow is how many events are kept: a few screens either side.
func (m *Model) maxWindow() int { return max(600, 12*m.timelineRows()) }

func (m *Model) request(kind loadKind) source.Request {
	r := source.Request{Filter: m.filter, Limit: m.pageSize()}
	if !m.filter.MatchAll() {
		r.Budget = m.scanBudget
	}
	switch kind {
	case loadNewest:
		r.Dir = source.Older
	case loadOldest:
		r.Dir = source.Newer
	case loadOlder:
		r.Dir, r.Anchor = source.Older, m.tl.olderAnchor
	case loadNewer:
		r.Dir, r.Anchor = source.Newer, m.tl.newerAnchor
	}
	return r
}

func (m *Model) fetch(kind loadKind) tea.Cmd {
	gen, req, src, ctx := m.tl.gen, m.request(kind), m.c.Src, m.tl.ctx
	return func() tea.Msg {
		start := time.Now()
		p, err := src.Page(ctx, req)
		return pageMsg{gen: gen, kind: kind, req: req, page: p, err: err, took: time.Since(start)}
	}
}

// newGen starts a new generation of loads: pages still on their way are
// dropped when they arrive, and their queries are cancelled.
func (m *Model) newGen() {
	if m.tl.cancel != nil {
		m.tl.cancel()
	}
	m.tl.ctx, m.tl.cancel = context.WithCancel(m.c.Ctx)
	m.tl.gen++
	m.tl.loadingOlder, m.tl.loadingNewer, m.tl.jumping = false, false, false
	m.tl.runFrom = [2]uint64{}
	m.tl.pending = 0
	m.tl.stopped = false
	m.fol.rescue, m.fol.collecting = nil, false
}

// loadJump replaces the window with the newest or oldest page.
func (m *Model) loadJump(kind loadKind) tea.Cmd {
	m.newGen()
	m.tl.jumping = true
	m.tl.target = 0
	m.detail.scroll = 0
	if kind == loadNewest && m.fol.started {
		m.fol.collecting = true
	}
	return m.fetch(kind)
}

// loadAround empties the window and fills it from id outwards in both
// directions, with the cursor going to id (see timeline.target).
func (m *Model) loadAround(id uint64, after bool) tea.Cmd {
	m.newGen()
	tl := &m.tl
	tl.events, tl.cursor, tl.offset = nil, 0, 0
	tl.target, tl.targetAfter = id, after
	tl.atOldest, tl.atNewest = false, false
	if after {
		tl.olderAnchor, tl.newerAnchor = id, id-1
	} else {
		tl.olderAnchor, tl.newerAnchor = id+1, id
	}
	tl.loaded = true
	m.detail.scroll = 0
	return tea.Batch(m.loadEdge(loadOlder), m.loadEdge(loadNewer))
}

func (m *Model) loadEdge(kind loadKind) tea.Cmd {
	tl := &m.tl
	switch kind {
	case loadOlder:
		if tl.loadingOlder || tl.atOldest || tl.jumping {
			return nil
		}
		tl.loadingOlder = true
		if tl.runFrom[0] == 0 {
			tl.runFrom[0] = max(tl.olderAnchor, 1)
		}
	case loadNewer:
		if tl.loadingNewer || tl.atNewest || tl.jumping {
			return nil
		}
		tl.loadingNewer = true
		if tl.runFrom[1] == 0 {
			tl.runFrom[1] = max(tl.newerAnchor, 1)
		}
	}
	return m.fetch(kind)
}

// stopScan is esc while a filtered scan runs: stop reading at once and
// keep what was found; the cursor reaching an edge asks again.
func (m *Model) stopScan() bool {
	tl := &m.tl
	if !tl.loadingOlder && !tl.loadingNewer && !tl.jumping {
		return false
	}
	keep := tl.events
	m.newGen()
	tl.events = keep
	tl.stopped = true
	tl.loaded = true
	return true
}

func (m *Model) scanning() bool {
	return !m.filter.MatchAll() && (m.tl.loadingOlder || m.tl.loadingNewer || m.tl.jumping)
}

func (m *Model) retry(kind loadKind) tea.Cmd {
	switch kind {
	case loadNewest, loadOldest:
		return m.loadJump(kind)
	}
	return m.loadEdge(kind)
}

// defaultRetryBase is the first pause before retrying a failed load
// (Model.retryBase; tests shorten it).
const defaultRetryBase = time.Second

// backoff grows 1s, 2s, 4s ... up to 30s between attempts.
func (m *Model) backoff(retries int) time.Duration {
	d := m.retryBase << min(retries, 5)
	return min(d, 30*m.retryBase)
}

// move shifts the cursor, asking for pages when it runs past the window.
func (m *Model) move(delta int) tea.Cmd {
	tl := &m.tl
	tl.target = 0
	if len(tl.events) == 0 {
		return nil
	}
	target := tl.cursor + delta
	var cmd tea.Cmd
	switch {
	case target < 0:
		if !tl.atOldest {
			tl.pending = max(target, -m.pageSize())
			tl.stopped = false
			cmd = m.loadEdge(loadOlder)
		}
		target = 0
	case target >= len(tl.events):
		if !tl.atNewest {
			tl.pending = min(target-len(tl.events)+1, m.pageSize())
			tl.stopped = false
			cmd = m.loadEdge(loadNewer)
		}
		target = len(tl.events) - 1
	}
	if target != tl.cursor {
		m.detail.scroll = 0
	}
	tl.cursor = target
	tl.clamp(m.timelineRows())
	return tea.Batch(cmd, m.prefetch())
}

// prefetch asks for the next page while the cursor is still a couple of
// screens from the edge, so scrolling rarely waits; with a filter it keeps
// a scan going until there is that much to show (or the table ends).
func (m *Model) prefetch() tea.Cmd {
	tl := &m.tl
	if !tl.loaded || tl.stopped {
		return nil
	}
	var cmds []tea.Cmd
	if len(tl.events) == 0 {
		if !tl.atOldest {
			cmds = append(cmds, m.loadEdge(loadOlder))
		}
		if !tl.atNewest {
			cmds = append(cmds, m.loadEdge(loadNewer))
		}
		return tea.Batch(cmds...)
	}
	margin := max(50, 2*m.timelineRows())
	if tl.cursor < margin && !tl.atOldest {
		cmds = append(cmds, m.loadEdge(loadOlder))
	}
	if len(tl.events)-1-tl.cursor < margin && !tl.atNewest {
		cmds = append(cmds, m.loadEdge(loadNewer))
	}
	return tea.Batch(cmds...)
}

// clamp keeps the cursor inside the window and visible.
func (tl *timeline) clamp(rows int) {
	if len(tl.events) == 0 {
		tl.cursor, tl.offset = 0, 0
		return
	}
	tl.cursor = min(max(tl.cursor, 0), len(tl.events)-1)
	if rows <= 0 {
		return
	}
	if tl.cursor < tl.offset {
		tl.offset = tl.cursor
	}
	if tl.cursor >= tl.offset+rows {
		tl.offset = tl.cursor - rows + 1
	}
	// Fill the screen: no blank rows at the bottom while older rows exist.
	tl.offset = min(tl.offset, max(0, len(tl.events)-rows))
	tl.offset = max(tl.offset, 0)
}

// current is the event under the cursor, if any.
func (m *Model) current() *activity.Event {
	if len(m.tl.events) == 0 {
		return nil
	}
	return &m.tl.events[m.tl.cursor]
}
