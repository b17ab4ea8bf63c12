package mysqldb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/data/sourcetest"
)

// lightFull are types a light stream is asked to read in full in these
// tests: a privilege change, a plugin change and a goal (which the tricky
// rows also store as a PHP class name, which only Go can normalise).
var lightFull = []string{"ActivityLog/UserSetSuperUserAccess", "ActivityLog/PluginInstalled", "ActivityLog/GoalAdded"}

// tuneLight sets the light scan's chunking for one test.
func tuneLight(t *testing.T, rows int, first uint64, inFlight int) {
	r, f, n := lightRows, lightFirst, lightInFlight
	lightRows, lightFirst, lightInFlight = rows, first, inFlight
	t.Cleanup(func() { lightRows, lightFirst, lightInFlight = r, f, n })
}

// TestSharedQueriesLight runs the shared query table through StreamLight
// on MariaDB: the events the full stream of the reference gives, light
// but for the types read in full, for every query and every chunking (a
// LIMIT of a few rows cuts nearly every chunk, one chunk at a time is
// the plainest order).
func TestSharedQueriesLight(t *testing.T) {
	my, ref, _ := sharedData(t)
	for _, tune := range []struct {
		rows     int
		first    uint64
		inFlight int
	}{{lightRows, lightFirst, lightInFlight}, {7, 3, 1}, {50, 10, 3}} {
		t.Run(fmt.Sprintf("%d rows, %d in flight", tune.rows, tune.inFlight), func(t *testing.T) {
			tuneLight(t, tune.rows, tune.first, tune.inFlight)
			for _, c := range sourcetest.Cases {
				f := sourcetest.Filter(t, c.Query)
				want := sourcetest.Lightened(sourcetest.Stream(t, ref, f), lightFull, f.DecidesLight())
				if err := sourcetest.SameEvents(sourcetest.StreamLight(t, my, f, lightFull), want); err != nil {
					t.Errorf("%q: %v", c.Query, err)
				}
				if err := sourcetest.SameEvents(sourcetest.StreamLight(t, ref, f, lightFull), want); err != nil {
					t.Errorf("demo, %q: %v", c.Query, err)
				}
			}
		})
	}
	var escalating int
	for _, e := range sourcetest.StreamLight(t, my, nil, nil) {
		if activity.SeverityFromParams(e.Type) {
			escalating++
			if !e.ParamsOK() {
				t.Errorf("%d, a %s, was read light: its severity comes from its parameters", e.ID, e.Type)
			}
		} else if e.ParamsOK() || e.Description != "" {
			t.Errorf("%d, a %s, was read in full", e.ID, e.Type)
		}
	}
	if escalating == 0 {
		t.Error("fixture: no event whose severity comes from its parameters")
	}
}

