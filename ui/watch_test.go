package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/demo"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/serve/watch"
	"matomo-audit/ui/sessionpick"
)

// seat is Share over a real registry, with what the server's goroutines
// would deliver handed over by the test (deliver), so each step is one the
// test chose.
type seat struct {
	reg     *watch.Registry
	h       *watch.Handle
	who     watch.Who
	watches []*watch.Watcher
}

func newSeat(reg *watch.Registry, who watch.Who) *seat {
	return &seat{reg: reg, h: reg.Join(who, clock), who: who}
}

func (s *seat) Publish(st watch.State)  { s.h.Publish(st) }
func (s *seat) Targets() []watch.Target { return s.reg.Targets(s.who, s.h.ID()) }
func (s *seat) SetSuper(b bool)         { s.who.Super = b; s.h.SetSuper(b) }
func (s *seat) Watch(id uint64) (*watch.Watcher, error) {
	w, err := s.reg.Watch(s.who, s.h.ID(), id)
	if err == nil {
		s.watches = append(s.watches, w)
	}
	return w, err
}

// deliver hands r what the registry holds for its session now: its
// number of watchers and, for each of its watches, the newest state or
// the end.
func (s *seat) deliver(r *liveRig) {
	r.t.Helper()
	for {
		select {
		case n, ok := <-s.h.WatchersChanged():
			if ok {
				r.send(Watchers{n})
				continue
			}
		default:
		}
		break
	}
	for _, w := range s.watches {
		select {
		case st := <-w.Updates():
			r.send(WatchState{w, st})
		case why, ok := <-w.Ended():
			if ok {
				r.send(WatchEnded{w, why})
			}
		default:
		}
	}
}

type watchPair struct {
	table           *demo.Source
	alice, bob      *liveRig
	aliceAt, bobsAt *seat
}

// watchRigs: alice's session and a second one, bob's (whose source and
// registry identity the case chooses), on one table and one registry.
func watchRigs(t *testing.T, bobWho watch.Who, bobSrc func(source.Source) source.Source) *watchPair {
	t.Helper()
	table := demo.FromRows(liveRows(1, 60, clock), nil)
	reg := watch.New()
	p := &watchPair{table: table}
	p.aliceAt = newSeat(reg, watch.Who{Login: "alice", Super: true})
	p.alice = newRig(t, table, Options{Share: p.aliceAt, Follow: true, Role: "alice · super user"})
	p.alice.run(p.alice.m.Init())
	p.bobsAt = newSeat(reg, bobWho)
	p.bob = newRig(t, table, Options{Source: bobSrc(table), Share: p.bobsAt, Follow: true, Role: "bob"})
	p.bob.run(p.bob.m.Init())
	return p
}

// step lets the registry's deliveries reach both sessions.
func (p *watchPair) step() {
	p.aliceAt.deliver(p.alice)
	p.bobsAt.deliver(p.bob)
}

func everything(s source.Source) source.Source { return s }

func TestWatchMirrorsState(t *testing.T) {
	p := watchRigs(t, watch.Who{Login: "root", Super: true}, everything)
	p.bob.press("k", "k", "k", "k", "k", "W")
	pick, ok := p.bob.m.top().(*sessionpick.Model)
	if !ok || !strings.Contains(plainView(p.bob.m), "alice") {
		t.Fatalf("W shows no session to watch:\n%s", plainView(p.bob.m))
	}
	_ = pick
	own := p.bob.cursorID()
	p.bob.press("enter")
	p.step()
	if !strings.Contains(p.bob.statusLine(), "WATCHING alice") {
		t.Fatalf("the watcher's status bar: %q", p.bob.statusLine())
	}
	p.alice.wantStatus("1 watching")
	p.bob.wantCursor(60) // alice follows, at the newest
	if p.bob.m.fol.mode != following {
		t.Error("alice follows, her watcher does not")
	}

	// Her cursor, her query, her detail pane: each reaches the watcher.
	p.alice.press("k", "k", "k")
	p.step()
	p.bob.wantCursor(p.alice.cursorID())
	if p.bob.m.fol.mode != followPaused {
		t.Error("alice paused, her watcher did not")
	}
	p.alice.press("/")
	p.alice.typeText("user:bob")
	p.alice.press("enter", "enter")
	p.step()
	if p.bob.m.query.String() != "user:bob" || !p.bob.m.detail.full || p.bob.cursorID() != p.alice.cursorID() {
		t.Errorf("watcher: query %q detail %v cursor %d; alice: %q %v %d", p.bob.m.query.String(), p.bob.m.detail.full, p.bob.cursorID(),
			p.alice.m.query.String(), p.alice.m.detail.full, p.alice.cursorID())
	}
	// Keys that would move the mirror say how to take over instead.
	p.bob.press("k")
	p.bob.wantCursor(p.alice.cursorID())
	if s := p.bob.statusLine(); !strings.Contains(s, "take over") {
		t.Errorf("a key while watching says %q", s)
	}
	// esc: back to his own view, and alice is told.
	p.bob.press("esc")
	p.step()
	if p.bob.m.watching != nil || p.bob.m.query.String() != "" || p.bob.cursorID() != own {
		t.Errorf("after esc: watching %v, query %q, cursor %d (own was %d)", p.bob.m.watching != nil, p.bob.m.query.String(), p.bob.cursorID(), own)
	}
	if s := p.alice.statusLine(); strings.Contains(s, "watching") {
		t.Errorf("alice still shows watchers: %q", s)
	}

	// f takes her view over.
	p.bob.press("W", "enter")
	p.step()
	p.bob.press("f")
	p.alice.press("esc", "k") // out of her detail, then a move
	if p.alice.cursorID() != 52 {
		t.Fatalf("fixture: alice on %d", p.alice.cursorID())
	}
	p.step()
	if p.bob.m.watching != nil || p.bob.m.query.String() != "user:bob" || p.bob.cursorID() == p.alice.cursorID() {
		t.Errorf("after f: watching %v, query %q, cursor %d (alice %d)", p.bob.m.watching != nil, p.bob.m.query.String(), p.bob.cursorID(), p.alice.cursorID())
	}
}

