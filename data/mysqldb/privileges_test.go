package mysqldb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"matomo-audit/data/dbtest"
	"matomo-audit/data/source"
)

// privilegesDB is Matomo 5's user, access and site tables with what
// Privileges must keep and leave: view rows (in any case), a NULL role,
// rows of a deleted site, a row whose login has no account, an undated
// account, a zero date.
func privilegesDB(t *testing.T) (dsn, dbName string, srv *dbtest.Server) {
	t.Helper()
	srv = dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	for _, stmt := range []string{
		dbtest.ActivityLogDDL("matomo_"), dbtest.UserDDLMatomo5("matomo_"), dbtest.AccessDDL("matomo_"), dbtest.SiteDDL("matomo_"),
		"INSERT INTO matomo_user (login, password, email, superuser_access, date_registered) VALUES " +
			"('alice', 'x', 'alice@example.org', 1, '2025-01-02 03:04:05'), ('ivan.k', 'x', 'ivan@example.org', 1, '2026-11-10 10:00:00'), " +
			"('bob', 'x', 'bob@example.org', 0, '2025-06-01 08:00:00'), ('carol', 'x', 'carol@example.org', 0, NULL), " +
			"('dave', 'x', 'dave@example.org', 0, '2026-01-01 00:00:00')",
		"INSERT INTO matomo_site (idsite, name, main_url) VALUES (1, 'Shop', 'https://shop.example'), (2, 'Blog \"&\" news', 'https://blog.example')",
		"INSERT INTO matomo_access (login, idsite, access) VALUES ('bob', 1, 'admin'), ('bob', 2, 'view'), ('carol', 2, 'write'), " +
			"('carol', 2, 'tagmanager_write'), ('ghost', 1, 'admin'), ('bob', 9, 'admin'), ('dave', 1, 'VIEW'), ('dave', 2, NULL), ('Bob', 2, 'write')",
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%v\n%s", err, stmt)
		}
	}
	dbtest.InsertRows(t, db, "matomo_activity_log", []dbtest.Row{{ID: 1, Login: "alice", Type: "ActivityLog/UserSignedIn", Params: "a:0:{}", TS: "2026-11-01 10:00:00"}})
	return dsn, dbtest.DBName(dsn), srv
}

func TestPrivileges(t *testing.T) {
	dsn, dbName, srv := privilegesDB(t)
	ctx := context.Background()
	day := func(s string) time.Time {
		ts, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	want := source.PrivilegeSet{
		SuperUsers: []source.SuperUser{{Login: "alice", Registered: day("2025-01-02 03:04:05")}, {Login: "ivan.k", Registered: day("2026-11-10 10:00:00")}},
		Access: []source.SiteAccess{
			{Login: "bob", Site: 1, SiteName: "Shop", Access: "admin", Registered: day("2025-06-01 08:00:00")},
			{Login: "Bob", Site: 2, SiteName: `Blog "&" news`, Access: "write", Registered: day("2025-06-01 08:00:00")},
			{Login: "carol", Site: 2, SiteName: `Blog "&" news`, Access: "tagmanager_write"},
			{Login: "carol", Site: 2, SiteName: `Blog "&" news`, Access: "write"},
			{Login: "ghost", Site: 1, SiteName: "Shop", Access: "admin"},
		},
	}
	check := func(t *testing.T, s *Source) {
		t.Helper()
		got, err := s.Privileges(ctx)
		if err != nil || fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
			t.Errorf("Privileges = %+v, %v\nwant %+v", got, err, want)
		}
	}
	t.Run("full grant", func(t *testing.T) { check(t, open(t, dsn, "")) })
	t.Run("exactly the columns it reads", func(t *testing.T) {
		userDSN := srv.CreateUser(t, dsn, "privexact", secret,
			"GRANT SELECT ON `"+dbName+"`.matomo_activity_log TO %s",
			"GRANT SELECT (login, superuser_access, date_registered) ON `"+dbName+"`.matomo_user TO %s",
			"GRANT SELECT (login, idsite, access) ON `"+dbName+"`.matomo_access TO %s",
			"GRANT SELECT (idsite, name) ON `"+dbName+"`.matomo_site TO %s")
		check(t, open(t, userDSN, ""))
	})
	t.Run("the read-only account of before: every grant it lacks, in one line", func(t *testing.T) {
		userDSN := srv.CreateUser(t, dsn, "privnone", secret,
			"GRANT SELECT ON `"+dbName+"`.matomo_activity_log TO %s",
			"GRANT SELECT (login, email, superuser_access, invite_token) ON `"+dbName+"`.matomo_user TO %s")
		s := open(t, userDSN, "")
		set, err := s.Privileges(ctx)
		var setup *source.SetupError
		if !errors.As(err, &setup) || strings.Contains(err.Error(), "\n") || len(set.SuperUsers)+len(set.Access) != 0 {
			t.Fatalf("Privileges without the grants: %+v, %v", set, err)
		}
		acct := s.account()
		for _, grant := range []string{
			"GRANT SELECT (login, superuser_access, date_registered) ON `" + dbName + "`.`matomo_user` TO " + acct,
			"GRANT SELECT (login, idsite, access) ON `" + dbName + "`.`matomo_access` TO " + acct,
			"GRANT SELECT (idsite, name) ON `" + dbName + "`.`matomo_site` TO " + acct,
		} {
			if !strings.Contains(err.Error(), grant) {
				t.Errorf("%q does not say %q", err, grant)
			}
		}
		if !strings.Contains(acct, "privnone_") {
			t.Errorf("the grants name the account %s", acct)
		}
	})
	t.Run("only the access table missing", func(t *testing.T) {
		userDSN := srv.CreateUser(t, dsn, "privsite", secret,
			"GRANT SELECT ON `"+dbName+"`.matomo_activity_log TO %s",
			"GRANT SELECT (login, superuser_access, date_registered) ON `"+dbName+"`.matomo_user TO %s",
			"GRANT SELECT (idsite, name) ON `"+dbName+"`.matomo_site TO %s")
		_, err := open(t, userDSN, "").Privileges(ctx)
		if err == nil || !strings.Contains(err.Error(), "may not read the columns needed of matomo_access: GRANT SELECT (login, idsite, access)") || strings.Contains(err.Error(), "matomo_site") {
			t.Errorf("Privileges: %v", err)
		}
	})
}

// TestPrivilegesNoTables: a database with only the log says which
// tables are not there.
func TestPrivilegesNoTables(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	if _, err := db.Exec(dbtest.ActivityLogDDL("matomo_")); err != nil {
		t.Fatal(err)
	}
	_, err := open(t, dsn, "").Privileges(context.Background())
	var setup *source.SetupError
	if !errors.As(err, &setup) || err.Error() != "there is no table matomo_user; there is no table matomo_access; there is no table matomo_site" {
		t.Errorf("Privileges: %v", err)
	}
}
