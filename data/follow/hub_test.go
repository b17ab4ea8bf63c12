package follow

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"matomo-audit/data/query"
)

// pollNow is one tick of the hub, by hand.
func (h *Hub) pollNow() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pollLocked(context.Background())
}

// narrowed is the table seen by one login only, as source.Restricted
// would narrow it.
type narrowed struct {
	*table
	login string
}

func (n narrowed) Narrow(f *query.Filter) *query.Filter {
	q, _ := query.Parse("user:" + n.login)
	return f.And(query.Compile(q, time.Now(), nil))
}

// TestHubSharesOnePoll: fifty subscriptions, commits out of id order over
// many ticks: the database is polled once per tick, every subscription
// gets every committed id exactly once, and a narrowed one only its own.
func TestHubSharesOnePoll(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	tb := newTable()
	for id := uint64(1); id <= 20; id++ {
		tb.commit(id, "old")
	}
	clock := tb.now
	h := NewHub(tb, time.Hour, time.Hour, func() time.Time { return clock })
	defer h.Close()
	ctx := context.Background()
	subs := make([]*Sub, 50)
	for i := range subs {
		src := any(tb)
		if i%2 == 1 {
			src = narrowed{tb, "bob"}
		}
		switch s := src.(type) {
		case *table:
			subs[i] = h.Subscribe(s)
		case narrowed:
			subs[i] = h.Subscribe(s)
		}
		if err := subs[i].Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	startPolls := h.Polls()
	got := make([]map[uint64]int, len(subs))
	for i := range got {
		got[i] = map[uint64]int{}
	}
	want := map[uint64]string{}
	next, pending := uint64(21), []uint64{}
	const ticks = 100
	for tick := 0; tick < ticks; tick++ {
		for n := r.IntN(4); n > 0; n-- {
			pending = append(pending, next)
			next++
		}
		r.Shuffle(len(pending), func(i, j int) { pending[i], pending[j] = pending[j], pending[i] })
		keep := pending[:0]
		for _, id := range pending {
			if r.IntN(3) == 0 {
				keep = append(keep, id)
				continue
			}
			login := []string{"alice", "bob"}[r.IntN(2)]
			tb.commit(id, login)
			want[id] = login
		}
		pending = keep
		h.pollNow()
		for i, s := range subs {
			res, err := s.Poll(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range append(res.Fresh, res.Late...) {
				got[i][e.ID]++
			}
		}
	}
	if polls := h.Polls() - startPolls; polls != ticks {
		t.Fatalf("%d subscriptions cost %d polls over %d ticks, want one per tick", len(subs), polls, ticks)
	}
	for i := range subs {
		for id, login := range want {
			n := got[i][id]
			if i%2 == 1 && login != "bob" {
				if n != 0 {
					t.Fatalf("bob's subscription got %s's #%d", login, id)
				}
				continue
			}
			if n != 1 {
				t.Fatalf("subscription %d got #%d %d times", i, id, n)
			}
		}
		for id := range got[i] {
			if _, ok := want[id]; !ok {
				t.Fatalf("subscription %d got #%d, never committed after it started", i, id)
			}
		}
	}
}

// TestHubNewSubscriberStartsNow: a subscription started later begins at
// the hub's mark brought up to date, so it gets nothing from before.
func TestHubNewSubscriberStartsNow(t *testing.T) {
	tb := newTable()
	tb.commit(1, "a")
	h := NewHub(tb, time.Hour, time.Hour, nil)
	defer h.Close()
	ctx := context.Background()
	first := h.Subscribe(tb)
	if err := first.Start(ctx); err != nil {
		t.Fatal(err)
	}
	tb.commit(2, "a")
	second := h.Subscribe(tb)
	if err := second.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if second.HighWater() != 2 {
		t.Fatalf("the second subscription starts at %d, want 2", second.HighWater())
	}
	tb.commit(3, "a")
	h.pollNow()
	a, _ := first.Poll(ctx, nil)
	b, _ := second.Poll(ctx, nil)
	if got := ids(a.Fresh); len(got) != 2 || got[0] != 2 || got[1] != 3 {
		t.Fatalf("the first got %v, want [2 3]", got)
	}
	if got := ids(b.Fresh); len(got) != 1 || got[0] != 3 {
		t.Fatalf("the second got %v, want [3]", got)
	}
}

// TestHubErrorsAndStalls: an outage reaches every subscription once and
// the next poll catches up; a subscription that stops taking events is
// ended when its backlog is full, without slowing the others.
func TestHubErrorsAndStalls(t *testing.T) {
	tb := newTable()
	tb.commit(1, "a")
	h := NewHub(tb, time.Hour, time.Hour, nil)
	h.backlog = 10
	defer h.Close()
	ctx := context.Background()
	live, stalled := h.Subscribe(tb), h.Subscribe(tb)
	for _, s := range []*Sub{live, stalled} {
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	tb.mu.Lock()
	tb.fail = true
	tb.mu.Unlock()
	h.pollNow()
	if _, err := live.Poll(ctx, nil); !errors.Is(err, errDown) {
		t.Fatalf("the outage came through as %v", err)
	}
	tb.mu.Lock()
	tb.fail = false
	tb.mu.Unlock()
	for id := uint64(2); id <= 30; id++ {
		tb.commit(id, "a")
		h.pollNow()
		res, err := live.Poll(ctx, nil)
		if err != nil || len(res.Fresh) != 1 || res.Fresh[0].ID != id {
			t.Fatalf("#%d: %v %v", id, ids(res.Fresh), err)
		}
	}
	if _, err := stalled.Poll(ctx, nil); !errors.Is(err, ErrFellBehind) {
		t.Fatalf("the stalled subscription: %v", err)
	}
}

// TestHubObserver: an observer sees every poll from its start: each id
// once (a late commit among the late), the follower's mark and awaited
// ids, an outage as one error; it keeps the hub polling with no session,
// and is not called once stopped.
func TestHubObserver(t *testing.T) {
	tb := newTable()
	for id := uint64(1); id <= 5; id++ {
		tb.commit(id, "a")
	}
	h := NewHub(tb, time.Hour, time.Hour, nil)
	defer h.Close()
	var obs []Observation
	o := h.Observe(func(ob Observation) { obs = append(obs, ob) })
	ctx := context.Background()
	if err := o.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if o.HighWater() != 5 || len(obs) != 0 {
		t.Fatalf("start: mark %d, %d observations", o.HighWater(), len(obs))
	}
	tb.commit(7, "a") // 6 is open
	h.pollNow()
	tb.commit(6, "a")
	h.pollNow()
	tb.mu.Lock()
	tb.fail = true
	tb.mu.Unlock()
	h.pollNow()
	tb.mu.Lock()
	tb.fail = false
	tb.mu.Unlock()
	tb.commit(8, "a")
	h.pollNow()
	if len(obs) != 4 {
		t.Fatalf("%d observations of 4 polls", len(obs))
	}
	if got := ids(obs[0].Fresh); len(got) != 1 || got[0] != 7 || obs[0].HighWater != 7 || obs[0].Awaited != 1 {
		t.Fatalf("first poll: fresh %v, mark %d, awaited %d", got, obs[0].HighWater, obs[0].Awaited)
	}
	if got := ids(obs[1].Late); len(obs[1].Fresh) != 0 || len(got) != 1 || got[0] != 6 || obs[1].Awaited != 0 {
		t.Fatalf("second poll: fresh %v, late %v, awaited %d", ids(obs[1].Fresh), got, obs[1].Awaited)
	}
	if !errors.Is(obs[2].Err, errDown) || len(obs[2].Fresh)+len(obs[2].Late) != 0 {
		t.Fatalf("the outage was observed as %v", obs[2].Err)
	}
	if got := ids(obs[3].Fresh); obs[3].Err != nil || len(got) != 1 || got[0] != 8 {
		t.Fatalf("after the outage: %v %v", got, obs[3].Err)
	}
	o.Stop()
	h.pollNow()
	if len(obs) != 4 {
		t.Fatal("a stopped observer was called")
	}

	// With an observer and no session, the hub's own ticks poll.
	var n atomic.Int64
	ticking := NewHub(tb, time.Hour, 5*time.Millisecond, nil)
	defer ticking.Close()
	ob := ticking.Observe(func(Observation) { n.Add(1) })
	if err := ob.Start(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for n.Load() < 3 {
		if time.Now().After(deadline) {
			t.Fatal("the hub does not poll for an observer alone")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if ticking.Subscribers() != 0 {
		t.Fatal("an observer counts as a session")
	}
}
