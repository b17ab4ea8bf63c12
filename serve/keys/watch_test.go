package keys

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// errLog collects what a Watcher reports.
type errLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errLog) add(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
}

func (l *errLog) get() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...)
}

// waitFor polls cond until it holds; the deadline is generous because
// the watcher polls every half second and CI machines are slow.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// replaceKeys saves content as editors do: a new file renamed over the
// old one.
func replaceKeys(t *testing.T, path, content string) {
	t.Helper()
	f, err := os.CreateTemp(filepath.Dir(path), ".keys.*")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		t.Fatal(err)
	}
}

func watch(t *testing.T, path string) (*Watcher, *errLog) {
	t.Helper()
	var log errLog
	w, err := Watch(path, log.add)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	return w, &log
}

func TestWatchSeesRename(t *testing.T) {
	t.Parallel()
	alice, bob := testKey(t, 1), testKey(t, 2)
	path := writeKeys(t, line(alice, `login="alice"`, "")+"\n")
	w, log := watch(t, path)
	first := w.Current()
	if _, ok := first.Lookup(alice); !ok || first.Len() != 1 {
		t.Fatal("alice not loaded")
	}

	replaceKeys(t, path, "# alice left\n"+line(bob, `login="bob"`, "")+"\n")
	waitFor(t, "bob's key", func() bool { _, ok := w.Current().Lookup(bob); return ok })
	if _, ok := w.Current().Lookup(alice); ok {
		t.Fatal("a removed key still opens sessions")
	}
	if e, _ := w.Current().Lookup(bob); e.Line != 2 {
		t.Fatalf("bob on line %d", e.Line)
	}
	// A Set handed out before stays as it was, for whoever still holds it.
	if _, ok := first.Lookup(alice); !ok {
		t.Fatal("an old Set changed")
	}
	if errs := log.get(); len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
}

func TestWatchSeesInPlaceWrite(t *testing.T) {
	t.Parallel()
	alice, bob := testKey(t, 1), testKey(t, 2)
	path := writeKeys(t, line(alice, `login="alice"`, "")+"\n")
	w, _ := watch(t, path)
	content := line(alice, `login="alice"`, "") + "\n" + line(bob, `login="bob"`, "") + "\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "two keys", func() bool { return w.Current().Len() == 2 })
}

func TestWatchBadEditKeepsOldSet(t *testing.T) {
	t.Parallel()
	alice, bob := testKey(t, 1), testKey(t, 2)
	path := writeKeys(t, line(alice, `login="alice"`, "")+"\n")
	w, log := watch(t, path)
	good := w.Current()

	replaceKeys(t, path, line(alice, `login="alice"`, "")+"\n\n"+line(bob, `from="10.0.0.1",login="bob"`, "")+"\n")
	waitFor(t, "the error", func() bool { return len(log.get()) > 0 })
	err := log.get()[0]
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 3 || pe.Path != path || !strings.Contains(pe.Reason, "from=") {
		t.Fatalf("error %v", err)
	}
	if !strings.Contains(err.Error(), "keeping the 1 keys loaded before") {
		t.Fatalf("error %q does not say the old keys stay", err)
	}
	if w.Current() != good {
		t.Fatal("a bad edit replaced the set")
	}
	// The same bad file is reported once, not at every poll.
	for range 3 {
		if err := w.poll(); err != nil {
			t.Fatalf("reported again: %v", err)
		}
	}

	replaceKeys(t, path, line(bob, `login="bob"`, "")+"\n")
	waitFor(t, "the fixed file", func() bool { _, ok := w.Current().Lookup(bob); return ok })
	if n := len(log.get()); n != 1 {
		t.Fatalf("%d errors: %v", n, log.get())
	}
}

func TestWatchRemovedFile(t *testing.T) {
	t.Parallel()
	alice, bob := testKey(t, 1), testKey(t, 2)
	path := writeKeys(t, line(alice, `login="alice"`, "")+"\n")
	w, log := watch(t, path)
	good := w.Current()

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the error", func() bool { return len(log.get()) > 0 })
	if err := log.get()[0]; !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("error %v", err)
	}
	if w.Current() != good {
		t.Fatal("a missing file replaced the set")
	}
	if err := w.poll(); err != nil {
		t.Fatalf("reported again: %v", err)
	}

	replaceKeys(t, path, line(bob, `login="bob"`, "")+"\n")
	waitFor(t, "the new file", func() bool { _, ok := w.Current().Lookup(bob); return ok })
}

