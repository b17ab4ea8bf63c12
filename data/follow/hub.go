package follow

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

// Live is what follows new events: a Follower of its own, or a
// subscription to a Hub that many share.
type Live interface {
	Start(ctx context.Context) error
	Poll(ctx context.Context, filt *query.Filter) (Result, error)
	HighWater() uint64
	Seen(id uint64)
}

var _ Live = (*Follower)(nil)
var _ Live = (*Sub)(nil)

// ErrFellBehind ends a subscription that stopped taking what arrives (a
// client that stalled) before its backlog outgrew what a Hub keeps.
var ErrFellBehind = errors.New("fell behind the live events: following stopped")

// subBacklog is how many events a subscription may hold untaken.
const subBacklog = 200_000

// Hub is one follower for many: the database is polled once per interval
// however many sessions follow, and each subscription gets every event
// once, judged by its own filter (narrowed by its own source, so a
// restricted session takes only what it may see). Polling stops while
// nobody is subscribed.
type Hub struct {
	fl    *Follower
	every time.Duration
	polls atomic.Uint64
	// backlog is how many events a subscription may hold (subBacklog;
	// tests make it small).
	backlog int

	mu      sync.Mutex // held across a poll: one at a time
	started bool
	subs    map[*Sub]struct{}
	obs     map[*Observer]struct{}

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

// NewHub polls src (the server's own, unrestricted source) every interval.
func NewHub(src source.Source, grace, every time.Duration, now func() time.Time) *Hub {
	if every <= 0 {
		every = DefaultPoll
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &Hub{fl: New(src, grace, now), every: every, backlog: subBacklog, subs: map[*Sub]struct{}{}, obs: map[*Observer]struct{}{}, ctx: ctx, cancel: cancel, done: make(chan struct{})}
	go h.loop()
	return h
}

// Close stops polling.
func (h *Hub) Close() {
	h.cancel()
	<-h.done
}

// Polls is how many times the database was polled, for tests and figures.
func (h *Hub) Polls() uint64 { return h.polls.Load() }

// Subscribers is how many subscriptions are open.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

func (h *Hub) loop() {
	defer close(h.done)
	t := time.NewTicker(h.every)
	defer t.Stop()
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-t.C:
		}
		h.mu.Lock()
		if h.started && len(h.subs)+len(h.obs) > 0 {
			h.pollLocked(h.ctx)
		}
		h.mu.Unlock()
	}
}

// pollLocked reads what arrived and hands it to every subscription and
// observer; an error is handed on too (the follower is unchanged by it, so
// the next poll catches up).
func (h *Hub) pollLocked(ctx context.Context) {
	for {
		h.polls.Add(1)
		res, err := h.fl.Poll(ctx, nil)
		for s := range h.subs {
			s.deliver(res, err)
		}
		if len(h.obs) > 0 && (err == nil || ctx.Err() == nil) {
			// A poll cut short by its own caller going away (the hub
			// closing, a session's start abandoned) is no failure of
			// the database: observers, which count failures, skip it.
			o := Observation{Fresh: res.Fresh, Late: res.Late, Err: err, At: h.fl.now(), HighWater: h.fl.HighWater(), Awaited: h.fl.Gaps()}
			for ob := range h.obs {
				ob.fn(o)
			}
		}
		if err != nil || !res.More {
			return
		}
	}
}

// Subscribe is a new subscription for a session reading through src: its
// filter is narrowed by src when src is a source.Narrower.
func (h *Hub) Subscribe(src source.Source) *Sub {
	s := &Sub{hub: h}
	s.narrower, _ = src.(source.Narrower)
	return s
}

// Sub is one session's share of a Hub. Its Poll reads nothing from the
// database: it takes what the hub delivered since the last one.
type Sub struct {
	hub      *Hub
	narrower source.Narrower

	mu      sync.Mutex
	hw      uint64
	started bool
	fresh   [][]activity.Event // batches as delivered, shared with other subscriptions
	late    [][]activity.Event
	held    int
	err     error
	broken  bool
	seen    map[uint64]bool
}

// upToDateLocked starts the follower at the newest id if nobody has, or
// brings it up to date with a poll. h.mu is held.
func (h *Hub) upToDateLocked(ctx context.Context) error {
	if !h.started {
		if err := h.fl.Start(ctx); err != nil {
			return err
		}
		h.started = true
		return nil
	}
	h.pollLocked(ctx)
	return nil
}

