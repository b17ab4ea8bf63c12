// Package dbtest gives tests a real MariaDB/MySQL server and throwaway databases on it.
//
// Where the server comes from, first match wins:
//
//  1. MATOMO_AUDIT_TEST_DSN: a go-sql-driver DSN allowed to create databases and users,
//     e.g. root@tcp(127.0.0.1:3306)/. If it is set but unreachable, tests fail: somebody
//     asked for that server explicitly.
//  2. A private throwaway mariadbd (temporary datadir, own unix socket, no TCP), started
//     once per test binary when the MariaDB server binaries are installed.
//  3. Otherwise tests skip with a reason saying how to enable them, except under CI=true,
//     where a missing database is a failure.
//
// A package that uses [Shared] must run its tests under [Main]:
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
package dbtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

const (
	envDSN  = "MATOMO_AUDIT_TEST_DSN"
	envKeep = "MATOMO_AUDIT_TEST_KEEP"

	howToEnable = "set MATOMO_AUDIT_TEST_DSN=root@tcp(127.0.0.1:3306)/ or install mariadb-server"

	// Generous, because CI machines can be slow, but bounded so that a hung server
	// turns into a clear failure instead of a test timeout.
	adminTimeout = 30 * time.Second
)

// Server is a database server tests may create databases and users on.
type Server struct {
	// DSN is the administrative DSN without a database name. It may hold a password:
	// print the Server itself (its String method redacts), not this field.
	DSN string
	// Private is true when this package started the server.
	Private bool

	cfg *mysql.Config // parsed DSN; cloned, never modified
	db  *sql.DB       // administrative pool
	mdb *mariadbd     // nil unless Private

	stopOnce sync.Once
	stopErr  error
	gone     atomic.Bool // Stop was called: nothing left to clean up on it
}

// String returns the DSN with any password masked, so a Server can be printed safely.
func (s *Server) String() string {
	if s == nil {
		return "<nil dbtest.Server>"
	}
	return redact(s.cfg)
}

// mainActive records that Main wraps this test binary: only then is there a place to stop
// the shared private server after the last test.
var mainActive atomic.Bool

var shared struct {
	mu       sync.Mutex
	resolved bool
	srv      *Server
	missing  string // why no database can be had; skip or fail by policy
	err      error  // a database should be there but is not usable: always a failure
}

// Main runs the tests and then stops the private server this binary started, if any, and
// removes its files. Use it as the whole body of TestMain.
func Main(m *testing.M) {
	mainActive.Store(true)
	code := m.Run()
	if err := shutdown(); err != nil {
		fmt.Fprintf(os.Stderr, "dbtest: cleaning up after the tests failed: %v\n", err)
		if code == 0 {
			code = 1
		}
		os.Exit(code)
	}
	// Returning lets the testing package exit with m.Run's code.
}

// shutdown stops every server still running and removes the datadir template.
func shutdown() error {
	var errs []error
	shared.mu.Lock()
	if s := shared.srv; s != nil {
		if s.Private {
			errs = append(errs, s.stop())
		} else {
			errs = append(errs, s.db.Close())
		}
	}
	shared.srv, shared.resolved = nil, false
	shared.mu.Unlock()
	for _, s := range liveServers() {
		errs = append(errs, s.stop())
	}
	errs = append(errs, removeTemplate())
	return errors.Join(errs...)
}

// Shared returns the server for this test binary: the one named by MATOMO_AUDIT_TEST_DSN,
// or a private mariadbd started on first use and reused by every test in the binary.
func Shared(t testing.TB) *Server {
	t.Helper()
	if !mainActive.Load() {
		t.Fatal("dbtest.Shared needs this package's tests to run under dbtest.Main, " +
			"otherwise a private server would outlive them: add " +
			"func TestMain(m *testing.M) { dbtest.Main(m) }")
	}
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.resolved {
		start := time.Now()
		shared.srv, shared.missing, shared.err = openShared()
		shared.resolved = true
		if shared.srv != nil && shared.srv.Private {
			t.Logf("dbtest: started the shared private mariadbd in %v", time.Since(start).Round(time.Millisecond))
		}
	}
	switch {
	case shared.err != nil:
		t.Fatalf("dbtest: %v", shared.err)
	case shared.missing != "":
		unavailable(t, shared.missing)
	}
	return shared.srv
}

