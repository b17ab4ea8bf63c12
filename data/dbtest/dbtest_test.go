package dbtest_test

import (
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func openAdmin(t *testing.T, s *dbtest.Server) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", s.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func schemaExists(t *testing.T, admin *sql.DB, name string) bool {
	t.Helper()
	var n int
	if err := admin.QueryRow("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

func TestSharedIsOneServerUnderParallelTests(t *testing.T) {
	var mu sync.Mutex
	seen := map[*dbtest.Server]bool{}
	t.Run("group", func(t *testing.T) {
		for i := range 8 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				s := dbtest.Shared(t)
				mu.Lock()
				seen[s] = true
				mu.Unlock()
			})
		}
	})
	if len(seen) != 1 {
		t.Fatalf("parallel tests got %d servers, want 1", len(seen))
	}
	for s := range seen {
		if cfg, err := mysql.ParseDSN(s.DSN); err != nil || (cfg.Passwd != "" && strings.Contains(s.String(), cfg.Passwd)) {
			t.Errorf("DSN unparseable (%v) or String() shows the password", err)
		}
		t.Logf("shared server: %v (private: %v)", s, s.Private)
		if os.Getenv("MATOMO_AUDIT_TEST_DSN") == "" && !s.Private {
			t.Errorf("without MATOMO_AUDIT_TEST_DSN the shared server should be private")
		}
	}
}

func TestNewDatabaseIsolatedAndDropped(t *testing.T) {
	s := dbtest.Shared(t)
	admin := openAdmin(t, s)
	var names []string
	t.Run("a very long sub-test name that does not fit into a MariaDB database name of 64 characters", func(t *testing.T) {
		dsn1, db1 := s.NewDatabase(t)
		dsn2, db2 := s.NewDatabase(t)
		n1, n2 := dbtest.DBName(dsn1), dbtest.DBName(dsn2)
		names = append(names, n1, n2)
		if n1 == n2 || n1 == "" {
			t.Fatalf("database names %q and %q: want two distinct names", n1, n2)
		}
		for _, n := range names {
			if len(n) > 64 || !strings.HasPrefix(n, "mat_testnewdatabaseisolatedanddropped_a_very_long") {
				t.Errorf("database name %q: want at most 64 chars, derived from the test name", n)
			}
		}
		if _, err := db1.Exec("CREATE TABLE t (x INT); INSERT INTO t VALUES (1), (2)"); err != nil {
			t.Fatalf("multi-statement on the returned pool: %v", err)
		}
		var tables int
		if err := db2.QueryRow("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()").Scan(&tables); err != nil {
			t.Fatal(err)
		}
		if tables != 0 {
			t.Errorf("second database sees %d tables, want 0", tables)
		}
		// The DSN (not only the pool) must reach the database, without multiStatements.
		if strings.Contains(dsn1, "multiStatements") {
			t.Errorf("returned DSN enables multiStatements: the product should not get it for free")
		}
		other, err := sql.Open("mysql", dsn1)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = other.Close() }()
		var sum int
		if err := other.QueryRow("SELECT SUM(x) FROM t").Scan(&sum); err != nil || sum != 3 {
			t.Fatalf("via DSN: sum=%d err=%v, want 3", sum, err)
		}
		for _, n := range names {
			if !schemaExists(t, admin, n) {
				t.Errorf("database %s does not exist during the test", n)
			}
		}
	})
	for _, n := range names {
		if schemaExists(t, admin, n) {
			t.Errorf("database %s still exists after its test ended", n)
		}
	}
}

// wantColumns is what MariaDB reports for the DDL, in order: name and COLUMN_TYPE,
// nullability, default.
var wantActivityColumns = []string{
	"id bigint(20) unsigned NO <nil>",
	"user_login varchar(100) NO <nil>",
	"type varchar(255) NO <nil>",
	"parameters longtext NO <nil>",
	"ts_created timestamp NO current_timestamp()",
	"country char(3) YES NULL",
	"ip varbinary(16) YES NULL",
}

