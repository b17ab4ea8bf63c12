package keys

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// pollInterval is how often a Watcher looks at the file: a removed key
// stops opening sessions within about this long, and a stat every half
// second costs nothing.
const pollInterval = 500 * time.Millisecond

// Watcher keeps the current Set of a keys file, re-reading the file when
// it changes and on Reload. A new Set replaces the current one only when
// the whole file loads, so a bad edit keeps the last good keys instead of
// locking everyone out. A file caught half-written in place loads at worst
// as the first lines of the new content (a line cut short does not parse),
// and the next poll reads the rest; saving by rename, as editors do,
// avoids even that. Current never blocks: sessions look keys up while a
// reload is under way.
type Watcher struct {
	path  string
	onErr func(error)
	cur   atomic.Pointer[Set]

	mu   sync.Mutex  // one reload at a time, poll or Reload
	last os.FileInfo // the file as stat'ed before the last read; nil after a failed stat

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// Watch loads the keys file at path, failing as Load does, and then
// watches it until Close. onErr (which may be nil) hears of every change
// that could not be loaded, once per change, from the watching goroutine;
// it is never called after Close returns, and must not call Close itself.
//
// Changes are seen by polling the path's size, modification time, mode
// and file identity: editors save by renaming a new file over the old
// one, which an open descriptor, or an inotify watch on the old file,
// would miss; and polling needs no dependency. An edit that keeps size and
// modification time the same (within the file system's clock resolution)
// is not seen: send SIGHUP, which the caller turns into Reload.
func Watch(path string, onErr func(error)) (*Watcher, error) {
	w := &Watcher{path: path, onErr: onErr, stop: make(chan struct{}), done: make(chan struct{})}
	if err := w.reload(); err != nil {
		return nil, err
	}
	go w.run()
	return w, nil
}

// Current is the last Set that loaded; never nil.
func (w *Watcher) Current() *Set { return w.cur.Load() }

// Reload re-reads the file now, whether or not it looks changed. On an
// error the current Set stays, and the error is returned rather than also
// passed to onErr, as the caller has it in hand.
func (w *Watcher) Reload() error { return w.reload() }

// Close stops watching and waits until the watching goroutine has ended.
// Current still answers afterwards, with the last Set.
func (w *Watcher) Close() {
	w.closeOnce.Do(func() { close(w.stop) })
	<-w.done
}

func (w *Watcher) run() {
	defer close(w.done)
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
		// onErr is called outside the lock, so that it may call Reload.
		if err := w.poll(); err != nil && w.onErr != nil {
			select {
			case <-w.stop: // closing: Close promised no more calls
				return
			default:
				w.onErr(err)
			}
		}
	}
}

// poll reloads when the file looks changed since the last read.
func (w *Watcher) poll() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	fi, err := os.Stat(w.path)
	if err != nil {
		if w.last == nil {
			return nil // already reported, and nothing changed since
		}
		w.last = nil
		return w.keeping(fmt.Errorf("keys file: %w", err))
	}
	if w.last != nil && sameFile(w.last, fi) {
		return nil
	}
	return w.reloadLocked(fi)
}

func (w *Watcher) reload() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	fi, _ := os.Stat(w.path) // a failure shows again in Load, with its reason
	return w.reloadLocked(fi)
}

// reloadLocked loads the file and swaps the new Set in. fi is the file's
// stat from before the read: if the file changes while (or just after) it
// is read, the next poll sees it differ and reads again, so no change is
// ever missed, at worst read twice. It is recorded on failure too, so that
// one bad edit is reported once, not every poll.
func (w *Watcher) reloadLocked(fi os.FileInfo) error {
	w.last = fi
	s, err := Load(w.path)
	if err != nil {
		return w.keeping(err)
	}
	w.cur.Store(s)
	return nil
}

// keeping says, after a failed reload, that the previous keys still hold;
// before the first load there are none, and the error stands alone.
func (w *Watcher) keeping(err error) error {
	if cur := w.cur.Load(); cur != nil {
		return fmt.Errorf("%w (keeping the %d keys loaded before)", err, cur.Len())
	}
	return err
}

func sameFile(a, b os.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime()) && a.Mode() == b.Mode()
}
