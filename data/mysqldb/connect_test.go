package mysqldb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/dbtest"
	"matomo-audit/data/source"
	"matomo-audit/data/sourcetest"
)

func unavailable(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, source.ErrUnavailable) {
		t.Errorf("%T %v does not match source.ErrUnavailable", err, err)
	}
}

func TestConnectTimeout(t *testing.T) {
	addr, _ := dbtest.SilentServer(t)
	var told []string
	start := time.Now()
	_, err := Open(context.Background(), Options{
		DSN:            "audit:" + secret + "@tcp(" + addr + ")/matomo",
		ConnectTimeout: 200 * time.Millisecond,
		Connecting:     func(server string) { told = append(told, server) },
	})
	expectSetup(t, err, "no answer from "+addr, "within 200ms", "--connect-timeout")
	unavailable(t, err)
	if len(told) != 1 || told[0] != addr {
		t.Errorf("Connecting was told %q, want [%s]", told, addr)
	}
	// Bounded, not measured: the handshake must not wait for the
	// driver's own default or for ever.
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("gave up after %s", took)
	}

	// The DSN's timeout applies when the caller gives none.
	_, err = Open(context.Background(), Options{DSN: "audit:" + secret + "@tcp(" + addr + ")/matomo?timeout=150ms"})
	expectSetup(t, err, "no answer from "+addr, "within 150ms")
	unavailable(t, err)

	// Cancelling while connecting is the caller's doing, not an outage.
	ctx, cancel := context.WithCancel(context.Background())
	_, err = Open(ctx, Options{DSN: "audit:" + secret + "@tcp(" + addr + ")/matomo", Connecting: func(string) { cancel() }})
	if !errors.Is(err, context.Canceled) || errors.Is(err, source.ErrUnavailable) {
		t.Errorf("cancelled while connecting: %v", err)
	}
}

func TestRefusedIsUnavailable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = Open(context.Background(), Options{DSN: "audit:" + secret + "@tcp(" + addr + ")/matomo"})
	expectSetup(t, err, "connection refused", addr)
	unavailable(t, err)

	sock := filepath.Join(t.TempDir(), "none.sock")
	_, err = Open(context.Background(), Options{DSN: "audit:" + secret + "@unix(" + sock + ")/matomo"})
	expectSetup(t, err, "no MySQL socket at "+sock)
	unavailable(t, err)

	// What must be fixed and is not an outage does not match.
	_, err = Open(context.Background(), Options{DSN: "audit:" + secret + "@tcp(no-such-host.invalid:3306)/matomo"})
	expectSetup(t, err, "unknown database host")
	if errors.Is(err, source.ErrUnavailable) {
		t.Errorf("unknown host matches ErrUnavailable: %v", err)
	}
}