func columns(t *testing.T, db *sql.DB, table string) []string {
	t.Helper()
	rows, err := db.Query(`SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT FROM information_schema.COLUMNS
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`, table)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var out []string
	for rows.Next() {
		var name, typ, null string
		var def sql.NullString
		if err := rows.Scan(&name, &typ, &null, &def); err != nil {
			t.Fatal(err)
		}
		d := "<nil>"
		if def.Valid {
			d = def.String
		}
		out = append(out, fmt.Sprintf("%s %s %s %s", name, typ, null, d))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func showCreate(t *testing.T, db *sql.DB, table string) string {
	t.Helper()
	var name, ddl string
	if err := db.QueryRow("SHOW CREATE TABLE `"+table+"`").Scan(&name, &ddl); err != nil {
		t.Fatal(err)
	}
	return ddl
}

func TestDDL(t *testing.T) {
	s := dbtest.Shared(t)
	_, db := s.NewDatabase(t)
	for _, ddl := range []string{dbtest.ActivityLogDDL("piwik_"), dbtest.UserDDL("piwik_"), dbtest.SiteDDL("piwik_"), dbtest.AccessDDL("piwik_"), dbtest.ActivityLogDDLBefore31("old_")} {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatalf("%v\n%s", err, ddl)
		}
	}
	if got := columns(t, db, "piwik_activity_log"); strings.Join(got, "\n") != strings.Join(wantActivityColumns, "\n") {
		t.Errorf("activity_log columns:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantActivityColumns, "\n"))
	}
	if got, want := columns(t, db, "old_activity_log"), wantActivityColumns[:5]; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("pre-3.1 activity_log columns:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	create := showCreate(t, db, "piwik_activity_log")
	for _, want := range []string{"PRIMARY KEY (`id`)", "ENGINE=InnoDB", "CHARSET=utf8mb4", "ROW_FORMAT=DYNAMIC", "AUTO_INCREMENT"} {
		if !strings.Contains(create, want) {
			t.Errorf("SHOW CREATE TABLE lacks %q:\n%s", want, create)
		}
	}
	if strings.Contains(create, "KEY `") {
		t.Errorf("activity_log must have no index besides the primary key:\n%s", create)
	}
	if got := columns(t, db, "piwik_user"); len(got) != 7 || !strings.HasPrefix(got[0], "login varchar(100) NO") {
		t.Errorf("user columns: %q", got)
	}
	if got := columns(t, db, "piwik_site"); len(got) != 9 || !strings.HasPrefix(got[0], "idsite int(10) unsigned NO") {
		t.Errorf("site columns: %q", got)
	}
	if got := columns(t, db, "piwik_access"); len(got) != 4 || !strings.HasPrefix(got[1], "login varchar(100) NO") {
		t.Errorf("access columns: %q", got)
	}
}

// The DDL functions promise the same tables as the fixture file.
func TestDDLMatchesFixture(t *testing.T) {
	s := dbtest.Shared(t)
	_, fromDDL := s.NewDatabase(t)
	_, fromFixture := s.NewDatabase(t)
	for _, ddl := range []string{dbtest.ActivityLogDDL("matomo_"), dbtest.UserDDL("matomo_"), dbtest.SiteDDL("matomo_")} {
		if _, err := fromDDL.Exec(ddl); err != nil {
			t.Fatal(err)
		}
	}
	dbtest.LoadSQLFile(t, fromFixture, dbtest.FixturePath(t, "activity_log_sample.sql"))
	for _, table := range []string{"matomo_activity_log", "matomo_user", "matomo_site"} {
		a := stripAutoIncrement(showCreate(t, fromDDL, table))
		b := stripAutoIncrement(showCreate(t, fromFixture, table))
		if a != b {
			t.Errorf("%s differs.\nDDL:\n%s\nfixture:\n%s", table, a, b)
		}
	}
}

func stripAutoIncrement(ddl string) string {
	fields := strings.Fields(ddl)
	out := fields[:0]
	for _, f := range fields {
		if !strings.HasPrefix(f, "AUTO_INCREMENT=") {
			out = append(out, f)
		}
	}
	return strings.Join(out, " ")
}

func TestLoadSQLFileFixture(t *testing.T) {
	s := dbtest.Shared(t)
	_, db := s.NewDatabase(t)
	path := dbtest.FixturePath(t, "activity_log_sample.sql")
	start := time.Now()
	dbtest.LoadSQLFile(t, db, path)
	t.Logf("loaded %s in %v", filepath.Base(path), time.Since(start).Round(time.Millisecond))

	for table, want := range map[string]int{"matomo_activity_log": 171, "matomo_user": 4, "matomo_site": 5} {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%s: %d rows, want %d", table, n, want)
		}
	}

	var login, typ, params, ts, country string
	var ip []byte
	if err := db.QueryRow("SELECT user_login, type, parameters, ts_created, country, ip FROM matomo_activity_log WHERE id = 1").
		Scan(&login, &typ, &params, &ts, &country, &ip); err != nil {
		t.Fatal(err)
	}
	addr, _ := netip.AddrFromSlice(ip)
	got := fmt.Sprintf("%s|%s|%s|%s|%s", login, typ, ts, country, addr)
	if want := "erin@example.org|ActivityLog/AnnotationAdded|2026-11-01 08:21:18|FR|10.1.2.3"; got != want {
		t.Errorf("row 1 = %s\nwant   %s", got, want)
	}
	if !strings.HasPrefix(params, `a:1:{s:5:"items";a:2:{`) || !strings.Contains(params, `s:15:"Tracking outage"`) {
		t.Errorf("row 1 parameters = %q", params)
	}
	var name string
	if err := db.QueryRow("SELECT name FROM matomo_site WHERE idsite = 5").Scan(&name); err != nil || name != "Status page" {
		t.Errorf("site 5 name = %q, %v", name, err)
	}
}

func TestCreateUserGrants(t *testing.T) {
	s := dbtest.Shared(t)
	dsn, db := s.NewDatabase(t)
	dbtest.LoadSQLFile(t, db, dbtest.FixturePath(t, "activity_log_sample.sql"))
	admin := openAdmin(t, s)

	const fakePassword = `fake-pw 'quoted' \back`
	var user string
	t.Run("user", func(t *testing.T) {
		roDSN := s.CreateUser(t, dsn, "audit_ro", fakePassword,
			"GRANT SELECT ON `"+dbtest.DBName(dsn)+"`.`matomo_activity_log` TO %s")
		cfg, err := mysql.ParseDSN(roDSN)
		if err != nil {
			t.Fatal(err)
		}
		user = cfg.User
		if !strings.HasPrefix(user, "audit_ro_") || cfg.DBName != dbtest.DBName(dsn) || cfg.Passwd != fakePassword {
			t.Fatalf("user DSN: user %q db %q password %q", cfg.User, cfg.DBName, cfg.Passwd)
		}
		ro, err := sql.Open("mysql", roDSN)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = ro.Close() }()
		var n int
		if err := ro.QueryRow("SELECT COUNT(*) FROM matomo_activity_log").Scan(&n); err != nil || n != 171 {
			t.Fatalf("granted SELECT: n=%d err=%v", n, err)
		}
		err = ro.QueryRow("SELECT COUNT(*) FROM matomo_user").Scan(&n)
		var me *mysql.MySQLError
		if !errors.As(err, &me) || me.Number != 1142 {
			t.Fatalf("SELECT on a table not granted: err=%v, want MySQL error 1142", err)
		}
		if _, err := ro.Exec("DELETE FROM matomo_activity_log"); !errors.As(err, &me) || me.Number != 1142 {
			t.Fatalf("DELETE: err=%v, want MySQL error 1142", err)
		}
	})
	var n int
	if err := admin.QueryRow("SELECT COUNT(*) FROM mysql.user WHERE User = ?", user).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("user %s has %d accounts left after the test, want 0", user, n)
	}
}

