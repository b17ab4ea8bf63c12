// Package marks is the set of events marked during an incident in
// matomo-audit serve: whoever presses m on an event marks it for everyone
// browsing the same server, so a team looking at one Activity Log sees the
// same short list of what matters, who flagged it and when.
//
// The marks are never written to Matomo's database, because matomo-audit
// is read-only on it: it sends no statement that writes, and the account
// it is advised to use may only SELECT. They live in memory, and with serve --marks FILE also in an append-only
// file on the server, so that a restart keeps them (see Open).
package marks

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
	"unicode/utf8"
)

// Mark is one marked event.
type Mark struct {
	ID uint64    `json:"id"` // the activity log event id
	By string    `json:"by"` // who marked it (a Matomo login or a view name)
	At time.Time `json:"at"` // when, UTC
}

// ErrClosed is returned by changes to a Set after Close.
var ErrClosed = errors.New("marks: the set is closed")

// errZeroID: Matomo's activity log ids start at 1, so 0 is always a
// caller's bug (an unset id), never an event.
var errZeroID = errors.New("marks: event id 0 is not an event")

// Set is the server's marks. Safe for concurrent use.
//
// Two locks, so that readers never wait for the disk: wmu is held by a
// change from its check ("is it marked?") through the write and fsync to
// its update of the map, which serializes the changes and keeps the file's
// order the order in which they were applied; mu guards the map, the
// version and the subscriptions and is held only for moments, by readers
// and by a change applying what is already durable. The map is modified
// only with both held, so a change may read it with wmu alone.
type Set struct {
	wmu    sync.Mutex
	f      *appender // nil for a set kept in memory only
	broken error     // the first failed write: the file's tail is unknown since

	mu      sync.RWMutex
	marks   map[uint64]Mark
	version uint64
	subs    map[chan struct{}]struct{}
	closed  bool
}

// New is a set kept in memory only.
func New() *Set {
	return &Set{marks: map[uint64]Mark{}, subs: map[chan struct{}]struct{}{}}
}

// Mark marks id (by, at) and returns once the mark is durable (written and
// fsynced when a file is kept). Marking an id already marked changes
// nothing and returns false, nil: the first mark's who and when are kept.
//
// by is kept as encoding/json writes it, so that what a restart loads is
// what was shown before: invalid UTF-8 becomes U+FFFD, byte by byte.
// Logins are not expected to hold any, and a mark is still told apart by
// its id.
func (s *Set) Mark(id uint64, by string, at time.Time) (added bool, err error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.writable(id); err != nil {
		return false, err
	}
	if _, ok := s.marks[id]; ok {
		return false, nil
	}
	if err := s.change(opMark, id, by, at); err != nil {
		return false, err
	}
	return true, nil
}

// Unmark removes a mark, durably. Returns false when it was not marked.
// by and at say who removed it and when; the file keeps them, for the
// record, though the set forgets the mark.
func (s *Set) Unmark(id uint64, by string, at time.Time) (removed bool, err error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.writable(id); err != nil {
		return false, err
	}
	if _, ok := s.marks[id]; !ok {
		return false, nil
	}
	if err := s.change(opUnmark, id, by, at); err != nil {
		return false, err
	}
	return true, nil
}

// Toggle marks id when it is not marked, else unmarks it; marked says
// which it is now. The check and the change are one step, so two people
// pressing m at once end with the mark toggled twice, never lost. On an
// error nothing changed, and marked is still which it is, for the UI to
// show.
func (s *Set) Toggle(id uint64, by string, at time.Time) (marked bool, err error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_, was := s.marks[id]
	if err := s.writable(id); err != nil {
		return was, err
	}
	op := opMark
	if was {
		op = opUnmark
	}
	if err := s.change(op, id, by, at); err != nil {
		return was, err
	}
	return !was, nil
}

// writable says why no change can be made now, with wmu held.
func (s *Set) writable(id uint64) error {
	if id == 0 {
		return errZeroID
	}
	if s.isClosed() {
		return ErrClosed
	}
	return s.broken
}

