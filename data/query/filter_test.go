package query

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"matomo-audit/data/activity"
	php "matomo-audit/data/phpser"
)

func ev(id uint64, ts, login, typ string, params php.Value, ip, country string) activity.Event {
	r := activity.Row{ID: id, Login: login, Type: typ, Params: string(php.Encode(params)), Created: ts}
	if ip != "" {
		r.IP = netip.MustParseAddr(ip).AsSlice()
	}
	if country != "" {
		r.Country, r.HasCountry = country, true
	}
	return activity.FromRow(r)
}

func site(id int64, name string) php.Value {
	return php.Map(php.Pair("type", php.Str("measurable")), php.Pair("data", php.Map(php.Pair("id", php.Int(id)), php.Pair("name", php.Str(name)))))
}

func sampleEvents() []activity.Event {
	none := php.List()
	goal := php.Map(php.Pair("items", php.List(
		php.Map(php.Pair("type", php.Str("goal")), php.Pair("data", php.Map(php.Pair("id", php.Int(3)), php.Pair("name", php.Str("Sign&amp;up"))))),
		site(2, "Blog"))))
	grant := php.Map(php.Pair("has_access", php.Str("1")), php.Pair("items", php.List(
		php.Map(php.Pair("type", php.Str("user")), php.Pair("data", php.Map(php.Pair("login", php.Str("mallory")), php.Pair("email", php.Str("m@evil.example"))))))))
	access := func(level string) php.Value {
		return php.Map(php.Pair("items", php.List(
			php.Map(php.Pair("type", php.Str("user")), php.Pair("data", php.Map(php.Pair("login", php.Str("bob"))))),
			site(5, "Shop"),
			php.Map(php.Pair("type", php.Str("access")), php.Pair("data", php.Map(php.Pair("access", php.Str(level))))))))
	}
	tm := php.Map(php.Pair("site", php.Map(php.Pair("site_id", php.Int(7)), php.Pair("site_name", php.Str("Intranet")))),
		php.Pair("version", php.Str("v1")), php.Pair("container", php.Map(php.Pair("id", php.Str("aBc")), php.Pair("name", php.Str("Main")))))
	return []activity.Event{
		ev(1, "2026-11-20 08:00:00", "alice", "ActivityLog/UserSignedIn", none, "10.1.2.3", "DE"),
		ev(2, "2026-11-20 09:00:00", "Alice", "ActivityLog/UserSignInFailed", none, "203.0.113.66", "ru"),
		ev(3, "2026-11-20 10:00:00", "bob ", "ActivityLog/UserSignInFailed", none, "::ffff:10.9.9.9", ""),
		ev(4, "2026-11-20 11:00:00", "bob", `Piwik\Plugins\ActivityLog\Activity\GoalAdded`, goal, "2001:db8::5", "fr"),
		ev(5, "2026-11-20 12:00:00", "Matomo System", "ActivityLog/ScheduledReportSent", none, "", ""),
		ev(6, "2026-11-21 08:00:00", "alice", "ActivityLog/UserSetSuperUserAccess", grant, "10.1.2.3", "de"),
		ev(7, "2026-11-21 09:00:00", "carol", "ActivityLog/UserSiteAccessChanged", access("admin"), "", ""),
		ev(8, "2026-11-21 10:00:00", "carol", "ActivityLog/UserSiteAccessChanged", access("view"), "", ""),
		ev(9, "2026-11-21 11:00:00", "josé", "Custom/ThingHappened", php.Map(php.Pair("foo", php.Str("Bar_baz"))), "", ""),
		ev(10, "2026-11-21 12:00:00", "dave", "TagManager/ContainerDeleted", tm, "192.168.0.1", "us"),
		ev(11, "0000-00-00 00:00:00", "erin", "ActivityLog/UserSignedOff", none, "", ""),
	}
}

