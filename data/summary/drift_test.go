package summary

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"matomo-audit/data/activity"
	"matomo-audit/data/dbtest"
	"matomo-audit/data/demo"
	"matomo-audit/data/mysqldb"
	php "matomo-audit/data/phpser"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/internal/termsafe"
)

// driftFixture is a month of log (it began 30 days before now) and the
// Matomo tables of today, each row there for a reason:
//   - mallory, registered two days ago, made super user and admin on the
//     shop by SQL: no grant in the log (listed first, both);
//   - erin, registered three days ago, holds write on the shop, and the
//     log's grant of it is 25 days old: an earlier account of that login
//     (listed);
//   - a hostile login given admin by SQL a day ago (listed, made safe);
//   - bob's admin on the shop is granted in the log (not listed);
//   - carol's admin on the blog was granted, removed and granted again
//     (not listed: a grant is a grant);
//   - Dave's capability was granted to "DAVE" (not listed: logins compare
//     without case);
//   - alice, a super user older than the log, with no grant (listed
//     apart); heidi, older too, granted write 28 days ago, before the
//     part of the log read (listed apart); grace, older, granted admin in
//     the part read (not listed); judy, undated (listed apart);
//   - view rows, and a row of a site that is gone (not listed).
func driftFixture() ([]activity.Row, []demo.User, []demo.Access, []demo.Site) {
	day := 24 * time.Hour
	began := now.Add(-30 * day)
	var rows []activity.Row
	add := func(at time.Time, login, typ string, p php.Value) {
		rows = append(rows, activity.Row{Login: login, Type: typ, Params: string(php.Encode(p)), Created: at.UTC().Format(time.DateTime)})
	}
	for at := began; at.Before(now); at = at.Add(6 * time.Hour) {
		add(at, "alice", "ActivityLog/UserSignedIn", php.List())
	}
	item := func(typ string, data php.Value) php.Value {
		return php.Map(php.Pair("type", php.Str(typ)), php.Pair("data", data))
	}
	user := func(login string) php.Value {
		return item("user", php.Map(php.Pair("login", php.Str(login)), php.Pair("email", php.Str("x@example.org"))))
	}
	site := func(id int64) php.Value {
		return item("measurable", php.Map(php.Pair("id", php.Int(id)), php.Pair("name", php.Str("site"))))
	}
	access := func(at time.Time, login string, id int64, role string) {
		add(at, "alice", activity.TypeSiteAccessChanged, php.Map(php.Pair("items", php.List(user(login), site(id),
			item("access", php.Map(php.Pair("access", php.Str(role))))))))
	}
	access(now.Add(-28*day), "heidi", 1, "write")
	access(now.Add(-25*day), "erin", 1, "write")
	access(now.Add(-20*day+time.Hour), "bob", 1, "admin")
	access(now.Add(-15*day), "grace", 2, "admin")
	access(now.Add(-9*day), "carol", 2, "admin")
	access(now.Add(-8*day), "carol", 2, "noaccess")
	access(now.Add(-5*day), "carol", 2, "admin")
	add(now.Add(-6*day), "alice", activity.TypeCapabilitiesAdded, php.Map(php.Pair("items", php.List(user("DAVE"), site(1),
		item("capability", php.Map(php.Pair("id", php.Str("tagmanager_write"))))))))
	// Removing super-user access is no grant of it.
	add(now.Add(-36*time.Hour), "alice", activity.TypeSuperUserAccess, php.Map(php.Pair("has_access", php.Str("0")), php.Pair("items", php.List(user("mallory")))))
	sortRows(rows)
	for i := range rows {
		rows[i].ID = uint64(i + 1)
	}

	reg := func(d time.Duration) time.Time { return now.Add(-d).Truncate(time.Second) }
	users := []demo.User{
		{Login: "alice", Email: "alice@example.org", SuperUser: true, Registered: reg(400 * day)},
		{Login: "bob", Email: "bob@example.org", Registered: reg(20 * day)},
		{Login: "carol", Email: "carol@example.org", Registered: reg(10 * day)},
		{Login: "Dave", Email: "dave@example.org", Registered: reg(7 * day)},
		{Login: "erin", Email: "erin@example.org", Registered: reg(3 * day)},
		{Login: "grace", Email: "grace@example.org", Registered: reg(100 * day)},
		{Login: "heidi", Email: "heidi@example.org", Registered: reg(200 * day)},
		{Login: "ivan", Email: "ivan@example.org", Registered: reg(day)},
		{Login: "judy", Email: "judy@example.org"},
		{Login: "mallory", Email: "mallory@example.org", SuperUser: true, Registered: reg(2 * day)},
		{Login: hostile, Email: "hostile@example.org", Registered: reg(day)},
	}
	acc := []demo.Access{
		{Login: "mallory", Site: 1, Access: "admin"}, {Login: "erin", Site: 1, Access: "write"}, {Login: hostile, Site: 2, Access: "admin"},
		{Login: "bob", Site: 1, Access: "admin"}, {Login: "bob", Site: 2, Access: "view"}, {Login: "carol", Site: 2, Access: "admin"},
		{Login: "Dave", Site: 1, Access: "view"}, {Login: "Dave", Site: 1, Access: "tagmanager_write"},
		{Login: "heidi", Site: 1, Access: "write"}, {Login: "grace", Site: 2, Access: "admin"}, {Login: "judy", Site: 1, Access: "admin"},
		{Login: "ivan", Site: 1, Access: "view"}, {Login: "ivan", Site: 9, Access: "admin"},
	}
	sites := []demo.Site{{ID: 1, Name: "Shop"}, {ID: 2, Name: "Blog"}}
	return rows, users, acc, sites
}

