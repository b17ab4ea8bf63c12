package watch

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// State is what a watcher mirrors of a session. The watched session's UI
// publishes it whenever one of these changes.
type State struct {
	Query     string // the query in force, as typed (canonical form)
	Cursor    uint64 // the id of the event under the cursor, 0 when none
	Following bool   // following new events (pinned to the newest) rather than paused
	Detail    bool   // the detail pane is open
}

// Registry is the server's list of open sessions and of who watches whom.
// One serves the whole server and is safe for concurrent use.
type Registry struct {
	// mu serialises every change to who is open and who watches whom
	// (Join, Leave, Watch, Stop, SetSuper): they are rare, and doing them
	// under one lock makes each atomic with respect to the others without
	// any order between the locks of two sessions that watch each other.
	// Publish never takes it.
	mu       sync.Mutex
	last     uint64             // the last id given
	sessions map[uint64]*Handle // the open ones
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{sessions: make(map[uint64]*Handle)}
}

// Handle is one open session, by which it publishes its state and leaves.
type Handle struct {
	r       *Registry
	id      uint64
	started time.Time

	// Guarded by r.mu.
	who  Who
	left bool
	// held are the watches this session runs as a viewer, for SetSuper to
	// look at again.
	held map[*Watcher]struct{}

	// mu is the session's own lock, taken by Publish: guards state, the
	// watchers (changed with r.mu held as well) and every send on changed,
	// which is what lets a send drain and replace without blocking.
	mu       sync.Mutex
	state    State
	watchers map[*Watcher]struct{}
	changed  chan int
	closed   bool // changed is closed: the session left
}

// Join registers a TUI session, opened at started.
func (r *Registry) Join(who Who, started time.Time) *Handle {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last++
	h := &Handle{
		r:        r,
		id:       r.last,
		started:  started,
		who:      who,
		held:     make(map[*Watcher]struct{}),
		watchers: make(map[*Watcher]struct{}),
		changed:  make(chan int, 1),
	}
	r.sessions[h.id] = h
	return h
}

// Len is the number of open sessions.
func (r *Registry) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sessions)
}

// ID is the session's id: unique on the server and rising, so a later
// session has a greater one.
func (h *Handle) ID() uint64 { return h.id }

// Publish makes s the session's state. It never waits on a watcher: each
// gets s in its mailbox in place of any state it has not read yet.
// Publishing the state already in force wakes no one.
func (h *Handle) Publish(s State) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s == h.state {
		return
	}
	h.state = s
	// Offering under h.mu keeps two racing Publishes from leaving a
	// watcher with the older of them.
	for w := range h.watchers {
		w.offer(s)
	}
}

// Watchers is how many watch the session now.
func (h *Handle) Watchers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.watchers)
}

// WatchersChanged receives the new number of watchers after every change,
// coalesced to the newest: a status bar that reads late reads the present.
// It is closed once the session has left (after a last 0 if it had
// watchers), so a reader waiting on it alone does not wait forever.
func (h *Handle) WatchersChanged() <-chan int { return h.changed }

// notify puts n in changed in place of an unread count. h.mu is held.
func (h *Handle) notify(n int) {
	if h.closed {
		return
	}
	select {
	case <-h.changed:
	default:
	}
	select {
	case h.changed <- n:
	default: // not reached: every send is under h.mu, and the slot was just emptied
	}
}

// Leave ends the session: each watcher's Ended receives reason ("the
// session ended" if empty), and the session is no longer listed or
// watchable. Leaving again does nothing. Watches the session itself runs
// as a viewer go on until their own Stop.
func (h *Handle) Leave(reason string) {
	if reason == "" {
		reason = "the session ended"
	}
	r := h.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if h.left {
		return
	}
	h.left = true
	delete(r.sessions, h.id)
	// No longer open, its role can change no more (SetSuper does nothing),
	// so it has nothing left to check its watches against.
	h.held = nil

	h.mu.Lock()
	ws := h.watchers
	h.watchers = nil
	if len(ws) > 0 {
		h.notify(0)
	}
	h.closed = true
	close(h.changed)
	h.mu.Unlock()

	for w := range ws {
		if w.holder != nil {
			delete(w.holder.held, w)
		}
		w.finish(reason)
	}
}

