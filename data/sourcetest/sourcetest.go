// Package sourcetest holds what every event source must agree on: one
// table of queries, rows chosen to break naive implementations, and checks
// that run a source against a reference. The MySQL source's tests run it
// against MariaDB with the demo (in-memory) source as the reference.
package sourcetest

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"matomo-audit/data/activity"
	php "matomo-audit/data/phpser"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

// Now is the clock every shared query is compiled against.
var Now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// Case is one shared query. Oracle, when set, is a hand-written SQL
// condition over the raw table that selects exactly the expected rows: an
// independent check that does not go through the push-down code.
type Case struct {
	Query  string
	Oracle string
}

// Cases grows with every query semantics question that comes up.
var Cases = []Case{
	{Query: ""},
	{Query: "user:alice", Oracle: "user_login = 'alice'"},
	{Query: "user:ALICE", Oracle: "user_login = 'alice'"},
	{Query: `user:"bob "`, Oracle: "BINARY user_login = 'bob '"},
	{Query: "user:bob", Oracle: "BINARY user_login = 'bob'"},
	{Query: "user:alice,bob"},
	{Query: "user:alice user:carol"},
	{Query: "user:*@example.org", Oracle: "user_login LIKE '%@example.org'"},
	{Query: "user:?ob"},
	{Query: "user:jose"},
	{Query: "user:josé"},
	{Query: "-user:jose"},
	{Query: "-user:josé"},
	{Query: "user:admi̇n"},
	{Query: "-user:ADMİN"},
	{Query: `-user:"Matomo System"`, Oracle: "user_login <> 'Matomo System'"},
	{Query: `-user:"matomo system"`},
	{Query: "-user:alice,bob"},
	{Query: "-user:a*"},
	{Query: "user:100%"},
	{Query: "user:under_score"},
	{Query: `user:back\slash`},
	{Query: `user:we\*rd\?`, Oracle: "BINARY user_login = 'we*rd?'"},
	{Query: `user:we\*rd?`},
	{Query: `user:we*`},
	{Query: `-user:we\*rd\?`},
	{Query: `user:"we*rd?"`},
	{Query: "type:GoalAdded"},
	{Query: "type:goaladded"},
	{Query: "type:ActivityLog/UserSignInFailed"},
	{Query: "type:UserSignInFailed"},
	{Query: "type:*Removed", Oracle: "type LIKE '%Removed'"},
	{Query: "type:goal*"},
	{Query: "type:TagManager/*"},
	{Query: "type:*/Container*"},
	{Query: "type:Custom/ThingHappened"},
	{Query: "-type:UserSignedIn"},
	{Query: "-type:*Failed,*SignedOff"},
	{Query: "-type:usersignedin"},
	{Query: "cat:login"},
	{Query: "cat:security"},
	{Query: "cat:other"},
	{Query: "cat:login,goal"},
	{Query: "-cat:login"},
	{Query: "-cat:security"},
	{Query: "-cat:other"},
	{Query: "sev:security"},
	{Query: "sev:notice"},
	{Query: "sev:info"},
	{Query: "-sev:info"},
	{Query: "sev:notice,security -cat:login"},
	{Query: "since:1h", Oracle: "ts_created >= '2026-11-22 11:00:00'"},
	{Query: "since:2026-11-20", Oracle: "ts_created >= '2026-11-20 00:00:00'"},
	{Query: "until:2026-11-10", Oracle: "ts_created < '2026-11-10 00:00:00' AND ts_created > '0000-00-00 00:00:00'"},
	{Query: `since:"2026-11-20 02:00" until:"2026-11-20 03:00"`},
	{Query: "-since:2026-11-15"},
	{Query: "-until:2026-11-15"},
	{Query: "since:7d until:1d"},
	{Query: "ip:10.0.0.0/8", Oracle: "((LENGTH(ip) = 4 AND ip BETWEEN X'0a000000' AND X'0affffff') OR ip BETWEEN X'00000000000000000000ffff0a000000' AND X'00000000000000000000ffff0affffff')"},
	{Query: "ip:203.0.113.66"},
	{Query: "ip:2001:db8::/32"},
	{Query: "ip:::ffff:0:0/96"},
	{Query: "ip:0.0.0.0"},
	{Query: "-ip:10.0.0.0/8"},
	{Query: "-ip:203.0.113.0/24,2001:db8::/32"},
	{Query: "country:de", Oracle: "LOWER(country) = 'de'"},
	{Query: "country:DE,fr"},
	{Query: "-country:de"},
	{Query: "site:1"},
	{Query: "site:2,3"},
	{Query: "-site:1"},
	{Query: "id:100..200", Oracle: "id BETWEEN 100 AND 200"},
	{Query: "id:3000.."},
	{Query: "id:..10 id:500000..500010"},
	{Query: "-id:1..2999"},
	{Query: "failed"},
	{Query: "FAILED alice"},
	{Query: `"super user"`},
	{Query: "-failed cat:login"},
	{Query: "Newsletter"},
	{Query: `"newsletter \"weekly\""`},
	{Query: "mastodon"},
	{Query: "203.0.113"},
	{Query: "cat:security -user:alice", Oracle: ""},
	{Query: `cat:security -user:"Matomo System" since:3d`},
	{Query: "user:alice type:UserSignedIn ip:198.51.100.0/24 country:de since:30d"},
	{Query: "-user:alice -type:UserSignedIn -cat:report -ip:10.0.0.0/8 -country:de -site:1 -id:5 -since:1d -until:20d -failed"},
}

