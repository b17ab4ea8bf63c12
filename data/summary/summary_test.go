package summary

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/internal/termsafe"
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
	if r.Window != "24h" || r.WindowSource != FromDefault || r.Query != "" || !r.Since.Equal(now.Add(-24*time.Hour)) {
		t.Fatalf("window %q from %s, query %q, since %v", r.Window, r.WindowSource, r.Query, r.Since)
	}
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
	// The incident's address: 30 failures, then alice signed in from it;
	// it leads the addresses that failed, then signed in, and is among
	// the top addresses with its failures and the logins it tried.
	if len(r.SignInsAfterFailures) == 0 {
		t.Fatal("no address failed, then signed in")
	}
	if s := r.SignInsAfterFailures[0]; s.Address != demo.IncidentIP || s.Failures != 30 || s.Login != "alice" || s.ID == 0 {
		t.Fatalf("first sign-in after failures %+v", s)
	}
	i := slices.IndexFunc(r.Addresses, func(a Address) bool { return a.Address == demo.IncidentIP })
	if i < 0 || r.Addresses[i].Failures != 30 || r.Addresses[i].Logins < 6 || !slices.Equal(r.Addresses[i].Countries, []string{"ru"}) {
		t.Fatalf("top addresses %+v", r.Addresses)
	}
	var sum uint64
	for _, c := range r.Buckets {
		sum += c
	}
	if sum != r.Total || r.Peak < 0 {
		t.Fatalf("buckets %v sum %d, total %d", r.Buckets, sum, r.Total)
	}
	checkLines(t, src, &r)
}

// checkLines applies every line's query as the timeline would and
// compares what it shows with what the line counts.
func checkLines(t *testing.T, src source.Source, r *Report) {
	t.Helper()
	what := fmt.Sprintf("%q over %s", r.Query, r.Window)
	if n := uint64(len(matching(t, src, r.BaseQuery))); n != r.Total {
		t.Errorf("%s: total %d, base query %q shows %d", what, r.Total, r.BaseQuery, n)
	}
	for _, c := range append(r.Users, r.Categories...) {
		if n := uint64(len(matching(t, src, c.Query))); n != c.Count {
			t.Errorf("%s: %q counted %d, its query %q shows %d", what, c.Name, c.Count, c.Query, n)
		}
	}
	for _, b := range r.Bursts {
		got := matching(t, src, b.Query)
		if len(got) != b.Count || got[0].ID != b.FromID || got[len(got)-1].ID != b.ToID {
			t.Errorf("%s: burst %s %q of %d, its query %q shows %d", what, b.By, b.Key, b.Count, b.Query, len(got))
		}
	}
	for _, it := range append(r.Privileges, r.Plugins...) {
		if !slices.ContainsFunc(matching(t, src, it.Query), func(e activity.Event) bool { return e.ID == it.ID }) {
			t.Errorf("%s: event %d not shown by its line's query %q", what, it.ID, it.Query)
		}
	}
	// An address line's counts are what its query shows.
	for _, a := range r.Addresses {
		got := matching(t, src, a.Query)
		var failed uint64
		logins := map[string]bool{}
		for _, e := range got {
			switch e.Type {
			case failedType:
				failed++
				logins[query.FoldLogin(e.Login)] = true
			case signedInType:
				logins[query.FoldLogin(e.Login)] = true
			}
		}
		first, last := got[0].Time, got[0].Time
		for _, e := range got {
			first, last = minTime(first, e.Time), maxTime(last, e.Time)
		}
		if uint64(len(got)) != a.Events || failed != a.Failures || len(logins) != a.Logins || !first.Equal(a.First) || !last.Equal(a.Last) {
			t.Errorf("%s: address %s counted %d events, %d failed, %d logins; its query %q shows %d, %d, %d", what, a.Address, a.Events, a.Failures, a.Logins, a.Query, len(got), failed, len(logins))
		}
	}
	for _, b := range r.SignInsAfterFailures {
		if !slices.ContainsFunc(matching(t, src, b.Query), func(e activity.Event) bool { return e.ID == b.ID }) {
			t.Errorf("%s: the sign-in %d after failures from %s is not shown by %q", what, b.ID, b.Address, b.Query)
		}
	}
	for _, q := range lineQueries(r) {
		// Canonical (printed back as read) and free of anything a
		// terminal would act on.
		parsed, err := query.Parse(q)
		if err != nil || parsed.String() != q || termsafe.Clean(q) != q {
			t.Errorf("%s: line query %q does not read back (%v)", what, q, err)
		}
		// No term twice: the chips would show it twice.
		terms := strings.Fields(q)
		slices.Sort(terms)
		if len(slices.Compact(terms)) != len(strings.Fields(q)) {
			t.Errorf("%s: line query %q repeats a term", what, q)
		}
	}
}