// SetSuper records the session's role as read again from Matomo. Its
// watchers go on: they watch with their own rights, never the watched
// session's. What a demotion ends is the watches this session runs as a
// viewer (Watch or WatchLogin with self = its ID) that the rule no longer
// allows, each with why on Ended; a viewer without a session here (self
// 0) is the caller's to Revoke. From then on a Who the caller passes with
// this session as self counts as a super user's only while this role says
// so too, so a UI that has not yet heard of the demotion cannot use the
// old role.
func (h *Handle) SetSuper(super bool) {
	r := h.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if h.left || h.who.Super == super {
		return
	}
	h.who.Super = super
	if super {
		return
	}
	for w := range h.held {
		w.viewer.Super = false
		if why := denial(w.viewer, w.h.who); why != "" {
			r.end(w, fmt.Sprintf("%s is no longer a super user: %s", name(w.viewer.Login), why))
		}
	}
}

// Target is a session one may watch, as a picker lists it.
type Target struct {
	ID       uint64
	Who      Who
	Started  time.Time
	Watchers int
	State    State // its latest published state
}

// target describes h. r.mu is held.
func (h *Handle) target() Target {
	h.mu.Lock()
	defer h.mu.Unlock()
	return Target{ID: h.id, Who: h.who, Started: h.started, Watchers: len(h.watchers), State: h.state}
}

// newer orders sessions newest first: by when they started, and for a tie
// by id, which rises with every Join.
func newer(a, b *Handle) int {
	if c := b.started.Compare(a.started); c != 0 {
		return c
	}
	return cmp.Compare(b.id, a.id)
}

// Targets lists the sessions viewer may watch, newest first. self is the
// viewer's own session (0 for none), which is never listed.
func (r *Registry) Targets(viewer Who, self uint64) []Target {
	r.mu.Lock()
	defer r.mu.Unlock()
	viewer = r.viewer(viewer, self)
	var hs []*Handle
	for id, h := range r.sessions {
		if id != self && denial(viewer, h.who) == "" {
			hs = append(hs, h)
		}
	}
	slices.SortFunc(hs, newer)
	ts := make([]Target, len(hs))
	for i, h := range hs {
		ts[i] = h.target()
	}
	return ts
}

// viewer is who asks to watch, as the registry lets it: when self is an
// open session, a super user only if both viewer and that session's role
// as last set say so, so that a watch started while a demotion is on its
// way to the UI cannot use the old role. r.mu is held.
func (r *Registry) viewer(viewer Who, self uint64) Who {
	if h := r.sessions[self]; h != nil {
		viewer.Super = viewer.Super && h.who.Super
	}
	return viewer
}

// errSelf refuses a session watching itself: it would mirror its own
// state back onto itself.
var errSelf = errors.New("a session cannot watch itself")

// Watch starts watching session id for viewer; self is the viewer's own
// session (its Handle's ID, and viewer its Who), 0 for none. The error, one line for the user, says the session
// has ended, does not exist, is the viewer's own, or may not be watched
// by viewer, and why.
func (r *Registry) Watch(viewer Who, self uint64, id uint64) (*Watcher, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if self != 0 && id == self {
		return nil, errSelf
	}
	h := r.sessions[id]
	switch {
	case h == nil && id != 0 && id <= r.last:
		return nil, fmt.Errorf("session %d has ended", id)
	case h == nil:
		return nil, fmt.Errorf("there is no session %d", id)
	}
	viewer = r.viewer(viewer, self)
	if why := denial(viewer, h.who); why != "" {
		return nil, errors.New(why)
	}
	return r.attach(viewer, self, h), nil
}