func TestMatch(t *testing.T) {
	events := sampleEvents()
	now := time.Date(2026, 11, 21, 12, 30, 0, 0, time.UTC)
	cases := []struct {
		q    string
		want []uint64
	}{
		{"", []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{"user:alice", []uint64{1, 2, 6}}, // case-insensitive
		{"user:bob", []uint64{4}},         // "bob " (typed with a space) is another login
		{`user:"bob "`, []uint64{3}},
		{"user:alice,carol", []uint64{1, 2, 6, 7, 8}},
		{"user:alice user:carol", []uint64{1, 2, 6, 7, 8}}, // same key ORs
		{"-user:alice", []uint64{3, 4, 5, 7, 8, 9, 10, 11}},
		{`-user:"Matomo System"`, []uint64{1, 2, 3, 4, 6, 7, 8, 9, 10, 11}},
		{"user:b*", []uint64{3, 4}},
		{"user:JOSÉ", []uint64{9}},
		{"type:GoalAdded", []uint64{4}}, // short id, and the class-name row
		{"type:activitylog/goaladded", []uint64{4}},
		{"type:*Failed", []uint64{2, 3}},
		{"type:User*", []uint64{1, 2, 3, 6, 7, 8, 11}},
		{"type:TagManager/*", []uint64{10}},
		{"-type:UserSignInFailed", []uint64{1, 4, 5, 6, 7, 8, 9, 10, 11}},
		{"cat:login", []uint64{1, 2, 3, 11}},
		{"cat:other", []uint64{9}},
		{"cat:security", []uint64{2, 3, 6, 7}}, // severity security counts
		{"-cat:login", []uint64{4, 5, 6, 7, 8, 9, 10}},
		{"sev:security", []uint64{2, 3, 6, 7}},
		{"sev:notice", []uint64{8, 10}},
		{"-sev:info", []uint64{2, 3, 6, 7, 8, 10}},
		{"since:2026-11-21", []uint64{6, 7, 8, 9, 10}},
		{"since:1h", []uint64{10}},
		{"until:2026-11-20T10:00:00Z", []uint64{1, 2}},
		{"-since:2026-11-21", []uint64{1, 2, 3, 4, 5, 11}}, // no valid time is never "since"
		{"ip:10.0.0.0/8", []uint64{1, 3, 6}},               // v4-mapped v6 too
		{"ip:10.1.2.3", []uint64{1, 6}},
		{"ip:2001:db8::/32", []uint64{4}},
		{"-ip:10.0.0.0/8", []uint64{2, 4, 5, 7, 8, 9, 10, 11}},
		{"country:de", []uint64{1, 6}},
		{"-country:de", []uint64{2, 3, 4, 5, 7, 8, 9, 10, 11}},
		{"site:2", []uint64{4}},
		{"site:5,7", []uint64{7, 8, 10}},
		{"id:3..5", []uint64{3, 4, 5}},
		{"id:9..", []uint64{9, 10, 11}},
		{"-id:2..10", []uint64{1, 11}},
		{"failed", []uint64{2, 3}},
		{"sign&up", []uint64{4}}, // parameter values are searched unescaped too
		{`"super user"`, []uint64{6}},
		{"mallory", []uint64{6}},
		{"bar_baz", []uint64{9}},
		{"alice failed", []uint64{2}}, // words AND
		{"-failed cat:login", []uint64{1, 11}},
		{"203.0.113", []uint64{2}},
		{"user:alice cat:security since:2026-11-21", []uint64{6}},
	}
	for _, c := range cases {
		q, err := Parse(c.q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.q, err)
		}
		f := Compile(q, now, time.UTC)
		var got []uint64
		for i := range events {
			if f.Match(&events[i]) {
				got = append(got, events[i].ID)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q matched %v, want %v", c.q, got, c.want)
		}
	}
}

func TestBounds(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	q, _ := Parse("id:10..20 id:15..30 -id:17 since:2h since:1h until:2026-11-22")
	f := Compile(q, now, time.UTC)
	lo, hi := f.IDBounds()
	if lo != 10 || hi != 30 {
		t.Errorf("IDBounds = %d..%d, want 10..30 (positive id terms OR)", lo, hi)
	}
	since, until := f.TimeBounds()
	if !since.Equal(now.Add(-2*time.Hour)) || !until.Equal(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("TimeBounds = %v %v", since, until)
	}
	var nilF *Filter
	if lo, hi := nilF.IDBounds(); lo != 0 || hi != ^uint64(0) || !nilF.MatchAll() || !nilF.OnlyIDBounds() {
		t.Error("nil filter must be unbounded and match all")
	}
	// Only a single positive range per term lets a reader skip the filter's
	// SQL: every id inside the bounds must match.
	for src, want := range map[string]bool{
		"": true, "id:10..20": true, "id:10..": true, "id:..20": true, "id:5": true,
		"id:10..20 id:30..40": false, "-id:17": false, "id:10..20 -id:17": false,
		"id:10..20 user:alice": false, "id:10..20 since:1h": false,
	} {
		q, err := Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		f := Compile(q, now, time.UTC)
		if got := f.OnlyIDBounds(); got != want {
			t.Errorf("%q: OnlyIDBounds = %v, want %v", src, got, want)
		}
		if !want {
			continue
		}
		lo, hi := f.IDBounds()
		for _, id := range []uint64{lo, hi, lo + (hi-lo)/2} {
			if e := (activity.Event{ID: id}); !f.Match(&e) {
				t.Errorf("%q: id %d within the bounds does not match", src, id)
			}
		}
	}
}

func mustCompile(t *testing.T, q string, now time.Time) *Filter {
	t.Helper()
	parsed, err := Parse(q)
	if err != nil {
		t.Fatalf("Parse(%q): %v", q, err)
	}
	return Compile(parsed, now, time.UTC)
}

func TestAnd(t *testing.T) {
	events := sampleEvents()
	now := time.Date(2026, 11, 21, 12, 30, 0, 0, time.UTC)
	cases := []struct {
		q, and string
		want   []uint64
	}{
		// The point of And: a restriction never ORs with the query.
		{"user:bob", "user:alice", nil},
		{"user:alice", "user:alice", []uint64{1, 2, 6}},
		{"user:alice,bob", "user:alice", []uint64{1, 2, 6}},
		{"user:b*", "user:bob", []uint64{4}},
		{"-user:alice", "user:alice", nil},
		{"-user:bob", "user:alice", []uint64{1, 2, 6}},
		{"", "user:alice", []uint64{1, 2, 6}},
		{"failed", "user:alice", []uint64{2}},
		{"bob", "user:alice", nil}, // text naming another user finds nothing of theirs
		{"id:3..5 id:9", "user:bob", []uint64{4}},
		{"since:2026-11-21", "user:alice", []uint64{6}},
		{"user:alice", "", []uint64{1, 2, 6}},
	}
	for _, c := range cases {
		f := mustCompile(t, c.q, now)
		g := mustCompile(t, c.and, time.Time{})
		got := matching(f.And(g), events)
		if !slices.Equal(got, c.want) {
			t.Errorf("%q And %q matched %v, want %v", c.q, c.and, got, c.want)
		}
		// Neither side changed.
		if again := matching(f, events); !slices.Equal(again, matching(mustCompile(t, c.q, now), events)) {
			t.Errorf("%q changed by And", c.q)
		}
	}

	f := mustCompile(t, "user:bob since:1h", now)
	and := f.And(mustCompile(t, "user:alice", time.Time{}))
	if and.Query != f.Query || !and.Now.Equal(now) || and.Loc != time.UTC {
		t.Error("And must keep f's query, clock and zone")
	}
	if got := and.Terms(); len(got) != 2 || got[0].String() != "user:bob" {
		t.Errorf("And's terms %v, want the user's own", got)
	}

	var nilF *Filter
	if !nilF.And(nil).MatchAll() || len(matching(nilF.And(nil), events)) != len(events) {
		t.Error("nil And nil must match everything")
	}
	if got := matching(nilF.And(mustCompile(t, "user:carol", now)), events); !slices.Equal(got, []uint64{7, 8}) {
		t.Errorf("nil And user:carol matched %v", got)
	}
}

func TestAndBoundsAndSQL(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	f := mustCompile(t, "id:10..20 since:2h user:bob", now)
	g := mustCompile(t, "id:15..30 since:1h user:alice", now)
	and := f.And(g)
	if lo, hi := and.IDBounds(); lo != 15 || hi != 20 {
		t.Errorf("IDBounds = %d..%d, want 15..20 (both bounds hold)", lo, hi)
	}
	if since, _ := and.TimeBounds(); !since.Equal(now.Add(-time.Hour)) {
		t.Errorf("TimeBounds since %v, want the later one", since)
	}
	if and.OnlyIDBounds() {
		t.Error("OnlyIDBounds with user terms")
	}
	if o := mustCompile(t, "id:10..20", now).And(mustCompile(t, "id:15..30", now)); !o.OnlyIDBounds() {
		t.Error("two single id ranges are still only id bounds")
	} else if lo, hi := o.IDBounds(); lo != 15 || hi != 20 {
		t.Errorf("IDBounds = %d..%d, want 15..20", lo, hi)
	}

	cond, args := mustCompile(t, "user:bob", now).And(mustCompile(t, "user:alice", now)).SQL(Schema{HasIPCountry: true})
	if want := "(LOWER(`user_login`) = ?) AND (LOWER(`user_login`) = ?)"; cond != want {
		t.Errorf("SQL %q, want %q", cond, want)
	}
	if !slices.Equal(args, []any{"bob", "alice"}) {
		t.Errorf("SQL args %v", args)
	}
	cond, args = mustCompile(t, "-user:x", now).And(mustCompile(t, `user:we\*rd`, now)).SQL(Schema{HasIPCountry: true})
	if want := "NOT (CAST(`user_login` AS BINARY) LIKE ? ESCAPE '!') AND (LOWER(`user_login`) = ?)"; cond != want {
		t.Errorf("SQL %q, want %q", cond, want)
	}
	if !slices.Equal(args, []any{"x", "we*rd"}) {
		t.Errorf("SQL args %v", args)
	}
	var nilF *Filter
	if cond, _ := nilF.And(mustCompile(t, "user:alice", now)).SQL(Schema{}); cond != "(LOWER(`user_login`) = ?)" {
		t.Errorf("nil And: SQL %q", cond)
	}
}

func matching(f *Filter, events []activity.Event) []uint64 {
	var got []uint64
	for i := range events {
		if f.Match(&events[i]) {
			got = append(got, events[i].ID)
		}
	}
	return got
}

func TestOnlyIDs(t *testing.T) {
	f := OnlyIDs([]uint64{3, 7})
	for id, want := range map[uint64]bool{1: false, 3: true, 5: false, 7: true, 8: false} {
		if got := f.Match(&activity.Event{ID: id}); got != want {
			t.Errorf("OnlyIDs(3, 7) on %d: %v", id, got)
		}
	}
	if OnlyIDs(nil).Match(&activity.Event{ID: 1}) || OnlyIDs(nil).MatchAll() {
		t.Error("OnlyIDs() matches something")
	}
}
