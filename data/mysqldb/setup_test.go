package mysqldb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/activity"
	"matomo-audit/data/dbtest"
	"matomo-audit/data/source"
	"matomo-audit/data/sourcetest"
)

const secret = "Pa55-word;x"

// expectSetup asserts a one-line *source.SetupError that mentions every
// hint and never the password.
func expectSetup(t *testing.T, err error, hints ...string) {
	t.Helper()
	var se *source.SetupError
	if !errors.As(err, &se) {
		t.Fatalf("got %T %v, want *source.SetupError", err, err)
	}
	msg := se.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("error spans lines: %q", msg)
	}
	if strings.Contains(msg, secret) || strings.Contains(msg, "Pa55") {
		t.Errorf("error shows the password: %q", msg)
	}
	for _, h := range hints {
		if !strings.Contains(msg, h) {
			t.Errorf("error %q does not mention %q", msg, h)
		}
	}
}

func withPassword(dsn, user, pass string) string {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		panic(err)
	}
	cfg.User, cfg.Passwd = user, pass
	return cfg.FormatDSN()
}

func TestSetupErrors(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	dbtest.LoadSQLFile(t, db, dbtest.FixturePath(t, "activity_log_sample.sql"))
	dbName := dbtest.DBName(dsn)
	ctx := context.Background()

	t.Run("wrong prefix lists the tables that exist", func(t *testing.T) {
		_, err := Open(ctx, Options{DSN: dsn, Prefix: "piwik_"})
		expectSetup(t, err, "piwik_activity_log", dbName, `prefix "piwik_"`, "matomo_activity_log", "--prefix matomo_")
	})
	t.Run("no activity_log table at all", func(t *testing.T) {
		emptyDSN, _ := srv.NewDatabase(t)
		_, err := Open(ctx, Options{DSN: emptyDSN})
		expectSetup(t, err, "matomo_activity_log", "ActivityLog plugin", "GRANT SELECT")
	})
	t.Run("wrong password", func(t *testing.T) {
		userDSN := srv.CreateUser(t, dsn, "aud", secret, "GRANT SELECT ON `"+dbName+"`.* TO %s")
		cfg, _ := mysql.ParseDSN(userDSN)
		_, err := Open(ctx, Options{DSN: withPassword(userDSN, cfg.User, "not-"+secret)})
		expectSetup(t, err, "access denied", cfg.User, "password")
	})
	t.Run("missing SELECT grant", func(t *testing.T) {
		userDSN := srv.CreateUser(t, dsn, "nosel", secret, "GRANT SELECT ON `"+dbName+"`.matomo_site TO %s")
		_, err := Open(ctx, Options{DSN: userDSN})
		expectSetup(t, err, "GRANT SELECT ON `"+dbName+"`.`matomo_activity_log`")
	})
	t.Run("minimal grant works; user marks need the user table", func(t *testing.T) {
		userDSN := srv.CreateUser(t, dsn, "minimal", secret, "GRANT SELECT ON `"+dbName+"`.matomo_activity_log TO %s")
		s, err := Open(ctx, Options{DSN: userDSN})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ev := sourcetest.Stream(t, s, nil)
		if len(ev) != 171 || ev[0].User.Kind != activity.UserUnchecked || s.UsersReadable() {
			t.Fatalf("%d events, first user %+v, users readable %v", len(ev), ev[0].User, s.UsersReadable())
		}
	})
	t.Run("column grant on the user table is enough for marks", func(t *testing.T) {
		userDSN := srv.CreateUser(t, dsn, "cols", secret,
			"GRANT SELECT ON `"+dbName+"`.matomo_activity_log TO %s",
			"GRANT SELECT (login, email, superuser_access) ON `"+dbName+"`.matomo_user TO %s")
		s, err := Open(ctx, Options{DSN: userDSN})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ev := sourcetest.Stream(t, s, sourcetest.Filter(t, "user:alice,admin"))
		if !s.UsersReadable() || ev[0].User.Kind != activity.UserCurrent && ev[0].User.Kind != activity.UserGone {
			t.Fatalf("marks unavailable with a column grant: %+v", ev[0].User)
		}
		for _, e := range ev {
			want := activity.UserGone
			if e.Login == "alice" {
				want = activity.UserCurrent
			}
			if e.User.Kind != want {
				t.Errorf("%q marked %v, want %v", e.Login, e.User.Kind, want)
			}
		}
	})
	t.Run("no access to the database", func(t *testing.T) {
		userDSN := srv.CreateUser(t, dsn, "nodb", secret)
		_, err := Open(ctx, Options{DSN: userDSN})
		expectSetup(t, err, dbName)
	})
	t.Run("unknown database", func(t *testing.T) {
		cfg, _ := mysql.ParseDSN(dsn)
		cfg.DBName = "no_such_db_xyz"
		_, err := Open(ctx, Options{DSN: cfg.FormatDSN()})
		expectSetup(t, err, `"no_such_db_xyz" does not exist`)
	})
}

