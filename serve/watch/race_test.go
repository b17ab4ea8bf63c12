package watch

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrent: 50 sessions publish, toggle roles and leave while 50
// viewers watch, read or stall, list and stop, all at once. Run with -race:
// it finishes (no deadlock, no Publish held up by a watcher that never
// reads), each watch sees its session's states in order, and nothing is
// left over.
func TestConcurrent(t *testing.T) {
	const (
		sessions  = 50
		publishes = 200
		watches   = 20 // per viewer
	)
	r := New()
	hs := make([]*Handle, sessions)
	for i := range hs {
		hs[i] = r.Join(Who{Login: fmt.Sprintf("u%d", i%5), Super: i%10 == 0}, t0.Add(time.Duration(i)*time.Second))
	}
	leaves := func(i int) bool { return i%10 == 9 }

	start := make(chan struct{})
	var wg sync.WaitGroup
	var watched, seen atomic.Int64 // so the test cannot pass by watching nothing

	for i, h := range hs {
		wg.Go(func() {
			<-start
			for k := range publishes {
				h.Publish(State{Query: fmt.Sprint(i), Cursor: uint64(k + 1), Following: k%2 == 0})
				if k%50 == 0 {
					h.Watchers()
					select {
					case <-h.WatchersChanged():
					default:
					}
				}
				if i%20 == 0 && k%40 == 0 { // some super viewers, demoted and promoted
					h.SetSuper(k%80 == 0)
				}
			}
			if leaves(i) {
				h.Leave("gone")
			}
		})
	}

	for j, v := range hs {
		viewer := Who{Login: fmt.Sprintf("u%d", j%5), Super: j%10 == 0}
		wg.Go(func() {
			<-start
			for k := range watches {
				if k%5 == 0 {
					r.Targets(viewer, v.ID())
				}
				target := hs[(j*7+k*3)%sessions]
				w, err := r.Watch(viewer, v.ID(), target.ID())
				if err != nil {
					continue
				}
				watched.Add(1)
				if j%3 != 0 { // the others stall: they never read
					var last uint64
					for n := 0; n < 10; n++ {
						var s State
						if n == 0 {
							// The current state is there, unless the
							// session has just left.
							select {
							case s = <-w.Updates():
							case <-w.Ended():
							}
						} else {
							select {
							case s = <-w.Updates():
							default:
							}
						}
						if s.Cursor == 0 {
							continue
						}
						seen.Add(1)
						if s.Cursor < last {
							t.Errorf("watch of %d went back from %d to %d", target.ID(), last, s.Cursor)
						}
						if want := fmt.Sprint((j*7 + k*3) % sessions); s.Query != want {
							t.Errorf("watch of %d sees %q, another session's state", target.ID(), s.Query)
						}
						last = s.Cursor
					}
				}
				if k%4 == 0 {
					w.Revoke("test")
				}
				w.Stop()
			}
		})
	}

	close(start)
	wg.Wait()
	if watched.Load() == 0 || seen.Load() == 0 {
		t.Fatalf("%d watches saw %d states: the test tested nothing", watched.Load(), seen.Load())
	}

	// Everything stopped: no watcher is left, and the sessions that left
	// are gone.
	open := 0
	for i, h := range hs {
		if n := h.Watchers(); n != 0 {
			t.Errorf("session %d has %d watchers after every Stop", h.ID(), n)
		}
		if !leaves(i) {
			open++
		}
	}
	if n := r.Len(); n != open {
		t.Fatalf("Len %d, want %d", n, open)
	}

	// Once the publishing is over, a new watcher sees each session's last
	// state.
	root := Who{Login: "root", Super: true}
	for i, h := range hs {
		if leaves(i) {
			continue
		}
		w := watch(t, r, root, 0, h.ID())
		want := State{Query: fmt.Sprint(i), Cursor: publishes, Following: (publishes-1)%2 == 0}
		if s := ready(t, w.Updates()); s != want {
			t.Errorf("session %d: %+v, want %+v", h.ID(), s, want)
		}
		w.Stop()
		h.Leave("")
	}
	if n := r.Len(); n != 0 {
		t.Fatalf("Len %d after every Leave", n)
	}
}