func lineQueries(r *Report) []string {
	var out []string
	for _, c := range append(r.Users, r.Categories...) {
		out = append(out, c.Query)
	}
	for _, b := range r.Bursts {
		out = append(out, b.Query)
	}
	for _, it := range append(r.Privileges, r.Plugins...) {
		out = append(out, it.Query)
	}
	for _, a := range r.Addresses {
		out = append(out, a.Query)
	}
	for _, b := range r.SignInsAfterFailures {
		out = append(out, b.Query)
	}
	return out
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

// TestQuerySetsWindow: the query's since:/until: are the window, a
// window given as well is refused, and a line's query (which a jump from
// the summary puts back in the filter) summarised again gives the same
// numbers.
func TestQuerySetsWindow(t *testing.T) {
	src := demoSource()
	_, hi, _ := src.Bounds(context.Background())
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		q            string
		window       Window
		since, until time.Time // zero until: the report's now
		name, from   string
	}{
		{"since:2h", Window{}, now.Add(-2 * time.Hour), time.Time{}, "since:2h", FromQuery},
		{"since:30d -user:bob", Window{}, now.Add(-30 * 24 * time.Hour), time.Time{}, "since:30d", FromQuery},
		{"since:1d12h", Window{}, now.Add(-36 * time.Hour), time.Time{}, "since:1d12h", FromQuery},
		{"since:2026-11-21T18:00:00Z type:ActivityLog/UserSignInFailed", Window{}, at("2026-11-21T18:00:00Z"), time.Time{}, "since:2026-11-21T18:00:00Z", FromQuery},
		{"since:2026-11-21 until:2026-11-21T18:15:00Z", Window{}, at("2026-11-21T00:00:00Z"), at("2026-11-21T18:15:00Z"), "since:2026-11-21 until:2026-11-21T18:15:00Z", FromQuery},
		{"until:2026-11-01 user:alice", Window{}, time.Time{}, at("2026-11-01T00:00:00Z"), "until:2026-11-01", FromQuery},
		// Before the first event: an empty window at its end.
		{"until:2026-10-01", Window{}, at("2026-10-01T00:00:00Z"), at("2026-10-01T00:00:00Z"), "until:2026-10-01", FromQuery},
		{"-since:2026-11-21T18:00:00Z", Window{}, now.Add(-24 * time.Hour), time.Time{}, "24h", FromDefault},
		{"-since:2h user:alice", Window{Name: "48h", Span: 48 * time.Hour}, now.Add(-48 * time.Hour), time.Time{}, "48h", FromOption},
		{"cat:security", All, time.Time{}, time.Time{}, "all", FromOption},
	} {
		q, err := query.Parse(c.q)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Run(context.Background(), src, Options{Query: q, Window: c.window, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		until := c.until
		if until.IsZero() {
			until = now
		}
		if !c.since.IsZero() && !r.Since.Equal(c.since) || !r.Until.Equal(until) || r.Window != c.name || r.WindowSource != c.from || r.Query != q.String() {
			t.Errorf("%q in %q: since %v until %v, window %q from %s, query %q", c.q, c.window.Name, r.Since, r.Until, r.Window, r.WindowSource, r.Query)
		}
		if strings.Count(r.BaseQuery, " since:") > 1 || strings.Count(r.BaseQuery, " until:") > 1 {
			t.Errorf("%q: base %q bounds the time twice", c.q, r.BaseQuery)
		}
		checkLines(t, src, &r)
		if !c.until.IsZero() {
			// The id range read ends at until: and the disorder margin.
			after := matching(t, src, "since:"+c.until.Add(disorder).Format(time.RFC3339))
			if len(after) == 0 || r.ToID != after[0].ID-1 {
				t.Errorf("%q: ids read up to %d, first after the margin %v", c.q, r.ToID, after[:min(1, len(after))])
			}
		} else if r.ToID != hi {
			t.Errorf("%q: ids read up to %d, table to %d", c.q, r.ToID, hi)
		}
		// Summarising the base query again, later, gives the same
		// numbers: its since: sets the window (without one, the screen
		// keeps the window it had).
		again, _ := query.Parse(r.BaseQuery)
		o := Options{Query: again, Now: now.Add(time.Hour)}
		if len(TimeTerms(again)) == 0 {
			o.Window = c.window
		}
		r2, err := Run(context.Background(), src, o)
		if err != nil || r2.Total != r.Total || r2.BaseQuery != r.BaseQuery || r2.Window == "" {
			t.Errorf("%q again: %d events (%q), first %d (%q), %v", c.q, r2.Total, r2.BaseQuery, r.Total, r.BaseQuery, err)
		}
		// So does a burst's query, and its burst's line reads the same
		// as the line did.
		for _, b := range r.Bursts {
			bq, _ := query.Parse(b.Query)
			o.Query = bq
			r3, err := Run(context.Background(), src, o)
			if err != nil || r3.Total != uint64(b.Count) || !slices.ContainsFunc(r3.Bursts, func(b3 Burst) bool {
				return b3.By == b.By && b3.Key == b.Key && b3.Query == b.Query
			}) {
				t.Errorf("%q: burst %q summarised again: %d events, bursts %+v (%v)", c.q, b.Query, r3.Total, r3.Bursts, err)
			}
		}
	}
	q, _ := query.Parse("user:alice since:1h")
	if _, err := Run(context.Background(), src, Options{Query: q, Window: DefaultWindow, Now: now}); err == nil ||
		err.Error() != "window 24h and since:1h in the query both set the window: use one" {
		t.Errorf("window and since: together: %v", err)
	}
}

func TestParseWindow(t *testing.T) {
	day := 24 * time.Hour
	for in, want := range map[string]time.Duration{
		"1h": time.Hour, "48h": 48 * time.Hour, "90d": 90 * day, "2w": 14 * day, "1d12h": 36 * time.Hour,
		"90m": 90 * time.Minute, "45s": 45 * time.Second, " 7D ": 7 * day, "all": 0, "ALL": 0,
	} {
		w, err := ParseWindow(in)
		if err != nil || w.Span != want || w.Name != strings.ToLower(strings.TrimSpace(in)) {
			t.Errorf("ParseWindow(%q) = %+v, %v; want span %v", in, w, err, want)
		}
	}
	for in, msg := range map[string]string{
		"": "unknown window", "2x": "unknown window", "1.5h": "unknown window", "-2h": "unknown window", "today": "unknown window",
		"2026-11-01": "unknown window", "h": "unknown window", "1h30": "unknown window",
		"0h": "is empty", "0d0h": "is empty", "99999999w": "longer than 100 years", "2000000000d": "longer than 100 years",
	} {
		if w, err := ParseWindow(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseWindow(%q) = %+v, %v; want an error saying %q", in, w, err, msg)
		}
	}
}

func TestStep(t *testing.T) {
	day := 24 * time.Hour
	for _, c := range []struct {
		from          Window
		wider, narrow string
	}{
		{Window{"48h", 48 * time.Hour}, "7d", "24h"},
		{Window{"1h", time.Hour}, "24h", "1h"},
		{Window{"30m", 30 * time.Minute}, "1h", "30m"},
		{Window{"24h", day}, "7d", "1h"},
		{Window{"30d", 30 * day}, "all", "7d"},
		{Window{"90d", 90 * day}, "all", "30d"},
		{All, "all", "30d"},
		{Window{"since:2030-01-01", -1}, "1h", "since:2030-01-01"},
		{Window{"until:2026-11-01", 0}, "until:2026-11-01", "30d"},
	} {
		if w, n := c.from.Step(1), c.from.Step(-1); w.Name != c.wider || n.Name != c.narrow {
			t.Errorf("from %s: ] %s, [ %s; want %s, %s", c.from.Name, w.Name, n.Name, c.wider, c.narrow)
		}
	}
}

func TestInForce(t *testing.T) {
	parse := func(s string) *query.Query {
		q, err := query.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	w48 := Window{"48h", 48 * time.Hour}
	for _, c := range []struct {
		q    string
		w    Window
		want Window
	}{
		{"", Window{}, DefaultWindow},
		{"user:alice -since:1h", Window{}, DefaultWindow},
		{"user:alice", w48, w48},
		{"since:2d user:alice", Window{}, Window{"since:2d", 48 * time.Hour}},
		{"since:2026-11-01 until:2026-11-10", Window{}, Window{"since:2026-11-01 until:2026-11-10", now.Sub(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))}},
		{"until:2026-11-10", Window{}, Window{"until:2026-11-10", 0}},
		{"since:now", Window{}, Window{"since:now", -1}},
	} {
		if got := InForce(parse(c.q), c.w, now, time.UTC); got != c.want {
			t.Errorf("InForce(%q, %q) = %+v, want %+v", c.q, c.w.Name, got, c.want)
		}
	}
	if got := WithoutTimeTerms(parse("since:2d user:alice -since:1h until:1h")).String(); got != "user:alice -since:1h" {
		t.Errorf("WithoutTimeTerms: %q", got)
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

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// TestAddressCap: past maxAddresses the tally takes no new address and
// says so, and still counts every event of the addresses it holds, IPv4
// and IPv6 alike.
func TestAddressCap(t *testing.T) {
	r := Report{Since: now.Add(-time.Hour), BucketWidth: time.Minute, Buckets: make([]uint64, 60)}
	o := Options{Top: 3, BurstMin: DefaultBurstMin, BurstWithin: DefaultBurstWithin}
	tl := newTally(o, &r, &query.Query{})
	id := uint64(0)
	add := func(ip netip.Addr) {
		id++
		tl.add(&activity.Event{ID: id, Time: now.Add(-time.Minute), Login: "alice", Type: "ActivityLog/UserSignedIn", Category: "login", IP: ip})
	}
	v4 := func(i int) netip.Addr { return netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}) }
	v6 := func(i int) netip.Addr {
		return netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 14: byte(i >> 8), 15: byte(i)})
	}
	for i := range maxAddresses - 1000 {
		add(v4(i))
	}
	for i := range 1000 {
		add(v6(i))
	}
	for i := range 50_000 {
		add(v4(maxAddresses + i)) // new: not taken
		add(v6(5000 + i))
	}
	// Held ones, again: three times the first, twice a late IPv6 one.
	first, lastV6 := v4(0), v6(999)
	add(first)
	add(first)
	add(lastV6)
	tl.finish()
	if !r.AddressesCut || r.AddressCount != maxAddresses {
		t.Fatalf("cut %v, %d addresses", r.AddressesCut, r.AddressCount)
	}
	got := map[string]uint64{}
	for _, a := range r.Addresses {
		got[a.Address] = a.Events
	}
	if got[first.String()] != 3 || got[lastV6.String()] != 2 || len(r.Addresses) != 3 {
		t.Fatalf("top addresses %+v", r.Addresses)
	}
	// Exactly the first ones seen are held.
	for _, st := range tl.addrs.stats {
		a := netip.AddrFrom16(st.key).Unmap()
		b := a.As16()
		if a.Is4() && int(b[13])<<16|int(b[14])<<8|int(b[15]) >= maxAddresses-1000 || !a.Is4() && int(b[14])<<8|int(b[15]) >= 1000 {
			t.Fatalf("%s taken past the cap", a)
		}
	}
}
