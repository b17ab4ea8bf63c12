package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/source"
)

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