// openShared returns either a server, a reason why no database is available (policy
// decides skip or fail), or an error (always a failure).
func openShared() (*Server, string, error) {
	if dsn := os.Getenv(envDSN); dsn != "" {
		s, err := connectEnv(dsn)
		return s, "", err
	}
	s, err := startPrivate(nil)
	if errors.Is(err, errNotInstalled) {
		return nil, err.Error(), nil
	}
	return s, "", err
}

// connectEnv checks the explicitly configured server; failing to reach it is an error,
// never a skip.
func connectEnv(dsn string) (*Server, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		// The parser's messages do not repeat the DSN, so the password stays hidden.
		return nil, fmt.Errorf("%s is not a valid go-sql-driver DSN: %v", envDSN, err)
	}
	cfg.DBName = ""
	s, err := newServer(cfg, nil)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	if err := s.db.PingContext(ctx); err != nil {
		_ = s.db.Close()
		return nil, fmt.Errorf("%s is set, but %s cannot be reached: %v", envDSN, redact(cfg), err)
	}
	return s, nil
}

func newServer(cfg *mysql.Config, mdb *mariadbd) (*Server, error) {
	conn, err := mysql.NewConnector(cfg.Clone())
	if err != nil {
		return nil, fmt.Errorf("%s: %v", redact(cfg), err)
	}
	return &Server{DSN: cfg.FormatDSN(), Private: mdb != nil, cfg: cfg.Clone(), db: sql.OpenDB(conn), mdb: mdb}, nil
}

// unavailable skips, or fails under CI, when no database server can be had.
func unavailable(t testing.TB, why string) {
	t.Helper()
	if inCI() {
		t.Fatalf("dbtest: no database for this test: %s. CI is set, so this fails instead of skipping: %s", why, howToEnable)
	}
	t.Skipf("dbtest: SKIPPED, no database for this test: %s. To run it: %s", why, howToEnable)
}

func inCI() bool {
	v, err := strconv.ParseBool(os.Getenv("CI"))
	return err == nil && v
}

func redact(cfg *mysql.Config) string {
	if cfg == nil {
		return "<no DSN>"
	}
	c := cfg.Clone()
	if c.Passwd != "" {
		c.Passwd = "xxxxx"
	}
	return c.FormatDSN()
}

// NewDatabase creates an empty, uniquely named utf8mb4 database and returns a DSN for it
// (the server's user, address and parameters, with the database name set) and a pool on
// it that allows multi-statement queries. The pool is closed and the database dropped when
// the test ends, unless the test failed and MATOMO_AUDIT_TEST_KEEP=1.
func (s *Server) NewDatabase(t testing.TB) (dsn string, db *sql.DB) {
	t.Helper()
	name := databaseName(t.Name())
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	// Explicit charset: a server's default is often latin1, Matomo's databases are utf8mb4.
	if _, err := s.db.ExecContext(ctx, "CREATE DATABASE "+quoteIdent(name)+
		" CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"); err != nil {
		t.Fatalf("dbtest: creating database %s on %v: %v", name, s, err)
	}
	cfg := s.cfg.Clone()
	cfg.DBName = name
	loader := cfg.Clone()
	loader.MultiStatements = true
	conn, err := mysql.NewConnector(loader)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	db = sql.OpenDB(conn)
	t.Cleanup(func() {
		_ = db.Close()
		if t.Failed() && os.Getenv(envKeep) == "1" {
			note := ""
			if s.Private {
				note = "; the private server is removed when the tests end, set " + envDSN + " to inspect it afterwards"
			}
			t.Logf("dbtest: kept database %s on %v (%s=1)%s", name, s, envKeep, note)
			return
		}
		if s.gone.Load() {
			return // its datadir goes with the server
		}
		ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
		defer cancel()
		if _, err := s.db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(name)); err != nil {
			t.Errorf("dbtest: dropping database %s on %v: %v", name, s, err)
		}
	})
	return cfg.FormatDSN(), db
}

