package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/source"
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

func TestFollowShowsNewEventsPinned(t *testing.T) {
	r := newLiveRig(t, 300, Options{})
	r.wantCursor(300)
	r.wantStatus(" FOLLOW ")
	r.commitIDs(301, 302)
	r.tick()
	r.wantCursor(302)
	if v := plainView(r.m); !strings.Contains(v, "#302") {
		t.Fatalf("newest not on screen:\n%s", v)
	}
	// The cursor row is the last timeline row: pinned to the bottom.
	tl := &r.m.tl
	if tl.cursor-tl.offset != r.m.timelineRows()-1 {
		t.Fatalf("cursor at screen row %d of %d", tl.cursor-tl.offset, r.m.timelineRows())
	}
	// A quiet poll changes nothing.
	before := plainView(r.m)
	r.tick()
	if plainView(r.m) != before {
		t.Fatal("a poll with nothing new changed the screen")
	}
}

func TestFollowLateCommitsInIDOrderOnce(t *testing.T) {
	r := newLiveRig(t, 300, Options{})
	// 303 and 305 are taken by transactions still open when 304 and 306
	// commit.
	r.commitIDs(301, 302, 304, 306)
	r.tick()
	r.wantCursor(306)
	r.commitIDs(305)
	r.tick()
	r.commitIDs(303, 307)
	r.tick()
	r.wantCursor(307)
	w := r.window()
	if got := fmt.Sprint(w[len(w)-7:]); got != "[301 302 303 304 305 306 307]" {
		t.Fatalf("window ends %s", got)
	}
	for id := uint64(301); id <= 307; id++ {
		if r.shown[id] != 1 {
			t.Errorf("#%d shown %d times", id, r.shown[id])
		}
	}
	// Polls go on for a while; nothing repeats.
	for range 5 {
		r.tick()
	}
	for id, n := range r.shown {
		if n != 1 {
			t.Errorf("#%d shown %d times", id, n)
		}
	}
}

// An id missing at start (an insert still open) is awaited from the start.
func TestFollowAwaitsIDsOpenAtStart(t *testing.T) {
	rows := liveRows(1, 300, clock)
	rows = append(rows[:294], rows[295:]...) // 295 not committed yet
	r := startRig(t, demo.FromRows(rows, nil), Options{})
	if r.m.tl.events[len(r.m.tl.events)-6].ID != 294 {
		t.Fatalf("window: %v", r.window()[len(r.window())-6:])
	}
	r.commitIDs(295)
	r.tick()
	w := r.window()
	if got := fmt.Sprint(w[len(w)-7:]); got != "[294 295 296 297 298 299 300]" {
		t.Fatalf("late #295 not in its place: %s", got)
	}
	r.wantCursor(300)
}

func TestFollowPauseCountsAndResume(t *testing.T) {
	r := newLiveRig(t, 300, Options{})
	r.press("k")
	r.wantCursor(299)
	r.wantStatus(" PAUSED (G) ")
	tl := &r.m.tl
	cursor, offset, screen := tl.cursor, tl.offset, plainView(r.m)
	r.commitIDs(301, 302, 304)
	r.tick()
	r.wantStatus("PAUSED · 3 newer (G)")
	if tl.cursor != cursor || tl.offset != offset {
		t.Fatal("the view moved while paused")
	}
	// The timeline rows are the same; only the status bar changed.
	if a, b := strings.Split(screen, "\n"), strings.Split(plainView(r.m), "\n"); strings.Join(a[:len(a)-2], "\n") != strings.Join(b[:len(b)-2], "\n") {
		t.Fatalf("screen changed while paused:\n%s", plainView(r.m))
	}
	r.commitIDs(303, 305)
	r.tick()
	r.wantStatus("PAUSED · 5 newer (G)")
	// Scrolling further keeps it paused and the count.
	r.press("k", "k", "pgup")
	r.wantStatus("PAUSED · 5 newer (G)")
	r.press("G")
	r.wantStatus(" FOLLOW ")
	r.wantCursor(305)
	r.commitIDs(306)
	r.tick()
	r.wantCursor(306)
	for id := uint64(280); id <= 306; id++ {
		if r.shown[id] == 0 {
			t.Errorf("#%d never shown", id)
		}
	}
	if got := r.window(); got[len(got)-1] != 306 {
		t.Fatalf("window ends at %d", got[len(got)-1])
	}
	// f resumes a pause too.
	r.press("k")
	r.wantStatus("PAUSED")
	r.press("f")
	r.wantStatus(" FOLLOW ")
	r.wantCursor(306)
}

