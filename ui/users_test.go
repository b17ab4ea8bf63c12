package ui

import (
	"context"
	"strings"
	"testing"

	"matomo-audit/data/activity"
	"matomo-audit/data/dbtest"
	"matomo-audit/data/demo"
	"matomo-audit/data/mysqldb"
	"matomo-audit/theme"
)

// Pending invites are marked as such, never as current users, in the
// detail pane and the user picker; another spelling of a login is its
// account.
func TestInvitedAndSpelledUsers(t *testing.T) {
	rows := []activity.Row{
		{ID: 1, Login: "Judy", Type: "ActivityLog/UserSignInFailed", Params: "a:0:{}", Created: "2026-11-20 10:00:00"},
		{ID: 2, Login: "ALICE", Type: "ActivityLog/UserSignInFailed", Params: "a:0:{}", Created: "2026-11-20 10:01:00"},
	}
	users := []demo.User{{Login: "alice", Email: "alice@example.org", SuperUser: true}, {Login: "judy", Email: "judy@example.org", Invited: true}}
	m := newModel(t, demo.FromRows(rows, users), theme.NoColor(), 160, 30)
	press(t, m, "enter")
	v := plainView(m)
	for _, want := range []string{"ALICE", "current user · account alice · super user · alice@example.org"} {
		if !strings.Contains(v, want) {
			t.Errorf("detail lacks %q:\n%s", want, v)
		}
	}
	press(t, m, "enter", "k", "enter")
	if v := plainView(m); !strings.Contains(v, "invited, not accepted (no one has signed in with it) · account judy") || strings.Contains(v, "current user") {
		t.Errorf("invited user's detail:\n%s", v)
	}
	press(t, m, "enter", "U")
	if v := plainView(m); !strings.Contains(v, "judy (invited, not accepted · also Judy)") {
		t.Errorf("picker does not mark the invite:\n%s", v)
	}
}

// Without a grant on the user table the status bar and the detail pane say
// that user marks are off, and which grant turns them on.
func TestUserMarksOff(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	dbtest.LoadSQLFile(t, db, dbtest.FixturePath(t, "activity_log_sample.sql"))
	name := dbtest.DBName(dsn)
	userDSN := srv.CreateUser(t, dsn, "nomarks", "pw", "GRANT SELECT ON `"+name+"`.matomo_activity_log TO %s")
	src, err := mysqldb.Open(context.Background(), mysqldb.Options{DSN: userDSN})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	m := newModel(t, src, theme.NoColor(), 200, 40)
	if e := m.current(); e == nil || e.User.Kind.Pseudo() {
		press(t, m, "k")
	}
	v := plainView(m)
	if !strings.Contains(v, "user marks off: this account may not read matomo_user") {
		t.Errorf("status bar does not say user marks are off:\n%s", lastLines(v, 2))
	}
	press(t, m, "enter") // the detail alone, so its lines read as one text
	if v := strings.Join(strings.Fields(plainView(m)), " "); !strings.Contains(v, "user marks are off: this account may not read matomo_user: GRANT SELECT (login, email, superuser_access, invite_token)") {
		t.Errorf("detail pane does not say why:\n%s", v)
	}
}
