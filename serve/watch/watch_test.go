package watch

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// The registry sends before the call that causes a send returns, so the
// tests look at channels without waiting: what should be there is there.

// ready returns the value waiting on ch.
func ready[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v, ok := <-ch:
		if !ok {
			t.Fatal("channel closed, want a value")
		}
		return v
	default:
		t.Fatal("nothing waiting on the channel")
	}
	panic("unreachable")
}

// empty fails if anything waits on ch, or ch is closed.
func empty[T any](t *testing.T, ch <-chan T) {
	t.Helper()
	select {
	case v, ok := <-ch:
		t.Fatalf("channel has %v (open: %v), want nothing", v, ok)
	default:
	}
}

// closed fails unless ch is closed with nothing left in it.
func closed[T any](t *testing.T, ch <-chan T) {
	t.Helper()
	select {
	case v, ok := <-ch:
		if ok {
			t.Fatalf("channel has %v, want it closed", v)
		}
	default:
		t.Fatal("channel is open, want it closed")
	}
}

func watch(t *testing.T, r *Registry, viewer Who, self, id uint64) *Watcher {
	t.Helper()
	w, err := r.Watch(viewer, self, id)
	if err != nil {
		t.Fatalf("%+v watching %d: %v", viewer, id, err)
	}
	t.Cleanup(w.Stop)
	return w
}

func refused(t *testing.T, r *Registry, viewer Who, self, id uint64, want string) {
	t.Helper()
	w, err := r.Watch(viewer, self, id)
	if err == nil {
		w.Stop()
		t.Fatalf("%+v may watch %d", viewer, id)
	}
	if w != nil {
		t.Fatal("a refusal returned a watcher")
	}
	if !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("refusal %q, want one line saying %q", err, want)
	}
}

// TestWatchAllowed: Watch and Targets agree with each other and with the
// rule, for every pair of a mix of sessions.
func TestWatchAllowed(t *testing.T) {
	whos := []Who{
		{Login: "root", Super: true},
		{Login: "alice"},
		{Login: "Alice"},
		{Login: "alice", View: "oncall"},
		{Login: "bob"},
		{Login: "bob", View: "oncall"},
		{View: "oncall"},
		{View: "oncall"},
		{View: "other"},
	}
	r := New()
	hs := make([]*Handle, len(whos))
	for i, who := range whos {
		hs[i] = r.Join(who, t0.Add(time.Duration(i)*time.Minute))
	}
	for _, v := range hs {
		var want []uint64
		for _, h := range hs {
			if h != v && denial(v.who, h.who) == "" {
				want = append(want, h.ID())
			}
		}
		slices.Reverse(want) // newest first
		var listed []uint64
		for _, tg := range r.Targets(v.who, v.ID()) {
			listed = append(listed, tg.ID)
		}
		if !slices.Equal(listed, want) {
			t.Errorf("%+v: Targets lists %v, want %v", v.who, listed, want)
		}
		for _, h := range hs {
			w, err := r.Watch(v.who, v.ID(), h.ID())
			if allowed := slices.Contains(want, h.ID()); allowed != (err == nil) {
				t.Errorf("%+v watching %+v: allowed %v, error %v", v.who, h.who, allowed, err)
			}
			if err == nil {
				w.Stop()
			}
		}
	}

	// The rule's outcome for a few, spelled out.
	root, alice, aliceCap, aliceOn, bob, bobOn, oncall1, oncall2 := hs[0], hs[1], hs[2], hs[3], hs[4], hs[5], hs[6], hs[7]
	ids := func(v *Handle) (s []uint64) {
		for _, tg := range r.Targets(v.who, v.ID()) {
			s = append(s, tg.ID)
		}
		return s
	}
	if got := ids(root); len(got) != len(hs)-1 {
		t.Errorf("a super user may watch %v, want all %d others", got, len(hs)-1)
	}
	if got, want := ids(alice), []uint64{aliceOn.ID(), aliceCap.ID()}; !slices.Equal(got, want) {
		t.Errorf("alice may watch %v, want %v", got, want)
	}
	if got := ids(aliceOn); len(got) != 0 {
		t.Errorf("alice in view oncall may watch %v, want none (no other of her sessions is in that view)", got)
	}
	if got, want := ids(oncall1), []uint64{oncall2.ID()}; !slices.Equal(got, want) {
		t.Errorf("the view oncall may watch %v, want %v", got, want)
	}
	refused(t, r, bob.who, bob.ID(), alice.ID(), "bob may watch only bob's own sessions, not alice's session")
	refused(t, r, bobOn.who, bobOn.ID(), bob.ID(), "bob in view oncall may watch only bob's own sessions in that view")
}