// proxy forwards loopback TCP connections to the test server until cut,
// which then behaves like a server that went away: open connections drop
// and new ones are refused.
type proxy struct {
	l     net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newProxy(t *testing.T, network, target string) *proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{l: l}
	t.Cleanup(p.cut)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial(network, target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
	return p
}

func (p *proxy) cut() {
	p.l.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

func TestOutageAtRuntimeIsUnavailable(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	dbtest.LoadSQLFile(t, db, dbtest.FixturePath(t, "activity_log_sample.sql"))
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, cfg.Net, cfg.Addr)
	via := cfg.Clone()
	via.Net, via.Addr = "tcp", p.l.Addr().String()
	s := open(t, via.FormatDSN(), "")
	if _, hi, err := s.Bounds(context.Background()); err != nil || hi != 171 {
		t.Fatalf("through the proxy: %d %v", hi, err)
	}
	p.cut()
	_, _, err = s.Bounds(context.Background())
	unavailable(t, err)
	var se *source.SetupError
	if errors.As(err, &se) {
		t.Errorf("an outage of a running source is not a setup problem: %v", err)
	}
	if err != nil && !strings.Contains(err.Error(), p.l.Addr().String()) {
		t.Errorf("error does not name the server: %v", err)
	}
}

// TestExplainKinds: which driver and network errors mean "not answering",
// at start (a SetupError that also matches) and later (a runtime error).
func TestExplainKinds(t *testing.T) {
	s := &Source{cfg: &mysql.Config{User: "audit", Passwd: secret, Net: "tcp", Addr: "127.0.0.1:3306", DBName: "matomo", Timeout: time.Second},
		origin: "the DSN", table: "`matomo_activity_log`"}
	opErr := func(err error) error {
		return &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", err)}
	}
	down := []error{
		mysql.ErrInvalidConn, driver.ErrBadConn, io.EOF, io.ErrUnexpectedEOF, net.ErrClosed,
		opErr(syscall.ECONNRESET), opErr(syscall.EPIPE), opErr(syscall.ECONNREFUSED), opErr(syscall.EHOSTUNREACH),
		context.DeadlineExceeded, fmt.Errorf("wrapped: %w", mysql.ErrInvalidConn),
		&mysql.MySQLError{Number: 1053, Message: "Server shutdown in progress"},
		&mysql.MySQLError{Number: 1927, Message: "Connection was killed"},
		&net.DNSError{Err: "server misbehaving", Name: "db1", IsTemporary: true},
	}
	for _, e := range down {
		if err := s.explain(e); !errors.Is(err, source.ErrUnavailable) || isSetup(err) {
			t.Errorf("runtime %v: %T %v, want a runtime error matching ErrUnavailable", e, err, err)
		}
		if err := s.explainStart(e); !errors.Is(err, source.ErrUnavailable) || !isSetup(err) {
			t.Errorf("start %v: %T %v, want a SetupError matching ErrUnavailable", e, err, err)
		}
	}
	notDown := []error{
		&mysql.MySQLError{Number: 1045, Message: "Access denied"},
		&mysql.MySQLError{Number: 1064, Message: "syntax"},
		&net.DNSError{Err: "no such host", Name: "db1", IsNotFound: true},
		mysql.ErrMalformPkt, context.Canceled, errors.New("something else"),
	}
	for _, e := range notDown {
		if err := s.explain(e); errors.Is(err, source.ErrUnavailable) {
			t.Errorf("%v: %v matches ErrUnavailable", e, err)
		}
	}
	if err := s.explain(context.Canceled); err != context.Canceled {
		t.Errorf("cancellation is passed through, got %v", err)
	}
}

func isSetup(err error) bool {
	var se *source.SetupError
	return errors.As(err, &se)
}

func TestDSNRules(t *testing.T) {
	base := "audit:" + secret + "@tcp(127.0.0.1:1)/matomo"
	for _, c := range []struct {
		params string
		hints  []string
	}{
		{"time_zone=%27%2B00%3A00%27", []string{"time_zone", "remove it"}},
		{"Time_Zone=UTC", []string{"time_zone"}},
		{"loc=Europe%2FBerlin", []string{"loc=Europe/Berlin", "--tz Europe/Berlin"}},
		{"loc=Local", []string{"loc=Local", "--tz Local"}},
		{"parsetime=true", []string{`"parsetime"`, "did you mean parseTime"}},
		{"autocommit=0", []string{`unknown DSN parameter "autocommit"`, "max_statement_time"}},
		{"sql_mode=ANSI_QUOTES", []string{`"sql_mode"`}},
		{"max_statement_time=1;DROP", []string{"max_statement_time must be a plain number"}},
		{"max_statement_time=", []string{"max_statement_time must be a plain number"}},
		{"allowAllFiles=true", []string{"allowAllFiles", "local file"}},
		{"strict=true", []string{"strict", "remove it"}},
	} {
		t.Run(c.params, func(t *testing.T) {
			_, err := resolve(Options{DSN: base + "?" + c.params})
			expectSetup(t, err, c.hints...)
		})
	}
	for _, ok := range []string{"", "parseTime=true", "parseTime=true&loc=UTC", "loc=Etc%2FUTC", "max_statement_time=30",
		"max_execution_time=30000&net_read_timeout=60", "timeout=3s&readTimeout=30s", "tls=preferred", "charset=utf8mb4"} {
		if _, err := resolve(Options{DSN: base + "?" + ok}); err != nil {
			t.Errorf("?%s refused: %v", ok, err)
		}
	}
	// parseTime and loc=UTC change nothing: times stay the literal text.
	r, err := resolve(Options{DSN: base + "?parseTime=true&loc=UTC"})
	if err != nil {
		t.Fatal(err)
	}
	prepare(r.cfg, 0)
	if r.cfg.ParseTime || r.cfg.Loc != time.UTC || r.cfg.Timeout != DefaultConnectTimeout {
		t.Errorf("prepared config: parseTime %v, loc %v, timeout %v", r.cfg.ParseTime, r.cfg.Loc, r.cfg.Timeout)
	}
}

func TestPrefixOrigin(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	if _, err := db.Exec(dbtest.ActivityLogDDL("")); err != nil {
		t.Fatal(err)
	}
	dbtest.InsertRows(t, db, "activity_log", []dbtest.Row{{ID: 1, Login: "alice", Type: "ActivityLog/UserSignedIn", Params: "a:0:{}", TS: "2026-11-20 10:00:00"}})
	ctx := context.Background()

	// An empty prefix, asked for: tables named activity_log and user.
	s, err := Open(ctx, Options{DSN: dsn, PrefixSet: true})
	if err != nil {
		t.Fatalf("--prefix \"\": %v", err)
	}
	if ev := sourcetest.Stream(t, s, nil); len(ev) != 1 || ev[0].Login != "alice" {
		t.Fatalf("read %d events", len(ev))
	}
	s.Close()

	_, err = Open(ctx, Options{DSN: dsn})
	expectSetup(t, err, `no table matomo_activity_log`, `prefix "matomo_", the default with a DSN`, "tables found: activity_log", `--prefix ""`)
	_, err = Open(ctx, Options{DSN: dsn, Prefix: "piwik_"})
	expectSetup(t, err, `prefix "piwik_", from --prefix`)

	// From a config file: its path and section.
	cfg, _ := mysql.ParseDSN(dsn)
	host, port := "", cfg.Addr
	if cfg.Net == "tcp" {
		h, p, _ := net.SplitHostPort(cfg.Addr)
		host, port = h, p
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "config"), 0o755)
	conf := fmt.Sprintf("; <?php exit; ?> DO NOT REMOVE THIS LINE\n[database]\nhost = %q\nusername = %q\npassword = %q\ndbname = %q\ntables_prefix = \"old_\"\nport = %q\n",
		host, cfg.User, cfg.Passwd, cfg.DBName, port)
	file := filepath.Join(dir, "config", "config.ini.php")
	os.WriteFile(file, []byte(conf), 0o600)
	_, err = Open(ctx, Options{MatomoPath: dir})
	var se *source.SetupError
	if !errors.As(err, &se) || !strings.Contains(se.Msg, `prefix "old_", from tables_prefix of `+file+" [database]") {
		t.Fatalf("config prefix: %v", err)
	}
}
