package mysqldb

import (
	"context"
	"errors"
	"strings"
	"testing"

	"matomo-audit/data/activity"
	"matomo-audit/data/dbtest"
	"matomo-audit/data/source"
	"matomo-audit/data/sourcetest"
)

// usersDB is a Matomo 5 user table (an accepted super user, a plain user,
// a pending invite) and events by several spellings of their logins.
func usersDB(t *testing.T) (dsn, dbName string, srv *dbtest.Server) {
	t.Helper()
	srv = dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	for _, ddl := range []string{dbtest.ActivityLogDDL("matomo_"), dbtest.UserDDLMatomo5("matomo_")} {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatal(err)
		}
	}
	for _, stmt := range []string{
		"INSERT INTO matomo_user (login, password, email, superuser_access) VALUES ('alice', 'x', 'alice@example.org', 1)",
		"INSERT INTO matomo_user (login, password, email) VALUES ('bob', 'x', 'bob@example.org')",
		"INSERT INTO matomo_user (login, password, email, invited_by, invite_token) VALUES ('judy', 'x', 'judy@example.org', 'alice', 'abc123')",
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	var rows []dbtest.Row
	for i, login := range []string{"alice", "Alice", "ALICE", "bob", "judy", "mallory", "Matomo System"} {
		rows = append(rows, dbtest.Row{ID: uint64(i + 1), Login: login, Type: "ActivityLog/UserSignInFailed", Params: "a:0:{}", TS: "2026-11-20 10:00:00"})
	}
	dbtest.InsertRows(t, db, "matomo_activity_log", rows)
	return dsn, dbtest.DBName(dsn), srv
}