// TestWatchRefused: oneself, an ended session and one that never was.
func TestWatchRefused(t *testing.T) {
	r := New()
	root := Who{Login: "root", Super: true}
	me := r.Join(root, t0)
	gone := r.Join(Who{Login: "alice"}, t0)
	gone.Leave("")
	refused(t, r, root, me.ID(), me.ID(), "cannot watch itself")
	refused(t, r, root, me.ID(), gone.ID(), fmt.Sprintf("session %d has ended", gone.ID()))
	refused(t, r, root, me.ID(), 99, "there is no session 99")
	refused(t, r, root, me.ID(), 0, "there is no session 0")
	// Without a session of its own (self 0), a viewer watches any it may.
	w := watch(t, r, root, 0, me.ID())
	if tg := w.Target(); tg.ID != me.ID() || tg.Who != root || !tg.Started.Equal(t0) || tg.Watchers != 1 {
		t.Fatalf("target %+v", tg)
	}
}

func TestUpdates(t *testing.T) {
	r := New()
	alice := r.Join(Who{Login: "alice"}, t0)
	viewer := Who{Login: "alice"}

	// Nothing published yet: the zero state, still first.
	w0 := watch(t, r, viewer, 0, alice.ID())
	if s := ready(t, w0.Updates()); s != (State{}) {
		t.Fatalf("first state %+v, want the zero state", s)
	}

	s1 := State{Query: "cat:security", Cursor: 41, Following: true}
	alice.Publish(s1)
	if s := ready(t, w0.Updates()); s != s1 {
		t.Fatalf("state %+v, want %+v", s, s1)
	}
	alice.Publish(s1) // no change: no one is woken
	empty(t, w0.Updates())

	// A new watcher gets the current state first, and only it.
	w1 := watch(t, r, viewer, 0, alice.ID())
	if s := ready(t, w1.Updates()); s != s1 {
		t.Fatalf("first state %+v, want the current %+v", s, s1)
	}
	empty(t, w1.Updates())
	if got := w1.Target().State; got != s1 {
		t.Fatalf("target's state %+v, want %+v", got, s1)
	}

	// A watcher that reads nothing holds up no Publish (the loop ends) and
	// then sees the newest state only.
	var last State
	for i := range 10000 {
		last = State{Query: "user:bob", Cursor: uint64(i + 1), Following: i%2 == 0, Detail: i%3 == 0}
		alice.Publish(last)
	}
	for _, w := range []*Watcher{w0, w1} {
		if s := ready(t, w.Updates()); s != last {
			t.Fatalf("after many publishes %+v, want the newest %+v", s, last)
		}
		empty(t, w.Updates())
	}

	// A stopped watcher hears nothing more, and an unread state is gone.
	alice.Publish(State{Cursor: 1})
	w0.Stop()
	empty(t, w0.Updates())
	closed(t, w0.Ended())
	alice.Publish(State{Cursor: 2})
	empty(t, w0.Updates())
	if s := ready(t, w1.Updates()); s != (State{Cursor: 2}) {
		t.Fatalf("the other watcher has %+v", s)
	}
}

