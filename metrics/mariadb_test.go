package metrics_test

import (
	"context"
	"database/sql"
	"strconv"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/dbtest"
	"matomo-audit/data/mysqldb"
)

// insert commits one row through q (the pool, or an open transaction) and
// returns its id.
func insert(t *testing.T, q interface {
	Exec(string, ...any) (sql.Result, error)
}, login, typ string) uint64 {
	t.Helper()
	res, err := q.Exec("INSERT INTO matomo_activity_log (user_login, type, parameters, ts_created, country, ip) VALUES (?, ?, 'a:0:{}', UTC_TIMESTAMP(), 'de', UNHEX('CB007142'))", login, typ)
	if err != nil {
		t.Fatal(err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		t.Fatal(err)
	}
	return uint64(id)
}

// TestMetricsMariaDB: on MariaDB with Matomo's DDL, read by a SELECT-only
// account: commits counted as they come, two transactions committed out
// of id order, the follower's connections killed on the server while a
// transaction is open, and an outage (the grant revoked and the
// connections killed, so reconnecting fails until it is given back):
// every event counted once, and no counter ever going back.
func TestMetricsMariaDB(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	if _, err := db.Exec(dbtest.ActivityLogDDL("matomo_")); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		insert(t, db, "before", "ActivityLog/UserSignedIn")
	}
	grant := "GRANT SELECT ON `" + dbtest.DBName(dsn) + "`.* TO %s"
	userDSN := srv.CreateUser(t, dsn, "metrics", "Metr1cs-pw", grant)
	cfg, err := mysql.ParseDSN(userDSN)
	if err != nil {
		t.Fatal(err)
	}
	user := cfg.User
	ctx := context.Background()
	src, err := mysqldb.Open(ctx, mysqldb.Options{DSN: userDSN})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	s, _ := serveMetrics(t, src)

	sc := s.scrape()
	if sc.value("matomo_activity_last_event_id") != 3 || sc.value("matomo_activity_events_total") != 0 || sc.value("matomo_activity_last_event_timestamp_seconds") == 0 {
		t.Fatalf("at start:\n%s", grepMatomo(s.text))
	}
	total, failed := 0.0, 0.0
	counted := func(what string, last uint64) scrape {
		t.Helper()
		sc := s.until(what, func(sc scrape) bool {
			return sc.value("matomo_activity_last_event_id") == float64(last) && sc.value("matomo_activity_events_total") >= total
		})
		if got := sc.value("matomo_activity_events_total"); got != total {
			t.Fatalf("%s: %v events counted, %v committed", what, got, total)
		}
		if got := sc.value("matomo_activity_failed_signins_total"); got != failed {
			t.Fatalf("%s: %v failed sign-ins counted, %v committed", what, got, failed)
		}
		return sc
	}

	for i := 0; i < 5; i++ {
		insert(t, db, "mallory' OR 1=1 --", "ActivityLog/UserSignInFailed")
	}
	insert(t, db, "alice", "ActivityLog/GoalAdded")
	last := insert(t, db, "alice", "NoSuchPlugin/SomethingHappened")
	total, failed = 7, 5
	sc = counted("the first commits", last)
	if got := sc.value("matomo_activity_events_total", "type", "other"); got != 1 {
		t.Fatalf("the unknown type counted %v times as other", got)
	}

	// Out of order: the lower id commits after the higher one.
	lo, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer lo.Rollback()
	loID := insert(t, lo, "bob", "ActivityLog/UserSignInFailed")
	hi, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer hi.Rollback()
	hiID := insert(t, hi, "bob", "ActivityLog/UserSignedIn")
	if hiID <= loID {
		t.Fatalf("ids %d, %d", loID, hiID)
	}
	if err := hi.Commit(); err != nil {
		t.Fatal(err)
	}
	total++
	counted("the higher id", hiID)
	s.until("the lower id awaited", func(sc scrape) bool { return sc.value("matomo_activity_follower_awaited_ids") >= 1 })
	if err := lo.Commit(); err != nil {
		t.Fatal(err)
	}
	total, failed = total+1, failed+1
	s.until("the lower id counted late", func(sc scrape) bool { return sc.value("matomo_activity_events_total") >= total })
	counted("after the late commit", hiID)

	// The follower's connections killed on the server, with a
	// transaction open across it.
	open, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer open.Rollback()
	insert(t, open, "carol", "ActivityLog/UserSignInFailed")
	killAll(t, db, user)
	last = insert(t, db, "carol", "ActivityLog/UserSignedIn")
	total++
	counted("after the kill", last)
	if err := open.Commit(); err != nil {
		t.Fatal(err)
	}
	total, failed = total+1, failed+1
	s.until("the open transaction's id counted", func(sc scrape) bool { return sc.value("matomo_activity_events_total") >= total })
	counted("after the open transaction", last)

	// An outage: the account may no longer connect, its connections are
	// killed; what commits meanwhile is counted once it may again.
	for _, host := range []string{"%", "localhost"} {
		if _, err := db.Exec("REVOKE SELECT ON `" + dbtest.DBName(dsn) + "`.* FROM '" + user + "'@'" + host + "'"); err != nil {
			t.Fatal(err)
		}
	}
	killAll(t, db, user)
	s.until("a failed poll", func(sc scrape) bool {
		return sc.value("matomo_activity_follower_poll_errors_total") >= 1 && sc.value("matomo_activity_follower_up") == 0
	})
	for i := 0; i < 3; i++ {
		last = insert(t, db, "dave", "ActivityLog/UserSignInFailed")
	}
	total, failed = total+3, failed+3
	for _, host := range []string{"%", "localhost"} {
		if _, err := db.Exec("GRANT SELECT ON `" + dbtest.DBName(dsn) + "`.* TO '" + user + "'@'" + host + "'"); err != nil {
			t.Fatal(err)
		}
	}
	sc = counted("after the outage", last)
	if sc.value("matomo_activity_follower_up") != 1 || sc.value("matomo_activity_follower_reconnects_total") < 1 {
		t.Fatalf("after the outage:\n%s", grepMatomo(s.text))
	}
	s.settled(total)
	t.Logf("%v events counted once each through an out-of-order commit, a kill and an outage", total)
}

