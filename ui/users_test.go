package ui

import (
	"context"
	"net/netip"
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

// Addresses are shown whole or not at all: two attackers in one IPv6 /64
// must look different; the country gives way first.
func TestIPColumn(t *testing.T) {
	ip := func(s string) []byte { return netip.MustParseAddr(s).AsSlice() }
	rows := []activity.Row{
		{ID: 1, Login: "a", Type: "ActivityLog/UserSignInFailed", Params: "a:0:{}", Created: "2026-11-20 10:00:00", IP: ip("2001:db8:85a3:1234:5678:8a2e:370:7334"), Country: "de", HasCountry: true},
		{ID: 2, Login: "b", Type: "ActivityLog/UserSignInFailed", Params: "a:0:{}", Created: "2026-11-20 10:01:00", IP: ip("2001:db8:85a3:1234:5678:8a2e:370:7335"), Country: "fr", HasCountry: true},
		{ID: 3, Login: "c", Type: "ActivityLog/UserSignInFailed", Params: "a:0:{}", Created: "2026-11-20 10:02:00", IP: ip("203.0.113.66"), Country: "ru", HasCountry: true},
	}
	rowsOf := func(v string) []string {
		var out []string
		for _, l := range strings.Split(v, "\n") {
			if strings.Contains(l, "failed to sign in") && !strings.Contains(l, "what") {
				out = append(out, l)
			}
		}
		return out
	}
	for _, c := range []struct {
		w              int
		ips, countries bool
	}{{120, true, true}, {110, true, false}, {100, false, false}, {90, false, false}} {
		m := newModel(t, demo.FromRows(rows, nil), theme.NoColor(), c.w, 40)
		lines := rowsOf(plainView(m))
		if len(lines) != 3 {
			t.Fatalf("%d: %d rows", c.w, len(lines))
		}
		for i, want := range []string{"2001:db8:85a3:1234:5678:8a2e:370:7334", "2001:db8:85a3:1234:5678:8a2e:370:7335", "203.0.113.66"} {
			l := lines[i]
			if got := strings.Contains(l, want+" "); got != c.ips {
				t.Errorf("width %d: address %s shown %v, want %v: %q", c.w, want, got, c.ips, l)
			}
			if !c.ips && strings.Contains(l, "2001:") || strings.Contains(l, "…") {
				t.Errorf("width %d: a cut address: %q", c.w, l)
			}
			if got := strings.Contains(l, " "+[]string{"de", "fr", "ru"}[i]+" "); got != c.countries {
				t.Errorf("width %d: country shown %v, want %v: %q", c.w, got, c.countries, l)
			}
		}
	}
}