func TestFollowKeyTogglesOff(t *testing.T) {
	r := newLiveRig(t, 300, Options{})
	r.press("f")
	if s := r.statusLine(); strings.Contains(s, "FOLLOW") || strings.Contains(s, "PAUSED") {
		t.Fatalf("still following: %q", s)
	}
	r.commitIDs(301)
	r.tick()
	r.tick()
	r.wantCursor(300)
	if len(r.timers) != 0 {
		t.Fatalf("still polling when off: %v", r.timers)
	}
	r.press("f")
	r.wantStatus(" FOLLOW ")
	r.wantCursor(301)
	r.commitIDs(302)
	r.tick()
	r.wantCursor(302)
}

func TestFollowWithoutFlagStartsOff(t *testing.T) {
	src := demo.FromRows(liveRows(1, 50, clock), nil)
	m := newModel(t, src, theme.NoColor(), 100, 20)
	if strings.Contains(plainView(m), "FOLLOW") {
		t.Fatal("following without Options.Follow")
	}
}

func TestFollowAppliesFilter(t *testing.T) {
	r := newLiveRig(t, 300, Options{Query: compile(t, "user:alice")})
	r.commitIDs(301, 302, 303, 304, 305, 306)
	r.tick()
	for _, id := range []uint64{301, 302, 304, 305} {
		for _, e := range r.m.tl.events {
			if e.ID == id {
				t.Errorf("#%d (not alice) shown", id)
			}
		}
	}
	r.wantCursor(306)
	// A new filter applies to what comes next, and nothing is lost in
	// between.
	r.press("ctrl+l", "/")
	typeText(t, r.m, "user:bob")
	r.press("enter")
	r.run(nil)
	r.commitIDs(307, 308, 309, 310)
	r.tick()
	r.wantCursor(310)
	w := r.window()
	if got := fmt.Sprint(w[len(w)-3:]); got != "[304 307 310]" {
		t.Fatalf("bob's newest: %s", got)
	}
}

func TestFollowFlashesAndRingsForSecurity(t *testing.T) {
	r := newLiveRig(t, 300, Options{Bell: true, Theme: theme.Dark()})
	r.commitIDs(301)
	r.tick()
	if r.bells != 0 {
		t.Fatal("bell for an ordinary sign-in")
	}
	r.commit(liveRow(302, "ActivityLog/UserSignInFailed", "mallory", r.now))
	r.tick()
	if r.bells != 1 {
		t.Fatalf("%d bells for a failed sign-in", r.bells)
	}
	flash, _, _ := strings.Cut(r.m.c.Theme.Flash.Render("X"), "X")
	flash += "failed to sign in"
	r.press("k") // the flash shows off the cursor row
	if !strings.Contains(view(r.m), flash) {
		t.Fatalf("new security event not highlighted:\n%q", view(r.m))
	}
	r.now = r.now.Add(flashFor + time.Second)
	due := r.timers
	r.timers = nil
	for _, tm := range due {
		if _, ok := tm.msg.(flashDoneMsg); ok {
			r.send(tm.msg)
		} else {
			r.timers = append(r.timers, tm)
		}
	}
	if strings.Contains(view(r.m), flash) {
		t.Fatal("still highlighted after the flash")
	}
	if !strings.Contains(plainView(r.m), "failed to sign in") {
		t.Fatal("the event itself went away")
	}

	// Without --bell: highlight only.
	q := newLiveRig(t, 300, Options{Theme: theme.Dark()})
	q.commit(liveRow(301, "ActivityLog/UserSignInFailed", "mallory", q.now))
	q.tick()
	if q.bells != 0 {
		t.Fatal("bell without Bell")
	}
}