// Start subscribes at the hub's mark, brought up to date first, so the
// session's newest page (read after Start) and what arrives later neither
// miss nor repeat an event.
func (s *Sub) Start(ctx context.Context) error {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.upToDateLocked(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	s.hw, s.started, s.broken, s.err = h.fl.HighWater(), true, false, nil
	s.fresh, s.late, s.held, s.seen = nil, nil, 0, nil
	s.mu.Unlock()
	h.subs[s] = struct{}{}
	return nil
}

// Stop ends the subscription.
func (s *Sub) Stop() {
	s.hub.mu.Lock()
	delete(s.hub.subs, s)
	s.hub.mu.Unlock()
}

func (s *Sub) deliver(res Result, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.broken {
		return
	}
	if err != nil {
		s.err = err
		return
	}
	s.held += len(res.Fresh) + len(res.Late)
	if s.held > s.hub.backlog {
		s.fresh, s.late, s.held, s.broken, s.err = nil, nil, 0, true, ErrFellBehind
		return
	}
	if len(res.Fresh) > 0 {
		s.fresh = append(s.fresh, res.Fresh)
	}
	if len(res.Late) > 0 {
		s.late = append(s.late, res.Late)
	}
}

// Poll takes what the hub delivered since the last Poll that matches filt
// (narrowed by the session's source), or the hub's last error once.
func (s *Sub) Poll(ctx context.Context, filt *query.Filter) (Result, error) {
	if s.narrower != nil {
		filt = s.narrower.Narrow(filt)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		return Result{}, errors.New("follow: Poll before Start")
	}
	if s.broken {
		return Result{}, ErrFellBehind
	}
	if err := s.err; err != nil {
		s.err = nil
		return Result{}, err
	}
	var res Result
	for _, b := range s.fresh {
		for i := range b {
			if e := &b[i]; e.ID > s.hw {
				s.hw = e.ID
				if filt.Match(e) {
					res.Fresh = append(res.Fresh, *e)
				}
			}
		}
	}
	for _, b := range s.late {
		for i := range b {
			if e := &b[i]; !s.seen[e.ID] && filt.Match(e) {
				res.Late = append(res.Late, *e)
			}
		}
	}
	s.fresh, s.late, s.held = nil, nil, 0
	return res, nil
}

// HighWater is the subscription's mark.
func (s *Sub) HighWater() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hw
}

// Seen: an id this session got some other way (its first page) is not
// given again if it turns up late.
func (s *Sub) Seen(id uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[uint64]bool{}
	}
	s.seen[id] = true
}

// Observation is one poll of a Hub as it happened, for what counts polls
// and events (the metrics): every event the poll read, unfiltered (each id
// comes once over the hub's life, as to a subscription), or the poll's
// error; and the follower's state after it.
type Observation struct {
	// Fresh are the new events above the mark, Late the ones committed
	// late into ids the follower awaited; both in id order. They are
	// shared with the subscriptions: read them, never change them.
	Fresh, Late []activity.Event
	// Err is the poll's error; the follower is unchanged by it and the
	// next poll catches up.
	Err error
	// At is when the poll ended, by the hub's clock.
	At time.Time
	// HighWater is the highest id read so far, Awaited how many ids below
	// it are still awaited (skipped by transactions not yet committed).
	HighWater, Awaited uint64
}

// Observer gets every poll of a Hub from its Start on. While one is
// started the hub keeps polling, whether any session follows or not.
type Observer struct {
	hub *Hub
	fn  func(Observation)
	hw  uint64
}

// Observe makes an observer calling fn with every poll of the hub. fn runs
// on the goroutine that polls, with the hub locked: it must be quick (count,
// never read or block), and every poll waits for it.
func (h *Hub) Observe(fn func(Observation)) *Observer {
	return &Observer{hub: h, fn: fn}
}

// Start starts the hub at the newest id if nobody has, or brings it up to
// date; fn then sees every poll after that.
func (o *Observer) Start(ctx context.Context) error {
	h := o.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.upToDateLocked(ctx); err != nil {
		return err
	}
	o.hw = h.fl.HighWater()
	h.obs[o] = struct{}{}
	return nil
}

// HighWater is the hub's mark when the observer started: events up to it
// came before, fn gets those after.
func (o *Observer) HighWater() uint64 {
	o.hub.mu.Lock()
	defer o.hub.mu.Unlock()
	return o.hw
}

// Stop ends the observer; fn is not called again once Stop returns.
func (o *Observer) Stop() {
	o.hub.mu.Lock()
	delete(o.hub.obs, o)
	o.hub.mu.Unlock()
}
