package summary

import (
	"context"
	"testing"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func demoSource() *demo.Source {
	return demo.New(demo.Options{Seed: 1, Now: func() time.Time { return now }})
}

// matching lists what the timeline shows for a query, in id order.
func matching(t *testing.T, src source.Source, q string) []activity.Event {
	t.Helper()
	parsed, err := query.Parse(q)
	if err != nil {
		t.Fatalf("%q: %v", q, err)
	}
	var out []activity.Event
	if err := src.Stream(context.Background(), query.Compile(parsed, now, time.UTC), 0, 0, func(e *activity.Event) error {
		out = append(out, *e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDemoIncident(t *testing.T) {
	src := demoSource()
	r, err := Run(context.Background(), src, Options{Now: now})
	if err != nil || !r.Complete {
		t.Fatal(err)
	}
	t.Logf("%+v", r.Bursts)
	if len(r.Bursts) == 0 || r.Bursts[0].By != "ip" || r.Bursts[0].Key != demo.IncidentIP || r.Bursts[0].Count != 30 {
		t.Fatalf("bursts %+v", r.Bursts)
	}
	b := r.Bursts[0]
	got := matching(t, src, b.Query)
	if len(got) != b.Count || got[0].ID != b.FromID || got[len(got)-1].ID != b.ToID || !got[0].Time.Equal(b.First) || !got[len(got)-1].Time.Equal(b.Last) {
		t.Fatalf("burst %+v, its query %q shows %d events", b, b.Query, len(got))
	}
	if len(r.Privileges) == 0 || r.Privileges[0].Type != "ActivityLog/UserSetSuperUserAccess" {
		t.Fatalf("privileges %+v", r.Privileges)
	}
	if r.Total != uint64(len(matching(t, src, r.Query))) {
		t.Fatalf("total %d, timeline %d", r.Total, len(matching(t, src, r.Query)))
	}
	var sum uint64
	for _, c := range r.Buckets {
		sum += c
	}
	if sum != r.Total || r.Peak < 0 {
		t.Fatalf("buckets %v sum %d, total %d", r.Buckets, sum, r.Total)
	}
	for _, c := range append(r.Users, r.Categories...) {
		if n := uint64(len(matching(t, src, c.Query))); n != c.Count {
			t.Errorf("%s: %d counted, %d in the timeline (%s)", c.Name, c.Count, n, c.Query)
		}
	}
}
