package mysqldb

import (
	"testing"

	"matomo-audit/data/activity"
	"matomo-audit/data/dbtest"
	"matomo-audit/data/sourcetest"
)

// TestRestricted runs the restricted-session table on MariaDB, with
// Matomo 5's user table under its default _ci collation: the same answers
// as the in-memory source gives (data/source's test).
func TestRestricted(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	for _, ddl := range []string{dbtest.ActivityLogDDL("matomo_"), dbtest.UserDDLMatomo5("matomo_")} {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range sourcetest.RestrictUsers() {
		var token any
		if u.Invited {
			token = "invite-" + u.Login
		}
		if _, err := db.Exec("INSERT INTO matomo_user (login, password, email, superuser_access, invite_token) VALUES (?, 'x', ?, ?, ?)",
			u.Login, u.Email, u.SuperUser, token); err != nil {
			t.Fatal(err)
		}
	}
	dbtest.InsertRows(t, db, "matomo_activity_log", dbtest.FromActivity(sourcetest.RestrictRows()))
	s := open(t, dsn, "")
	sourcetest.CheckRestricted(t, s, func(t testing.TB, rows ...activity.Row) {
		dbtest.InsertRows(t, db, "matomo_activity_log", dbtest.FromActivity(rows))
	})
}
