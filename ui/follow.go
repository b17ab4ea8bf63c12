package ui

import (
	"errors"
	"sort"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/follow"
	"matomo-audit/data/source"
	"matomo-audit/internal/numfmt"
)

type followMode uint8

const (
	followOff    followMode = iota
	following               // pinned to the newest event
	followPaused            // the user moved away; new events are counted
)

// followState is live following: a follow.Live polled every interval.
//
// The follower is only touched by one goroutine at a time: its start or a
// poll runs as a command while starting/polling is set, everything else
// happens in Update. It reads every new row, matching or not, and the
// current filter is applied on arrival, so a filter changed while a poll
// was on its way neither loses nor lets through an event.
type followState struct {
	mode     followMode
	fl       follow.Live
	starting bool
	started  bool
	polling  bool
	failures int
	// hw is the follower's mark as of its last start or poll, read when
	// no command of it runs.
	hw uint64
	// newer are the ids of matching events that arrived while paused,
	// ascending.
	newer []uint64
	// rescue collects what arrives between asking for the newest page and
	// getting it, so the page replacing the window does not drop it.
	rescue     []activity.Event
	collecting bool
	flash      map[uint64]time.Time // new security events, highlighted until
}

// flashFor is how long a new security event stands out.
const flashFor = 3 * time.Second

type (
	followStartedMsg struct {
		fl  follow.Live
		err error
	}
	pollTickMsg struct{ fl follow.Live }
	polledMsg   struct {
		fl  follow.Live
		res follow.Result
		err error
	}
	flashDoneMsg struct{}
)

// startFollow begins following with a new follower. Its start fixes the
// high-water mark; the newest page is asked for only after that, so every
// event is either in that page or found by a later poll.
func (m *Model) startFollow() tea.Cmd {
	m.fol.mode = following
	m.fol.newer = nil
	m.dropFollower()
	fl := m.newFollower()
	m.fol.fl, m.fol.started, m.fol.polling, m.fol.starting = fl, false, false, true
	ctx := m.c.Ctx
	return func() tea.Msg { return followStartedMsg{fl: fl, err: fl.Start(ctx)} }
}

// stopFollow is f while following: the follower is dropped, and a poll
// still on its way is ignored when it lands.
func (m *Model) stopFollow() {
	m.fol.mode = followOff
	m.dropFollower()
	m.fol.fl, m.fol.started, m.fol.polling, m.fol.starting = nil, false, false, false
	m.fol.newer, m.fol.rescue, m.fol.collecting = nil, nil, false
}

// newFollower is a follower of the session's own, or its share of one a
// server runs for everyone (Options.Live).
func (m *Model) newFollower() follow.Live {
	if m.live != nil {
		return m.live()
	}
	return follow.New(m.c.Src, m.grace, m.c.Now)
}

// dropFollower ends a shared follower's subscription, so the server stops
// keeping events for it.
func (m *Model) dropFollower() {
	if s, ok := m.fol.fl.(interface{ Stop() }); ok {
		s.Stop()
	}
}

func (m *Model) pollAfter(d time.Duration) tea.Cmd {
	fl := m.fol.fl
	if d <= 0 {
		return func() tea.Msg { return pollTickMsg{fl: fl} }
	}
	return m.c.After(d, pollTickMsg{fl: fl})
}

func (m *Model) poll() tea.Cmd {
	if m.fol.mode == followOff || m.fol.polling || !m.fol.started {
		return nil
	}
	m.fol.polling = true
	fl, ctx := m.fol.fl, m.c.Ctx
	return func() tea.Msg {
		res, err := fl.Poll(ctx, nil)
		return polledMsg{fl: fl, res: res, err: err}
	}
}

