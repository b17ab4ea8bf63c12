package follow

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

// table is an in-memory activity log whose rows become visible when their
// transaction commits, in any order, like InnoDB's.
type table struct {
	source.Source // unused methods
	mu            sync.Mutex
	rows          map[uint64]activity.Event // committed
	fail          bool
	now           time.Time
}

func newTable() *table {
	return &table{rows: map[uint64]activity.Event{}, now: time.Unix(1_800_000_000, 0)}
}

func (t *table) commit(id uint64, login string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rows[id] = activity.Event{ID: id, Login: login, Type: "ActivityLog/UserSignedIn", Time: t.now}
}

func (t *table) sorted() []uint64 {
	ids := make([]uint64, 0, len(t.rows))
	for id := range t.rows {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

var errDown = errors.New("connection refused")

func (t *table) Bounds(context.Context) (uint64, uint64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fail {
		return 0, 0, errDown
	}
	ids := t.sorted()
	if len(ids) == 0 {
		return 0, 0, nil
	}
	return ids[0], ids[len(ids)-1], nil
}

func (t *table) FindTime(context.Context, time.Time) (uint64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ids := t.sorted()
	if len(ids) == 0 {
		return 0, nil
	}
	return ids[0], nil
}

func (t *table) After(_ context.Context, after uint64, limit int) ([]activity.Event, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fail {
		return nil, errDown
	}
	var out []activity.Event
	for _, id := range t.sorted() {
		if id > after && len(out) < limit {
			out = append(out, t.rows[id])
		}
	}
	return out, nil
}

func (t *table) IDs(_ context.Context, lo, hi uint64) ([]uint64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fail {
		return nil, errDown
	}
	var out []uint64
	for _, id := range t.sorted() {
		if id >= lo && id <= hi {
			out = append(out, id)
		}
	}
	return out, nil
}

func (t *table) ByIDs(_ context.Context, ids []uint64) ([]activity.Event, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fail {
		return nil, errDown
	}
	var out []activity.Event
	for _, id := range ids {
		if e, ok := t.rows[id]; ok {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func ids(ev []activity.Event) []uint64 {
	out := make([]uint64, len(ev))
	for i := range ev {
		out[i] = ev[i].ID
	}
	return out
}

// TestOutOfOrderCommits: ids are handed out in order but committed in a
// random order over several polls; some are rolled back; the connection
// drops now and then. Every committed id comes out exactly once.
func TestOutOfOrderCommits(t *testing.T) {
	for seed := uint64(0); seed < 20; seed++ {
		r := rand.New(rand.NewPCG(seed, 9))
		tb := newTable()
		for id := uint64(1); id <= 50; id++ {
			tb.commit(id, "old")
		}
		clock := tb.now
		f := New(tb, time.Hour, func() time.Time { return clock })
		ctx := context.Background()
		if err := f.Start(ctx); err != nil {
			t.Fatal(err)
		}
		seen := map[uint64]int{}
		want := map[uint64]bool{}
		pending := []uint64{}
		next := uint64(51)
		for step := 0; step < 200; step++ {
			// New transactions take ids; some commit at once, some later,
			// some never.
			for n := r.IntN(4); n > 0; n-- {
				pending = append(pending, next)
				next++
			}
			r.Shuffle(len(pending), func(i, j int) { pending[i], pending[j] = pending[j], pending[i] })
			keep := pending[:0]
			for _, id := range pending {
				switch x := r.IntN(10); {
				case x < 4:
					tb.commit(id, "u")
					want[id] = true
				case x == 4:
					// rolled back: never visible
				default:
					keep = append(keep, id)
				}
			}
			pending = keep
			tb.mu.Lock()
			tb.fail = r.IntN(8) == 0
			tb.mu.Unlock()
			res, err := f.Poll(ctx, nil)
			if err != nil {
				continue // the next poll catches up
			}
			if !slices.IsSorted(ids(res.Fresh)) || !slices.IsSorted(ids(res.Late)) {
				t.Fatalf("seed %d: results out of order", seed)
			}
			for _, e := range append(res.Fresh, res.Late...) {
				seen[e.ID]++
			}
		}
		for _, id := range pending {
			tb.commit(id, "u")
			want[id] = true
		}
		tb.fail = false
		for i := 0; i < 3; i++ {
			res, err := f.Poll(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range append(res.Fresh, res.Late...) {
				seen[e.ID]++
			}
		}
		for id, n := range seen {
			if n != 1 || !want[id] {
				t.Fatalf("seed %d: id %d seen %d times (committed %v)", seed, id, n, want[id])
			}
		}
		if len(seen) != len(want) {
			t.Fatalf("seed %d: %d of %d committed ids seen", seed, len(seen), len(want))
		}
	}
}

func TestGraceExpiresAndFilter(t *testing.T) {
	tb := newTable()
	tb.commit(1, "a")
	clock := tb.now
	f := New(tb, time.Minute, func() time.Time { return clock })
	ctx := context.Background()
	f.Start(ctx)
	tb.commit(3, "a") // 2 is open
	tb.commit(4, "bob")
	q, _ := query.Parse("user:bob")
	filt := query.Compile(q, clock, time.UTC)
	res, _ := f.Poll(ctx, filt)
	if !slices.Equal(ids(res.Fresh), []uint64{4}) || f.Gaps() != 1 {
		t.Fatalf("fresh %v, gaps %d", ids(res.Fresh), f.Gaps())
	}
	clock = clock.Add(2 * time.Minute)
	f.Poll(ctx, filt)
	if f.Gaps() != 0 {
		t.Fatal("a gap outlived its grace period")
	}
	tb.commit(2, "bob") // too late: given up
	res, _ = f.Poll(ctx, filt)
	if len(res.Late) != 0 {
		t.Fatal("an expired gap delivered")
	}
}

// TestStartSeesOpenTransactions: ids missing just below the newest at
// start are awaited; Seen keeps an id delivered elsewhere from coming twice.
func TestStartSeesOpenTransactions(t *testing.T) {
	tb := newTable()
	for _, id := range []uint64{1, 2, 4, 6, 7} {
		tb.commit(id, "a")
	}
	clock := tb.now
	f := New(tb, time.Hour, func() time.Time { return clock })
	ctx := context.Background()
	f.Start(ctx)
	if f.HighWater() != 7 || f.Gaps() != 2 {
		t.Fatalf("start: mark %d, %d gaps", f.HighWater(), f.Gaps())
	}
	tb.commit(3, "a")
	tb.commit(5, "a")
	f.Seen(5) // say the UI's page already brought it
	res, _ := f.Poll(ctx, nil)
	if !slices.Equal(ids(res.Late), []uint64{3}) {
		t.Fatalf("late %v, want [3]", ids(res.Late))
	}
}

func TestManyGaps(t *testing.T) {
	tb := newTable()
	tb.commit(1, "a")
	clock := tb.now
	f := New(tb, time.Hour, func() time.Time { return clock })
	ctx := context.Background()
	f.Start(ctx)
	// An auto-increment step of 2: every other id never comes.
	for id := uint64(3); id < 400; id += 2 {
		tb.commit(id, "a")
	}
	res, _ := f.Poll(ctx, nil)
	if len(res.Fresh) != 199 || f.Gaps() != 199 {
		t.Fatalf("%d fresh, %d gaps", len(res.Fresh), f.Gaps())
	}
	tb.commit(100, "late")
	res, _ = f.Poll(ctx, nil)
	if !slices.Equal(ids(res.Late), []uint64{100}) {
		t.Fatalf("late %v", ids(res.Late))
	}
}
