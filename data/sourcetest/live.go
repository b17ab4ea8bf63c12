package sourcetest

import (
	"context"
	"slices"
	"testing"

	"matomo-audit/data/activity"
	"matomo-audit/data/source"
)

// CheckLiveReads checks the reads live following relies on (After, IDs,
// ByIDs) against all, every event of src in id order.
func CheckLiveReads(t testing.TB, src source.Source, all []activity.Event) {
	t.Helper()
	ctx := context.Background()
	if len(all) < 10 {
		t.Fatal("CheckLiveReads needs a table of at least 10 events")
	}
	// After, walked in small steps, gives the whole table once.
	var walked []activity.Event
	for after := uint64(0); ; {
		got, err := src.After(ctx, after, 7)
		if err != nil {
			t.Fatalf("After(%d, 7): %v", after, err)
		}
		if len(got) > 7 {
			t.Fatalf("After(%d, 7) gave %d rows", after, len(got))
		}
		if len(got) == 0 {
			break
		}
		walked = append(walked, got...)
		after = got[len(got)-1].ID
	}
	if err := SameEvents(walked, all); err != nil {
		t.Fatalf("After walk: %v", err)
	}
	if got, err := src.After(ctx, all[len(all)-1].ID, 10); err != nil || len(got) != 0 {
		t.Fatalf("After(newest) = %d rows, %v", len(got), err)
	}
	// Between two existing ids: starts at the next one.
	mid := len(all) / 2
	if got, err := src.After(ctx, all[mid].ID, 1); err != nil || len(got) != 1 || got[0].ID != all[mid+1].ID {
		t.Fatalf("After(#%d, 1) = %v, %v; want #%d", all[mid].ID, IDs(got), err, all[mid+1].ID)
	}

	// IDs over ranges that start and end inside gaps, on ids, and past
	// the end.
	ids := IDs(all)
	between := func(lo, hi uint64) []uint64 {
		var out []uint64
		for _, id := range ids {
			if id >= lo && id <= hi {
				out = append(out, id)
			}
		}
		return out
	}
	last := ids[len(ids)-1]
	for _, r := range [][2]uint64{{0, last}, {ids[3], ids[3]}, {ids[3] + 1, ids[9] - 1}, {ids[mid], last + 100}, {last + 1, last + 1000}, {ids[9], ids[3]}} {
		got, err := src.IDs(ctx, r[0], r[1])
		if err != nil {
			t.Fatalf("IDs(%d, %d): %v", r[0], r[1], err)
		}
		if want := between(r[0], r[1]); !slices.Equal(got, want) {
			t.Fatalf("IDs(%d, %d) = %d ids %v..., want %d", r[0], r[1], len(got), head(got), len(want))
		}
	}

	// ByIDs: any order, duplicates and ids that do not exist.
	ask := []uint64{ids[mid], last + 7, ids[0], ids[mid], ids[5], 0}
	got, err := src.ByIDs(ctx, ask)
	if err != nil {
		t.Fatalf("ByIDs: %v", err)
	}
	want := []activity.Event{all[0], all[5], all[mid]}
	if err := SameEvents(got, want); err != nil {
		t.Fatalf("ByIDs(%v): %v", ask, err)
	}
	if got, err := src.ByIDs(ctx, nil); err != nil || len(got) != 0 {
		t.Fatalf("ByIDs(nil) = %d rows, %v", len(got), err)
	}
}
