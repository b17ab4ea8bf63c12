package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/theme"
)

// timerMsg is a delayed message held by liveRig until the test lets time
// pass.
type timerMsg struct {
	d   time.Duration
	msg tea.Msg
}

// liveRig runs a following model with time under the test's control:
// polls happen when the test calls tick, and the clock moves when it says.
type liveRig struct {
	t      *testing.T
	m      *Model
	src    *demo.Source
	now    time.Time
	timers []timerMsg
	bells  int
	// shown counts, per id, how often it went from absent to present in
	// the window: an event shown twice or shown, lost and shown again
	// would count more than one.
	shown map[uint64]int
	last  map[uint64]bool
}

func newLiveRig(t *testing.T, n int, o Options) *liveRig {
	t.Helper()
	return startRig(t, demo.FromRows(liveRows(1, n, clock), nil), o)
}

// startRig is a following model over table (or o.Source, which reads
// it), sized and started.
func startRig(t *testing.T, table *demo.Source, o Options) *liveRig {
	t.Helper()
	o.Follow = true
	r := newRig(t, table, o)
	r.run(r.m.Init())
	return r
}

// newRig builds the model, sized, without starting it; the clock is the
// rig's unless o.Now is set.
func newRig(t *testing.T, table *demo.Source, o Options) *liveRig {
	t.Helper()
	r := &liveRig{t: t, now: clock, shown: map[uint64]int{}, src: table}
	if o.Source == nil {
		o.Source = table
	}
	if o.Theme.Name == "" {
		o.Theme = theme.NoColor()
	}
	if o.Now == nil {
		o.Now = func() time.Time { return r.now }
	}
	r.m = New(o)
	r.m.c.After = func(d time.Duration, msg tea.Msg) tea.Cmd {
		return func() tea.Msg { return timerMsg{d, msg} }
	}
	t.Cleanup(r.m.Close)
	r.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	return r
}

// liveRows are logins at ids from..to, one second apart, ending at now.
func liveRows(from, to int, now time.Time) []activity.Row {
	var rows []activity.Row
	for id := from; id <= to; id++ {
		rows = append(rows, liveRow(uint64(id), "ActivityLog/UserSignedIn", []string{"alice", "bob", "carol"}[id%3], now.Add(-time.Duration(to-id)*time.Second)))
	}
	return rows
}

func liveRow(id uint64, typ, login string, at time.Time) activity.Row {
	return activity.Row{ID: id, Login: login, Type: typ, Params: "a:0:{}", Created: at.UTC().Format(time.DateTime)}
}

func (r *liveRig) send(msg tea.Msg) {
	r.t.Helper()
	_, cmd := r.m.Update(msg)
	r.run(cmd)
}

func (r *liveRig) press(keys ...string) {
	r.t.Helper()
	for _, k := range keys {
		r.send(keyMsg(k))
	}
}

// run carries out commands until only timers are left.
func (r *liveRig) run(cmd tea.Cmd) {
	r.t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 100_000 {
			r.t.Fatal("commands never settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil, tea.QuitMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case timerMsg:
			r.timers = append(r.timers, msg)
		case tea.RawMsg:
			if msg.Msg == "\a" {
				r.bells++
			}
		default:
			if isTerminalQuery(msg) {
				continue
			}
			_, next := r.m.Update(msg)
			r.observe()
			queue = append(queue, next)
		}
	}
	r.observe()
}

// observe checks the window after every message: ids strictly ascending
// (no duplicate), and notes what became visible.
func (r *liveRig) observe() {
	r.t.Helper()
	now := map[uint64]bool{}
	ev := r.m.tl.events
	for i := range ev {
		if i > 0 && ev[i].ID <= ev[i-1].ID {
			r.t.Fatalf("window out of order or duplicated at %d: #%d after #%d", i, ev[i].ID, ev[i-1].ID)
		}
		now[ev[i].ID] = true
		if !r.last[ev[i].ID] {
			r.shown[ev[i].ID]++
		}
	}
	r.last = now
}

// tick lets one poll interval pass: every due timer fires.
func (r *liveRig) tick() {
	r.t.Helper()
	r.now = r.now.Add(r.m.pollEvery)
	due := r.timers
	r.timers = nil
	for _, tm := range due {
		r.send(tm.msg)
	}
}

// commit adds rows to the table, as other PHP processes would.
func (r *liveRig) commit(rows ...activity.Row) { r.src.Insert(rows...) }

func (r *liveRig) commitIDs(ids ...uint64) {
	for _, id := range ids {
		r.commit(liveRow(id, "ActivityLog/UserSignedIn", []string{"alice", "bob", "carol"}[id%3], r.now))
	}
}

func (r *liveRig) window() []uint64 {
	var ids []uint64
	for _, e := range r.m.tl.events {
		ids = append(ids, e.ID)
	}
	return ids
}

func (r *liveRig) cursorID() uint64 {
	if e := r.m.current(); e != nil {
		return e.ID
	}
	return 0
}

func (r *liveRig) statusLine() string {
	lines := strings.Split(plainView(r.m), "\n")
	return lines[len(lines)-2]
}

func (r *liveRig) wantCursor(id uint64) {
	r.t.Helper()
	if got := r.cursorID(); got != id {
		r.t.Fatalf("cursor on #%d, want #%d\n%s", got, id, plainView(r.m))
	}
}

func (r *liveRig) wantStatus(sub string) {
	r.t.Helper()
	if s := r.statusLine(); !strings.Contains(s, sub) {
		r.t.Fatalf("status bar %q lacks %q", s, sub)
	}
}
