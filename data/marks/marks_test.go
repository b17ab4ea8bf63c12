package marks

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 2, 5, 10, 0, 0, time.UTC)

func mustMark(t *testing.T, s *Set, id uint64, by string) {
	t.Helper()
	if added, err := s.Mark(id, by, t0); err != nil || !added {
		t.Fatalf("Mark(%d) = %v, %v; want true, nil", id, added, err)
	}
}

func TestMemory(t *testing.T) {
	s := New()
	if s.Len() != 0 || s.Version() != 0 || len(s.List()) != 0 || len(s.IDs()) != 0 {
		t.Fatal("a new set is not empty")
	}
	local := time.FixedZone("CET", 3600)
	if added, err := s.Mark(2856, "alice", t0.In(local)); err != nil || !added {
		t.Fatalf("Mark = %v, %v", added, err)
	}
	m, ok := s.Get(2856)
	if !ok || m.ID != 2856 || m.By != "alice" || !m.At.Equal(t0) || m.At.Location() != time.UTC {
		t.Fatalf("Get = %+v, %v; want alice's mark at %v in UTC", m, ok, t0)
	}

	// A second mark keeps the first one's who and when, and is no change.
	if added, err := s.Mark(2856, "bob", t0.Add(time.Hour)); err != nil || added {
		t.Fatalf("Mark again = %v, %v; want false, nil", added, err)
	}
	if m, _ := s.Get(2856); m.By != "alice" || !m.At.Equal(t0) {
		t.Fatalf("Mark again changed the mark to %+v", m)
	}
	if v := s.Version(); v != 1 {
		t.Fatalf("Version = %d after one change; want 1", v)
	}

	for _, id := range []uint64{9, 1 << 63, 17} {
		mustMark(t, s, id, "bob")
	}
	if got, want := s.IDs(), []uint64{9, 17, 2856, 1 << 63}; !slices.Equal(got, want) {
		t.Fatalf("IDs = %v; want %v", got, want)
	}
	var listed []uint64
	for _, m := range s.List() {
		listed = append(listed, m.ID)
	}
	if want := s.IDs(); !slices.Equal(listed, want) {
		t.Fatalf("List's ids = %v; want %v", listed, want)
	}
	// Copies: the caller may sort or change them.
	s.IDs()[0] = 1
	s.List()[0].By = "mallory"
	if m, _ := s.Get(9); m.By != "bob" || s.IDs()[0] != 9 {
		t.Fatal("List or IDs shares memory with the set")
	}

	if removed, err := s.Unmark(17, "carol", t0); err != nil || !removed {
		t.Fatalf("Unmark = %v, %v", removed, err)
	}
	if removed, err := s.Unmark(17, "carol", t0); err != nil || removed {
		t.Fatalf("Unmark again = %v, %v; want false, nil", removed, err)
	}
	if removed, err := s.Unmark(4, "carol", t0); err != nil || removed {
		t.Fatalf("Unmark of an id never marked = %v, %v; want false, nil", removed, err)
	}
	if _, ok := s.Get(17); ok || s.Len() != 3 {
		t.Fatalf("after Unmark: Get(17) = %v, Len = %d", ok, s.Len())
	}

	if marked, err := s.Toggle(17, "dave", t0); err != nil || !marked {
		t.Fatalf("Toggle of an unmarked id = %v, %v", marked, err)
	}
	if m, _ := s.Get(17); m.By != "dave" {
		t.Fatalf("Toggle marked %+v; want dave's", m)
	}
	if marked, err := s.Toggle(17, "erin", t0); err != nil || marked {
		t.Fatalf("Toggle of a marked id = %v, %v", marked, err)
	}
	if _, ok := s.Get(17); ok {
		t.Fatal("Toggle did not unmark")
	}
	// Changes: 1 + 3 marks + 1 unmark + 2 toggles.
	if v := s.Version(); v != 7 {
		t.Fatalf("Version = %d; want 7", v)
	}
}

func TestRefused(t *testing.T) {
	s := New()
	if _, err := s.Mark(0, "alice", t0); err == nil {
		t.Error("Mark(0) was accepted")
	}
	if _, err := s.Toggle(0, "alice", t0); err == nil {
		t.Error("Toggle(0) was accepted")
	}
	if _, err := s.Mark(1, "alice", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("a mark in the year 10000 was accepted; it cannot be written as JSON")
	}
	if added, err := s.Mark(1, strings.Repeat("a", maxBy+1), t0); err == nil || added {
		t.Errorf("a by over the limit: %v, %v; want false and an error", added, err)
	}
	// The limit is on by as kept: an invalid byte is kept as 3.
	if _, err := s.Mark(1, strings.Repeat("\xff", maxBy/3+1), t0); err == nil {
		t.Error("a by over the limit once made valid UTF-8 was accepted")
	}
	if _, err := s.Mark(1, strings.Repeat("\x00", maxBy), t0); err != nil {
		t.Errorf("a by at the limit: %v", err)
	}
	s.Unmark(1, "", t0)
	if s.Len() != 0 || s.Version() != 2 {
		t.Fatal("a refused change changed the set")
	}
	mustMark(t, s, 1, "alice")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := s.Mark(2, "alice", t0); !errors.Is(err, ErrClosed) {
		t.Errorf("Mark after Close: %v; want ErrClosed", err)
	}
	if _, err := s.Unmark(1, "alice", t0); !errors.Is(err, ErrClosed) {
		t.Errorf("Unmark after Close: %v; want ErrClosed", err)
	}
	if _, ok := s.Get(1); !ok || s.Len() != 1 {
		t.Error("the marks cannot be read after Close")
	}
}