func TestUnreachable(t *testing.T) {
	ctx := context.Background()
	// A port nobody listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = Open(ctx, Options{DSN: "audit:" + secret + "@tcp(" + addr + ")/matomo"})
	expectSetup(t, err, "connection refused", addr)

	_, err = Open(ctx, Options{DSN: "audit:" + secret + "@tcp(no-such-host.invalid:3306)/matomo"})
	expectSetup(t, err, "unknown database host", "no-such-host.invalid")

	sock := filepath.Join(t.TempDir(), "none.sock")
	_, err = Open(ctx, Options{DSN: "audit:" + secret + "@unix(" + sock + ")/matomo"})
	expectSetup(t, err, "no MySQL socket at "+sock)

	_, err = Open(ctx, Options{DSN: "audit:" + secret + "@tcp(127.0.0.1:3306/matomo"})
	expectSetup(t, err, "malformed DSN")
	_, err = Open(ctx, Options{DSN: "audit:" + secret + "@tcp(127.0.0.1:3306)/"})
	expectSetup(t, err, "names no database")

	// A listener that accepts and never speaks: the dial timeout must
	// end it with a clear line, not a hang.
	l, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	cfgDSN := "audit:" + secret + "@tcp(" + l.Addr().String() + ")/matomo?timeout=1s&readTimeout=1s"
	start := time.Now()
	_, err = Open(ctx, Options{DSN: cfgDSN})
	if err == nil || time.Since(start) > 20*time.Second {
		t.Fatalf("silent server: %v after %s", err, time.Since(start))
	}
	if strings.Contains(err.Error(), secret) {
		t.Fatalf("error shows the password: %v", err)
	}
}

// TestMatomoConfigSocket: the common Debian setup: the socket path in
// `port`, an old "piwik_" prefix, nothing else given.
func TestMatomoConfigSocket(t *testing.T) {
	srv := dbtest.StartPrivate(t)
	dsn, db := srv.NewDatabase(t)
	cfg, _ := mysql.ParseDSN(dsn)
	if cfg.Net != "unix" {
		t.Fatalf("private server should listen on a socket, got %s", cfg.Net)
	}
	if _, err := db.Exec(dbtest.ActivityLogDDL("piwik_")); err != nil {
		t.Fatal(err)
	}
	dbtest.InsertRows(t, db, "piwik_activity_log", []dbtest.Row{{ID: 1, Login: "alice", Type: "ActivityLog/UserSignedIn", Params: "a:0:{}", TS: "2026-11-20 10:00:00"}})
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "config"), 0o755)
	conf := fmt.Sprintf("; <?php exit; ?> DO NOT REMOVE THIS LINE\n[database]\nhost = \"\"\nusername = %q\npassword = \"\"\ndbname = %q\ntables_prefix = \"piwik_\"\nport = %q\n\n[General]\nsalt = \"x\"\ntrusted_hosts[] = \"matomo.example\"\n",
		cfg.User, cfg.DBName, cfg.Addr)
	os.WriteFile(filepath.Join(dir, "config", "config.ini.php"), []byte(conf), 0o640)
	for _, path := range []string{dir, filepath.Join(dir, "config", "config.ini.php")} {
		s, err := Open(context.Background(), Options{MatomoPath: path})
		if err != nil {
			t.Fatalf("--matomo %s: %v", path, err)
		}
		ev := sourcetest.Stream(t, s, nil)
		if len(ev) != 1 || ev[0].Login != "alice" || !strings.Contains(s.Label(), "unix("+cfg.Addr+")") {
			t.Fatalf("read %d events from %s", len(ev), s.Label())
		}
		s.Close()
	}
	// Discovery from a sub-folder of the install.
	sub := filepath.Join(dir, "plugins", "X")
	os.MkdirAll(sub, 0o755)
	s, err := Open(context.Background(), Options{Cwd: sub})
	if err != nil {
		t.Fatalf("discovery from %s: %v", sub, err)
	}
	s.Close()
	_, err = Open(context.Background(), Options{MatomoPath: filepath.Join(dir, "nope")})
	expectSetup(t, err, filepath.Join(dir, "nope"))
}
