package ui

import (
	"context"
	"sync"
	"testing"
	"time"

	"matomo-audit/data/demo"
	"matomo-audit/data/follow"
	"matomo-audit/data/query"
)

// stalling is a shared follower that reports falling behind once.
type stalling struct {
	follow.Live
	mu     *sync.Mutex
	starts *int
	behind *bool
}

func (s stalling) Start(ctx context.Context) error {
	s.mu.Lock()
	*s.starts++
	s.mu.Unlock()
	return s.Live.Start(ctx)
}

func (s stalling) Poll(ctx context.Context, f *query.Filter) (follow.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if *s.behind {
		*s.behind = false
		return follow.Result{}, follow.ErrFellBehind
	}
	return s.Live.Poll(ctx, f)
}

// TestFellBehindFollowsAgain: a session a shared follower dropped (its
// client stalled) starts following again from the newest, and says so.
func TestFellBehindFollowsAgain(t *testing.T) {
	table := demo.FromRows(liveRows(1, 300, clock), nil)
	hub := follow.NewHub(table, time.Hour, time.Hour, nil)
	defer hub.Close()
	var mu sync.Mutex
	starts, behind := 0, false
	r := startRig(t, table, Options{Live: func() follow.Live {
		return stalling{Live: hub.Subscribe(table), mu: &mu, starts: &starts, behind: &behind}
	}})
	r.tick()
	mu.Lock()
	behind = true
	mu.Unlock()
	r.tick()
	if r.m.status.toast == "" {
		t.Fatal("falling behind is not said")
	}
	r.tick()
	mu.Lock()
	defer mu.Unlock()
	if starts != 2 {
		t.Fatalf("following started %d times, want again after falling behind", starts)
	}
	if r.m.fol.mode != following {
		t.Fatalf("follow mode %v after falling behind", r.m.fol.mode)
	}
}