// Filter compiles a shared query at Now.
func Filter(t testing.TB, q string) *query.Filter {
	t.Helper()
	parsed, err := query.Parse(q)
	if err != nil {
		t.Fatalf("shared query %q does not parse: %v", q, err)
	}
	return query.Compile(parsed, Now, time.UTC)
}

// Stream returns every matching event of src in id order.
func Stream(t testing.TB, src source.Source, f *query.Filter) []activity.Event {
	t.Helper()
	var out []activity.Event
	err := src.Stream(context.Background(), f, 0, 0, func(e *activity.Event) error {
		out = append(out, *e)
		return nil
	})
	if err != nil {
		t.Fatalf("stream: %v", err)
	}
	return out
}

// StreamLight returns every matching event of src's light stream in id
// order, as source.StreamLight reads it (in full from a source without
// one), with the types of full read in full.
func StreamLight(t testing.TB, src source.Source, f *query.Filter, full []string) []activity.Event {
	t.Helper()
	var out []activity.Event
	err := source.StreamLight(context.Background(), src, f, full, 0, 0, func(e *activity.Event) error {
		out = append(out, *e)
		return nil
	})
	if err != nil {
		t.Fatalf("light stream: %v", err)
	}
	return out
}

// Lightened is what a light stream must give of the events a full one
// gives: those of the types in full and of the types whose severity comes
// from their parameters as they are, the others lightened, as Light
// would have read their rows; all of them as they are when the stream
// cannot be light (light false: the filter needs the parameters).
func Lightened(events []activity.Event, full []string, light bool) []activity.Event {
	out := make([]activity.Event, len(events))
	for i := range events {
		e := &events[i]
		if !light || slices.Contains(full, e.Type) || activity.SeverityFromParams(e.Type) {
			out[i] = *e
		} else {
			out[i] = e.Lightened()
		}
	}
	return out
}

// IDs lists the ids of events.
func IDs(ev []activity.Event) []uint64 {
	ids := make([]uint64, len(ev))
	for i := range ev {
		ids[i] = ev[i].ID
	}
	return ids
}

// SameEvents compares what two sources made of the same rows, field by
// field, and names the first difference.
func SameEvents(got, want []activity.Event) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d events, want %d (first ids %v vs %v)", len(got), len(want), head(IDs(got)), head(IDs(want)))
	}
	for i := range got {
		g, w := &got[i], &want[i]
		switch {
		case g.ID != w.ID:
			return fmt.Errorf("event %d: id %d, want %d", i, g.ID, w.ID)
		case !g.Time.Equal(w.Time):
			return fmt.Errorf("id %d: time %v, want %v", g.ID, g.Time, w.Time)
		case g.Login != w.Login || g.Type != w.Type || g.RawType != w.RawType:
			return fmt.Errorf("id %d: login/type %q %q, want %q %q", g.ID, g.Login, g.RawType, w.Login, w.RawType)
		case g.IPText() != w.IPText() || g.Country != w.Country:
			return fmt.Errorf("id %d: ip/country %q %q, want %q %q", g.ID, g.IPText(), g.Country, w.IPText(), w.Country)
		case g.RawParams != w.RawParams:
			return fmt.Errorf("id %d: raw parameters differ", g.ID)
		case g.Description != w.Description || g.Category != w.Category || g.Severity != w.Severity:
			return fmt.Errorf("id %d: %s/%s %q, want %s/%s %q", g.ID, g.Category, g.Severity, g.Description, w.Category, w.Severity, w.Description)
		case g.User != w.User:
			return fmt.Errorf("id %d (%q): user %+v, want %+v", g.ID, g.Login, g.User, w.User)
		}
	}
	return nil
}

func head(ids []uint64) []uint64 { return ids[:min(len(ids), 8)] }

// CheckPaging walks src with f page by page in both directions with small
// pages (and with MaxScan when given) and checks the pages join up to
// exactly the streamed result: nothing skipped, nothing twice.
func CheckPaging(t testing.TB, src source.Source, f *query.Filter, all []uint64, pageSize int, maxScan uint64) {
	checkPaging(t, src, f, all, pageSize, maxScan, 0)
}

