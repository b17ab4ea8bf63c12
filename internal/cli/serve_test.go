package cli

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"matomo-audit/data/dbtest"
	"matomo-audit/serve/sshtest"
)

// lockedBuffer is the server's stderr, read while it writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type serveRig struct {
	once    sync.Once
	t       *testing.T
	addr    string
	hostKey gossh.PublicKey
	log     *lockedBuffer
	done    chan int
	stop    context.CancelFunc
}

// startServe runs `matomo-audit serve` in this process on a port of its
// own and waits for its "serving" line. keys maps a login, or a key line's
// options, to the key.
func startServe(t *testing.T, dsn string, keys map[string]gossh.Signer, extra ...string) *serveRig {
	t.Helper()
	dir := t.TempDir()
	var file strings.Builder
	for who, k := range keys {
		// A login, or options written out (view="...",query="...").
		opts := who
		if !strings.Contains(who, "=") {
			opts = `login="` + who + `"`
		}
		file.WriteString(opts + " " + string(gossh.MarshalAuthorizedKey(k.PublicKey())))
	}
	kf := filepath.Join(dir, "keys")
	if err := os.WriteFile(kf, []byte(file.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &serveRig{t: t, log: &lockedBuffer{}, done: make(chan int, 1), stop: cancel}
	go func() {
		s.done <- run(ctx, &globals{stderr: s.log}, append([]string{"serve", "--dsn", dsn, "--keys", kf,
			"--listen", "127.0.0.1:0", "--host-key", filepath.Join(dir, "state", "host_key")}, extra...), io.Discard, s.log)
	}()
	t.Cleanup(s.shutdown)
	listen := regexp.MustCompile(`msg=serving listen=(\S+)`)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := listen.FindStringSubmatch(s.log.String()); m != nil {
			s.addr = m[1]
			break
		}
		select {
		case code := <-s.done:
			t.Fatalf("serve ended with %d:\n%s", code, s.log.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve never said it was serving:\n%s", s.log.String())
		}
	}
	hk, err := os.ReadFile(filepath.Join(dir, "state", "host_key"))
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.ParsePrivateKey(hk)
	if err != nil {
		t.Fatal(err)
	}
	s.hostKey = signer.PublicKey()
	return s
}

// shutdown stops the server as SIGTERM does and waits for it, once.
func (s *serveRig) shutdown() {
	s.once.Do(func() {
		s.stop()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			s.t.Error("serve did not stop")
		}
	})
}

func (s *serveRig) dial(k gossh.Signer) (*gossh.Client, error) {
	return sshtest.Dial(s.addr, s.hostKey, k)
}

// ssh runs one command over SSH: its stdout, stderr and exit status.
func (s *serveRig) ssh(k gossh.Signer, cmd string) (string, string, int) {
	s.t.Helper()
	return sshtest.Run(s.t, s.addr, s.hostKey, k, cmd)
}

// loginsOf are the users of NDJSON events.
func loginsOf(t *testing.T, ndjson string) []string {
	t.Helper()
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(ndjson), "\n") {
		if l == "" {
			continue
		}
		var e struct {
			User string `json:"user"`
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("%v: %q", err, l)
		}
		out = append(out, e.User)
	}
	slices.Sort(out)
	return out
}