func TestCounts(t *testing.T) {
	r := New()
	alice := r.Join(Who{Login: "alice"}, t0)
	changed := alice.WatchersChanged()
	empty(t, changed)
	if n := alice.Watchers(); n != 0 {
		t.Fatalf("%d watchers before any", n)
	}

	root := Who{Login: "root", Super: true}
	w1 := watch(t, r, root, 0, alice.ID())
	w2 := watch(t, r, Who{Login: "ALICE"}, 0, alice.ID())
	if n := alice.Watchers(); n != 2 {
		t.Fatalf("%d watchers, want 2", n)
	}
	if n := ready(t, changed); n != 2 { // 1 then 2, coalesced
		t.Fatalf("WatchersChanged says %d, want 2", n)
	}
	empty(t, changed)
	if n := w2.Target().Watchers; n != 2 {
		t.Fatalf("the second watcher's target has %d watchers, want 2", n)
	}

	w1.Stop()
	if n := alice.Watchers(); n != 1 {
		t.Fatalf("%d watchers after a Stop, want 1", n)
	}
	if n := ready(t, changed); n != 1 {
		t.Fatalf("WatchersChanged says %d after a Stop, want 1", n)
	}
	w1.Stop()
	empty(t, changed)
	if n := alice.Watchers(); n != 1 {
		t.Fatalf("%d watchers after a second Stop, want 1", n)
	}

	// A refused watch changes nothing.
	refused(t, r, Who{Login: "bob"}, 0, alice.ID(), "bob may watch only")
	empty(t, changed)

	alice.Leave("")
	if n := ready(t, changed); n != 0 {
		t.Fatalf("WatchersChanged says %d after Leave, want 0", n)
	}
	closed(t, changed)
	if n := alice.Watchers(); n != 0 {
		t.Fatalf("%d watchers after Leave", n)
	}
}

func TestLeave(t *testing.T) {
	r := New()
	root := Who{Login: "root", Super: true}
	me := r.Join(root, t0)
	alice := r.Join(Who{Login: "alice"}, t0.Add(time.Minute))
	other := r.Join(Who{Login: "alice"}, t0.Add(2*time.Minute))
	if n := r.Len(); n != 3 {
		t.Fatalf("Len %d, want 3", n)
	}
	alice.Publish(State{Query: "q", Cursor: 7})
	w1 := watch(t, r, root, me.ID(), alice.ID())
	w2 := watch(t, r, Who{Login: "alice"}, other.ID(), alice.ID())
	keep := watch(t, r, root, me.ID(), other.ID())

	alice.Leave("alice logged out")
	for _, w := range []*Watcher{w1, w2} {
		if why := ready(t, w.Ended()); why != "alice logged out" {
			t.Fatalf("Ended says %q", why)
		}
		closed(t, w.Ended())
		// The state unread when the session left is not shown after.
		empty(t, w.Updates())
		w.Stop() // after the end: nothing happens
	}
	empty(t, keep.Ended())

	if n := r.Len(); n != 2 {
		t.Fatalf("Len %d after Leave, want 2", n)
	}
	for _, tg := range r.Targets(root, me.ID()) {
		if tg.ID == alice.ID() {
			t.Fatal("Targets still lists the session")
		}
	}
	refused(t, r, root, me.ID(), alice.ID(), "has ended")
	if _, err := r.WatchLogin(Who{Login: "alice"}, other.ID(), "alice"); err == nil {
		t.Fatal("WatchLogin found the session that left")
	}

	alice.Leave("again") // nothing happens
	alice.Publish(State{Cursor: 8})
	if n := alice.Watchers(); n != 0 {
		t.Fatalf("%d watchers after Leave", n)
	}

	// Leaving without a reason still gives one.
	w := watch(t, r, root, me.ID(), other.ID())
	other.Leave("")
	if why := ready(t, w.Ended()); why == "" {
		t.Fatal("Ended gave no reason")
	}
	if why := ready(t, keep.Ended()); why == "" {
		t.Fatal("Ended gave no reason")
	}
}