// CheckPagingBudget is CheckPaging with every page cut short by a time
// budget, as the UI's streaming scans are.
func CheckPagingBudget(t testing.TB, src source.Source, f *query.Filter, all []uint64, pageSize int, budget time.Duration) {
	checkPaging(t, src, f, all, pageSize, 0, budget)
}

func checkPaging(t testing.TB, src source.Source, f *query.Filter, all []uint64, pageSize int, maxScan uint64, budget time.Duration) {
	t.Helper()
	ctx := context.Background()
	// Older, from the newest.
	var got []uint64
	anchor := uint64(0)
	for steps := 0; ; steps++ {
		p, err := src.Page(ctx, source.Request{Filter: f, Dir: source.Older, Anchor: anchor, Limit: pageSize, MaxScan: maxScan, Budget: budget})
		if err != nil {
			t.Fatalf("older page at %d: %v", anchor, err)
		}
		if !slices.IsSortedFunc(p.Events, func(a, b activity.Event) int { return cmp(a.ID, b.ID) }) {
			t.Fatalf("page not ascending: %v", IDs(p.Events))
		}
		if len(p.Events) > pageSize {
			t.Fatalf("page of %d events, limit %d", len(p.Events), pageSize)
		}
		got = append(IDs(p.Events), got...)
		if p.End {
			break
		}
		if anchor != 0 && p.Next > anchor || anchor != 0 && p.Next == anchor && len(p.Events) == 0 && budget == 0 {
			t.Fatalf("older paging did not move: anchor %d -> %d", anchor, p.Next)
		}
		anchor = p.Next
		if steps > 1_000_000 {
			t.Fatal("older paging does not end")
		}
	}
	if !slices.Equal(got, all) {
		t.Fatalf("paging older (size %d, maxScan %d) gave %d ids, stream %d; first diff %s", pageSize, maxScan, len(got), len(all), firstDiff(got, all))
	}
	// Newer, from the oldest.
	got = got[:0]
	anchor = 0
	for steps := 0; ; steps++ {
		p, err := src.Page(ctx, source.Request{Filter: f, Dir: source.Newer, Anchor: anchor, Limit: pageSize, MaxScan: maxScan, Budget: budget})
		if err != nil {
			t.Fatalf("newer page at %d: %v", anchor, err)
		}
		got = append(got, IDs(p.Events)...)
		if p.End {
			break
		}
		if p.Next <= anchor && anchor != 0 {
			t.Fatalf("newer paging did not move: anchor %d -> %d", anchor, p.Next)
		}
		anchor = p.Next
		if steps > 1_000_000 {
			t.Fatal("newer paging does not end")
		}
	}
	if !slices.Equal(got, all) {
		t.Fatalf("paging newer (size %d, maxScan %d) gave %d ids, stream %d; first diff %s", pageSize, maxScan, len(got), len(all), firstDiff(got, all))
	}
	// Around the middle match.
	if len(all) > 2 {
		mid := all[len(all)/2]
		ev, _, _, err := source.Around(ctx, src, f, mid, 5)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.Index(all, mid)
		want := all[max(0, i-3):min(len(all), i-3+5)]
		if ids := IDs(ev); !slices.Contains(ids, mid) || !isRun(ids, all) {
			t.Fatalf("Around(%d) = %v, want a run of matches containing it like %v", mid, ids, want)
		}
	}
}

func isRun(ids, all []uint64) bool {
	if len(ids) == 0 {
		return false
	}
	i := slices.Index(all, ids[0])
	return i >= 0 && i+len(ids) <= len(all) && slices.Equal(all[i:i+len(ids)], ids)
}

func cmp(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func firstDiff(a, b []uint64) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("at %d: %d vs %d", i, a[i], b[i])
		}
	}
	return fmt.Sprintf("lengths %d vs %d", len(a), len(b))
}

func str(s string) *string { return &s }

// TrickyRow is a row written to break naive readers; Country nil is NULL,
// IP nil is NULL.
type TrickyRow struct {
	ID      uint64
	Login   string
	Type    string
	Params  string
	TS      string
	Country *string
	IP      []byte
}

// Row converts to the decoder's input.
func (r TrickyRow) Row() activity.Row {
	out := activity.Row{ID: r.ID, Login: r.Login, Type: r.Type, Params: r.Params, Created: r.TS, IP: r.IP}
	if r.Country != nil {
		out.Country, out.HasCountry = strings.TrimRight(*r.Country, " "), true
	}
	return out
}

func ip(s string) []byte { return netip.MustParseAddr(s).AsSlice() }

