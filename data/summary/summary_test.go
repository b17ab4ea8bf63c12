package summary

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
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
	if len(r.Privileges) < 2 || !strings.HasPrefix(r.Privileges[0].Description, "granted super user access") ||
		!strings.HasPrefix(r.Privileges[1].Description, "removed super user access") {
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

// TestBurstEdges: five failures within exactly the window are a burst,
// five spread one second wider are not, and --burst-min/--burst-within
// move those edges. Bursts come largest first, then latest first.
func TestBurstEdges(t *testing.T) {
	fail := func(ip string, at ...time.Duration) []activity.Row {
		var rows []activity.Row
		for _, d := range at {
			rows = append(rows, activity.Row{Login: "x" + ip, Type: "ActivityLog/UserSignInFailed", Params: "a:0:{}",
				Created: now.Add(-time.Hour + d).Format(time.DateTime), IP: netip.MustParseAddr(ip).AsSlice()})
		}
		return rows
	}
	m := time.Minute
	rows := append(fail("192.0.2.1", 0, 2*m, 5*m, 7*m, 10*m), fail("192.0.2.2", 0, 2*m, 5*m, 7*m, 10*m+time.Second)...)
	rows = append(rows, fail("192.0.2.3", 0, 20*m, 40*m, 41*m, 42*m, 43*m, 44*m)...)
	sortRows(rows)
	for i := range rows {
		rows[i].ID = uint64(i + 1)
	}
	src := demo.FromRows(rows, nil)
	for _, c := range []struct {
		min    int
		within time.Duration
		want   string
	}{
		{5, 10 * m, "[192.0.2.3:5 192.0.2.1:5]"},
		{5, 10*m + time.Second, "[192.0.2.3:5 192.0.2.2:5 192.0.2.1:5]"},
		{6, 10 * m, "[]"},
		{3, 2 * m, "[192.0.2.3:5]"},
		// a run ends at the first gap longer than the window: two runs each
		{2, 2 * m, "[192.0.2.3:5 192.0.2.1:2 192.0.2.2:2 192.0.2.1:2 192.0.2.2:2]"},
	} {
		r, err := Run(context.Background(), src, Options{Now: now, BurstMin: c.min, BurstWithin: c.within})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, b := range r.Bursts {
			if b.By == "ip" {
				got = append(got, fmt.Sprintf("%s:%d", b.Key, b.Count))
			}
		}
		if fmt.Sprint(got) != c.want && !(c.want == "[]" && got == nil) {
			t.Errorf("min %d within %v: bursts %v, want %s", c.min, c.within, got, c.want)
		}
	}
}

// TestFilterSinceAndWindow: the filter's own since: and the window make
// one since: at the later of the two, so a line's query (which a jump
// from the summary puts back in the filter) never widens the next window.
func TestFilterSinceAndWindow(t *testing.T) {
	src := demoSource()
	for _, c := range []struct {
		q      string
		window Window
		since  time.Time
	}{
		{"since:2h", DefaultWindow, now.Add(-2 * time.Hour)},
		{"since:30d -user:bob", DefaultWindow, now.Add(-24 * time.Hour)},
		{"since:2026-11-21T18:00:00Z type:ActivityLog/UserSignInFailed", Windows[len(Windows)-1], time.Date(2026, 11, 21, 18, 0, 0, 0, time.UTC)},
		{"-since:2026-11-21T18:00:00Z", DefaultWindow, now.Add(-24 * time.Hour)},
	} {
		q, err := query.Parse(c.q)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Run(context.Background(), src, Options{Query: q, Window: c.window, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Since.Equal(c.since) || strings.Count(r.Query, "since:") != strings.Count(c.q, "-since:")+1 {
			t.Errorf("%q in %s: since %v, query %q", c.q, c.window.Name, r.Since, r.Query)
		}
		if n := uint64(len(matching(t, src, r.Query))); n != r.Total {
			t.Errorf("%q in %s: %d counted, %d in the timeline", c.q, c.window.Name, r.Total, n)
		}
		// Summarising a line's query again gives the same numbers.
		again, _ := query.Parse(r.Query)
		r2, err := Run(context.Background(), src, Options{Query: again, Window: c.window, Now: now})
		if err != nil || r2.Total != r.Total || r2.Query != r.Query {
			t.Errorf("%q again: %d events (%q), first %d (%q)", c.q, r2.Total, r2.Query, r.Total, r.Query)
		}
	}
}

func TestBar(t *testing.T) {
	for _, c := range []struct {
		v, hi uint64
		want  string
	}{{0, 10, " "}, {1, 1000, "▁"}, {10, 10, "█"}, {5, 10, "▄"}, {0, 0, " "}} {
		if got := Bar(c.v, c.hi); got != c.want {
			t.Errorf("Bar(%d, %d) = %q, want %q", c.v, c.hi, got, c.want)
		}
	}
}