func (m *Model) followUpdate(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case followStartedMsg:
		if msg.fl != m.fol.fl {
			return nil
		}
		m.fol.starting = false
		if msg.err != nil {
			if !m.followFailed("follow: ", msg.err) {
				return nil
			}
			var load tea.Cmd
			if !m.tl.loaded && !m.tl.jumping {
				// Show what can be shown meanwhile; the start retries.
				load = m.loadJump(loadNewest)
			}
			return tea.Batch(load, m.pollAfter(m.retryDelay()))
		}
		m.fol.started = true
		m.fol.hw = msg.fl.HighWater()
		m.recovered()
		if m.fol.mode != following {
			return m.poll()
		}
		return tea.Batch(m.loadJump(loadNewest), m.loadBounds(), m.poll())
	case pollTickMsg:
		if msg.fl != m.fol.fl || m.fol.mode == followOff {
			return nil
		}
		if !m.fol.started {
			if m.fol.starting {
				return nil
			}
			m.fol.starting = true
			fl, ctx := m.fol.fl, m.c.Ctx
			return func() tea.Msg { return followStartedMsg{fl: fl, err: fl.Start(ctx)} }
		}
		return m.poll()
	case polledMsg:
		if msg.fl != m.fol.fl {
			return nil
		}
		m.fol.polling = false
		if errors.Is(msg.err, follow.ErrFellBehind) {
			// A shared follower gave up keeping events for this session
			// (its client stalled): start again from the newest.
			return tea.Batch(m.toast("fell behind the live events: following again from the newest", true), m.startFollow())
		}
		if msg.err != nil {
			if !m.followFailed("", msg.err) {
				return nil
			}
			return m.pollAfter(m.retryDelay())
		}
		m.recovered()
		m.fol.hw = msg.fl.HighWater()
		cmd := m.arrived(msg.res)
		next := m.pollEvery
		if msg.res.More {
			next = 0
		}
		return tea.Batch(cmd, m.pollAfter(next))
	case flashDoneMsg:
		now := m.c.Now()
		for id, until := range m.fol.flash {
			if !now.Before(until) {
				delete(m.fol.flash, id)
			}
		}
		return nil
	}
	return nil
}

// followFailed counts a failed start or poll and shows it; false when the
// UI is closing and there is nothing to retry.
func (m *Model) followFailed(what string, err error) bool {
	if m.c.Ctx.Err() != nil {
		return false
	}
	m.fol.failures++
	m.status.err = what + err.Error()
	m.status.retrying, m.status.retries = true, m.fol.failures
	m.status.outage, m.status.nextIn = errors.Is(err, source.ErrUnavailable), m.retryDelay()
	return true
}

// recovered clears the error once the database answers again.
func (m *Model) recovered() {
	if m.fol.failures > 0 {
		m.fol.failures = 0
		m.status.err, m.status.retrying, m.status.retries, m.status.outage = "", false, 0, false
	}
}

func (m *Model) retryDelay() time.Duration {
	return m.backoff(max(m.fol.failures-1, 0))
}

// arrived places what a poll brought. While following, new events go to
// the bottom and the cursor stays on the newest; late commits go where
// their ids belong. While paused the view stays: late commits inside the
// window go in, newer ones are counted.
func (m *Model) arrived(res follow.Result) tea.Cmd {
	var got []activity.Event
	for _, list := range [][]activity.Event{res.Late, res.Fresh} {
		for i := range list {
			if m.filter.Match(&list[i]) {
				got = append(got, list[i])
			}
		}
	}
	if len(got) == 0 {
		return nil
	}
	// Late commits are older than anything fresh: in id order they go.
	sort.Slice(got, func(i, j int) bool { return got[i].ID < got[j].ID })
	if m.fol.collecting {
		m.fol.rescue = append(m.fol.rescue, got...)
	}
	var cmds []tea.Cmd
	if m.fol.flash == nil {
		m.fol.flash = map[uint64]time.Time{}
	}
	now, security := m.c.Now(), false
	for i := range got {
		if got[i].Severity == activity.Security {
			security = true
			m.fol.flash[got[i].ID] = now.Add(flashFor)
		}
	}
	if security {
		cmds = append(cmds, m.c.After(flashFor+50*time.Millisecond, flashDoneMsg{}))
		if m.bell {
			cmds = append(cmds, tea.Raw("\a"))
		}
	}
	switch m.fol.mode {
	case following:
		for _, e := range got {
			m.insert(e)
		}
		m.pinNewest()
	case followPaused:
		tl := &m.tl
		for _, e := range got {
			if len(tl.events) > 0 && e.ID < tl.events[len(tl.events)-1].ID {
				m.insert(e)
			}
			m.addNewer(e.ID)
		}
		tl.atNewest = false
	}
	m.hi = max(m.hi, m.fol.hw)
	return tea.Batch(cmds...)
}