func TestTargets(t *testing.T) {
	r := New()
	root := Who{Login: "root", Super: true}
	late := r.Join(Who{Login: "alice"}, t0.Add(time.Hour))
	early := r.Join(Who{Login: "bob"}, t0)
	tie := r.Join(Who{View: "oncall"}, t0) // same start as early, later id
	me := r.Join(root, t0.Add(2*time.Hour))
	late.Publish(State{Query: "cat:login", Detail: true})
	watch(t, r, Who{Login: "alice"}, 0, late.ID())

	ts := r.Targets(root, me.ID())
	want := []Target{
		{ID: late.ID(), Who: Who{Login: "alice"}, Started: t0.Add(time.Hour), Watchers: 1, State: State{Query: "cat:login", Detail: true}},
		{ID: tie.ID(), Who: Who{View: "oncall"}, Started: t0},
		{ID: early.ID(), Who: Who{Login: "bob"}, Started: t0},
	}
	if !slices.Equal(ts, want) {
		t.Fatalf("Targets\n%+v\nwant\n%+v", ts, want)
	}
	if ts := r.Targets(root, 0); len(ts) != 4 || ts[0].ID != me.ID() {
		t.Fatalf("without a session of its own, Targets %+v", ts)
	}
	if ts := r.Targets(Who{Login: "carol"}, 0); len(ts) != 0 {
		t.Fatalf("carol may watch %+v", ts)
	}
	ids := []uint64{late.ID(), early.ID(), tie.ID(), me.ID()}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("ids %v do not rise with Join", ids)
		}
	}
}