// killAll kills every connection of user on the server.
func killAll(t *testing.T, db *sql.DB, user string) {
	t.Helper()
	rows, err := db.Query("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?", user)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if len(ids) == 0 {
		t.Fatalf("%s has no connection to kill", user)
	}
	for _, id := range ids {
		// Gone already (it was closing) is fine: 1094 unknown thread.
		if _, err := db.Exec("KILL CONNECTION " + strconv.FormatInt(id, 10)); err != nil {
			if me, ok := err.(*mysql.MySQLError); !ok || me.Number != 1094 {
				t.Fatal(err)
			}
		}
	}
}

// TestMetricsRestart: writers commit out of id order (some roll back)
// while a private MariaDB is killed and started again: the metrics count
// exactly the rows the table holds afterwards, and the outage and the
// reconnect.
func TestMetricsRestart(t *testing.T) {
	// Committed means durable here: the default test server trades that
	// for speed.
	srv := dbtest.StartPrivate(t, "--innodb-flush-log-at-trx-commit=1")
	dsn, db := srv.NewDatabase(t)
	if _, err := db.Exec(dbtest.ActivityLogDDL("matomo_")); err != nil {
		t.Fatal(err)
	}
	start := insert(t, db, "before", "ActivityLog/UserSignedIn")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	src, err := mysqldb.Open(ctx, mysqldb.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	s, _ := serveMetrics(t, src)

	const events = 400
	wait := dbtest.Writers(ctx, dsn, "matomo_activity_log", 6, events, 40*time.Millisecond, 10)
	s.until("half the events counted", func(sc scrape) bool { return sc.value("matomo_activity_events_total") >= events/2 })
	srv.Restart(t, true)
	log := wait()
	if committed, _, _ := log.Counts(); committed != events {
		t.Fatalf("the writers committed %d of %d", committed, events)
	}
	var want float64
	if err := db.QueryRow("SELECT COUNT(*) FROM matomo_activity_log WHERE id > ?", start).Scan(&want); err != nil {
		t.Fatal(err)
	}
	sc := s.until("every row counted", func(sc scrape) bool {
		// Rolled-back ids stay awaited for the grace period: not waited for.
		return sc.value("matomo_activity_events_total") >= want
	})
	if got := sc.value("matomo_activity_events_total"); got != want {
		t.Fatalf("%v events counted, the table holds %v", got, want)
	}
	if sc.value("matomo_activity_follower_poll_errors_total") < 1 || sc.value("matomo_activity_follower_reconnects_total") < 1 || sc.value("matomo_activity_follower_up") != 1 {
		t.Fatalf("the restart was not seen:\n%s", grepMatomo(s.text))
	}
	s.settled(want)
	_, rolledBack, uncertain := log.Counts()
	t.Logf("%v rows counted once each across a crash (%d rolled back, %d uncertain around it)", want, rolledBack, uncertain)
}
