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
		at(b.Add(time.Duration(i)*30*time.Second+time.Second), "admin", failed, "198.51.100.9")
	}
	for i := range 6 {
		at(now.Add(-6*time.Hour+time.Duration(i)*time.Minute+2*time.Second), "root", failed, fmt.Sprintf("203.0.113.%d", i+1))
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

func sortRows(rows []activity.Row) {
	slices.SortStableFunc(rows, func(a, b activity.Row) int { return strings.Compare(a.Created, b.Created) })
}

func loadScenario(t *testing.T) (*mysqldb.Source, *demo.Source, []activity.Row) {
	t.Helper()
	rows := scenario()
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	if _, err := db.Exec(dbtest.ActivityLogDDL("matomo_")); err != nil {
		t.Fatal(err)
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
		got, err := Run(ctx, my, Options{Window: w, Now: now, Progress: func(done, total uint64) { progress = append(progress, done, total) }})
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
	nine, six := now.Add(-9*time.Hour+time.Second), now.Add(-6*time.Hour+2*time.Second)
	wantB := []burst{
		{"ip", "198.51.100.9", 12, nine, nine.Add(11 * 30 * time.Second)},
		{"login", "admin", 12, nine, nine.Add(11 * 30 * time.Second)},
		{"login", "root", 6, six, six.Add(5 * time.Minute)},
	}
	if fmt.Sprint(gotB) != fmt.Sprint(wantB) {
		t.Errorf("24h bursts\n got %v\nwant %v", gotB, wantB)
	}
	if day.FailedLogins != 12+6+10 {
		t.Errorf("24h failed logins %d", day.FailedLogins)
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
	if len(all.Bursts) != 5 || all.Total != uint64(len(rows)) || all.FromID != 1 {
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