func TestWatchLogin(t *testing.T) {
	r := New()
	alice := Who{Login: "alice"}
	// Joined out of the order they started in.
	r.Join(alice, t0.Add(time.Hour))
	newest := r.Join(Who{Login: "Alice"}, t0.Add(2*time.Hour))
	oldest := r.Join(alice, t0)
	inView := r.Join(Who{Login: "alice", View: "oncall"}, t0.Add(3*time.Hour))
	r.Join(Who{Login: "bob"}, t0.Add(4*time.Hour))

	w, err := r.WatchLogin(Who{Login: "root", Super: true}, 0, "ALICE")
	if err != nil {
		t.Fatal(err)
	}
	if id := w.Target().ID; id != inView.ID() {
		t.Fatalf("a super user watches session %d, want the newest %d", id, inView.ID())
	}
	w.Stop()

	// From one of her sessions, alice watches her newest other one.
	w, err = r.WatchLogin(alice, oldest.ID(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if id := w.Target().ID; id != inView.ID() {
		t.Fatalf("alice watches session %d, want %d", id, inView.ID())
	}
	w.Stop()
	// The newest being her own, she gets the one before.
	w, err = r.WatchLogin(alice, inView.ID(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if id := w.Target().ID; id != newest.ID() {
		t.Fatalf("alice watches session %d, want %d", id, newest.ID())
	}
	w.Stop()

	// In a view, alice skips her newer sessions outside it.
	mine := r.Join(Who{Login: "alice", View: "oncall"}, t0)
	w, err = r.WatchLogin(Who{Login: "alice", View: "oncall"}, mine.ID(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if id := w.Target().ID; id != inView.ID() {
		t.Fatalf("alice in view oncall watches session %d, want %d", id, inView.ID())
	}
	w.Stop()

	for _, tt := range []struct {
		viewer Who
		self   uint64
		login  string
		want   string
	}{
		{Who{Login: "bob"}, 0, "alice", "bob may watch only bob's own sessions, not alice's session in view oncall"},
		{Who{Login: "root", Super: true}, 0, "carol", "carol has no open session"},
		{Who{Login: "root", Super: true}, 0, "", "say whose session to watch"},
		{Who{View: "oncall"}, 0, "alice", "the shared view oncall may watch only"},
	} {
		if _, err := r.WatchLogin(tt.viewer, tt.self, tt.login); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v watching %q: %v, want %q", tt.viewer, tt.login, err, tt.want)
		}
	}

	lone := r.Join(Who{Login: "dave"}, t0)
	if _, err := r.WatchLogin(Who{Login: "dave"}, lone.ID(), "dave"); err == nil || err.Error() != "the only open session of dave is this one" {
		t.Errorf("dave watching dave from his only session: %v", err)
	}
}

// TestSetSuperWatched: demoting the watched session changes nothing for
// its watchers, which watch with their own rights.
func TestSetSuperWatched(t *testing.T) {
	r := New()
	root := r.Join(Who{Login: "root", Super: true}, t0)
	admin := Who{Login: "admin", Super: true}
	w1 := watch(t, r, admin, 0, root.ID())
	w2 := watch(t, r, Who{Login: "root"}, 0, root.ID())
	ready(t, w1.Updates())
	ready(t, w2.Updates())

	root.SetSuper(false)
	s := State{Query: "after", Cursor: 3}
	root.Publish(s)
	for _, w := range []*Watcher{w1, w2} {
		empty(t, w.Ended())
		if got := ready(t, w.Updates()); got != s {
			t.Fatalf("state %+v, want %+v", got, s)
		}
	}
	if n := root.Watchers(); n != 2 {
		t.Fatalf("%d watchers after the demotion, want 2", n)
	}
	if ts := r.Targets(admin, 0); len(ts) != 1 || ts[0].Who.Super {
		t.Fatalf("Targets %+v, want root no longer a super user", ts)
	}
}

// TestSetSuperViewer: demoting a session ends the watches it runs that it
// may no longer have, and only those.
func TestSetSuperViewer(t *testing.T) {
	r := New()
	superRoot := Who{Login: "root", Super: true}
	me := r.Join(superRoot, t0)
	alice := r.Join(Who{Login: "alice"}, t0)
	view := r.Join(Who{View: "oncall"}, t0)
	mine := r.Join(Who{Login: "root"}, t0)
	wAlice := watch(t, r, superRoot, me.ID(), alice.ID())
	wView := watch(t, r, superRoot, me.ID(), view.ID())
	wMine := watch(t, r, superRoot, me.ID(), mine.ID())
	ready(t, alice.WatchersChanged())

	me.SetSuper(true) // no change
	empty(t, wAlice.Ended())

	me.SetSuper(false)
	for _, tt := range []struct {
		w    *Watcher
		want string
	}{
		{wAlice, "root is no longer a super user: root may watch only root's own sessions, not alice's session"},
		{wView, "root is no longer a super user: root may watch only root's own sessions, not a session of the shared view oncall"},
	} {
		if why := ready(t, tt.w.Ended()); why != tt.want {
			t.Errorf("Ended says %q, want %q", why, tt.want)
		}
		closed(t, tt.w.Ended())
	}
	empty(t, wMine.Ended())
	if n := alice.Watchers(); n != 0 {
		t.Fatalf("alice has %d watchers after her watcher's demotion", n)
	}
	if n := ready(t, alice.WatchersChanged()); n != 0 {
		t.Fatalf("WatchersChanged says %d, want 0", n)
	}
	if n := mine.Watchers(); n != 1 {
		t.Fatalf("root's own session has %d watchers, want 1", n)
	}

	// The demotion holds even for a caller that has not heard of it yet.
	refused(t, r, superRoot, me.ID(), alice.ID(), "root may watch only root's own sessions")
	if ts := r.Targets(superRoot, me.ID()); len(ts) != 1 || ts[0].ID != mine.ID() {
		t.Fatalf("Targets after the demotion %+v, want root's own session", ts)
	}
	if _, err := r.WatchLogin(superRoot, me.ID(), "alice"); err == nil {
		t.Fatal("WatchLogin ignores the demotion")
	}

	// Promoted again, it may watch anyone again.
	me.SetSuper(true)
	watch(t, r, superRoot, me.ID(), alice.ID())

	// A session that has left keeps its role: nothing to check it against.
	me.Leave("")
	me.SetSuper(false)
	empty(t, wMine.Ended())
}

func TestRevoke(t *testing.T) {
	r := New()
	alice := r.Join(Who{Login: "alice"}, t0)
	root := Who{Login: "root", Super: true}
	w := watch(t, r, root, 0, alice.ID())
	other := watch(t, r, root, 0, alice.ID())
	ready(t, alice.WatchersChanged())

	w.Revoke("root is no longer a super user")
	if why := ready(t, w.Ended()); why != "root is no longer a super user" {
		t.Fatalf("Ended says %q", why)
	}
	closed(t, w.Ended())
	if n := ready(t, alice.WatchersChanged()); n != 1 {
		t.Fatalf("WatchersChanged says %d after Revoke, want 1", n)
	}
	alice.Publish(State{Cursor: 5})
	empty(t, w.Updates())
	empty(t, other.Ended())

	w.Revoke("again")
	w.Stop()
	empty(t, alice.WatchersChanged())

	other.Revoke("")
	if why := ready(t, other.Ended()); why == "" {
		t.Fatal("Revoke with no reason gave none")
	}
	other.Revoke("again")
	closed(t, other.Ended())
}