// pinNewest puts the cursor on the newest event and trims the window's
// old end.
func (m *Model) pinNewest() {
	tl := &m.tl
	if over := len(tl.events) - m.maxWindow(); over > 0 {
		tl.events = append([]activity.Event(nil), tl.events[over:]...)
		tl.atOldest = false
		tl.olderAnchor = firstID(tl.events)
	}
	tl.cursor = max(0, len(tl.events)-1)
	tl.atNewest = true
	tl.newerAnchor = max(tl.newerAnchor, lastID(tl.events, 0), m.fol.hw)
	tl.offset = max(0, len(tl.events)-m.timelineRows())
	tl.clamp(m.timelineRows())
}

// insert puts an event into the window at its id's place, once, keeping
// the cursor and view on the same event. An event older than the window
// is left for scrolling to load, unless the window holds the oldest.
func (m *Model) insert(e activity.Event) {
	tl := &m.tl
	if len(tl.events) > 0 && e.ID < tl.events[0].ID && !tl.atOldest {
		return
	}
	i := sort.Search(len(tl.events), func(i int) bool { return tl.events[i].ID >= e.ID })
	if i < len(tl.events) && tl.events[i].ID == e.ID {
		return
	}
	tl.events = append(tl.events, activity.Event{})
	copy(tl.events[i+1:], tl.events[i:])
	tl.events[i] = e
	if len(tl.events) > 1 && i <= tl.cursor {
		tl.cursor++
		tl.offset++
	}
}

func (m *Model) addNewer(id uint64) {
	i := sort.Search(len(m.fol.newer), func(i int) bool { return m.fol.newer[i] >= id })
	if i < len(m.fol.newer) && m.fol.newer[i] == id {
		return
	}
	m.fol.newer = append(m.fol.newer, 0)
	copy(m.fol.newer[i+1:], m.fol.newer[i:])
	m.fol.newer[i] = id
}

// newerCount is how many events that arrived while paused are below the
// screen's last row: scrolling down to them counts them off.
func (m *Model) newerCount() int {
	tl := &m.tl
	var last uint64
	if n := min(tl.offset+m.timelineRows(), len(tl.events)); n > 0 {
		last = tl.events[n-1].ID
	}
	i := sort.Search(len(m.fol.newer), func(i int) bool { return m.fol.newer[i] > last })
	return len(m.fol.newer) - i
}

// newestArrived is the newest page replacing the window: what a poll
// brought meanwhile goes back in.
func (m *Model) newestArrived() {
	if !m.fol.collecting {
		return
	}
	for _, e := range m.fol.rescue {
		m.insert(e)
	}
	m.fol.rescue, m.fol.collecting = nil, false
	if m.fol.mode == following {
		m.pinNewest()
	}
}

// pause is what any move away from the newest does while following.
func (m *Model) pause() {
	if m.fol.mode == following {
		m.fol.mode = followPaused
		m.fol.newer = nil
	}
}

// resume (G, or f while paused or off) goes back to the newest and
// follows.
func (m *Model) resume() tea.Cmd {
	if m.fol.mode == followOff || m.fol.fl == nil {
		return tea.Batch(m.startFollow(), m.loadBounds())
	}
	m.fol.mode = following
	m.fol.newer = nil
	if !m.fol.started {
		// Its start is on the way (or retrying) and loads the newest.
		return nil
	}
	return tea.Batch(m.loadJump(loadNewest), m.loadBounds(), m.poll())
}

func (m *Model) flashing(id uint64) bool {
	until, ok := m.fol.flash[id]
	return ok && m.c.Now().Before(until)
}

// followBadge is the status bar's word on following.
func (m *Model) followBadge() string {
	switch m.fol.mode {
	case following:
		return "FOLLOW"
	case followPaused:
		if n := m.newerCount(); n > 0 {
			return "PAUSED · " + numfmt.Thousands(uint64(n)) + " newer (G)"
		}
		return "PAUSED (G)"
	}
	return ""
}