// matomoDB is a database of its own with Matomo's activity log and user
// tables, the users given as SQL values of (login, password, email,
// superuser_access, invite_token).
func matomoDB(t *testing.T, users string) (string, *sql.DB) {
	t.Helper()
	dsn, db := dbtest.Shared(t).NewDatabase(t)
	for _, ddl := range []string{dbtest.ActivityLogDDL("matomo_"), dbtest.UserDDLMatomo5("matomo_")} {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec("INSERT INTO matomo_user (login, password, email, superuser_access, invite_token) VALUES " + users); err != nil {
		t.Fatal(err)
	}
	return dsn, db
}

func TestServeOverSSH(t *testing.T) {
	dsn, db := matomoDB(t, "('alice', 'x', 'alice@example.org', 1, NULL), ('bob', 'x', 'bob@example.org', 0, NULL), ('carol', 'x', 'carol@example.org', 0, 'pending')")
	var rows []dbtest.Row
	for i, login := range []string{"alice", "bob", "alice", "Bob", "mallory", "Matomo System", "bob", "alice"} {
		rows = append(rows, dbtest.Row{ID: uint64(i + 1), Login: login, Type: "ActivityLog/UserSignInFailed", Params: "a:0:{}", TS: "2026-11-20 10:00:00"})
	}
	dbtest.InsertRows(t, db, "matomo_activity_log", rows)

	alice, bob, carol := sshtest.Key(t), sshtest.Key(t), sshtest.Key(t)
	s := startServe(t, dsn, map[string]gossh.Signer{"alice": alice, "bob": bob, "carol": carol})

	out, stderr, code := s.ssh(alice, "export --format ndjson")
	if code != 0 || len(loginsOf(t, out)) != len(rows) {
		t.Fatalf("the super user's export: exit %d, %d events, %s", code, len(loginsOf(t, out)), stderr)
	}
	own := []string{"Bob", "bob", "bob"} // the column's collation: 'Bob' is bob's
	for _, q := range []string{"", "user:alice", "user:alice,bob", "-user:bob", "mallory", "id:1..8"} {
		out, stderr, code := s.ssh(bob, "export --format ndjson -q '"+q+"'")
		got := loginsOf(t, out)
		want := own
		switch q {
		case "user:alice", "-user:bob", "mallory":
			want = nil
		}
		if code != 0 || !slices.Equal(got, want) {
			t.Errorf("bob's export -q %q: exit %d, %v, want %v (%s)", q, code, got, want, stderr)
		}
	}
	out, _, code = s.ssh(bob, "summary -w all --format json")
	if code != 0 || strings.Contains(out, "alice") || strings.Contains(out, "mallory") || !strings.Contains(out, "bob") {
		t.Errorf("bob's summary shows others, or not bob (exit %d):\n%s", code, out)
	}
	// The window's ids would say how many events others had: bob is
	// told the ids of his own first and last (2 and 7, of 1..8).
	out, _, code = s.ssh(bob, "summary -w all")
	if code != 0 || !strings.Contains(out, "events   3 that you may see (ids 2..7)") || strings.Contains(out, "..8") {
		t.Errorf("bob's summary text (exit %d):\n%s", code, out)
	}
	// Nothing found: said without the server's database account or host.
	if _, stderr, code := s.ssh(bob, "-n 100 -q user:alice"); code != 0 || !strings.Contains(stderr, "no matching events") || strings.Contains(stderr, "@") {
		t.Errorf("bob's empty list: exit %d %q", code, stderr)
	}
	out, _, _ = s.ssh(bob, "-n 100")
	if strings.Contains(out, "alice") || strings.Contains(out, "mallory") {
		t.Errorf("bob's list shows others:\n%s", out)
	}

	for _, cmd := range []string{"--dsn root@tcp(127.0.0.1:1)/x export", "export --demo", "export -o /tmp/x.json", "--no-export=false export", "--prefix x_ export", "serve --keys x"} {
		_, stderr, code := s.ssh(bob, cmd)
		if code != 2 || !strings.Contains(stderr, "over SSH") && !strings.Contains(stderr, "over serve") {
			t.Errorf("%s: exit %d, %q", cmd, code, stderr)
		}
	}
	if _, stderr, code := s.ssh(carol, "export"); code != 1 || !strings.Contains(stderr, "invitation") {
		t.Errorf("a pending invite: exit %d, %q", code, stderr)
	}
	if _, err := s.dial(sshtest.Key(t)); err == nil {
		t.Error("an unknown key got in")
	}

	// Demoted in Matomo: the next session sees only alice's own events.
	if _, err := db.Exec("UPDATE matomo_user SET superuser_access = 0 WHERE login = 'alice'"); err != nil {
		t.Fatal(err)
	}
	out, _, _ = s.ssh(alice, "export --format ndjson")
	if got := loginsOf(t, out); !slices.Equal(got, []string{"alice", "alice", "alice"}) {
		t.Errorf("the demoted super user's export: %v", got)
	}

	// tail: what arrives is bob's only.
	c, err := s.dial(bob)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	sess.Stdout = pw
	if err := sess.Start("tail --format ndjson --since 1h"); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	// Both are committed after the tail started; only bob's may come.
	dbtest.InsertRows(t, db, "matomo_activity_log", []dbtest.Row{
		{ID: 100, Login: "alice", Type: "ActivityLog/UserSignInFailed", Params: "a:0:{}", TS: time.Now().UTC().Format("2006-01-02 15:04:05")},
		{ID: 101, Login: "bob", Type: "ActivityLog/UserSignInFailed", Params: "a:0:{}", TS: time.Now().UTC().Format("2006-01-02 15:04:05")},
	})
	select {
	case l := <-lines:
		if !strings.Contains(l, `"id":101`) {
			t.Errorf("bob's tail brought %s", l)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("bob's tail never brought his event")
	}
	sess.Close()
	pw.Close()

	// The log names who came and went, never what they read.
	log := s.log.String()
	for _, want := range []string{"msg=\"session start\" login=bob", "msg=\"session end\" login=bob", "msg=\"session refused\""} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q", want)
		}
	}
	if strings.Contains(log, "mallory") {
		t.Error("the log holds event content")
	}
}