// TestWatchRestricted: a plain user may not watch a super user's session;
// a super user's view session may, and sees of her cursor only what the
// view lets through.
func TestWatchRestricted(t *testing.T) {
	p := watchRigs(t, watch.Who{Login: "bob"}, func(s source.Source) source.Source { return source.Restrict(s, "bob") })
	p.bob.press("W")
	if v := plainView(p.bob.m); !strings.Contains(v, "nobody you may watch") {
		t.Fatalf("bob may watch someone:\n%s", v)
	}
	p.bob.press("esc")
	if _, err := p.bobsAt.Watch(p.aliceAt.h.ID()); err == nil {
		t.Fatal("bob watches alice's session")
	}

	f, err := query.Parse("user:carol")
	if err != nil {
		t.Fatal(err)
	}
	p = watchRigs(t, watch.Who{Login: "alice", View: "carol's", Super: true}, func(s source.Source) source.Source {
		r := source.GuardView(s, query.Compile(f, clock, time.UTC), "alice")
		r.SetAll()
		return r
	})
	p.bob.press("W", "enter") // alice's: the only other session
	p.step()
	p.alice.press("k", "k") // 59 is carol's, 58 bob's

	p.step()
	if p.alice.cursorID() != 58 {
		t.Fatalf("fixture: alice on %d", p.alice.cursorID())
	}
	if s := p.bob.statusLine(); !strings.Contains(s, "nothing you may see here") {
		t.Errorf("the view's watcher, on an event it may not see: %q", s)
	}
	if e := p.bob.m.current(); e != nil && e.Login != "carol" {
		t.Errorf("the view's watcher shows %q's event", e.Login)
	}
	p.alice.press("k", "k") // 57 is alice's, 56 carol's
	p.step()
	if s := p.bob.statusLine(); strings.Contains(s, "nothing you may see") || p.bob.cursorID() != 56 {
		t.Errorf("on carol's event 56: cursor %d, %q", p.bob.cursorID(), s)
	}
}

// TestWatchedSessionEnds: the watcher is told, and keeps the view.
func TestWatchedSessionEnds(t *testing.T) {
	p := watchRigs(t, watch.Who{Login: "root", Super: true}, everything)
	p.bob.press("W", "enter") // alice's: the only other session
	p.step()
	p.aliceAt.h.Leave("alice's session ended")
	p.step()
	if p.bob.m.watching != nil || !strings.Contains(p.bob.statusLine(), "alice's session ended") {
		t.Errorf("watching %v, status %q", p.bob.m.watching != nil, p.bob.statusLine())
	}
}

// TestOpenedToWatch: a session opened with Options.Watch mirrors at once,
// and q ends it rather than leaving it on a view of its own.
func TestOpenedToWatch(t *testing.T) {
	table := demo.FromRows(liveRows(1, 30, clock), nil)
	reg := watch.New()
	aliceAt := newSeat(reg, watch.Who{Login: "alice", Super: true})
	alice := newRig(t, table, Options{Share: aliceAt, Follow: true})
	alice.run(alice.m.Init())
	alice.press("k", "k")
	rootAt := newSeat(reg, watch.Who{Login: "root", Super: true})
	w, err := rootAt.reg.WatchLogin(rootAt.who, rootAt.h.ID(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	rootAt.watches = append(rootAt.watches, w)
	root := newRig(t, table, Options{Share: rootAt, Follow: true, Watch: w})
	root.run(root.m.Init())
	rootAt.deliver(root)
	root.wantCursor(alice.cursorID())
	_, cmd := root.m.Update(keyMsg("q"))
	if cmd == nil {
		t.Fatal("q in a session opened to watch did nothing")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("q in a session opened to watch did not end it")
	}
}

// TestWatcherDemoted: a super user watching alice who is demoted in
// Matomo may no longer watch her: the watch ends with a line saying why.
// The watcher's own resizes meanwhile change nothing of the mirror.
func TestWatcherDemoted(t *testing.T) {
	p := watchRigs(t, watch.Who{Login: "root", Super: true}, everything)
	p.bob.press("W", "enter")
	p.step()
	p.alice.press("k", "k")
	p.bob.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	p.step()
	p.bob.send(tea.WindowSizeMsg{Width: 200, Height: 50})
	p.bob.wantCursor(p.alice.cursorID())
	p.bob.send(SetAccess{Role: "root · own activity only", Restricted: true, Super: false})
	p.step()
	if p.bob.m.watching != nil || !strings.Contains(p.bob.statusLine(), "stopped watching alice") {
		t.Errorf("demoted watcher: watching %v, status %q", p.bob.m.watching != nil, p.bob.statusLine())
	}
}