func TestStreamLightRangeAndStop(t *testing.T) {
	my, ref, _ := sharedData(t)
	ctx := context.Background()
	tuneLight(t, 7, 3, 2)
	for _, r := range [][2]uint64{{100, 110}, {0, 0}, {2999, 500005}, {500012, 500013}, {1_999_999, 0}, {3_000_000, 0}} {
		var got, want []activity.Event
		for src, out := range map[source.Source]*[]activity.Event{my: &got, ref: &want} {
			err := source.StreamLight(ctx, src, nil, lightFull, r[0], r[1], func(e *activity.Event) error {
				*out = append(*out, *e)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := sourcetest.SameEvents(got, want); err != nil {
			t.Errorf("%d..%d: %v", r[0], r[1], err)
		}
	}
	var ids []uint64
	err := my.StreamLight(ctx, nil, lightFull, 100, 0, func(e *activity.Event) error {
		ids = append(ids, e.ID)
		if len(ids) == 5 {
			return source.ErrStop
		}
		return nil
	})
	if err != nil || !slices.Equal(ids, []uint64{100, 101, 102, 103, 104}) {
		t.Fatalf("StreamLight from 100 stopped after 5: %v %v", ids, err)
	}
	boom := errors.New("boom")
	if err := my.StreamLight(ctx, nil, nil, 0, 0, func(*activity.Event) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("callback error not returned: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := my.StreamLight(cancelled, nil, nil, 0, 0, func(*activity.Event) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled light stream: %v", err)
	}
}

// A row read light but gone when it is read again in full (Matomo purged
// it in between) is left out, and the events around it keep their
// places and marks.
func TestLightCompleteDropsWhatIsGone(t *testing.T) {
	my, ref, _ := sharedData(t)
	ctx := context.Background()
	all := sourcetest.Stream(t, ref, nil)
	ls := &lightScan{s: my, f: nil, whole: map[string]bool{"ActivityLog/UserSignedIn": true}}
	var cache activity.LightCache
	c := &lightChunk{}
	var ids []uint64
	for _, e := range all[:40] {
		for _, id := range []uint64{e.ID, e.ID + 1_000_000_000} { // the second is gone
			c.events = append(c.events, cache.Event(id, []byte(e.Login), []byte(e.RawType), []byte(e.Time.Format(time.DateTime)), nil, nil))
			if ls.whole[e.Type] {
				c.whole, ids = append(c.whole, len(c.events)-1), append(ids, id)
			}
		}
	}
	if len(ids) < 4 {
		t.Fatalf("fixture: %d sign-ins", len(ids))
	}
	if err := ls.complete(ctx, c, ids); err != nil {
		t.Fatal(err)
	}
	var want []uint64
	for _, e := range all[:40] {
		want = append(want, e.ID)
		if e.Type != "ActivityLog/UserSignedIn" {
			want = append(want, e.ID+1_000_000_000)
		}
	}
	if got := sourcetest.IDs(c.events); !slices.Equal(got, want) {
		t.Fatalf("kept %v, want %v", got, want)
	}
	for i := range c.events {
		if full := slices.Contains(c.whole, i); full != (c.events[i].Type == "ActivityLog/UserSignedIn") || full != c.events[i].ParamsOK() {
			t.Errorf("event %d (%s): marked full %v, decoded %v", c.events[i].ID, c.events[i].Type, full, c.events[i].ParamsOK())
		}
	}
}

// Reading straight from the driver gives what database/sql gives, NULLs,
// binary addresses and arguments of every kind included.
func TestEachRawIsEachSQL(t *testing.T) {
	my, _, _ := sharedData(t)
	ctx := context.Background()
	type row struct {
		id   uint64
		cols []string
	}
	collect := func(each func(context.Context, string, []any, func(uint64, [][]byte)) error, q string, args []any) []row {
		var out []row
		err := each(ctx, q, args, func(id uint64, cols [][]byte) {
			r := row{id: id}
			for _, c := range cols {
				if c == nil {
					r.cols = append(r.cols, "NULL")
				} else {
					r.cols = append(r.cols, fmt.Sprintf("%q", c))
				}
			}
			out = append(out, r)
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	f := sourcetest.Filter(t, `-user:"Matomo System" ip:10.0.0.0/8,2001:db8::/32 since:2026-11-01`)
	cond, args := f.SQL(query.Schema{HasIPCountry: true})
	for _, c := range []struct {
		q    string
		args []any
	}{
		{"SELECT " + my.light + " FROM " + my.table + " WHERE `id` BETWEEN ? AND ? ORDER BY `id`", []any{uint64(1), uint64(3_000_000)}},
		{"SELECT " + my.light + " FROM " + my.table + " WHERE `id` BETWEEN ? AND ? AND " + cond + " ORDER BY `id`", append([]any{uint64(0), uint64(1) << 63}, args...)},
		{"SELECT `id`, `parameters`, LENGTH(`type`), NULL FROM " + my.table + " WHERE `id` > ? ORDER BY `id` LIMIT 50", []any{int64(490000)}},
	} {
		raw, viaSQL := collect(my.eachRaw, c.q, c.args), collect(my.eachSQL, c.q, c.args)
		if len(raw) < 10 || fmt.Sprint(raw) != fmt.Sprint(viaSQL) {
			t.Errorf("%s: %d rows straight from the driver, %d through database/sql, or they differ", c.q, len(raw), len(viaSQL))
		}
	}
}