// CreateUser creates a password user as name_<random> (so parallel tests and packages
// sharing one server never collide) for both host '%' and 'localhost', because a socket
// or loopback connection may match either. Each grant is a full statement whose "%s" is
// replaced by the quoted account, e.g.
//
//	"GRANT SELECT ON `db`.`matomo_activity_log` TO %s"
//
// The users are dropped when the test ends. The returned DSN is dbDSN with this user and
// password.
func (s *Server) CreateUser(t testing.TB, dbDSN, name, password string, grants ...string) string {
	t.Helper()
	if !validUserName(name) {
		t.Fatalf("dbtest: CreateUser: user name %q: use 1-60 characters of A-Z, a-z, 0-9 and _", name)
	}
	cfg, err := mysql.ParseDSN(dbDSN)
	if err != nil {
		t.Fatalf("dbtest: CreateUser: database DSN: %v", err)
	}
	user := fmt.Sprintf("%s_%06x", name, rand.Uint32()&0xffffff)
	accounts := []string{account(user, "%"), account(user, "localhost")}

	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	// A dedicated connection, so that the sql_mode checked is the one the statements run in.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		t.Fatalf("dbtest: CreateUser: connecting to %v: %v", s, err)
	}
	defer func() { _ = conn.Close() }()

	// Registered before creating anything, so a half-done setup is undone too.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
		defer cancel()
		for _, a := range accounts {
			if _, err := s.db.ExecContext(ctx, "DROP USER IF EXISTS "+a); err != nil {
				t.Errorf("dbtest: dropping user %s on %v: %v", a, s, err)
			}
		}
	})

	var mode string
	if err := conn.QueryRowContext(ctx, "SELECT @@SESSION.sql_mode").Scan(&mode); err != nil {
		t.Fatalf("dbtest: CreateUser: reading sql_mode on %v: %v", s, err)
	}
	lit := quoteString(password, strings.Contains(strings.ToUpper(mode), "NO_BACKSLASH_ESCAPES"))
	for _, a := range accounts {
		// The error is printed, never the statement: it holds the password.
		if _, err := conn.ExecContext(ctx, "CREATE USER "+a+" IDENTIFIED BY "+lit); err != nil {
			t.Fatalf("dbtest: CreateUser: creating %s on %v: %v", a, s, err)
		}
	}
	for _, g := range grants {
		for _, a := range accounts {
			stmt := strings.ReplaceAll(g, "%s", a)
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				t.Fatalf("dbtest: CreateUser: %s: %v", stmt, err)
			}
		}
	}
	cfg.User, cfg.Passwd = user, password
	return cfg.FormatDSN()
}

// DBName returns the database name of a DSN, e.g. to write a GRANT for CreateUser; "" when
// the DSN names none or cannot be parsed.
func DBName(dsn string) string {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return ""
	}
	return cfg.DBName
}

// databaseName derives a readable, unique, valid database name (at most 64 characters)
// from a test name, so a kept database can be traced back to its test.
func databaseName(testName string) string {
	const prefix, maxLen, suffixLen = "mat_", 64, 9 // suffix: "_" + 8 hex digits
	var b strings.Builder
	underscore := true // no leading underscore
	for _, r := range strings.ToLower(testName) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			underscore = false
		} else if !underscore {
			b.WriteByte('_')
			underscore = true
		}
	}
	mid := strings.TrimSuffix(b.String(), "_")
	if room := maxLen - len(prefix) - suffixLen; len(mid) > room {
		mid = strings.TrimSuffix(mid[:room], "_")
	}
	name := prefix + mid
	if mid == "" {
		name = strings.TrimSuffix(prefix, "_")
	}
	return fmt.Sprintf("%s_%08x", name, rand.Uint32())
}

func validUserName(name string) bool {
	if name == "" || len(name) > 60 {
		return false
	}
	for _, r := range name {
		if !(r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

func account(user, host string) string { return "'" + user + "'@'" + host + "'" }

// quoteIdent quotes an identifier that may be qualified ("db.table").
func quoteIdent(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = "`" + strings.ReplaceAll(p, "`", "``") + "`"
	}
	return strings.Join(parts, ".")
}

// quoteString makes a string literal for statements that cannot take placeholders
// (CREATE USER). Backslashes are escapes unless the session's sql_mode says otherwise.
func quoteString(s string, noBackslashEscapes bool) string {
	if !noBackslashEscapes {
		s = strings.ReplaceAll(s, `\`, `\\`)
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