func TestStartPrivateWithOptions(t *testing.T) {
	t.Parallel()
	var sock string
	t.Run("server", func(t *testing.T) {
		start := time.Now()
		s := dbtest.StartPrivate(t, "--default-time-zone=+05:00")
		t.Logf("private server up in %v", time.Since(start).Round(time.Millisecond))
		if !s.Private || !strings.Contains(s.DSN, "@unix(") {
			t.Fatalf("private server %v: Private=%v", s, s.Private)
		}
		cfg, _ := mysql.ParseDSN(s.DSN)
		sock = cfg.Addr
		if len(sock) > 100 {
			t.Errorf("socket path %q is too long for a unix socket", sock)
		}
		_, db := s.NewDatabase(t)
		var tz string
		if err := db.QueryRow("SELECT @@global.time_zone").Scan(&tz); err != nil {
			t.Fatal(err)
		}
		if tz != "+05:00" {
			t.Errorf("@@global.time_zone = %q, want +05:00", tz)
		}
		// A literal sent and read in the default session zone comes back unchanged (what
		// Matomo relies on), while the stored instant is shifted by the zone.
		if _, err := db.Exec(dbtest.ActivityLogDDL("matomo_")); err != nil {
			t.Fatal(err)
		}
		dbtest.InsertRows(t, db, "matomo_activity_log", []dbtest.Row{{ID: 7, Login: "alice", Type: "ActivityLog/UserSignedIn", Params: "a:0:{}", TS: "2026-11-01 08:00:00"}})
		var ts string
		var unix int64
		if err := db.QueryRow("SELECT ts_created, UNIX_TIMESTAMP(ts_created) FROM matomo_activity_log WHERE id = 7").Scan(&ts, &unix); err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC).Unix(); ts != "2026-11-01 08:00:00" || unix != want {
			t.Errorf("read back %q (unix %d), want the same literal and unix %d", ts, unix, want)
		}
	})
	if _, err := os.Stat(filepath.Dir(sock)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("private server dir %s still there after its test (err=%v)", filepath.Dir(sock), err)
	}
}