func TestWatchPermissionChange(t *testing.T) {
	t.Parallel()
	alice := testKey(t, 1)
	path := writeKeys(t, line(alice, `login="alice"`, "")+"\n")
	w, log := watch(t, path)
	good := w.Current()

	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the error", func() bool { return len(log.get()) > 0 })
	if err := log.get()[0]; !strings.Contains(err.Error(), "writable by group or others (mode -rw-rw-rw-)") {
		t.Fatalf("error %v", err)
	}
	if w.Current() != good {
		t.Fatal("an unsafe file replaced the set")
	}
}

func TestReload(t *testing.T) {
	t.Parallel()
	alice, bob := testKey(t, 1), testKey(t, 2)
	path := writeKeys(t, line(alice, `login="alice"`, "")+"\n")
	w, log := watch(t, path)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	// Same size and modification time: invisible to polling, so only
	// Reload (SIGHUP) can pick the edit up.
	rewrite := func(content string) {
		t.Helper()
		if len(content) != int(fi.Size()) {
			t.Fatalf("content is %d bytes, not %d", len(content), fi.Size())
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
	}

	rewrite(line(bob, `login="bobby"`, "") + "\n")
	if err := w.Reload(); err != nil {
		t.Fatal(err)
	}
	if e, ok := w.Current().Lookup(bob); !ok || e.Login != "bobby" {
		t.Fatalf("after Reload: %+v %v", e, ok)
	}
	good := w.Current()

	rewrite(line(bob, `LOGIN=""     `, "") + "\n")
	err = w.Reload()
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 1 || !strings.Contains(pe.Reason, "empty login=") {
		t.Fatalf("bad Reload: %v", err)
	}
	if w.Current() != good {
		t.Fatal("a bad Reload replaced the set")
	}
	if errs := log.get(); len(errs) != 0 {
		t.Fatalf("Reload's error went to onErr too: %v", errs)
	}
}

func TestWatchStartErrors(t *testing.T) {
	t.Parallel()
	k := testKey(t, 1)
	bad := writeKeys(t, "\n\n"+line(k, "no-pty", "")+"\n")
	w, err := Watch(bad, nil)
	var pe *ParseError
	if w != nil || !errors.As(err, &pe) || pe.Line != 3 || strings.Contains(err.Error(), "keeping") {
		t.Fatalf("Watch = %v, %v", w, err)
	}
	if _, err := Watch(filepath.Join(t.TempDir(), "missing"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestWatchConcurrentLookups(t *testing.T) {
	t.Parallel()
	alice, bob := testKey(t, 1), testKey(t, 2)
	files := []string{
		line(alice, `login="alice"`, "") + "\n",
		line(alice, `login="alice"`, "") + "\n" + line(bob, `login="bob"`, "") + "\n",
	}
	path := writeKeys(t, files[0])
	w, _ := watch(t, path)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				s := w.Current()
				if e, ok := s.Lookup(alice); !ok || e.Login != "alice" {
					t.Error("alice lost during a reload")
					return
				}
				s.Lookup(bob)
			}
		})
	}
	for i := range 50 {
		replaceKeys(t, path, files[i%2])
		if err := w.Reload(); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}

func TestWatcherClose(t *testing.T) {
	t.Parallel()
	path := writeKeys(t, line(testKey(t, 1), `login="alice"`, "")+"\n")
	w, err := Watch(path, func(err error) { t.Errorf("onErr after Close: %v", err) })
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	w.Close() // twice is fine
	select {
	case <-w.done:
	default:
		t.Fatal("the watching goroutine is still running")
	}
	// Nothing watches any more: a bad file reaches no one, and the last
	// Set still answers.
	replaceKeys(t, path, "garbage\n")
	if w.Current().Len() != 1 {
		t.Fatal("Current changed after Close")
	}
}
