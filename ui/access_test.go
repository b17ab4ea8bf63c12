package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

// swapSource reads through whichever source is current, as the server's
// wrapper reads under whatever access the login has now.
type swapSource struct {
	mu  sync.Mutex
	cur source.Source
}

func (s *swapSource) set(src source.Source) { s.mu.Lock(); s.cur = src; s.mu.Unlock() }

func (s *swapSource) get() source.Source { s.mu.Lock(); defer s.mu.Unlock(); return s.cur }

func (s *swapSource) Label() string { return s.get().Label() }

func (s *swapSource) Page(ctx context.Context, r source.Request) (source.Page, error) {
	return s.get().Page(ctx, r)
}

func (s *swapSource) Stream(ctx context.Context, f *query.Filter, from, to uint64, fn func(*activity.Event) error) error {
	return s.get().Stream(ctx, f, from, to, fn)
}

func (s *swapSource) Bounds(ctx context.Context) (uint64, uint64, error) { return s.get().Bounds(ctx) }

func (s *swapSource) Stats(ctx context.Context, f *query.Filter, from, to uint64) (source.Stats, error) {
	return s.get().Stats(ctx, f, from, to)
}

func (s *swapSource) FindTime(ctx context.Context, t time.Time) (uint64, error) {
	return s.get().FindTime(ctx, t)
}

func (s *swapSource) Users(ctx context.Context) ([]source.User, error) { return s.get().Users(ctx) }

func (s *swapSource) Account(ctx context.Context, login string) (source.User, bool, error) {
	return s.get().Account(ctx, login)
}

func (s *swapSource) UserTableProblem() string { return s.get().UserTableProblem() }

func (s *swapSource) After(ctx context.Context, after uint64, limit int) ([]activity.Event, error) {
	return s.get().After(ctx, after, limit)
}

func (s *swapSource) IDs(ctx context.Context, lo, hi uint64) ([]uint64, error) {
	return s.get().IDs(ctx, lo, hi)
}

func (s *swapSource) ByIDs(ctx context.Context, ids []uint64) ([]activity.Event, error) {
	return s.get().ByIDs(ctx, ids)
}

func (s *swapSource) Close() error { return nil }

// demoted is a table of alice, bob and carol, and a source of only bob's
// rows of it: what bob sees once he is no longer a super user.
func demoted(n int) (all, bobs *demo.Source) {
	rows := liveRows(1, n, clock)
	var own []activity.Row
	for _, r := range rows {
		if r.Login == "bob" {
			own = append(own, r)
		}
	}
	return demo.FromRows(rows, nil), demo.FromRows(own, nil)
}

// TestSetAccess: a change of access drops at once everything read under
// the old one (counts, open components, the window), and what is read
// again is what the new access sees; counts still on their way land on
// nothing.
func TestSetAccess(t *testing.T) {
	all, bobs := demoted(3000)
	sw := &swapSource{cur: all}
	r := newRig(t, all, Options{Source: sw, Query: compile(t, "-user:carol"), Role: "bob · super user"})
	r.run(r.m.Init())
	r.press("k", "k", "U")
	if r.m.top() == nil || len(r.m.counts) == 0 {
		t.Fatalf("no picker or no counts to drop (%d)", len(r.m.counts))
	}
	if st := r.statusLine(); !strings.Contains(st, "2,000 matches") || !strings.Contains(st, "%") {
		t.Fatalf("before: %q", st)
	}
	old := r.m.srv.epoch
	cursor := r.cursorID()

	sw.set(bobs)
	_, cmd := r.m.Update(SetAccess{Role: "bob · own activity only", Restricted: true})
	if r.m.top() != nil || len(r.m.counts) != 0 || len(r.m.tl.events) != 0 {
		t.Fatalf("left over from the old access: %d layers, %d counts, %d events", len(r.m.layers), len(r.m.counts), len(r.m.tl.events))
	}
	if st := r.statusLine(); !strings.Contains(st, "bob · own activity only") {
		t.Fatalf("role not changed: %q", st)
	}
	r.run(cmd)
	if len(r.m.tl.events) == 0 {
		t.Fatal("nothing reloaded")
	}
	for _, e := range r.m.tl.events {
		if e.Login != "bob" {
			t.Fatalf("#%d of %s shown after the access changed", e.ID, e.Login)
		}
	}
	if got := r.cursorID(); got > cursor || cursor-got > 3 {
		t.Errorf("cursor went from #%d to #%d, not to the nearest event", cursor, got)
	}
	st := r.statusLine()
	if !strings.Contains(st, "1,000 matches") || strings.Contains(st, "%") {
		t.Fatalf("after: %q", st)
	}
	// A count read under the old access, landing now, is dropped.
	r.send(countMsg{key: "-user:carol", epoch: old, stats: source.Stats{Matches: 5000}, next: 1})
	if st := r.statusLine(); !strings.Contains(st, "1,000 matches") {
		t.Fatalf("a stale count was taken: %q", st)
	}
}

// TestSetAccessFollowing: a following session keeps following, now of
// what the new access sees, and a poll read under the old access that
// lands after the change shows nothing.
func TestSetAccessFollowing(t *testing.T) {
	all, bobs := demoted(300)
	sw := &swapSource{cur: all}
	r := startRig(t, all, Options{Source: sw, Role: "bob · super user"})
	all.Insert(liveRow(301, "ActivityLog/UserSignedIn", "alice", r.now))
	_, cmd := r.m.Update(pollTickMsg{fl: r.m.fol.fl})
	var inFlight []tea.Msg
	for _, msg := range run(cmd) {
		if p, ok := msg.(polledMsg); ok && len(p.res.Fresh) > 0 {
			inFlight = append(inFlight, msg)
		}
	}
	if len(inFlight) == 0 {
		t.Fatal("the poll brought nothing to land late")
	}
	sw.set(bobs)
	r.send(SetAccess{Role: "bob · own activity only", Restricted: true})
	for _, msg := range inFlight {
		r.send(msg)
	}
	r.tick()
	r.wantStatus("FOLLOW")
	for _, e := range r.m.tl.events {
		if e.Login != "bob" {
			t.Fatalf("#%d of %s shown after the access changed", e.ID, e.Login)
		}
	}
	if last := r.window()[len(r.window())-1]; r.cursorID() != last {
		t.Fatalf("cursor on #%d, not the newest #%d", r.cursorID(), last)
	}
}

// TestEndSession: the server ends the session; the model quits and keeps
// the reason for the server to print.
func TestEndSession(t *testing.T) {
	m := newServed(t, demoSource(), Options{Role: "bob · own activity only"}, 80, 24)
	_, cmd := m.Update(EndSession{Reason: "server shutting down"})
	quit := false
	for _, msg := range run(cmd) {
		_, ok := msg.(tea.QuitMsg)
		quit = quit || ok
	}
	if !quit || m.Ended() != "server shutting down" || m.c.Ctx.Err() == nil {
		t.Fatalf("quit %v, reason %q, work stopped %v", quit, m.Ended(), m.c.Ctx.Err() != nil)
	}
}