// loadMatomo loads a database with the log and Matomo's user, access and
// site tables as a demo source holds them.
func loadMatomo(t *testing.T, rows []activity.Row, users []demo.User, acc []demo.Access, sites []demo.Site) (dsn string, db *sql.DB) {
	t.Helper()
	dsn, db = dbtest.Shared(t).NewDatabase(t)
	for _, ddl := range []string{dbtest.ActivityLogDDL("matomo_"), dbtest.UserDDLMatomo5("matomo_"), dbtest.AccessDDL("matomo_"), dbtest.SiteDDL("matomo_")} {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatal(err)
		}
	}
	dbtest.InsertRows(t, db, "matomo_activity_log", dbtest.FromActivity(rows))
	for _, u := range users {
		var reg, token any
		if !u.Registered.IsZero() {
			reg = u.Registered.UTC().Format(time.DateTime)
		}
		if u.Invited {
			token = "invite-" + u.Login
		}
		if _, err := db.Exec("INSERT INTO matomo_user (login, password, email, superuser_access, date_registered, invite_token) VALUES (?, 'x', ?, ?, ?, ?)",
			u.Login, u.Email, u.SuperUser, reg, token); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range acc {
		if _, err := db.Exec("INSERT INTO matomo_access (login, idsite, access) VALUES (?, ?, ?)", a.Login, a.Site, a.Access); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range sites {
		if _, err := db.Exec("INSERT INTO matomo_site (idsite, name, main_url) VALUES (?, ?, 'https://example.org')", s.ID, s.Name); err != nil {
			t.Fatal(err)
		}
	}
	return dsn, db
}

func openMy(t *testing.T, dsn string) *mysqldb.Source {
	t.Helper()
	my, err := mysqldb.Open(context.Background(), mysqldb.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { my.Close() })
	return my
}

// sameReports runs both sources over the usual windows and compares the
// whole reports.
func sameReports(t *testing.T, my, ref source.Source, at time.Time) Report {
	t.Helper()
	var all Report
	for _, w := range []Window{{}, All} {
		got, err := Run(context.Background(), my, Options{Window: w, Now: at})
		if err != nil || !got.Complete {
			t.Fatalf("%s: %v", w.Name, err)
		}
		want, err := Run(context.Background(), ref, Options{Window: w, Now: at})
		if err != nil {
			t.Fatal(err)
		}
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if string(gj) != string(wj) {
			t.Fatalf("%q: MariaDB and the demo source differ:\n%s\n%s", w.Name, gj, wj)
		}
		all = got
	}
	return all
}

func TestDriftOnMariaDBAndDemo(t *testing.T) {
	rows, users, acc, sites := driftFixture()
	dsn, _ := loadMatomo(t, rows, users, acc, sites)
	ref := demo.FromRows(rows, users)
	ref.SetAccess(acc...)
	r := sameReports(t, openMy(t, dsn), ref, now)
	d := r.Drift
	var got []string
	for _, e := range d.Entries {
		reg := "undated"
		if e.Registered != nil {
			reg = now.Sub(*e.Registered).Round(time.Hour).String()
		}
		got = append(got, fmt.Sprintf("%s %s %d before=%v %s", e.Login, e.Privilege, e.SiteID, e.BeforeLog, reg))
	}
	want := []string{
		"mallory superuser 0 before=false 48h0m0s",
		hostile + " admin 2 before=false 24h0m0s", // its fold sorts before erin's
		"erin write 1 before=false 72h0m0s",
		"mallory admin 1 before=false 48h0m0s",
		"alice superuser 0 before=true 9600h0m0s",
		"heidi write 1 before=true 4800h0m0s",
		"judy admin 1 before=true undated",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Read from bob's registration (the oldest of the accounts younger
	// than the log), less the margin: 7 of the 9 grant events.
	if d.Problem != "" || d.Checked != 11 || d.GrantEvents != 7 || d.GrantsFrom == nil || !d.GrantsFrom.Equal(now.Add(-20*24*time.Hour-disorder)) ||
		d.LogBegan == nil || !d.LogBegan.Equal(now.Add(-30*24*time.Hour)) {
		t.Errorf("drift %+v", d)
	}
	if e := d.Entries[0]; e.Query != "user:mallory" || e.SiteName != "" {
		t.Errorf("first entry %+v", e)
	}
	if e := d.Entries[2]; e.SiteName != "Shop" || e.What() != `write on site "Shop" (1)` {
		t.Errorf("erin's entry %+v reads %q", e, e.What())
	}

	// The section and its JSON, as a ticket gets them.
	var text bytes.Buffer
	writeDrift(&text, &d, func(t time.Time) string { return t.UTC().Format(time.DateTime) })
	js, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	// Regenerate with: go test ./data/summary -run TestDriftOnMariaDBAndDemo -update
	golden.RequireEqual(t, text.String()+"\n"+string(js)+"\n")
	for _, l := range strings.Split(text.String(), "\n") {
		if termsafe.Clean(l) != l {
			t.Errorf("the section holds what a terminal would act on: %q", l)
		}
	}
}

// TestDriftWithoutGrants: the read-only account of the README before
// this section reads the log and its user marks, not the access and
// site tables: the section says which grants to add and is skipped, and
// the rest of the report is what it is with every grant.
func TestDriftWithoutGrants(t *testing.T) {
	rows, users, acc, sites := driftFixture()
	dsn, _ := loadMatomo(t, rows, users, acc, sites)
	db := dbtest.DBName(dsn)
	ro := dbtest.Shared(t).CreateUser(t, dsn, "driftro", "pw-driftro",
		"GRANT SELECT ON `"+db+"`.matomo_activity_log TO %s",
		"GRANT SELECT (login, email, superuser_access, invite_token) ON `"+db+"`.matomo_user TO %s")
	full, err := Run(context.Background(), openMy(t, dsn), Options{Window: All, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Run(context.Background(), openMy(t, ro), Options{Window: All, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	d := got.Drift
	for _, grant := range []string{
		"GRANT SELECT (login, superuser_access, date_registered) ON `" + db + "`.`matomo_user`",
		"GRANT SELECT (login, idsite, access) ON `" + db + "`.`matomo_access`",
		"GRANT SELECT (idsite, name) ON `" + db + "`.`matomo_site`",
	} {
		if !strings.HasPrefix(d.Problem, "skipped: ") || !strings.Contains(d.Problem, grant) {
			t.Errorf("problem %q does not say %q", d.Problem, grant)
		}
	}
	if len(d.Entries) != 0 || d.Checked != 0 || d.GrantEvents != 0 {
		t.Errorf("drift without the grants: %+v", d)
	}
	var text bytes.Buffer
	if err := WriteText(&text, &got, time.UTC); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "\nPrivileges without a trail: skipped: this account may not read the columns needed of matomo_user, matomo_access, matomo_site: GRANT SELECT (login, superuser_access, date_registered) ON ") {
		t.Errorf("text:\n%s", text.String())
	}
	got.Drift, full.Drift = Drift{}, Drift{}
	if gj, fj := fmt.Sprint(got), fmt.Sprint(full); gj != fj {
		t.Errorf("the rest of the report changed without the grants:\n%s\n%s", gj, fj)
	}
}

// TestDemoDrift: the generated demo has its story of drift (ivan.k, made
// super user with no grant; accounts older than the log apart), and
// MariaDB loaded with its rows and tables tells the same.
func TestDemoDrift(t *testing.T) {
	src := demoSource()
	users, acc, sites := src.Matomo()
	dsn, _ := loadMatomo(t, src.Rows(), users, acc, sites)
	r := sameReports(t, openMy(t, dsn), src, now)
	d := r.Drift
	if d.Problem != "" || d.Unexplained() != 1 || d.Entries[0].Login != "ivan.k" || d.Entries[0].Privilege != activity.AccessSuperUser || len(d.Entries) < 3 {
		t.Fatalf("demo drift %+v", d)
	}
	for _, e := range d.Entries[1:] {
		if !e.BeforeLog {
			t.Errorf("demo entry %+v is not of an account older than the log", e)
		}
	}
}

// TestWriteDriftHostile: whatever the tables hold reaches the terminal
// made safe, and the login column keeps its width.
func TestWriteDriftHostile(t *testing.T) {
	reg := now.Add(-time.Hour)
	d := Drift{Entries: []DriftEntry{
		{Login: hostile, Privilege: "admin", SiteID: 3, SiteName: "\x1b[2J\u202eShop", Registered: &reg},
		{Login: "bob", Privilege: "tagmanager_write\x07", SiteID: 1, SiteName: "Shop", BeforeLog: true},
	}, Checked: 2}
	var b bytes.Buffer
	writeDrift(&b, &d, func(t time.Time) string { return t.UTC().Format(time.DateTime) })
	out := b.String()
	lines := strings.Split(out, "\n")
	for _, l := range lines {
		if termsafe.Clean(l) != l || strings.ContainsAny(l, "\x1b\x07\u202e\r") {
			t.Errorf("unsafe line %q", l)
		}
	}
	at := func(l, word string) int { return ansi.StringWidth(l[:strings.Index(l, word)]) }
	if at(lines[2], "admin") != 2+24+1 || at(lines[4], "capability") != 2+24+1 {
		t.Errorf("the login column is not 24 cells wide:\n%s", out)
	}
	if !strings.Contains(lines[2], "no grant in the log") || !strings.Contains(lines[4], "no registration date") {
		t.Errorf("section:\n%s", out)
	}
	for checked, want := range map[int]string{0: "\nPrivileges without a trail (none: 0 privileges checked, the log is empty)\n",
		3: "\nPrivileges without a trail (none: 3 privileges checked, the log is empty)\n"} {
		var b bytes.Buffer
		writeDrift(&b, &Drift{Checked: checked}, nil)
		if b.String() != want {
			t.Errorf("no entries of %d: %q", checked, b.String())
		}
	}
	for _, p := range []string{"stopped before it was done", source.ErrSuperUsersOnly.Error()} {
		var b bytes.Buffer
		writeDrift(&b, &Drift{Problem: p}, nil)
		if b.String() != "\nPrivileges without a trail: "+p+"\n" {
			t.Errorf("problem %q written as %q", p, b.String())
		}
	}
}

// TestDriftSameWhetherCarried: a report of the whole log with no query
// carries the grant events for the section, which then reads none
// itself; with a query, or a window, the section reads them on its own.
// Both ways give the same section, on MariaDB and on the demo source.
func TestDriftSameWhetherCarried(t *testing.T) {
	rows, users, acc, sites := driftFixture()
	dsn, _ := loadMatomo(t, rows, users, acc, sites)
	ref := demo.FromRows(rows, users)
	ref.SetAccess(acc...)
	others, err := query.Parse("-user:nobody")
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]source.Source{"mariadb": openMy(t, dsn), "demo": ref} {
		var want string
		for i, o := range []Options{{Window: All}, {Window: All, Query: others}, {}, {Window: Window{Name: "7d", Span: 7 * 24 * time.Hour}}} {
			o.Now = now
			r, err := Run(context.Background(), src, o)
			if err != nil || !r.Complete {
				t.Fatalf("%s %d: %v", name, i, err)
			}
			js, _ := json.Marshal(r.Drift)
			if i == 0 {
				want = string(js)
				if r.Drift.GrantEvents != 7 || len(r.Drift.Entries) != 7 {
					t.Fatalf("%s: carried section %s", name, js)
				}
			} else if string(js) != want {
				t.Errorf("%s: the section read on its own (%+v) differs from the carried one:\n%s\n%s", name, o, js, want)
			}
		}
	}
}

// TestDriftIndex: a MariaDB source with a state folder remembers where
// the grant events are, and the next report reads those rows again by id
// and only the newer part of the table; the rows are judged as they are
// then, so an index that lost an id, holds one that is no grant, or
// names a row deleted since can only list more, never less.
func TestDriftIndex(t *testing.T) {
	rows, users, acc, sites := driftFixture()
	dsn, db := loadMatomo(t, rows, users, acc, sites)
	dir := t.TempDir()
	open := func() *mysqldb.Source {
		my, err := mysqldb.Open(context.Background(), mysqldb.Options{DSN: dsn, StateDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { my.Close() })
		return my
	}
	section := func(my *mysqldb.Source) (Drift, []string) {
		t.Helper()
		r, err := Run(context.Background(), my, Options{Now: now}) // 24h: read on its own
		if err != nil || !r.Complete || r.Drift.Problem != "" {
			t.Fatalf("%v %+v", err, r.Drift)
		}
		var logins []string
		for _, e := range r.Drift.Entries {
			logins = append(logins, e.Login+" "+e.Privilege)
		}
		return r.Drift, logins
	}
	fresh, want := section(openMy(t, dsn)) // no state folder: the table read
	my := open()
	first, got := section(my)
	if !slices.Equal(got, want) || first.GrantEvents != fresh.GrantEvents {
		t.Fatalf("with a new index: %q (%d grants), without: %q (%d)", got, first.GrantEvents, want, fresh.GrantEvents)
	}
	span, ok := my.LoadGrants()
	if !ok || len(span.Grants) != 7 || span.Upto != uint64(len(rows)) {
		t.Fatalf("index after the first report: %+v %v", span, ok)
	}
	if _, got = section(open()); !slices.Equal(got, want) {
		t.Fatalf("from the index: %q, want %q", got, want)
	}

	// bob's grant lost from the index, a sign-in put in its place with
	// its hashes: bob is listed, the sign-in, read again, is no grant.
	var bobGrant, signIn uint64
	for _, r := range rows {
		if r.Type == activity.TypeSiteAccessChanged && strings.Contains(r.Params, `"bob"`) {
			bobGrant = r.ID
		}
		if r.Type == "ActivityLog/UserSignedIn" && r.ID > span.From {
			signIn = r.ID
		}
	}
	var gs []source.IndexedGrant
	for _, g := range span.Grants {
		if g.ID == bobGrant {
			g.ID = signIn
		}
		gs = append(gs, g)
	}
	if err := my.SaveGrants(source.GrantSpan{From: span.From, Upto: span.Upto, Grants: gs}); err != nil {
		t.Fatal(err)
	}
	d, got := section(open())
	if !slices.Contains(got, "bob admin") || len(got) != len(want)+1 || d.GrantEvents != fresh.GrantEvents-1 {
		t.Fatalf("index without bob's grant: %q (%d grants)", got, d.GrantEvents)
	}

	// The index whole again, and carol's last grant deleted from the
	// table: carol has her earlier grant, and is still explained; Dave's
	// only one deleted: Dave is listed.
	if err := my.SaveGrants(span); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DELETE FROM matomo_activity_log WHERE type = ?", activity.TypeCapabilitiesAdded); err != nil {
		t.Fatal(err)
	}
	if _, got = section(open()); !slices.Contains(got, "Dave tagmanager_write") || len(got) != len(want)+1 {
		t.Fatalf("a grant deleted since the index: %q", got)
	}
	// A grant committed after the index was written is read with the
	// rest of the table after it.
	grant := rows[len(rows)-1]
	for _, r := range rows {
		if r.Type == activity.TypeCapabilitiesAdded {
			grant = r
		}
	}
	grant.ID, grant.Created = uint64(len(rows)+1), now.Add(-time.Hour).Format(time.DateTime)
	dbtest.InsertRows(t, db, "matomo_activity_log", dbtest.FromActivity([]activity.Row{grant}))
	if _, got = section(open()); !slices.Equal(got, want) {
		t.Fatalf("a grant after the index: %q, want %q", got, want)
	}
	if span, _ = my.LoadGrants(); span.Upto != uint64(len(rows)+1) || span.Grants[len(span.Grants)-1].ID != grant.ID {
		t.Fatalf("index after the new grant: %+v", span)
	}

	// A file that is not an index is none.
	files, _ := os.ReadDir(dir)
	if len(files) != 1 {
		t.Fatalf("state folder holds %v", files)
	}
	if err := os.WriteFile(filepath.Join(dir, files[0].Name()), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, got = section(open()); !slices.Equal(got, want) {
		t.Fatalf("with a broken index: %q, want %q", got, want)
	}
	if info, err := os.Stat(filepath.Join(dir, files[0].Name())); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("index file rewritten as %v, %v", info.Mode(), err)
	}
}

// TestDriftIndexFromWholeLog: a report of the whole log leaves the index
// of every grant event it carried, for the shorter windows after it.
func TestDriftIndexFromWholeLog(t *testing.T) {
	rows, users, acc, sites := driftFixture()
	dsn, _ := loadMatomo(t, rows, users, acc, sites)
	my, err := mysqldb.Open(context.Background(), mysqldb.Options{DSN: dsn, StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer my.Close()
	if r, err := Run(context.Background(), my, Options{Window: All, Now: now}); err != nil || r.Drift.GrantEvents != 7 {
		t.Fatalf("%v %+v", err, r.Drift)
	}
	var want []uint64
	for _, r := range rows {
		if slices.Contains(activity.GrantTypes, r.Type) {
			want = append(want, r.ID)
		}
	}
	span, ok := my.LoadGrants()
	var got []uint64
	for _, g := range span.Grants {
		got = append(got, g.ID)
	}
	if !ok || span.From != 1 || span.Upto != uint64(len(rows)) || !slices.Equal(got, want) {
		t.Fatalf("index %+v %v, want ids %v", span, ok, want)
	}
}

// slowPrivileges holds the privileges back until the report says it
// waits for them.
type slowPrivileges struct {
	*demo.Source
	release chan struct{}
}

func (s slowPrivileges) Privileges(ctx context.Context) (source.PrivilegeSet, error) {
	<-s.release
	return s.Source.Privileges(ctx)
}

// TestProgressWhilePrivilegesChecked: once the window is read, a report
// still comparing privileges with the log's grants says so.
func TestProgressWhilePrivilegesChecked(t *testing.T) {
	rows, users, acc, _ := driftFixture()
	ref := demo.FromRows(rows, users)
	ref.SetAccess(acc...)
	src := slowPrivileges{Source: ref, release: make(chan struct{})}
	var got []Progress
	r, err := Run(context.Background(), src, Options{Window: All, Now: now, Progress: func(p Progress) {
		got = append(got, p)
		if p.Privileges {
			close(src.release)
		}
	}})
	if err != nil || !r.Complete {
		t.Fatal(err)
	}
	last := got[len(got)-1]
	if !last.Privileges || last.Done != last.Total || last.Total != uint64(len(rows)) || last.Events != r.Total {
		t.Fatalf("progress %+v", got)
	}
	if r.Drift.Problem != "" || r.Drift.GrantEvents != 7 {
		t.Fatalf("section %+v", r.Drift)
	}
}