func TestInsertRows(t *testing.T) {
	s := dbtest.Shared(t)
	_, db := s.NewDatabase(t)
	if _, err := db.Exec(dbtest.ActivityLogDDL("matomo_") + ";" + dbtest.ActivityLogDDLBefore31("old_")); err != nil {
		t.Fatal(err)
	}
	const n = 10000
	de := "de"
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	rows := make([]dbtest.Row, n)
	for i := range rows {
		r := dbtest.Row{
			ID:     uint64(i + 1),
			Login:  fmt.Sprintf("user%d", i%10),
			Type:   "ActivityLog/UserSignedIn",
			Params: fmt.Sprintf(`a:1:{s:5:"items";a:1:{i:0;a:2:{s:4:"type";s:4:"user";s:4:"data";a:2:{s:5:"login";s:5:"user%d";s:5:"email";s:17:"user%d@example.org";}}}}`, i%10, i%10),
			TS:     base.Add(time.Duration(i) * time.Minute).Format(time.DateTime),
		}
		switch i % 3 {
		case 0:
			r.Country, r.IP = &de, []byte{203, 0, 113, byte(i)}
		case 1:
			r.IP = netip.MustParseAddr("2001:db8::1").AsSlice()
		}
		rows[i] = r
	}
	// Bytes that are not text and quotes must arrive unchanged.
	rows[42].Login = "o'brien \\ \"x\" é\x01"
	rows[43].Params = ""

	start := time.Now()
	dbtest.InsertRows(t, db, "matomo_activity_log", rows)
	t.Logf("inserted %d rows in %v", n, time.Since(start).Round(time.Millisecond))

	var count, countries, nullIPs int
	if err := db.QueryRow("SELECT COUNT(*), COUNT(country), SUM(ip IS NULL) FROM matomo_activity_log").Scan(&count, &countries, &nullIPs); err != nil {
		t.Fatal(err)
	}
	if count != n || countries != (n+2)/3 || nullIPs != n/3 {
		t.Errorf("count=%d countries=%d nullIPs=%d, want %d %d %d", count, countries, nullIPs, n, (n+2)/3, n/3)
	}
	for _, i := range []int{0, 1, 2, 42, 43, 9999} {
		want := rows[i]
		var got dbtest.Row
		var country sql.NullString
		if err := db.QueryRow("SELECT id, user_login, type, parameters, ts_created, country, ip FROM matomo_activity_log WHERE id = ?", want.ID).
			Scan(&got.ID, &got.Login, &got.Type, &got.Params, &got.TS, &country, &got.IP); err != nil {
			t.Fatal(err)
		}
		if country.Valid {
			got.Country = &country.String
		}
		if g, w := fmt.Sprintf("%d|%q|%s|%q|%s|%v|%v", got.ID, got.Login, got.Type, got.Params, got.TS, deref(got.Country), got.IP),
			fmt.Sprintf("%d|%q|%s|%q|%s|%v|%v", want.ID, want.Login, want.Type, want.Params, want.TS, deref(want.Country), want.IP); g != w {
			t.Errorf("row %d:\n got %s\nwant %s", i, g, w)
		}
	}

	// Pre-3.1 tables have no country and ip; AUTO_INCREMENT picks ids for ID 0.
	dbtest.InsertRows(t, db, "old_activity_log", []dbtest.Row{
		{Login: "alice", Type: "ActivityLog/UserSignedIn", Params: "a:0:{}", TS: "2017-01-01 00:00:00"},
		{Login: "bob", Type: "ActivityLog/UserSignedOff", Params: "N;", TS: "2017-01-01 00:00:01"},
	})
	var maxID int
	if err := db.QueryRow("SELECT MAX(id) FROM old_activity_log").Scan(&maxID); err != nil || maxID != 2 {
		t.Errorf("pre-3.1 table: max id %d, err %v; want 2", maxID, err)
	}
}

func deref(s *string) string {
	if s == nil {
		return "<NULL>"
	}
	return *s
}

func TestFixturePath(t *testing.T) {
	p := dbtest.FixturePath(t, "activity_log_sample.sql")
	if !filepath.IsAbs(p) || filepath.Base(filepath.Dir(p)) != "fixtures" {
		t.Errorf("FixturePath = %q", p)
	}
}
