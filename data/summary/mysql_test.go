package summary

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/dbtest"
	"matomo-audit/data/demo"
	"matomo-audit/data/mysqldb"
	"matomo-audit/data/query"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// scenario is a table with known incidents, relative to now:
//   - inside the last 24 h: 12 failures from 198.51.100.9 for "admin"
//     30 s apart; "root" tried from 6 addresses a minute apart; a trickle
//     of failures from 198.51.100.10 every 4 minutes, which never makes 5
//     within 10 minutes; a super-user grant, an auth token, a user
//     created, a plugin installed;
//   - 30 hours ago: 8 failures from 198.51.100.77 (only in "all");
//   - sign-ins every 5 minutes for two days around them.
//
// Some of it is written the ways that trip counting up: 8 of the 12
// failures from 198.51.100.9 are stored IPv4-mapped (::ffff:198.51.100.9),
// "root" is also tried as "Root" and "ROOT", alice signs in as "alice" 20
// times, "Alice" and "ALICE" 3 times each, bob as "bob" and "Bob" twice
// each; a hostile login (ESC, BEL, CR LF, bidi marks) fails 6 times from
// 192.0.2.200 and an empty one twice from 192.0.2.201.
func scenario() []activity.Row {
	var rows []activity.Row
	add := func(at time.Time, login, typ, ip string) {
		r, ok := demo.Sample(typ, uint64(len(rows)))
		if !ok {
			r = activity.Row{Params: "a:0:{}"}
		}
		r.Login, r.Type, r.Created = login, typ, at.UTC().Format(time.DateTime)
		r.Country, r.HasCountry = "de", true
		if ip != "" {
			r.IP = netip.MustParseAddr(ip).AsSlice()
		}
		rows = append(rows, r)
	}
	const failed = "ActivityLog/UserSignInFailed"
	at := add
	for t := now.Add(-48 * time.Hour); t.Before(now); t = t.Add(5 * time.Minute) {
		at(t, fmt.Sprintf("user%d", t.Minute()%4), "ActivityLog/UserSignedIn", "192.0.2.1")
	}
	b := now.Add(-9 * time.Hour)
	for i := range 12 {
		ip := "198.51.100.9"
		if i%3 != 0 {
			ip = "::ffff:" + ip
		}
		at(b.Add(time.Duration(i)*30*time.Second+time.Second), "admin", failed, ip)
	}
	for i, login := range []string{"root", "Root", "root", "ROOT", "root", "Root"} {
		at(now.Add(-6*time.Hour+time.Duration(i)*time.Minute+2*time.Second), login, failed, fmt.Sprintf("203.0.113.%d", i+1))
	}
	for i := range 6 {
		at(now.Add(-3*time.Hour+time.Duration(i)*time.Minute+6*time.Second), hostile, failed, "192.0.2.200")
	}
	for i := range 2 {
		at(now.Add(-3*time.Hour+time.Duration(i)*time.Minute+7*time.Second), "", failed, "192.0.2.201")
	}
	for i, login := range []string{"Alice", "ALICE", "Alice", "ALICE", "Alice", "ALICE", "bob", "Bob", "bob", "Bob"} {
		at(now.Add(-11*time.Hour+time.Duration(i)*time.Minute+8*time.Second), login, "ActivityLog/UserSignedIn", "192.0.2.9")
	}
	for i := range 20 {
		at(now.Add(-12*time.Hour+time.Duration(i)*time.Minute+9*time.Second), "alice", "ActivityLog/UserSignedIn", "192.0.2.9")
	}
	for i := range 10 {
		at(now.Add(-20*time.Hour+time.Duration(i)*4*time.Minute+3*time.Second), fmt.Sprintf("guest%d", i), failed, "198.51.100.10")
	}
	for i := range 8 {
		at(now.Add(-30*time.Hour+time.Duration(i)*20*time.Second+4*time.Second), "admin2", failed, "198.51.100.77")
	}
	at(now.Add(-8*time.Hour+5*time.Second), "admin", "ActivityLog/UserCreated", "198.51.100.9")
	at(now.Add(-7*time.Hour+5*time.Second), "admin", "ActivityLog/UserSetSuperUserAccess", "198.51.100.9")
	at(now.Add(-7*time.Hour+65*time.Second), "admin", "ActivityLog/UserCreatedAppSpecificTokenAuth", "198.51.100.9")
	at(now.Add(-7*time.Hour+125*time.Second), "admin", "ActivityLog/PluginInstalled", "198.51.100.9")
	// Matomo inserts in time order; so does the scenario.
	sortRows(rows)
	for i := range rows {
		rows[i].ID = uint64(i + 1)
	}
	return rows
}