func TestUserMarks(t *testing.T) {
	dsn, dbName, srv := usersDB(t)
	ctx := context.Background()
	want := map[string]activity.UserInfo{
		"alice":         {Kind: activity.UserCurrent, Email: "alice@example.org", SuperUser: true},
		"Alice":         {Kind: activity.UserCurrent, Email: "alice@example.org", SuperUser: true, Account: "alice"},
		"ALICE":         {Kind: activity.UserCurrent, Email: "alice@example.org", SuperUser: true, Account: "alice"},
		"bob":           {Kind: activity.UserCurrent, Email: "bob@example.org"},
		"judy":          {Kind: activity.UserInvited, Email: "judy@example.org"},
		"mallory":       {Kind: activity.UserGone},
		"Matomo System": {Kind: activity.UserSystem},
	}
	check := func(t *testing.T, s *Source, want map[string]activity.UserInfo) {
		t.Helper()
		for _, e := range sourcetest.Stream(t, s, nil) {
			if e.User != want[e.Login] {
				t.Errorf("%q: %+v, want %+v", e.Login, e.User, want[e.Login])
			}
		}
	}

	t.Run("full read", func(t *testing.T) {
		s := open(t, dsn, "")
		check(t, s, want)
		users, err := s.Users(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var judy, alice bool
		for _, u := range users {
			judy = judy || u.Login == "judy" && u.Invited
			alice = alice || u.Login == "alice" && u.SuperUser && !u.Invited
		}
		if !judy || !alice || len(users) != 3 {
			t.Errorf("users %+v", users)
		}
		if p := s.UserTableProblem(); p != "" {
			t.Errorf("problem %q with a full grant", p)
		}
	})
	t.Run("grant without invite_token: marks, but no invites", func(t *testing.T) {
		userDSN := srv.CreateUser(t, dsn, "noinv", secret,
			"GRANT SELECT ON `"+dbName+"`.matomo_activity_log TO %s",
			"GRANT SELECT (login, email, superuser_access) ON `"+dbName+"`.matomo_user TO %s")
		s := open(t, userDSN, "")
		w := map[string]activity.UserInfo{}
		for k, v := range want {
			w[k] = v
		}
		w["judy"] = activity.UserInfo{Kind: activity.UserCurrent, Email: "judy@example.org"}
		check(t, s, w)
		if p := s.UserTableProblem(); p != "" {
			t.Errorf("problem %q with a column grant", p)
		}
	})
	t.Run("no grant on the user table: marks off, and why", func(t *testing.T) {
		userDSN := srv.CreateUser(t, dsn, "nouser", secret, "GRANT SELECT ON `"+dbName+"`.matomo_activity_log TO %s")
		s := open(t, userDSN, "")
		p := s.UserTableProblem()
		if !strings.Contains(p, "GRANT SELECT (login, email, superuser_access, invite_token) ON `"+dbName+"`.`matomo_user`") {
			t.Errorf("problem %q does not say which grant enables the marks", p)
		}
		for _, e := range sourcetest.Stream(t, s, nil) {
			if e.User.Kind != activity.UserUnchecked && !e.User.Kind.Pseudo() {
				t.Errorf("%q marked %+v without the user table", e.Login, e.User)
			}
		}
		if users, err := s.Users(ctx); err != nil || users != nil {
			t.Errorf("users %v, %v", users, err)
		}
	})
}

func TestAccount(t *testing.T) {
	dsn, dbName, srv := usersDB(t)
	ctx := context.Background()
	lookups := []struct {
		login string
		want  source.User
		found bool
	}{
		{"alice", source.User{Login: "alice", Email: "alice@example.org", SuperUser: true}, true},
		{"bob", source.User{Login: "bob", Email: "bob@example.org"}, true},
		{"judy", source.User{Login: "judy", Email: "judy@example.org", Invited: true}, true},
		// The column's collation decides, as in Matomo: the stored login
		// comes back.
		{"ALICE", source.User{Login: "alice", Email: "alice@example.org", SuperUser: true}, true},
		{"Bob", source.User{Login: "bob", Email: "bob@example.org"}, true},
		{"mallory", source.User{}, false},
		{"Matomo System", source.User{}, false},
		{"", source.User{}, false},
		{"a%", source.User{}, false},
	}
	run := func(t *testing.T, s *Source, invites bool) {
		t.Helper()
		for _, c := range lookups {
			got, found, err := s.Account(ctx, c.login)
			want := c.want
			if !invites {
				want.Invited = false
			}
			if err != nil || found != c.found || got != want {
				t.Errorf("Account(%q) = %+v, %v, %v; want %+v, %v", c.login, got, found, err, want, c.found)
			}
		}
	}
	t.Run("full grant", func(t *testing.T) { run(t, open(t, dsn, ""), true) })
	t.Run("grant without invite_token", func(t *testing.T) {
		userDSN := srv.CreateUser(t, dsn, "accnoinv", secret,
			"GRANT SELECT ON `"+dbName+"`.matomo_activity_log TO %s",
			"GRANT SELECT (login, email, superuser_access) ON `"+dbName+"`.matomo_user TO %s")
		run(t, open(t, userDSN, ""), false)
	})
	t.Run("the exact grant serve needs", func(t *testing.T) {
		userDSN := srv.CreateUser(t, dsn, "accexact", secret,
			"GRANT SELECT ON `"+dbName+"`.matomo_activity_log TO %s",
			"GRANT SELECT (login, email, superuser_access, invite_token) ON `"+dbName+"`.matomo_user TO %s")
		run(t, open(t, userDSN, ""), true)
	})
	t.Run("no grant: an error naming the grant", func(t *testing.T) {
		userDSN := srv.CreateUser(t, dsn, "accnone", secret, "GRANT SELECT ON `"+dbName+"`.matomo_activity_log TO %s")
		s := open(t, userDSN, "")
		_, found, err := s.Account(ctx, "alice")
		var setup *source.SetupError
		if found || !errors.As(err, &setup) || strings.Contains(err.Error(), "\n") ||
			!strings.Contains(err.Error(), "GRANT SELECT (login, email, superuser_access, invite_token) ON `"+dbName+"`.`matomo_user`") {
			t.Errorf("Account without a grant: found %v, err %v", found, err)
		}
	})
}

// TestAccountBeforeMatomo5: a user table without invite_token has no
// pending invites.
func TestAccountBeforeMatomo5(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	for _, stmt := range []string{dbtest.ActivityLogDDL("matomo_"), dbtest.UserDDL("matomo_"),
		"INSERT INTO matomo_user (login, password, email, superuser_access) VALUES ('carol', 'x', 'carol@example.org', 0)"} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	s := open(t, dsn, "")
	got, found, err := s.Account(context.Background(), "Carol")
	if want := (source.User{Login: "carol", Email: "carol@example.org"}); err != nil || !found || got != want {
		t.Errorf("Account(Carol) = %+v, %v, %v", got, found, err)
	}
}
