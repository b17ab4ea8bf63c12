package summary

import (
	"context"
	"testing"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

// TestCountWindow: CountWindow gives the numbers Run gives for the same
// query, window and burst rules, counts its Match filters as the
// timeline shows them, and with After counts exactly the ids above it.
func TestCountWindow(t *testing.T) {
	src := demoSource()
	ctx := context.Background()
	for _, c := range []struct {
		q string
		w Window
		o Options
	}{
		{"", Window{}, Options{}},
		{"", Windows[2], Options{}},
		{"", All, Options{BurstMin: 3, BurstWithin: 2 * time.Minute}},
		{`-user:"Matomo System"`, Windows[3], Options{}},
		{"since:2026-11-01 until:2026-11-20", Window{}, Options{}},
		{"cat:login", All, Options{BurstMin: 10}},
	} {
		q, err := query.Parse(c.q)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Run(ctx, src, Options{Query: q, Window: c.w, Now: now, BurstMin: c.o.BurstMin, BurstWithin: c.o.BurstWithin})
		if err != nil {
			t.Fatal(err)
		}
		match := []string{"cat:security", "type:UserSignInFailed", "user:alice", "sev:security"}
		var fs []*query.Filter
		for _, m := range match {
			mq, _ := query.Parse(m)
			fs = append(fs, query.Compile(mq, now, time.UTC))
		}
		got, err := CountWindow(ctx, src, CountOptions{Query: q, Window: c.w, Now: now, BurstMin: c.o.BurstMin, BurstWithin: c.o.BurstWithin, Match: fs})
		if err != nil {
			t.Fatal(err)
		}
		if got.Events != r.Total || got.FailedLogins != r.FailedLogins || got.Bursts != len(r.Bursts) || got.Window != r.Window ||
			got.WindowSource != r.WindowSource || got.BaseQuery != r.BaseQuery || !got.Since.Equal(r.Since) || got.FromID != r.FromID || got.ToID != r.ToID {
			t.Errorf("%q %v: %+v, want the report's %d events, %d failed, %d bursts, window %s %s",
				c.q, c.w, got, r.Total, r.FailedLogins, len(r.Bursts), r.Window, r.BaseQuery)
		}
		// Counted as the timeline counts the base query narrowed by each
		// filter (ANDed: appended to the base, terms of the same key
		// would be alternatives).
		base := matching(t, src, r.BaseQuery)
		among := func(f *query.Filter) uint64 {
			n := uint64(0)
			for i := range base {
				if f.Match(&base[i]) {
					n++
				}
			}
			return n
		}
		sq, _ := query.Parse("cat:security -type:UserSignInFailed")
		if want := among(query.Compile(sq, now, time.UTC)); got.Security != want || uint64(len(base)) != got.Events {
			t.Errorf("%q %v: %d security, want %d", c.q, c.w, got.Security, want)
		}
		for i, m := range match {
			if want := among(fs[i]); got.Matches[i] != want {
				t.Errorf("%q %v: %d %s, want %d", c.q, c.w, got.Matches[i], m, want)
			}
		}
	}

	// After: the ids above it, whatever the window; the base query shows them.
	_, hi, _ := src.Bounds(ctx)
	after := hi - 40
	got, err := CountWindow(ctx, src, CountOptions{Now: now, After: after})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := src.Stream(ctx, nil, after+1, 0, func(*activity.Event) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if got.Events != uint64(n) || got.Newest != hi || got.FromID != after+1 || got.WindowSource != "after" || !got.Since.IsZero() ||
		len(matching(t, src, got.BaseQuery)) != n {
		t.Errorf("after %d: %+v, want %d events", after, got, n)
	}
	// A restricted source's counts carry no table ids.
	own, err := CountWindow(ctx, source.Restrict(src, "alice"), CountOptions{Now: now, Window: All})
	if err != nil {
		t.Fatal(err)
	}
	if !own.Own || own.FromID != 0 || own.ToID != 0 || own.Newest != 0 || own.Events != uint64(len(matching(t, src, "user:alice"))) {
		t.Errorf("restricted: %+v", own)
	}
}