// hostile is a login that tries to act on a terminal.
const hostile = "\x1b]0;pwn\x07ev\u202eil\r\nroot\u2066"

func sortRows(rows []activity.Row) {
	slices.SortStableFunc(rows, func(a, b activity.Row) int { return strings.Compare(a.Created, b.Created) })
}

func loadScenario(t *testing.T) (*mysqldb.Source, *demo.Source, []activity.Row) {
	t.Helper()
	rows := scenario()
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	// Matomo's tables too, empty, as the demo source's are: no privilege
	// is held, so the privileges without a trail agree (and are none).
	for _, ddl := range []string{dbtest.ActivityLogDDL("matomo_"), dbtest.UserDDLMatomo5("matomo_"), dbtest.AccessDDL("matomo_"), dbtest.SiteDDL("matomo_")} {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatal(err)
		}
	}
	dbtest.InsertRows(t, db, "matomo_activity_log", dbtest.FromActivity(rows))
	my, err := mysqldb.Open(context.Background(), mysqldb.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { my.Close() })
	return my, demo.FromRows(rows, nil), rows
}

func TestScenarioOnMariaDBAndDemo(t *testing.T) {
	my, ref, rows := loadScenario(t)
	ctx := context.Background()
	for _, w := range Windows {
		var progress []uint64
		got, err := Run(ctx, my, Options{Window: w, Now: now, Progress: func(p Progress) { progress = append(progress, p.Done, p.Total) }})
		if err != nil || !got.Complete {
			t.Fatalf("%s: %v", w.Name, err)
		}
		want, err := Run(ctx, ref, Options{Window: w, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if string(gj) != string(wj) {
			t.Fatalf("%s: MariaDB and the demo source differ:\n%s\n%s", w.Name, gj, wj)
		}
		if n := len(progress); n == 0 || progress[n-2] != progress[n-1] {
			t.Errorf("%s: progress %v does not end at the total", w.Name, progress)
		}
		checkLines(t, my, &got)
	}

	// Every line shows what it counts whatever the base filters on
	// already: a key of its own (user:, ip:, id:, cat:), a prefix letting
	// only mapped addresses through, a hostile login, no login at all.
	for _, base := range []string{
		"", "user:alice,bob", "user:ROOT", "user:*o*", "-user:admin", "cat:login", "cat:security", "cat:user,security", "sev:security",
		"ip:::ffff:0:0/96", "ip:198.51.100.0/24", "ip:198.51.100.9", "-ip:198.51.100.9", "type:*Failed", "type:UserSignInFailed",
		"id:1..300,400..700", "-user:?*", literal(query.KeyUser, hostile).String(), "since:30h -until:8h",
		"since:2d until:20h cat:login",
	} {
		q, err := query.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []Window{{}, All} {
			if w == All && len(TimeTerms(q)) > 0 {
				continue
			}
			o := Options{Query: q, Window: w, Now: now, Top: 100}
			got, err := Run(ctx, my, o)
			if err != nil {
				t.Fatalf("%q: %v", base, err)
			}
			want, _ := Run(ctx, ref, o)
			if gj, wj := fmt.Sprint(got), fmt.Sprint(want); gj != wj {
				t.Errorf("%q over %q: MariaDB and the demo source differ:\n%s\n%s", base, w.Name, gj, wj)
			}
			checkLines(t, my, &got)
		}
	}

	day, _ := Run(ctx, my, Options{Now: now})
	type burst struct {
		by, key     string
		count       int
		first, last time.Time
	}
	var gotB []burst
	for _, b := range day.Bursts {
		gotB = append(gotB, burst{b.By, b.Key, b.Count, b.First, b.Last})
	}
	nine, six, three := now.Add(-9*time.Hour+time.Second), now.Add(-6*time.Hour+2*time.Second), now.Add(-3*time.Hour+6*time.Second)
	wantB := []burst{
		{"ip", "198.51.100.9", 12, nine, nine.Add(11 * 30 * time.Second)},
		{"login", "admin", 12, nine, nine.Add(11 * 30 * time.Second)},
		{"ip", "192.0.2.200", 6, three, three.Add(5 * time.Minute)},
		{"login", hostile, 6, three, three.Add(5 * time.Minute)},
		{"login", "root", 6, six, six.Add(5 * time.Minute)},
	}
	if fmt.Sprintf("%+v", gotB) != fmt.Sprintf("%+v", wantB) {
		t.Errorf("24h bursts\n got %+v\nwant %+v", gotB, wantB)
	}
	if day.FailedLogins != 12+6+10+6+2 {
		t.Errorf("24h failed logins %d", day.FailedLogins)
	}
	for _, b := range day.Bursts {
		if b.By == "login" && b.Key == "root" && b.OtherCount != 6 || b.By == "ip" && b.Key == "192.0.2.200" && fmt.Sprint(b.Others) != fmt.Sprint([]string{hostile}) {
			t.Errorf("burst %s %q: others %q (%d)", b.By, b.Key, b.Others, b.OtherCount)
		}
	}

	// Case variants are one user under the most frequent spelling (the
	// smallest of a tie); the hostile login's line reads back as its
	// bytes; no login is a line of its own.
	wide, _ := Run(ctx, my, Options{Now: now, Top: 100})
	users := map[string]Count{}
	for _, c := range wide.Users {
		users[c.Name] = c
	}
	for name, n := range map[string]uint64{"alice": 26, "Bob": 4, "root": 6, hostile: 6, "": 2} {
		if c := users[name]; c.Count != n {
			t.Errorf("user %q: %+v, want %d events", name, c, n)
		}
	}
	for _, gone := range []string{"Alice", "ALICE", "bob", "Root", "ROOT"} {
		if c, ok := users[gone]; ok {
			t.Errorf("case variant %q listed on its own: %+v", gone, c)
		}
	}
	hq, err := query.Parse(users[hostile].Query)
	if err != nil || len(hq.Terms) != 2 || hq.Terms[1].Key != query.KeyUser || hq.Terms[1].Values[0] != query.EscapeLiteral(hostile) ||
		strings.ContainsAny(users[hostile].Query, "\x1b\x07\r\n\u202e\u2066") {
		t.Errorf("hostile login's query %q reads back as %+v (%v)", users[hostile].Query, hq, err)
	}
	if q := users[""].Query; !strings.HasSuffix(q, " -user:?*") {
		t.Errorf("no login's query %q", q)
	}
	var types []string
	for _, it := range day.Privileges {
		types = append(types, it.Type)
	}
	wantT := []string{"ActivityLog/UserSetSuperUserAccess", "ActivityLog/UserCreatedAppSpecificTokenAuth", "ActivityLog/UserCreated"}
	if fmt.Sprint(types) != fmt.Sprint(wantT) {
		t.Errorf("privilege changes %v, want %v", types, wantT)
	}
	if len(day.Plugins) != 1 || day.Plugins[0].Type != "ActivityLog/PluginInstalled" {
		t.Errorf("plugins %+v", day.Plugins)
	}

	all, _ := Run(ctx, my, Options{Window: Windows[len(Windows)-1], Now: now})
	if len(all.Bursts) != 7 || all.Total != uint64(len(rows)) || all.FromID != 1 {
		t.Errorf("all: %d bursts, %d of %d events from id %d", len(all.Bursts), all.Total, len(rows), all.FromID)
	}
	hour, _ := Run(ctx, my, Options{Window: Windows[0], Now: now})
	if hour.Total != 12 || len(hour.Bursts) != 0 {
		t.Errorf("1h: %d events, bursts %v", hour.Total, hour.Bursts)
	}
}

func TestCancelled(t *testing.T) {
	my, _, _ := loadScenario(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := Run(ctx, my, Options{Window: Windows[len(Windows)-1], Now: now})
	if !errors.Is(err, context.Canceled) || r.Complete {
		t.Fatalf("cancelled run: complete %v, err %v", r.Complete, err)
	}
}