// downSource is a source whose every read fails while down.
type downSource struct {
	flaky
}

func (d *downSource) isDown() bool { d.mu.Lock(); defer d.mu.Unlock(); return d.down }

func (d *downSource) After(ctx context.Context, after uint64, limit int) ([]activity.Event, error) {
	if d.isDown() {
		return nil, errDown
	}
	return d.Source.After(ctx, after, limit)
}

func (d *downSource) IDs(ctx context.Context, lo, hi uint64) ([]uint64, error) {
	if d.isDown() {
		return nil, errDown
	}
	return d.Source.IDs(ctx, lo, hi)
}

func (d *downSource) ByIDs(ctx context.Context, ids []uint64) ([]activity.Event, error) {
	if d.isDown() {
		return nil, errDown
	}
	return d.Source.ByIDs(ctx, ids)
}

func (d *downSource) FindTime(ctx context.Context, at time.Time) (uint64, error) {
	if d.isDown() {
		return 0, errDown
	}
	return d.Source.FindTime(ctx, at)
}

var _ source.Source = (*downSource)(nil)

func TestFollowReconnectsAndCatchesUp(t *testing.T) {
	table := demo.FromRows(liveRows(1, 300, clock), nil)
	ds := &downSource{flaky: flaky{Source: table}}
	r := startRig(t, table, Options{Source: ds})
	r.wantCursor(300)

	ds.setDown(true)
	r.commitIDs(301, 303) // committed while we cannot see
	r.tick()
	r.wantStatus("database not answering · reconnecting (attempt 1, next in 1s)")
	// Backoff: the next attempt waits longer.
	var waits []time.Duration
	for range 3 {
		for _, tm := range r.timers {
			if _, ok := tm.msg.(pollTickMsg); ok {
				waits = append(waits, tm.d)
			}
		}
		r.tick()
	}
	if len(waits) != 3 || !(waits[0] < waits[1] && waits[1] < waits[2]) {
		t.Fatalf("retry pauses %v do not grow", waits)
	}
	r.wantStatus("database not answering · reconnecting (attempt 4, next in 8s)")
	r.commitIDs(302, 304)
	ds.setDown(false)
	r.tick()
	if s := r.statusLine(); strings.Contains(s, "reconnecting") {
		t.Fatalf("still reconnecting after the database came back: %q", s)
	}
	r.wantStatus(" FOLLOW ")
	w := r.window()
	if got := fmt.Sprint(w[len(w)-5:]); got != "[300 301 302 303 304]" {
		t.Fatalf("after the outage the window ends %s", got)
	}
	r.wantCursor(304)
	// The poll interval is back to normal.
	for _, tm := range r.timers {
		if _, ok := tm.msg.(pollTickMsg); ok && tm.d != r.m.pollEvery {
			t.Fatalf("next poll in %v, want %v", tm.d, r.m.pollEvery)
		}
	}
}

// What a poll brings while the newest page is on its way must survive that
// page replacing the window.
func TestFollowKeepsArrivalsDuringReload(t *testing.T) {
	r := newLiveRig(t, 300, Options{})
	r.press("k")
	r.commitIDs(301)
	r.tick()
	r.commitIDs(302)
	// G: the newest page (with 302) is read now, before 303 commits...
	_, cmd := r.m.Update(keyMsg("G"))
	var page tea.Msg
	var rest []tea.Cmd
	for _, msg := range run(cmd) {
		switch msg.(type) {
		case pageMsg:
			page = msg
		default:
			m := msg
			rest = append(rest, func() tea.Msg { return m })
		}
	}
	if page == nil {
		t.Fatal("G did not ask for the newest page")
	}
	for _, c := range rest {
		r.run(c)
	}
	// ...and a poll brings 302 again and 303 before that page lands.
	r.commitIDs(303)
	r.tick()
	r.send(page)
	w := r.window()
	if got := fmt.Sprint(w[len(w)-4:]); got != "[300 301 302 303]" {
		t.Fatalf("window ends %s: an arrival was dropped or doubled by the reload", got)
	}
	r.wantCursor(303)
}

