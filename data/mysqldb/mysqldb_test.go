package mysqldb

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/dbtest"
	"matomo-audit/data/demo"
	"matomo-audit/data/phpser"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/data/sourcetest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func open(t *testing.T, dsn string, prefix string) *Source {
	t.Helper()
	s, err := Open(context.Background(), Options{DSN: dsn, Prefix: prefix})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

type expectedRow struct {
	ID       uint64          `json:"id"`
	Time     string          `json:"time"`
	User     string          `json:"user"`
	Type     string          `json:"type"`
	IP       *string         `json:"ip"`
	Country  *string         `json:"country"`
	ParamsOK bool            `json:"parameters_ok"`
	Params   json.RawMessage `json:"parameters"`
}

func loadExpected(t *testing.T) []expectedRow {
	f, err := os.Open(dbtest.FixturePath(t, "activity_log_sample.expected.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []expectedRow
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r expectedRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// jsonEqual compares two JSON documents by value.
func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

// checkFixture reads every fixture row back through the MySQL source and
// compares it with what PHP decoded.
func checkFixture(t *testing.T, s *Source) {
	t.Helper()
	want := loadExpected(t)
	got := sourcetest.Stream(t, s, nil)
	if len(got) != len(want) || len(got) != 171 {
		t.Fatalf("read %d rows, fixture has %d (want 171)", len(got), len(want))
	}
	current := map[string]bool{"alice": true, "bob": true, "carol": true, "erin@example.org": true}
	for i, e := range got {
		w := want[i]
		if e.ID != w.ID || e.Time.Format(time.RFC3339) != w.Time || e.Login != w.User || e.Type != w.Type {
			t.Fatalf("row %d: %d %s %q %q, want %d %s %q %q", i, e.ID, e.Time.Format(time.RFC3339), e.Login, e.Type, w.ID, w.Time, w.User, w.Type)
		}
		if w.IP == nil && e.IPText() != "" || w.IP != nil && e.IPText() != *w.IP {
			t.Errorf("id %d: ip %q, want %v", e.ID, e.IPText(), w.IP)
		}
		if w.Country == nil && e.Country != "" || w.Country != nil && e.Country != strings.ToLower(*w.Country) {
			t.Errorf("id %d: country %q, want %v", e.ID, e.Country, w.Country)
		}
		if !e.ParamsOK() || !jsonEqual(phpser.AppendJSON(nil, e.Params), w.Params) {
			t.Errorf("id %d: parameters %s, want %s (%v)", e.ID, phpser.AppendJSON(nil, e.Params), w.Params, e.ParamsErr)
		}
		if spec, ok := activity.Lookup(e.Type); !ok || e.Description == "" || e.Category != spec.Category {
			t.Errorf("id %d: %s has no specific description: %q", e.ID, e.Type, e.Description)
		}
		switch {
		case e.User.Kind.Pseudo():
			if e.Login != activity.LoginSystem && e.Login != activity.LoginConsole {
				t.Errorf("id %d: %q marked pseudo", e.ID, e.Login)
			}
		case current[e.Login]:
			if e.User.Kind != activity.UserCurrent || e.User.Email == "" {
				t.Errorf("id %d: %q should be a current user with email, got %+v", e.ID, e.Login, e.User)
			}
			if (e.Login == "alice") != e.User.SuperUser {
				t.Errorf("id %d: %q super user flag %v", e.ID, e.Login, e.User.SuperUser)
			}
		default:
			if e.User.Kind != activity.UserGone {
				t.Errorf("id %d: %q is not in matomo_user but marked %+v", e.ID, e.Login, e.User)
			}
		}
	}
}

func TestFixtureFieldByField(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	dbtest.LoadSQLFile(t, db, dbtest.FixturePath(t, "activity_log_sample.sql"))
	s := open(t, dsn, "")
	if !s.HasIPCountry() || !s.UsersReadable() {
		t.Fatal("fixture table has ip/country and a readable user table")
	}
	checkFixture(t, s)
}

// TestServerZoneNotUTC: Matomo writes UTC literals while the session keeps
// the server's default zone; reading them back must give the literal, not a
// converted time. The control read with time_zone forced to +00:00 proves
// the setup really would shift times.
func TestServerZoneNotUTC(t *testing.T) {
	srv := dbtest.StartPrivate(t, "--default-time-zone=+05:00")
	dsn, db := srv.NewDatabase(t)
	var zone string
	if err := db.QueryRow("SELECT @@session.time_zone").Scan(&zone); err != nil || zone != "+05:00" {
		t.Fatalf("server session zone %q %v, want +05:00", zone, err)
	}
	dbtest.LoadSQLFile(t, db, dbtest.FixturePath(t, "activity_log_sample.sql"))
	checkFixture(t, open(t, dsn, ""))

	forced, err := sql.Open("mysql", dsn+"?time_zone=%27%2B00%3A00%27")
	if err != nil {
		t.Fatal(err)
	}
	defer forced.Close()
	var ts string
	if err := forced.QueryRow("SELECT ts_created FROM matomo_activity_log WHERE id = 1").Scan(&ts); err != nil {
		t.Fatal(err)
	}
	if ts != "2026-11-01 03:21:18" {
		t.Fatalf("control: forcing +00:00 should shift 08:21:18 to 03:21:18, got %s", ts)
	}
}

// sharedData loads the demo's month of events plus the tricky rows into a
// fresh database, and returns the MySQL source and the in-memory reference
// over exactly the same rows.
func sharedData(t *testing.T) (*Source, *demo.Source, *sql.DB) {
	t.Helper()
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	for _, ddl := range []string{dbtest.ActivityLogDDL("matomo_"), dbtest.UserDDL("matomo_")} {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatal(err)
		}
	}
	rows := demo.New(demo.Options{Seed: 7, Now: func() time.Time { return sourcetest.Now }}).Rows()
	for _, tr := range sourcetest.Tricky() {
		rows = append(rows, tr.Row())
	}
	dbrows := dbtest.FromActivity(rows)
	for i, tr := range sourcetest.Tricky() {
		// The database strips CHAR padding itself; store the padded value.
		dbrows[len(dbrows)-len(sourcetest.Tricky())+i].Country = tr.Country
	}
	dbtest.InsertRows(t, db, "matomo_activity_log", dbrows)
	for _, u := range demo.Users {
		super := 0
		if u.SuperUser {
			super = 1
		}
		if _, err := db.Exec("INSERT INTO matomo_user (login, password, email, superuser_access) VALUES (?, 'x', ?, ?)", u.Login, u.Email, super); err != nil {
			t.Fatal(err)
		}
	}
	return open(t, dsn, ""), demo.FromRows(rows, demo.Users), db
}

// TestSharedQueries runs the shared query table on MariaDB and on the
// in-memory reference: same rows, same events, same order, for every
// query; hand-written SQL oracles double-check a few.
func TestSharedQueries(t *testing.T) {
	my, ref, db := sharedData(t)
	for _, c := range sourcetest.Cases {
		f := sourcetest.Filter(t, c.Query)
		got := sourcetest.Stream(t, my, f)
		want := sourcetest.Stream(t, ref, f)
		if err := sourcetest.SameEvents(got, want); err != nil {
			cond, _ := f.SQL(query.Schema{HasIPCountry: true})
			t.Errorf("%q: %v\n  pushed down: %s", c.Query, err, cond)
			continue
		}
		if c.Oracle != "" {
			var ids []uint64
			rows, err := db.Query("SELECT id FROM matomo_activity_log WHERE " + c.Oracle + " ORDER BY id")
			if err != nil {
				t.Fatalf("oracle for %q: %v", c.Query, err)
			}
			for rows.Next() {
				var id uint64
				rows.Scan(&id)
				ids = append(ids, id)
			}
			rows.Close()
			if got := sourcetest.IDs(got); !equalIDs(got, ids) {
				t.Errorf("%q: %d ids, SQL oracle %q says %d", c.Query, len(got), c.Oracle, len(ids))
			}
		}
	}
}

func equalIDs(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPaging checks keyset paging in both directions against the stream,
// with tiny pages and with scans cut short by MaxScan, on both sources.
func TestPaging(t *testing.T) {
	my, ref, _ := sharedData(t)
	for _, q := range []string{"", "user:alice", "cat:security", "failed", "-user:alice id:500000..", "user:nobody-has-this"} {
		f := sourcetest.Filter(t, q)
		all := sourcetest.IDs(sourcetest.Stream(t, ref, f))
		for _, src := range []source.Source{my, ref} {
			sourcetest.CheckPaging(t, src, f, all, 7, 0)
			sourcetest.CheckPaging(t, src, f, all, 50, 400)
		}
	}
}

func TestStreamRangeAndStop(t *testing.T) {
	my, _, _ := sharedData(t)
	var ids []uint64
	err := my.Stream(context.Background(), nil, 100, 110, func(e *activity.Event) error {
		ids = append(ids, e.ID)
		if len(ids) == 5 {
			return source.ErrStop
		}
		return nil
	})
	if err != nil || !equalIDs(ids, []uint64{100, 101, 102, 103, 104}) {
		t.Fatalf("Stream 100..110 stopped after 5: %v %v", ids, err)
	}
	boom := errors.New("boom")
	if err := my.Stream(context.Background(), nil, 0, 0, func(*activity.Event) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("callback error not returned: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := my.Stream(ctx, nil, 0, 0, func(*activity.Event) error { return nil }); err == nil {
		t.Fatal("cancelled stream returned no error")
	}
}

// TestBefore31 reads a table created by plugin versions without ip/country.
func TestBefore31(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	if _, err := db.Exec(dbtest.ActivityLogDDLBefore31("piwik_")); err != nil {
		t.Fatal(err)
	}
	none := string(phpser.Encode(phpser.List()))
	dbtest.InsertRows(t, db, "piwik_activity_log", []dbtest.Row{
		{ID: 1, Login: "alice", Type: "ActivityLog/UserSignedIn", Params: none, TS: "2018-01-01 10:00:00"},
		{ID: 2, Login: "admin", Type: "ActivityLog/UserSignInFailed", Params: none, TS: "2018-01-01 10:01:00"},
	})
	s := open(t, dsn, "piwik_")
	if s.HasIPCountry() {
		t.Fatal("table has no ip/country columns")
	}
	if s.UsersReadable() {
		ev := sourcetest.Stream(t, s, nil)
		if ev[0].User.Kind != activity.UserUnchecked {
			t.Errorf("no piwik_user table: marks must be left out, got %+v", ev[0].User)
		}
	}
	for q, want := range map[string]int{"": 2, "ip:10.0.0.0/8": 0, "-ip:10.0.0.0/8": 2, "country:de": 0, "-country:de": 2, "cat:security": 1} {
		if got := len(sourcetest.Stream(t, s, sourcetest.Filter(t, q))); got != want {
			t.Errorf("%q: %d events, want %d", q, got, want)
		}
		if got := len(sourcetest.StreamLight(t, s, sourcetest.Filter(t, q), nil)); got != want {
			t.Errorf("%q: %d light events, want %d", q, got, want)
		}
	}
	if light := sourcetest.StreamLight(t, s, nil, []string{"ActivityLog/UserSignInFailed"}); len(light) != 2 ||
		light[0].IPText() != "" || light[0].Country != "" || light[0].ParamsOK() || !light[1].ParamsOK() {
		t.Errorf("pre-3.1 rows read light as %+v", light)
	}
	ev := sourcetest.Stream(t, s, nil)
	if ev[0].IPText() != "" || ev[0].Country != "" || ev[0].Time.Format(time.DateTime) != "2018-01-01 10:00:00" {
		t.Errorf("pre-3.1 row read as %+v", ev[0])
	}
}

// TestReadOnlySession: even a statement that slipped through could not
// write, because every pooled session is READ ONLY.
func TestReadOnlySession(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	if _, err := db.Exec(dbtest.ActivityLogDDL("matomo_")); err != nil {
		t.Fatal(err)
	}
	s := open(t, dsn, "")
	_, err := s.db.Exec("INSERT INTO matomo_activity_log (user_login, type, parameters) VALUES ('x', 'y', 'N;')")
	if err == nil || !strings.Contains(err.Error(), "READ ONLY") {
		t.Fatalf("write through the source's pool: %v, want a READ ONLY error", err)
	}
	var ro int
	if err := s.db.QueryRow("SELECT @@session.tx_read_only").Scan(&ro); err != nil || ro != 1 {
		t.Fatalf("session tx_read_only = %d (%v)", ro, err)
	}
}

func TestEmptyTable(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	if _, err := db.Exec(dbtest.ActivityLogDDL("matomo_")); err != nil {
		t.Fatal(err)
	}
	s := open(t, dsn, "")
	ctx := context.Background()
	for _, dir := range []source.Direction{source.Older, source.Newer} {
		p, err := s.Page(ctx, source.Request{Dir: dir})
		if err != nil || len(p.Events) != 0 || !p.End {
			t.Errorf("empty table page %v: %+v %v", dir, p, err)
		}
	}
	if lo, hi, err := s.Bounds(ctx); lo != 0 || hi != 0 || err != nil {
		t.Errorf("Bounds on empty table = %d %d %v", lo, hi, err)
	}
}

// TestNewerAnchorStaysReal: a forward page that reaches the end of the
// table continues from the last existing id, so new rows are found later.
func TestNewerAnchorStaysReal(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	if _, err := db.Exec(dbtest.ActivityLogDDL("matomo_")); err != nil {
		t.Fatal(err)
	}
	none := string(phpser.Encode(phpser.List()))
	dbtest.InsertRows(t, db, "matomo_activity_log", []dbtest.Row{
		{ID: 1, Login: "a", Type: "ActivityLog/UserSignedIn", Params: none, TS: "2026-11-20 10:00:00"},
		{ID: 2, Login: "b", Type: "ActivityLog/UserSignedIn", Params: none, TS: "2026-11-20 10:00:01"},
	})
	s := open(t, dsn, "")
	for _, q := range []string{"", "user:b"} {
		p, err := s.Page(context.Background(), source.Request{Filter: sourcetest.Filter(t, q), Dir: source.Newer, Anchor: 1})
		if err != nil || !p.End || p.Next != 2 {
			t.Fatalf("%q: page %+v %v, want End with Next 2", q, p, err)
		}
	}
	dbtest.InsertRows(t, db, "matomo_activity_log", []dbtest.Row{{ID: 3, Login: "b", Type: "ActivityLog/UserSignedIn", Params: none, TS: "2026-11-20 10:00:02"}})
	p, err := s.Page(context.Background(), source.Request{Dir: source.Newer, Anchor: 2})
	if err != nil || len(p.Events) != 1 || p.Events[0].ID != 3 {
		t.Fatalf("new row not found after the end: %+v %v", p, err)
	}
}

// TestStatsAndBudget: counts for chips and pickers, and pages cut short by
// a time budget, agree with the stream on both sources.
func TestStatsAndBudget(t *testing.T) {
	my, ref, _ := sharedData(t)
	for _, c := range sourcetest.Cases {
		f := sourcetest.Filter(t, c.Query)
		all := sourcetest.Stream(t, ref, f)
		for _, src := range []source.Source{my, ref} {
			sourcetest.CheckStats(t, src, f, all)
		}
	}
	for _, q := range []string{"user:alice", "failed", "-user:alice id:500000.."} {
		f := sourcetest.Filter(t, q)
		all := sourcetest.IDs(sourcetest.Stream(t, ref, f))
		for _, src := range []source.Source{my, ref} {
			sourcetest.CheckPagingBudget(t, src, f, all, 50, time.Nanosecond)
		}
	}
}

// TestFindTime: both sources land on the same event, the first at or after
// the time, also inside a stretch whose times are out of id order.
func TestFindTime(t *testing.T) {
	my, ref, db := sharedData(t)
	// Disorder: ids 200..209 get times in reverse order.
	for i := 0; i < 10; i++ {
		if _, err := db.Exec("UPDATE matomo_activity_log SET ts_created = (SELECT t FROM (SELECT ts_created + INTERVAL ? SECOND AS t FROM matomo_activity_log WHERE id = 209) x) WHERE id = ?", 10-i, 200+i); err != nil {
			t.Fatal(err)
		}
	}
	ref2 := refreshed(t, my)
	ctx := context.Background()
	all := sourcetest.Stream(t, ref2, nil)
	times := []time.Time{all[0].Time.Add(-time.Hour), all[0].Time, all[len(all)/2].Time, all[len(all)/2].Time.Add(time.Second),
		all[199].Time, all[205].Time, all[len(all)-1].Time, all[len(all)-1].Time.Add(time.Hour)}
	for _, at := range times {
		got, err := my.FindTime(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := ref2.FindTime(ctx, at)
		if got != want {
			t.Errorf("FindTime(%v): MySQL %d, reference %d", at, got, want)
		}
		// The first event at or after the time, in id order, near the answer.
		var first uint64
		for _, e := range all {
			if !e.Time.Before(at) && (first == 0 || e.ID < first) && (got == 0 || e.ID+source.DisorderWindow >= got) {
				first = e.ID
			}
		}
		if got != first {
			t.Errorf("FindTime(%v) = %d, want %d", at, got, first)
		}
	}
	_ = ref
}

// refreshed reads the MySQL source back into a reference source, after a
// test changed rows.
func refreshed(t *testing.T, my *Source) *demo.Source {
	var rows []activity.Row
	for _, e := range sourcetest.Stream(t, my, nil) {
		r := activity.Row{ID: e.ID, Login: e.Login, Type: e.RawType, Params: e.RawParams, Created: e.Time.UTC().Format(time.DateTime)}
		rows = append(rows, r)
	}
	return demo.FromRows(rows, demo.Users)
}

// TestTinyChunks reruns paging, stats and the shared queries with chunks
// and dense caps so small that every boundary is crossed many times:
// dense fallbacks, stops inside a chunk, re-planning after a cut chunk.
func TestTinyChunks(t *testing.T) {
	saved := []any{firstChunk, minChunk, maxChunk, denseCap, batchRows}
	firstChunk, minChunk, maxChunk, denseCap, batchRows = 37, 5, 20_000, 4, 9
	defer func() {
		firstChunk, minChunk, maxChunk = saved[0].(uint64), saved[1].(uint64), saved[2].(uint64)
		denseCap, batchRows = saved[3].(int), saved[4].(int)
	}()
	my, ref, _ := sharedData(t)
	for _, q := range []string{"user:alice", "-user:alice", "type:*Failed", "failed", `-user:"Matomo System" since:2026-11-10`} {
		f := sourcetest.Filter(t, q)
		if err := sourcetest.SameEvents(sourcetest.Stream(t, my, f), sourcetest.Stream(t, ref, f)); err != nil {
			t.Fatalf("%q: %v", q, err)
		}
	}
	for _, q := range []string{"user:alice id:2800..", "cat:security id:2000..", "-user:alice id:..3100"} {
		f := sourcetest.Filter(t, q)
		all := sourcetest.IDs(sourcetest.Stream(t, ref, f))
		sourcetest.CheckPaging(t, my, f, all, 7, 0)
		if strings.HasSuffix(q, "..3100") {
			// MaxScan counts ids examined; keep it to a range without
			// the two-million-id gap.
			sourcetest.CheckPaging(t, my, f, all, 3, 50)
		}
		sourcetest.CheckPagingBudget(t, my, f, all, 11, time.Nanosecond)
	}
}

// TestLiveReads checks what live following reads, on both sources.
func TestLiveReads(t *testing.T) {
	my, ref, _ := sharedData(t)
	all := sourcetest.Stream(t, ref, nil)
	for _, src := range []source.Source{my, ref} {
		sourcetest.CheckLiveReads(t, src, all)
	}
}
