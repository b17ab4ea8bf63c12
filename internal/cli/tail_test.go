package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"matomo-audit/data/dbtest"
)

// followEvents and followRestarts size the live-follow tests: small for
// CI, MATOMO_AUDIT_FOLLOW_EVENTS=10000 MATOMO_AUDIT_FOLLOW_RESTARTS=2 for
// the full check.
func followSize() (events, restarts int) {
	events, restarts = 1500, 1
	if v, err := strconv.Atoi(os.Getenv("MATOMO_AUDIT_FOLLOW_EVENTS")); err == nil && v > 0 {
		events = v
	}
	if v, err := strconv.Atoi(os.Getenv("MATOMO_AUDIT_FOLLOW_RESTARTS")); err == nil && v >= 0 {
		restarts = v
	}
	return
}

// TestTailExactlyOnce: 8 writers commit out of id order while MariaDB is
// killed and restarted; tail --format ndjson prints every committed id
// exactly once and nothing that was rolled back.
func TestTailExactlyOnce(t *testing.T) {
	events, restarts := followSize()
	// Committed means durable here: the default test server trades that
	// for speed.
	srv := dbtest.StartPrivate(t, "--innodb-flush-log-at-trx-commit=1")
	dsn, db := srv.NewDatabase(t)
	if _, err := db.Exec(dbtest.ActivityLogDDL("matomo_")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO matomo_activity_log (user_login, type, parameters) VALUES ('before', 'ActivityLog/UserSignedIn', 'a:0:{}')"); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(bin, "tail", "--format", "ndjson", "-n", "0", "--poll", "100ms", "--max-retry", "0", "--grace", "2m")
	cmd.Env = append(os.Environ(), "MATOMO_AUDIT_DSN="+dsn)
	stdout, _ := cmd.StdoutPipe()
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var mu sync.Mutex
	printed := map[uint64]int{}
	lines := make(chan struct{}, 1<<16)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var e struct {
				ID uint64 `json:"id"`
			}
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Errorf("not NDJSON: %q", sc.Text())
				continue
			}
			mu.Lock()
			printed[e.ID]++
			mu.Unlock()
			lines <- struct{}{}
		}
	}()
	time.Sleep(500 * time.Millisecond) // tail is up and following

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	wait := dbtest.Writers(ctx, dsn, "matomo_activity_log", 8, events, 40*time.Millisecond, 10)
	for r := 1; r <= restarts; r++ {
		for {
			mu.Lock()
			n := len(printed)
			mu.Unlock()
			if n >= events*r/(restarts+1) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		srv.Restart(t, r%2 == 1) // crash first, then a clean restart
	}
	log := wait()
	committed, rolledBack, uncertain := log.Counts()
	if committed != events {
		t.Fatalf("writers committed %d of %d", committed, events)
	}
	// Wait for tail to print every committed id.
	deadline := time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		missing := 0
		for id := range log.Committed {
			if printed[id] == 0 {
				missing++
			}
		}
		mu.Unlock()
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d committed ids never printed; stderr:\n%s", missing, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // a duplicate would come now
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("tail did not exit 0 on SIGINT: %v; stderr:\n%s", err, stderr.String())
	}
	mu.Lock()
	defer mu.Unlock()
	for id, n := range printed {
		switch {
		case n != 1:
			t.Errorf("id %d printed %d times", id, n)
		case log.RolledBack[id]:
			t.Errorf("rolled-back id %d printed", id)
		case !log.Committed[id] && !log.Uncertain[id]:
			t.Errorf("id %d printed but never written", id)
		}
	}
	t.Logf("%d committed (%d rolled back, %d uncertain around restarts) with %d restart(s); %d printed, each once",
		committed, rolledBack, uncertain, restarts, len(printed))
	if restarts > 0 && !strings.Contains(stderr.String(), "reconnecting (attempt") {
		t.Errorf("no reconnect reported on stderr:\n%s", stderr.String())
	}
}

