package ui

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/dbtest"
	"matomo-audit/data/mysqldb"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestFollowDatabaseExactlyOnce: 8 writers commit out of id order while
// MariaDB is killed and restarted; the following model shows every
// committed id exactly once, nothing rolled back, and reports the outage.
func TestFollowDatabaseExactlyOnce(t *testing.T) {
	events, restarts := 1500, 1
	if v, err := strconv.Atoi(os.Getenv("MATOMO_AUDIT_FOLLOW_EVENTS")); err == nil && v > 0 {
		events = v
	}
	if v, err := strconv.Atoi(os.Getenv("MATOMO_AUDIT_FOLLOW_RESTARTS")); err == nil && v >= 0 {
		restarts = v
	}

	srv := dbtest.StartPrivate(t, "--innodb-flush-log-at-trx-commit=1")
	dsn, db := srv.NewDatabase(t)
	if _, err := db.Exec(dbtest.ActivityLogDDL("matomo_")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO matomo_activity_log (user_login, type, parameters) VALUES ('before', 'ActivityLog/UserSignedIn', 'a:0:{}')"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	src, err := mysqldb.Open(ctx, mysqldb.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()

	r := newRig(t, nil, Options{Source: src, Now: time.Now, Poll: 50 * time.Millisecond, Follow: true})
	r.m.retryBase = 20 * time.Millisecond
	// Tall enough that the window keeps every event, so it can be checked
	// whole at the end.
	r.send(tea.WindowSizeMsg{Width: 120, Height: 40 + events/10})
	if r.m.maxWindow() < events+10 {
		t.Fatalf("window cap %d too small for %d events", r.m.maxWindow(), events)
	}
	r.run(r.m.Init())

	wait := dbtest.Writers(ctx, dsn, "matomo_activity_log", 8, events, 40*time.Millisecond, 10)
	// pump lets the model poll (every due timer fires) for a moment.
	sawReconnect := false
	pump := func() {
		time.Sleep(10 * time.Millisecond)
		due := r.timers
		r.timers = nil
		for _, tm := range due {
			r.send(tm.msg)
		}
		if strings.Contains(r.statusLine(), "database not answering · reconnecting (attempt") {
			sawReconnect = true
		}
	}
	for n := 1; n <= restarts; n++ {
		for len(r.shown) < events*n/(restarts+1) {
			pump()
		}
		done := make(chan error, 1)
		go func(crash bool) { done <- srv.RestartErr(crash) }(n%2 == 1)
	restarting:
		for {
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
				break restarting
			default:
				pump()
			}
		}
	}
	log := wait()
	if c, _, _ := log.Counts(); c != events {
		t.Fatalf("writers committed %d of %d", c, events)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		missing := 0
		for id := range log.Committed {
			if r.shown[id] == 0 {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d committed ids never shown; status: %s", missing, r.statusLine())
		}
		pump()
	}
	for range 20 { // a duplicate would come now
		pump()
	}
	for id, n := range r.shown {
		switch {
		case n != 1:
			t.Errorf("#%d shown %d times", id, n)
		case log.RolledBack[id]:
			t.Errorf("rolled-back #%d shown", id)
		case !log.Committed[id] && !log.Uncertain[id] && id != 1:
			t.Errorf("#%d shown but never written", id)
		}
	}
	if got := len(r.m.tl.events); got < events+1 {
		t.Errorf("window holds %d events, want %d", got, events+1)
	}
	r.wantCursor(r.m.tl.events[len(r.m.tl.events)-1].ID)
	r.wantStatus(" FOLLOW ")
	if restarts > 0 && !sawReconnect {
		t.Error(`the outage never showed "database not answering · reconnecting (attempt n, next in ...)"`)
	}
	t.Logf("%d committed with %d restart(s): each shown once", events, restarts)
}