// TestInvalidUTF8: the set holds by as the file will give it back.
func TestInvalidUTF8(t *testing.T) {
	s := New()
	mustMark(t, s, 1, "al\xffice\xed\xa0\x80")
	if m, _ := s.Get(1); m.By != "al\uFFFDice\uFFFD\uFFFD\uFFFD" {
		t.Fatalf("by = %q", m.By)
	}
}

func TestChanged(t *testing.T) {
	s := New()
	ch, stop := s.Changed()
	quiet, stopQuiet := s.Changed() // never read: must not hold up a change
	defer stopQuiet()

	// Many changes, nobody reading: one value waits, the changes go on.
	for id := uint64(1); id <= 100; id++ {
		mustMark(t, s, id, "alice")
	}
	if len(ch) != 1 || len(quiet) != 1 {
		t.Fatalf("%d and %d values wait after 100 changes; want 1 each", len(ch), len(quiet))
	}
	<-ch
	if len(ch) != 0 {
		t.Fatal("more than one value waited")
	}

	// What is no change sends nothing.
	s.Mark(1, "bob", t0)
	s.Unmark(1000, "bob", t0)
	if len(ch) != 0 {
		t.Fatal("a change that changed nothing was signalled")
	}
	s.Unmark(1, "bob", t0)
	if len(ch) != 1 {
		t.Fatal("Unmark was not signalled")
	}
	<-ch
	s.Toggle(1, "bob", t0)
	if len(ch) != 1 {
		t.Fatal("Toggle was not signalled")
	}

	// stop closes the channel (ok false once the waiting value is read),
	// and a second stop is nothing.
	stop()
	stop()
	mustMark(t, s, 500, "carol")
	if _, ok := <-ch; !ok {
		t.Fatal("the value sent before stop was lost")
	}
	if _, ok := <-ch; ok {
		t.Fatal("a value came after stop")
	}

	// Close ends every subscription, and later ones are closed already.
	s.Close()
	if _, ok := <-quiet; !ok {
		t.Fatal("the waiting value was lost at Close")
	}
	if _, ok := <-quiet; ok {
		t.Fatal("Close left a subscription open")
	}
	late, stopLate := s.Changed()
	defer stopLate()
	if _, ok := <-late; ok {
		t.Fatal("Changed after Close gave an open channel")
	}
}

// TestConcurrent: goroutines marking their own ids and the same ones at
// once, with readers and a subscriber around: every acknowledged mark is
// there, and each shared id was added exactly once.
func TestConcurrent(t *testing.T) {
	testConcurrent(t, New())
}

func testConcurrent(t *testing.T, s *Set) {
	t.Helper()
	const (
		workers = 4
		own     = 50 // ids per worker: w*1000+1 ...
		shared  = 50 // ids 1..shared, marked by every worker
	)
	ch, stop := s.Changed()
	defer stop()

	var wg sync.WaitGroup
	addedShared := make([][]uint64, workers)
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			by := fmt.Sprintf("worker%d", w)
			for i := range uint64(max(own, shared)) {
				if i < own {
					id := uint64(w+1)*1000 + i + 1
					if added, err := s.Mark(id, by, t0); err != nil || !added {
						errs <- fmt.Errorf("Mark(%d) = %v, %v", id, added, err)
						return
					}
					if _, ok := s.Get(id); !ok {
						errs <- fmt.Errorf("Mark(%d) returned before Get sees it", id)
						return
					}
				}
				if i < shared {
					// Workers start at different shared ids so that each
					// gets to add some.
					id := (i+uint64(w)*shared/workers)%shared + 1
					added, err := s.Mark(id, by, t0)
					if err != nil {
						errs <- err
						return
					}
					if added {
						addedShared[w] = append(addedShared[w], id)
					}
				}
				s.List()
				s.Version()
			}
		})
	}
	readerDone := make(chan struct{})
	go func() { // a subscriber looking whenever told
		defer close(readerDone)
		for range ch {
			s.IDs()
			if s.Len() == workers*own+shared {
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	<-readerDone

	count := map[uint64]int{}
	for _, ids := range addedShared {
		for _, id := range ids {
			count[id]++
		}
	}
	for id := uint64(1); id <= shared; id++ {
		if count[id] != 1 {
			t.Errorf("shared id %d was added %d times", id, count[id])
		}
		if m, ok := s.Get(id); !ok || !slices.Contains(addedShared[m.By[len(m.By)-1]-'0'], id) {
			t.Errorf("shared id %d: mark %+v, %v is not the one that was added", id, m, ok)
		}
	}
	for w := range workers {
		for i := range uint64(own) {
			if _, ok := s.Get(uint64(w+1)*1000 + i + 1); !ok {
				t.Errorf("acknowledged mark %d is missing", uint64(w+1)*1000+i+1)
			}
		}
	}
	if got, want := s.Version(), uint64(workers*own+shared); got != want {
		t.Errorf("Version = %d; want %d, one per change", got, want)
	}
}
