package matomoconf_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/dbtest"
	"matomo-audit/data/matomoconf"
	"matomo-audit/data/mysqldb"
	"matomo-audit/data/sourcetest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestMatomoEncodedConfigConnects is the "done when": a
// config.ini.php as Matomo saves it - entity-encoded password, socket path
// in port, empty host - next to the real global.ini.php connects through
// --matomo DIR alone and reads the log.
func TestMatomoEncodedConfigConnects(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	const prefix = "m&a_"
	if _, err := db.Exec(dbtest.ActivityLogDDL(prefix)); err != nil {
		t.Fatal(err)
	}
	dbtest.InsertRows(t, db, prefix+"activity_log", []dbtest.Row{
		{ID: 1, Login: "alice", Type: "ActivityLog/UserSignedIn", Params: "a:0:{}", TS: "2026-11-20 10:00:00"},
	})
	var serverSocket string
	if err := db.QueryRow("SELECT @@socket").Scan(&serverSocket); err != nil {
		t.Fatal(err)
	}
	// A socket path that needs encoding, leading to the server's own.
	socket := filepath.Join(t.TempDir(), "my sock & é$", "mysqld.sock")
	if len(socket) > 100 {
		t.Fatalf("temporary socket path %s is too long for a unix socket: set TMPDIR to a shorter folder", socket)
	}
	if err := os.Mkdir(filepath.Dir(socket), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(serverSocket, socket); err != nil {
		t.Fatal(err)
	}
	dbName := dbtest.DBName(dsn)
	grant := "GRANT SELECT ON `" + dbName + "`.* TO %s"

	for _, pw := range []string{
		`Tr0ub4dor$3&<é>"x`,
		// Survives Matomo's save and read unchanged (a "\\" or an entity
		// with its ";" would not: Matomo itself reads those differently).
		`中文😀 üß 'q' ;# \t x\y ${HOME} &#x41 &amp end\`,
	} {
		cfg, err := mysql.ParseDSN(srv.CreateUser(t, dsn, "enc", pw, grant))
		if err != nil {
			t.Fatal(err)
		}
		root := t.TempDir()
		writeFile(t, filepath.Join(root, "config", "global.ini.php"), matomoconf.RealGlobalIni(t))
		writeFile(t, filepath.Join(root, "config", "config.ini.php"),
			"; <?php exit; ?> DO NOT REMOVE THIS LINE\n"+
				"; file automatically generated or modified by Matomo; you can manually override the default values in global.ini.php by redefining them in this file.\n"+
				"[database]\n"+
				matomoconf.MatomoWrites("host", "")+
				matomoconf.MatomoWrites("username", cfg.User)+
				matomoconf.MatomoWrites("password", pw)+
				matomoconf.MatomoWrites("dbname", dbName)+
				matomoconf.MatomoWrites("tables_prefix", prefix)+
				matomoconf.MatomoWrites("port", socket)+
				matomoconf.MatomoWrites("charset", "utf8mb4")+
				"\n[General]\n"+matomoconf.MatomoWrites("salt", "0123456789abcdef0123456789abcdef")+"\n")

		st, err := matomoconf.Load(root)
		if err != nil {
			t.Fatal(err)
		}
		if st.Password != pw || st.Socket != socket || st.Prefix != prefix {
			t.Fatalf("Load read %s, socket %q", st, st.Socket)
		}
		if strings.Contains(st.String(), pw) {
			t.Errorf("String() shows the password: %s", st)
		}

		s, err := mysqldb.Open(context.Background(), mysqldb.Options{MatomoPath: root})
		if err != nil {
			t.Fatalf("--matomo %s: %v", root, err)
		}
		ev := sourcetest.Stream(t, s, nil)
		if len(ev) != 1 || ev[0].Login != "alice" || !strings.Contains(s.Label(), "unix("+socket+")") {
			t.Errorf("read %d events from %s", len(ev), s.Label())
		}
		if strings.Contains(s.Label(), pw) {
			t.Errorf("Label() shows the password: %s", s.Label())
		}
		s.Close()
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o640); err != nil {
		t.Fatal(err)
	}
}
