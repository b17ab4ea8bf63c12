// Command servebench measures `matomo-audit serve` with many people
// following at once: it starts the real binary on a loopback port against a
// seeded table, opens sessions with x/crypto's SSH client and prints the
// figures the README quotes. Run by scripts/serve_bench.sh.
package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/go-sql-driver/mysql"
	gossh "golang.org/x/crypto/ssh"

	"matomo-audit/serve/sshtest"
)

// tb is what the sshtest helpers need, outside a test: a failure ends the
// benchmark; what a test would clean up is left to the process's end.
type tb struct{}

func (*tb) Helper()        {}
func (*tb) Cleanup(func()) {}
func (*tb) Fatal(args ...any) {
	fmt.Fprintln(os.Stderr, append([]any{"servebench:"}, args...)...)
	os.Exit(1)
}
func (t *tb) Fatalf(format string, args ...any) { t.Fatal(fmt.Sprintf(format, args...)) }

func main() {
	bin := flag.String("bin", "/tmp/matomo-audit", "the matomo-audit binary")
	dsn := flag.String("dsn", "root@tcp(127.0.0.1:3306)/bench_1000000", "database holding a seeded table")
	sessions := flag.Int("sessions", 50, "sessions following at once")
	flag.Parse()
	if err := run(*bin, *dsn, *sessions); err != nil {
		fmt.Fprintln(os.Stderr, "servebench:", err)
		os.Exit(1)
	}
}