func TestTailGivesUp(t *testing.T) {
	srv := dbtest.StartPrivate(t)
	dsn, db := srv.NewDatabase(t)
	db.Exec(dbtest.ActivityLogDDL("matomo_"))
	cmd := exec.Command(bin, "tail", "-n", "0", "--poll", "50ms", "--max-retry", "2")
	cmd.Env = append(os.Environ(), "MATOMO_AUDIT_DSN="+dsn)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	srv.Stop(t) // the server goes away for good
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 || !strings.Contains(stderr.String(), "gave up after 3 failed attempts in a row") {
		t.Fatalf("tail against a dead server: %v\n%s", err, stderr.String())
	}
}

// syncBuffer is a bytes buffer safe for a process writing and a test
// reading at once.
type syncBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b = append(s.b, p...)
	return len(p), nil
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.b)
}

// TestTailStartAndFilter: the start (-n, --since) matches export, the
// query applies to what follows, and a SELECT-only account is enough.
func TestTailStartAndFilter(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	dbtest.LoadSQLFile(t, db, dbtest.FixturePath(t, "activity_log_sample.sql"))
	userDSN := srv.CreateUser(t, dsn, "tail", pw, "GRANT SELECT ON `"+dbtest.DBName(dsn)+"`.* TO %s")

	lines := func(s string) []string {
		if s = strings.TrimSpace(s); s == "" {
			return nil
		}
		return strings.Split(s, "\n")
	}
	export := func(q string) []string {
		return lines(runBin(t, nil, "export", "--dsn", userDSN, "--format", "ndjson", "-q", q).stdout)
	}
	if n := len(export("cat:security")); n < 5 {
		t.Fatalf("fixture: %d security events", n)
	}

	for _, c := range []struct {
		args []string
		want func() []string
	}{
		{[]string{"-n", "3", "-q", "cat:security"}, func() []string { s := export("cat:security"); return s[len(s)-3:] }},
		{[]string{"--since", "2026-11-04"}, func() []string { return export("since:2026-11-04") }},
		{[]string{"-n", "0", "-q", "cat:security"}, func() []string { return nil }},
	} {
		want := c.want()
		cmd := exec.Command(bin, append([]string{"tail", "--format", "ndjson", "--poll", "50ms"}, c.args...)...)
		cmd.Env = append(os.Environ(), "MATOMO_AUDIT_DSN="+userDSN)
		var stdout, stderr syncBuffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor := func(n int) []string {
			deadline := time.Now().Add(10 * time.Second)
			for {
				got := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
				if stdout.String() == "" {
					got = nil
				}
				if len(got) >= n || time.Now().After(deadline) {
					return got
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		if got := waitFor(len(want)); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("tail %v started with %d lines, want %d:\n%s", c.args, len(got), len(want), strings.Join(got, "\n"))
		}
		time.Sleep(300 * time.Millisecond) // following now
		// One login and one failed login commit: only the second is
		// security, and only it follows cat:security.
		res, err := db.Exec("INSERT INTO matomo_activity_log (user_login, type, parameters, ts_created) VALUES ('zoe', 'ActivityLog/UserSignedIn', 'a:0:{}', UTC_TIMESTAMP()), ('eve', 'ActivityLog/UserSignInFailed', 'a:0:{}', UTC_TIMESTAMP())")
		if err != nil {
			t.Fatal(err)
		}
		first, _ := res.LastInsertId() // of a multi-row insert: its first id
		wantNew := 2
		if strings.Contains(strings.Join(c.args, " "), "cat:security") {
			wantNew = 1
		}
		waitFor(len(want) + wantNew)
		time.Sleep(200 * time.Millisecond) // anything extra would be here now
		got := waitFor(0)
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Errorf("tail %v on SIGTERM: %v %s", c.args, err, stderr.String())
		}
		if len(got) != len(want)+wantNew {
			t.Errorf("tail %v: %d lines after the inserts, want %d:\n%s", c.args, len(got), len(want)+wantNew, strings.Join(got, "\n"))
			continue
		}
		last := got[len(got)-1]
		if !strings.Contains(last, fmt.Sprintf(`"id":%d`, first+1)) || !strings.Contains(last, `"user":"eve"`) {
			t.Errorf("tail %v: last line %s", c.args, last)
		}
	}
}