// Whatever order the start's reads run in, and whatever commits between
// them, every event shows up once.
func TestFollowStartHasNoBlindSpot(t *testing.T) {
	r := newRig(t, demo.FromRows(liveRows(1, 300, clock), nil), Options{Follow: true})
	// Commands run last-asked first, with a commit after each read.
	next := uint64(301)
	stack := []tea.Cmd{r.m.Init()}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c == nil {
			continue
		}
		msg := c()
		r.commitIDs(next)
		next++
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			stack = append(stack, msg...)
		case timerMsg:
			r.timers = append(r.timers, msg)
		default:
			if isTerminalQuery(msg) {
				continue
			}
			_, cmd := r.m.Update(msg)
			r.observe()
			stack = append(stack, cmd)
		}
	}
	r.tick()
	r.tick()
	for id := uint64(280); id < next; id++ {
		if r.shown[id] != 1 {
			t.Errorf("#%d shown %d times", id, r.shown[id])
		}
	}
	r.wantCursor(next - 1)
}

func TestFollowWindowStaysBounded(t *testing.T) {
	r := newLiveRig(t, 300, Options{})
	for batch := 0; batch < 10; batch++ {
		from := 301 + batch*500
		r.commit(liveRows(from, from+499, r.now)...)
		r.tick()
	}
	r.wantCursor(5300)
	if n := len(r.m.tl.events); n > r.m.maxWindow() {
		t.Fatalf("window holds %d events, cap %d", n, r.m.maxWindow())
	}
	// Scrolling up from a trimmed window loads what was trimmed.
	r.press("g")
	r.wantCursor(1)
}

func TestFollowDemoLive(t *testing.T) {
	now := clock
	src := demo.New(demo.Options{Seed: 1, Now: func() time.Time { return now }, Live: true})
	r := startRig(t, src, Options{})
	first := r.cursorID()
	for range 120 {
		now = now.Add(time.Second)
		r.tick()
	}
	if r.cursorID() <= first {
		t.Fatalf("no demo event arrived in two minutes: cursor #%d", r.cursorID())
	}
	w := r.window()
	for i := 1; i < len(w); i++ {
		if w[i] != w[i-1]+1 {
			t.Fatalf("demo ids not contiguous in the window at %d: %d then %d", i, w[i-1], w[i])
		}
	}
	for id, n := range r.shown {
		if n != 1 {
			t.Errorf("#%d shown %d times", id, n)
		}
	}
}

func TestGoldenFollow(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, th := range []theme.Theme{theme.Dark(), theme.NoColor()} {
			name := fmt.Sprintf("%s-%dx%d", th.Name, size[0], size[1])
			t.Run(name+"-following", func(t *testing.T) {
				r := newLiveRig(t, 300, Options{Theme: th})
				r.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				r.commitIDs(301)
				r.commit(liveRow(302, "ActivityLog/UserSignInFailed", "mallory", r.now))
				r.tick() // 302 is highlighted as a new security event
				golden.RequireEqual(t, view(r.m))
			})
			t.Run(name+"-paused", func(t *testing.T) {
				r := newLiveRig(t, 300, Options{Theme: th})
				r.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				r.press("k", "k")
				r.commitIDs(301, 302)
				r.tick()
				golden.RequireEqual(t, view(r.m))
			})
		}
	}
}