func run(bin, dsn string, n int) error {
	t := &tb{}
	dir, err := os.MkdirTemp("", "servebench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	key := sshtest.Key(t)
	kf := filepath.Join(dir, "keys")
	// A super user: every session follows every event, the most work.
	if err := os.WriteFile(kf, []byte(`login="bench" `+string(gossh.MarshalAuthorizedKey(key.PublicKey()))), 0o600); err != nil {
		return err
	}
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, q := range []string{
		"CREATE TABLE IF NOT EXISTS matomo_user (login VARCHAR(100) NOT NULL PRIMARY KEY, password VARCHAR(255) NOT NULL DEFAULT '', email VARCHAR(100) NOT NULL DEFAULT '', superuser_access TINYINT(2) UNSIGNED NOT NULL DEFAULT 0)",
		"REPLACE INTO matomo_user (login, password, email, superuser_access) VALUES ('bench', '', 'bench@example.org', 1)",
	} {
		if _, err := db.Exec(q); err != nil {
			return err
		}
	}

	cmd := exec.Command(bin, "serve", "--dsn", dsn, "--keys", kf, "--listen", "127.0.0.1:0", "--host-key", filepath.Join(dir, "hk"), "--max-sessions", strconv.Itoa(n+10))
	logs, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	addr := ""
	sc := bufio.NewScanner(logs)
	for sc.Scan() {
		if m := regexp.MustCompile(`msg=serving listen=(\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
			break
		}
	}
	go io.Copy(io.Discard, logs)
	hk, err := os.ReadFile(filepath.Join(dir, "hk"))
	if err != nil {
		return err
	}
	signer, err := gossh.ParsePrivateKey(hk)
	if err != nil {
		return err
	}
	host := signer.PublicKey()

	selects := func() float64 {
		var name string
		var v float64
		db.QueryRow("SHOW GLOBAL STATUS LIKE 'Com_select'").Scan(&name, &v)
		return v
	}
	rate := func() float64 {
		a, t0 := selects(), time.Now()
		time.Sleep(10 * time.Second)
		return (selects() - a - 1) / time.Since(t0).Seconds()
	}
	rss := func() float64 {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.ParseFloat(f[1], 64)
				return kb / 1024
			}
		}
		return 0
	}

	// One TUI session, then n-1 more, all following.
	open := func() (*gossh.Session, *watcher) {
		s := sshtest.Session(t, addr, host, key)
		if err := s.RequestPty("xterm-256color", 48, 160, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
		w := &watcher{}
		s.Stdout = w
		in, _ := s.StdinPipe()
		w.in = in
		if err := s.Shell(); err != nil {
			t.Fatal(err)
		}
		return s, w
	}
	_, first := open()
	time.Sleep(3 * time.Second)
	oneRate, oneRSS := rate(), rss()
	var all []*watcher
	all = append(all, first)
	for i := 1; i < n; i++ {
		_, w := open()
		all = append(all, w)
	}
	time.Sleep(5 * time.Second)
	manyRate, manyRSS := rate(), rss()

	// Commit to screen: a row with a marker, timed until every session
	// has drawn it.
	var commit []time.Duration
	for i := 0; i < 10; i++ {
		// Short enough to be drawn whole in the user column, and new.
		mark := fmt.Sprintf("sb%d-%d", time.Now().Unix()%100000, i)
		t0 := time.Now()
		if _, err := db.Exec("INSERT INTO matomo_activity_log (user_login, type, parameters, ts_created) VALUES (?, 'ActivityLog/UserSignInFailed', 'a:0:{}', UTC_TIMESTAMP())", mark); err != nil {
			return err
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		for _, w := range all {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if w.waitFor(mark, 10*time.Second) {
					mu.Lock()
					commit = append(commit, time.Since(t0))
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		time.Sleep(500 * time.Millisecond)
	}
	// A key in the first session while the others follow: sent to the
	// first frame bytes coming back.
	var keys []time.Duration
	for i := 0; i < 40; i++ {
		k := "k"
		if i%2 == 1 {
			k = "j"
		}
		keys = append(keys, first.key(k))
		time.Sleep(50 * time.Millisecond)
	}

	fmt.Printf("| measure (%d sessions following) | value | target |\n|---|---|---|\n", n)
	fmt.Printf("| database SELECTs per second, 1 session / %d sessions | %.1f / %.1f | the same |\n", n, oneRate, manyRate)
	fmt.Printf("| commit to screen, p50 / p95 (1 s poll; %d of %d drawn) | %s / %s | p95 < 1.5 s |\n", len(commit), 10*n, pct(commit, 0.5), pct(commit, 0.95))
	fmt.Printf("| server RSS, 1 session / %d sessions / per extra session | %.1f / %.1f / %.2f MB | < 8 MB per session |\n", n, oneRSS, manyRSS, (manyRSS-oneRSS)/float64(n-1))
	fmt.Printf("| key to frame in one session while %d follow, p50 / p95 | %s / %s | p95 < 50 ms |\n", n-1, pct(keys, 0.5), pct(keys, 0.95))
	return nil
}

func pct(d []time.Duration, q float64) string {
	if len(d) == 0 {
		return "-"
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))].Round(100 * time.Microsecond).String()
}

// watcher is a session's terminal output, searched for what was drawn.
type watcher struct {
	mu  sync.Mutex
	buf bytes.Buffer
	n   int // bytes written so far
	in  io.Writer
}

func (w *watcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n += len(p)
	// Only the recent output is searched: the screen, not history.
	if w.buf.Len() > 1<<20 {
		w.buf.Reset()
	}
	return w.buf.Write(p)
}

func (w *watcher) waitFor(s string, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		w.mu.Lock()
		ok := bytes.Contains(w.buf.Bytes(), []byte(s))
		w.mu.Unlock()
		if ok {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
	return false
}

// key sends a key and returns how long until output comes back.
func (w *watcher) key(k string) time.Duration {
	w.mu.Lock()
	before := w.n
	w.mu.Unlock()
	t0 := time.Now()
	w.in.Write([]byte(k))
	for time.Since(t0) < 2*time.Second {
		w.mu.Lock()
		got := w.n > before
		w.mu.Unlock()
		if got {
			return time.Since(t0)
		}
		time.Sleep(200 * time.Microsecond)
	}
	return 2 * time.Second
}