// Tricky returns rows with ids far above the demo's, with a wide gap so
// chunked scans must cross empty ranges.
func Tricky() []TrickyRow {
	none := string(php.Encode(php.List()))
	goal := string(php.Encode(php.Map(php.Pair("items", php.List(
		php.Map(php.Pair("type", php.Str("goal")), php.Pair("data", php.Map(php.Pair("id", php.Int(3)), php.Pair("name", php.Str("Newsletter &quot;weekly&quot;"))))),
		php.Map(php.Pair("type", php.Str("measurable")), php.Pair("data", php.Map(php.Pair("id", php.Int(1)), php.Pair("name", php.Str("Shop"))))))))))
	tm := string(php.Encode(php.Map(php.Pair("site", php.Map(php.Pair("site_id", php.Int(3)), php.Pair("site_name", php.Str("Intranet")))),
		php.Pair("version", php.Str("v1")), php.Pair("container", php.Map(php.Pair("id", php.Str("aBc")), php.Pair("name", php.Str("Main")))))))
	huge := string(php.Encode(php.Map(php.Pair("blob", php.Str(strings.Repeat("x", activity.MaxParamsBytes+10))))))
	ts := "2026-11-20 02:30:00"
	return []TrickyRow{
		{500000, "bob ", "ActivityLog/UserSignInFailed", none, ts, str("de"), ip("10.9.9.9")},
		{500001, "ALICE", "ActivityLog/UserSignInFailed", none, ts, str("DE"), ip("::ffff:10.1.2.3")},
		{500002, "josé", "ActivityLog/UserSignedIn", none, ts, str("fr "), ip("2001:db8::1")},
		{500003, "Jose", "ActivityLog/UserSignedIn", none, ts, nil, nil},
		{500004, "jose", "ActivityLog/UserSignedOff", none, ts, str("xx"), []byte{0, 0, 0, 0}},
		{500005, "ADMİN", "ActivityLog/UserSignInFailed", none, ts, str("ru"), ip("203.0.113.66")},
		{500006, "admin\x1b[31m", "ActivityLog/UserSignInFailed", none, ts, str("ru"), ip("203.0.113.67")},
		{500007, "100%", `Piwik\Plugins\ActivityLog\Activity\GoalAdded`, goal, ts, nil, []byte{1, 2, 3, 4, 5}},
		{500008, "under_score", `\Piwik\Plugins\TagManager\Activity\ContainerDeleted`, tm, ts, str("us"), []byte{}},
		{500009, `back\slash`, "activitylog/usersignedin", none, ts, nil, nil},
		{500010, "alice", "ActivityLog/GoalAdded", `a:1:{s:5:"items";a:1:{`, ts, nil, nil},
		{500011, "alice", "Custom/ThingHappened", `N;`, ts, nil, nil},
		{500012, "alice", "Custom/ThingHappened", "", ts, nil, nil},
		{500012 + 500, "we*rd?", "ActivityLog/UserSignInFailed", none, ts, nil, nil},
		{500012 + 501, "weXrdY", "ActivityLog/UserSignInFailed", none, ts, nil, nil},
		{500013, "Matomo System", "ActivityLog/PrivacySetAnonymizeIp", string(php.Encode(php.Map(php.Pair("enabled", php.Str("0"))))), ts, nil, nil},
		{2000000, "erin@example.org", "ActivityLog/UserSignedIn", none, "2026-11-22 11:59:59", str("us"), ip("192.0.2.77")},
		{2000001, "carol", "Custom/Huge", huge, "2026-11-22 11:59:59", nil, nil},
	}
}

// CheckStats compares Stats over the whole table and over uneven ranges
// with what the stream of the same filter says.
func CheckStats(t testing.TB, src source.Source, f *query.Filter, all []activity.Event) {
	t.Helper()
	ctx := context.Background()
	var want source.Stats
	for i := range all {
		want.Add(&all[i])
	}
	lo, hi, err := src.Bounds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := src.Stats(ctx, f, lo, hi)
	if err != nil {
		t.Fatal(err)
	}
	var parts source.Stats
	step := (hi-lo)/7 + 13 // uneven pieces
	for from := lo; from <= hi; from += step {
		st, err := src.Stats(ctx, f, from, min(from+step-1, hi))
		if err != nil {
			t.Fatal(err)
		}
		parts.Merge(st)
	}
	for _, got := range []source.Stats{whole, parts} {
		if got.Matches != want.Matches || !sameGroups(got.Users, want.Users) || !sameGroups(got.Types, want.Types) {
			t.Fatalf("stats: %d matches (%d users, %d types), the stream has %d (%d, %d)",
				got.Matches, len(got.Users), len(got.Types), want.Matches, len(want.Users), len(want.Types))
		}
	}
}

func sameGroups(a, b map[string]source.Group) bool {
	if len(a) != len(b) {
		return false
	}
	for k, g := range a {
		if h, ok := b[k]; !ok || h.Count != g.Count || !h.Last.Equal(g.Last) {
			return false
		}
	}
	return true
}