// change makes one change durable, then applies it; with wmu held. Nothing
// is applied when the write fails, so the set holds only what was
// acknowledged (though after a failed fsync the line may still be on disk
// and come back at the next Open: the kernel does not say).
func (s *Set) change(op string, id uint64, by string, at time.Time) error {
	m := Mark{ID: id, By: canonicalBy(by), At: at.UTC()}
	if y := m.At.Year(); y < 0 || y > 9999 {
		// encoding/json cannot write such a time, nor Open read it.
		return fmt.Errorf("marks: time %v is outside the years 0 to 9999", m.At)
	}
	if len(m.By) > maxBy {
		return fmt.Errorf("marks: by is longer than %d KiB: not a login", maxBy>>10)
	}
	if s.f != nil {
		if err := s.f.append(op, m); err != nil {
			// A later append could land after half a line, which Open
			// would then refuse as corrupt: stop writing until a restart
			// has truncated the tail.
			s.broken = fmt.Errorf("%w (no change is written until the file is opened again)", err)
			return s.broken
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if op == opMark {
		s.marks[id] = m
	} else {
		delete(s.marks, id)
	}
	s.version++
	for ch := range s.subs {
		select {
		case ch <- struct{}{}:
		default: // a signal is already waiting: that one covers this change too
		}
	}
	return nil
}

// canonicalBy is by as encoding/json will write it and read it back.
func canonicalBy(by string) string {
	if utf8.ValidString(by) {
		return by
	}
	// Converting to runes replaces each invalid byte by U+FFFD, as
	// encoding/json does.
	return string([]rune(by))
}

func (s *Set) isClosed() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.closed
}

// Get returns the mark on id, if any.
func (s *Set) Get(id uint64) (Mark, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.marks[id]
	return m, ok
}

// Len is the number of marks.
func (s *Set) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.marks)
}

// List is every mark, ordered by event id (a copy).
func (s *Set) List() []Mark {
	s.mu.RLock()
	list := make([]Mark, 0, len(s.marks))
	for _, m := range s.marks {
		list = append(list, m)
	}
	s.mu.RUnlock()
	slices.SortFunc(list, func(a, b Mark) int { return cmpID(a.ID, b.ID) })
	return list
}

func cmpID(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// IDs is every marked id in ascending order (a copy).
func (s *Set) IDs() []uint64 {
	s.mu.RLock()
	ids := make([]uint64, 0, len(s.marks))
	for id := range s.marks {
		ids = append(ids, id)
	}
	s.mu.RUnlock()
	slices.Sort(ids)
	return ids
}

// Version rises by one with every change; a UI compares it to know it must
// redraw. Loading a file does not count: an opened set starts at 0.
func (s *Set) Version() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.version
}

// Changed returns a channel that gets a value after changes (coalesced:
// buffered 1, a send never blocks the writer), and a func to stop.
//
// A value means "look again" (Version, List), not one change: a session
// that is slow to look still sees the latest state, and one that never
// looks cannot hold up the person marking. stop closes the channel, so a
// goroutine waiting on it ends; Close does the same for every channel, as
// nothing can change after it, and Changed after Close returns one closed
// already. stop may be called more than once.
func (s *Set) Changed() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		close(ch)
		return ch, func() {}
	}
	s.subs[ch] = struct{}{}
	return ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		// Closing under mu, after removal, so no change sends on it after.
		if _, ok := s.subs[ch]; ok {
			delete(s.subs, ch)
			close(ch)
		}
	}
}

// Close closes the file (memory sets: no-op). Mark after Close returns an
// error, for memory sets too, so that a caller's use after Close shows up
// the same whichever kind it holds; the marks can still be read. Close
// waits for a change under way to finish; closing twice is not an error.
func (s *Set) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for ch := range s.subs {
		delete(s.subs, ch)
		close(ch)
	}
	s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	return s.f.close()
}