// WatchLogin watches the newest session of login that viewer may watch,
// as `ssh host watch alice` does. The error says there is none, and why.
func (r *Registry) WatchLogin(viewer Who, self uint64, login string) (*Watcher, error) {
	if login == "" {
		return nil, errors.New("say whose session to watch, as in watch alice")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	viewer = r.viewer(viewer, self)
	var hs []*Handle
	for _, h := range r.sessions {
		if strings.EqualFold(h.who.Login, login) {
			hs = append(hs, h)
		}
	}
	slices.SortFunc(hs, newer)
	var refused string // why the newest session viewer may not watch is refused
	ownOnly := false
	for _, h := range hs {
		if h.id == self {
			ownOnly = true
			continue
		}
		why := denial(viewer, h.who)
		if why == "" {
			return r.attach(viewer, self, h), nil
		}
		if refused == "" {
			refused = why
		}
	}
	switch {
	case refused != "":
		return nil, errors.New(refused)
	case ownOnly:
		return nil, fmt.Errorf("the only open session of %s is this one", name(login))
	}
	return nil, fmt.Errorf("%s has no open session", name(login))
}

// Watcher is one watch of a session.
type Watcher struct {
	r      *Registry
	h      *Handle // the session watched
	holder *Handle // the viewer's own open session at the start, or nil
	target Target  // as at the start

	// viewer is who watches, as allowed at the start; guarded by r.mu.
	viewer Who

	updates chan State
	ended   chan string

	// mu guards done and every send on updates and ended: a send drains
	// and replaces under it, so it never blocks whatever the reader does.
	mu   sync.Mutex
	done bool
}

// attach starts viewer's watch of h, already allowed. r.mu is held.
func (r *Registry) attach(viewer Who, self uint64, h *Handle) *Watcher {
	w := &Watcher{
		r:       r,
		h:       h,
		viewer:  viewer,
		updates: make(chan State, 1),
		ended:   make(chan string, 1),
	}
	if self != 0 {
		if holder := r.sessions[self]; holder != nil {
			w.holder = holder
			holder.held[w] = struct{}{}
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.watchers[w] = struct{}{}
	// Under the lock Publish takes, the current state goes first and no
	// later one can overtake it.
	w.offer(h.state)
	h.notify(len(h.watchers))
	w.target = Target{ID: h.id, Who: h.who, Started: h.started, Watchers: len(h.watchers), State: h.state}
	return w
}

// Target is the session watched, as it was when the watch started (its
// Watchers counting this one).
func (w *Watcher) Target() Target { return w.target }

// Updates receives the watched session's newest state, the current one
// first: it is there as soon as Watch returns. A state not read before the
// next replaces it. It is never closed: wait on it together with Ended.
func (w *Watcher) Updates() <-chan State { return w.updates }

// Ended receives why the watch ended when something other than Stop ended
// it (the session left, SetSuper or Revoke took the access away), and is
// closed after; Stop closes it with no reason. No state arrives on Updates
// once it is closed.
func (w *Watcher) Ended() <-chan string { return w.ended }

// Stop ends the watch: the session's count of watchers drops. Stopping
// again, or after the watch has ended, does nothing.
func (w *Watcher) Stop() {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	w.r.end(w, "")
}

// Revoke ends the watch with reason on Ended ("access revoked" if empty),
// for the server to end a watch its viewer may no longer have, such as
// one of a viewer demoted in Matomo that watches without a session here.
// Like Stop, it does nothing once the watch has ended.
func (w *Watcher) Revoke(reason string) {
	if reason == "" {
		reason = "access revoked"
	}
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	w.r.end(w, reason)
}

// offer puts s in the mailbox in place of an unread state.
func (w *Watcher) offer(s State) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return
	}
	select {
	case <-w.updates:
	default:
	}
	select {
	case w.updates <- s:
	default: // not reached: every send is under w.mu, and the slot was just emptied
	}
}

// finish marks the watch ended, says why on Ended (unless reason is "")
// and closes it. An unread state is dropped, so that a reader that sees
// Ended is not shown a stale state after it.
func (w *Watcher) finish(reason string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return
	}
	w.done = true
	select {
	case <-w.updates:
	default:
	}
	if reason != "" {
		w.ended <- reason // the only send, on a buffer of one
	}
	close(w.ended)
}

// end detaches w from the session it watches and from its viewer's, and
// finishes it with reason. r.mu is held.
func (r *Registry) end(w *Watcher, reason string) {
	h := w.h
	h.mu.Lock()
	if _, ok := h.watchers[w]; ok {
		delete(h.watchers, w)
		h.notify(len(h.watchers))
	}
	h.mu.Unlock()
	if w.holder != nil {
		delete(w.holder.held, w)
	}
	w.finish(reason)
}
