package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/activity"
	"matomo-audit/data/dbtest"
	"matomo-audit/data/demo"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/data/summary"
)

// statusOut is status --format json, as a script reads it.
type statusOut struct {
	Line        string     `json:"line"`
	Window      string     `json:"window"`
	Source      string     `json:"window_source"`
	BaseQuery   string     `json:"base_query"`
	Events      uint64     `json:"events"`
	Security    uint64     `json:"security"`
	Failed      uint64     `json:"failed_logins"`
	Bursts      int        `json:"failed_login_bursts"`
	Newest      uint64     `json:"newest_id"`
	Since       *time.Time `json:"since"`
	SinceLast   bool       `json:"since_last"`
	PreviousRun *time.Time `json:"previous_run"`
}

func parseStatus(t *testing.T, r result) statusOut {
	t.Helper()
	var s statusOut
	if r.code != 0 || r.stderr != "" || strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("status: exit %d, stderr %q, stdout %q", r.code, r.stderr, r.stdout)
	}
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("status --format json: %v\n%s", err, r.stdout)
	}
	return s
}

// countLines counts the events the piped listing prints for a query: the
// independent count status and check are held to.
func countLines(r result) uint64 {
	return uint64(len(lines(r.stdout)))
}

var statusLineRE = regexp.MustCompile(`^matomo: [0-9,]+ security · [0-9,]+ failed sign-ins?( \([0-9,]+ bursts?\))? · \S.*$`)

// TestStatusDemo: the line and the JSON count what the timeline shows for
// the same queries, over a window from the query.
func TestStatusDemo(t *testing.T) {
	since := "since:2026-11-30T08:00:00Z" // the demo's clock is pinned to 2026-12-01 08:00
	for _, q := range []string{"", "-user:\"Matomo System\"", "ip:" + demo.IncidentIP} {
		full := strings.TrimSpace(since + " " + q)
		s := parseStatus(t, runIn(t, "status", "--demo", "--format", "json", "-q", full))
		events := countLines(runIn(t, "--demo", "-q", full))
		security := countLines(runIn(t, "--demo", "-q", full+" cat:security -type:UserSignInFailed"))
		failed := countLines(runIn(t, "--demo", "-q", full+" type:UserSignInFailed"))
		var rep struct {
			Bursts []struct{} `json:"failed_login_bursts"`
		}
		if err := json.Unmarshal([]byte(runIn(t, "summary", "--demo", "--format", "json", "-q", full).stdout), &rep); err != nil {
			t.Fatal(err)
		}
		if s.Events != events || s.Security != security || s.Failed != failed || s.Bursts != len(rep.Bursts) || s.Window != since || s.Source != "query" {
			t.Errorf("%q: %+v, want %d events, %d security, %d failed, %d bursts", full, s, events, security, failed, len(rep.Bursts))
		}
		if failed == 0 || events == 0 {
			t.Errorf("%q: nothing to count", full)
		}
		text := runIn(t, "status", "--demo", "-q", full)
		if text.code != 0 || strings.Count(text.stdout, "\n") != 1 || strings.TrimSuffix(text.stdout, "\n") != s.Line || !statusLineRE.MatchString(s.Line) {
			t.Errorf("%q: text %q, JSON line %q", full, text.stdout, s.Line)
		}
		want := fmt.Sprintf("matomo: %d security · %d failed sign-ins", security, failed)
		if !strings.HasPrefix(s.Line, want) || !strings.HasSuffix(s.Line, " · "+since) {
			t.Errorf("%q: line %q, want %q ... %s", full, s.Line, want, since)
		}
	}
	// The demo incident's 30 failures from one address: a burst.
	s := parseStatus(t, runIn(t, "status", "--demo", "--format", "json", "-w", "all", "-q", "ip:"+demo.IncidentIP))
	if s.Failed < 30 || s.Bursts < 1 || !strings.HasSuffix(s.Line, " · all time") || s.Since == nil {
		t.Errorf("incident: %+v", s)
	}
	// Usage mistakes are exit 2, one line, like summary's.
	for _, args := range [][]string{{"-w", "24h", "-q", "since:1h"}, {"-w", "1.5h"}, {"--format", "xml"}, {"--burst-min", "1"}} {
		r := runIn(t, append([]string{"status", "--demo"}, args...)...)
		if r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, %q %q", args, r.code, r.stdout, r.stderr)
		}
	}
}

// TestStatusLineSafe: whatever the query holds, the line is one line with
// nothing that drives a terminal.
func TestStatusLineSafe(t *testing.T) {
	r := runIn(t, "status", "--demo", "-q", `since:"2026-11-30 08:00" "a\x1b]0;x\x07\r\nb"`)
	if r.code != 0 || strings.Count(r.stdout, "\n") != 1 || strings.ContainsAny(r.stdout[:len(r.stdout)-1], "\x1b\x07\r\n") {
		t.Errorf("exit %d, %q", r.code, r.stdout)
	}
}

// perfEntry is one item of a plugin's performance data.
type perfEntry struct {
	label                     string
	value                     float64
	warn, crit, min, max, uom string
}

// parsePerfdata reads performance data as the Nagios plugin guidelines
// define it: space-separated 'label'=value[UOM];[warn];[crit];[min];[max],
// the label quoted when it holds spaces (a doubled quote inside is a quote).
func parsePerfdata(s string) ([]perfEntry, error) {
	var out []perfEntry
	for s = strings.TrimLeft(s, " "); s != ""; s = strings.TrimLeft(s, " ") {
		var e perfEntry
		if s[0] == '\'' {
			i := 1
			for {
				j := strings.IndexByte(s[i:], '\'')
				if j < 0 {
					return nil, fmt.Errorf("unterminated label in %q", s)
				}
				e.label += s[i : i+j]
				i += j + 1
				if i < len(s) && s[i] == '\'' {
					e.label += "'"
					i++
					continue
				}
				break
			}
			s = s[i:]
		} else {
			j := strings.IndexAny(s, "= ")
			if j < 0 {
				return nil, fmt.Errorf("no = in %q", s)
			}
			e.label, s = s[:j], s[j:]
		}
		if e.label == "" || strings.ContainsAny(e.label, "=") || !strings.HasPrefix(s, "=") {
			return nil, fmt.Errorf("bad label %q before %q", e.label, s)
		}
		s = s[1:]
		end := strings.IndexByte(s, ' ')
		if end < 0 {
			end = len(s)
		}
		fields := strings.Split(s[:end], ";")
		s = s[end:]
		if len(fields) > 5 {
			return nil, fmt.Errorf("too many fields in %q", fields)
		}
		for len(fields) < 5 {
			fields = append(fields, "")
		}
		m := regexp.MustCompile(`^(-?[0-9.]+)([a-zA-Z%]*)$`).FindStringSubmatch(fields[0])
		if m == nil {
			return nil, fmt.Errorf("bad value %q", fields[0])
		}
		e.value, _ = strconv.ParseFloat(m[1], 64)
		e.uom = m[2]
		e.warn, e.crit, e.min, e.max = fields[1], fields[2], fields[3], fields[4]
		for _, r := range []string{e.warn, e.crit} {
			if _, err := nagiosAlerts(r, 0); err != nil {
				return nil, err
			}
		}
		for _, n := range []string{e.min, e.max} {
			if _, err := strconv.ParseFloat(n, 64); n != "" && err != nil {
				return nil, fmt.Errorf("bad min/max %q", n)
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// nagiosAlerts says whether v alerts under a Nagios threshold range
// ([@]start:end, start defaulting to 0, ~ for minus infinity, an empty
// end for infinity; alert outside it, or inside with @). "" never alerts.
func nagiosAlerts(r string, v float64) (bool, error) {
	if r == "" {
		return false, nil
	}
	inside := strings.HasPrefix(r, "@")
	r = strings.TrimPrefix(r, "@")
	lo, hi := 0.0, math.Inf(1)
	a, b, isRange := strings.Cut(r, ":")
	var err error
	if !isRange {
		if hi, err = strconv.ParseFloat(a, 64); err != nil {
			return false, fmt.Errorf("bad range %q", r)
		}
	} else {
		switch a {
		case "~":
			lo = math.Inf(-1)
		case "":
		default:
			if lo, err = strconv.ParseFloat(a, 64); err != nil {
				return false, fmt.Errorf("bad range %q", r)
			}
		}
		if b != "" {
			if hi, err = strconv.ParseFloat(b, 64); err != nil {
				return false, fmt.Errorf("bad range %q", r)
			}
		}
	}
	if lo > hi {
		return false, fmt.Errorf("range %q: start above end", r)
	}
	in := v >= lo && v <= hi
	return in == inside, nil
}

// checkResult is one run of check, its line taken apart.
type checkResult struct {
	code  int
	state string
	text  string
	perf  []perfEntry
}

var checkLineRE = regexp.MustCompile(`^(OK|WARNING|CRITICAL|UNKNOWN) - ([^|\n]*)(?: \| ([^|\n]*))?\n$`)

func parseCheck(t *testing.T, r result) checkResult {
	t.Helper()
	m := checkLineRE.FindStringSubmatch(r.stdout)
	if m == nil || r.stderr != "" {
		t.Fatalf("check: exit %d, stdout %q, stderr %q: not one plugin line", r.code, r.stdout, r.stderr)
	}
	want := map[string]int{"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}[m[1]]
	if r.code != want {
		t.Fatalf("check: %s with exit %d: %q", m[1], r.code, r.stdout)
	}
	c := checkResult{code: r.code, state: m[1], text: m[2]}
	if m[1] != "UNKNOWN" {
		perf, err := parsePerfdata(m[3])
		if err != nil || len(perf) == 0 {
			t.Fatalf("perfdata %q: %v", m[3], err)
		}
		c.perf = perf
	}
	return c
}

func (c checkResult) entry(t *testing.T, label string) perfEntry {
	t.Helper()
	for _, e := range c.perf {
		if e.label == label {
			return e
		}
	}
	t.Fatalf("no perfdata %q in %+v (%s - %s)", label, c.perf, c.state, c.text)
	return perfEntry{}
}

var ops = []struct {
	op   string
	test func(count, n uint64) bool
}{
	{">=", func(c, n uint64) bool { return c >= n }},
	{">", func(c, n uint64) bool { return c > n }},
	{"<=", func(c, n uint64) bool { return c <= n }},
	{"<", func(c, n uint64) bool { return c < n }},
	{"==", func(c, n uint64) bool { return c == n }},
}

// checkEdges runs check with every operator at N-1, N and N+1 around
// count, the number of events q matches, as --warn and as --crit: the exit
// code, and the perfdata's range judging its own value, must agree with
// the operator.
func checkEdges(t *testing.T, run func(args ...string) result, q string, count uint64, window ...string) {
	t.Helper()
	for _, o := range ops {
		for _, n := range []uint64{count - 1, count, count + 1} {
			for _, level := range []struct {
				flag string
				code int
			}{{"--warn", 1}, {"--crit", 2}} {
				th := fmt.Sprintf("%s %s %d", q, o.op, n)
				c := parseCheck(t, run(append(append([]string{"check"}, window...), level.flag, th)...))
				want := 0
				if o.test(count, n) {
					want = level.code
				}
				e := c.entry(t, q)
				rng := e.warn
				if level.flag == "--crit" {
					rng = e.crit
				}
				alerts, err := nagiosAlerts(rng, e.value)
				if c.code != want || e.value != float64(count) || err != nil || alerts != (want != 0) || e.min != "0" {
					t.Errorf("%s %q: exit %d (%s), perf %+v (alerts %v, %v); want exit %d with %d", level.flag, th, c.code, c.text, e, alerts, err, want, count)
				}
			}
		}
	}
}

// TestCheckDemo: thresholds at their edges, every exit code, the perfdata.
func TestCheckDemo(t *testing.T) {
	q := "type:UserSignInFailed ip:" + demo.IncidentIP
	count := countLines(runIn(t, "--demo", "-q", q))
	if count < 2 {
		t.Fatalf("%d failures in the demo incident", count)
	}
	demoRun := func(args ...string) result { return runIn(t, append(args, "--demo")...) }
	checkEdges(t, demoRun, q, count, "-w", "all")

	// Both levels: the worse one wins, and both are named.
	c := parseCheck(t, demoRun("check", "-w", "all", "--warn", "cat:security >= 1", "--crit", q+" >= "+strconv.FormatUint(count, 10)))
	if c.code != 2 || !strings.Contains(c.text, q+" "+strconv.FormatUint(count, 10)+" (>= ") || !strings.Contains(c.text, "cat:security") {
		t.Errorf("warn and crit: %+v", c)
	}
	c = parseCheck(t, demoRun("check", "-w", "all", "--warn", "cat:security >= 1", "--crit", q+" > "+strconv.FormatUint(count, 10)))
	if c.code != 1 {
		t.Errorf("warn only: %+v", c)
	}
	// The same query under both is one perfdata entry with both ranges;
	// the window's events are one more.
	c = parseCheck(t, demoRun("check", "-w", "all", "--warn", q+" >= 5", "--crit", q+" >= 20"))
	if e := c.entry(t, q); e.warn != "4" || e.crit != "19" || len(c.perf) != 2 || c.entry(t, "events").value < float64(count) {
		t.Errorf("one query, two levels: %+v", c.perf)
	}
	// The window: --window, or the query's own since:.
	all := c.entry(t, "events").value
	c = parseCheck(t, demoRun("check", "-q", "since:2026-11-30T08:00:00Z", "--warn", "cat:security >= 1"))
	if got := float64(countLines(runIn(t, "--demo", "-q", "since:2026-11-30T08:00:00Z"))); c.entry(t, "events").value != got || got >= all {
		t.Errorf("window from the query: %+v, want %v events", c.perf, got)
	}

	// A hostile query makes a label that still parses, and a line that is
	// still one line with one |.
	hostile := demoRun("check", "-w", "all", "--warn", `"it's=a|b\x1b[31m" >= 0`)
	c = parseCheck(t, hostile)
	if len(c.perf) != 2 || strings.ContainsAny(c.perf[0].label, "'=|\x1b") || strings.Contains(hostile.stdout, "\x1b") || c.code != 1 {
		t.Errorf("hostile label: %+v", c)
	}

	// Every mistake is UNKNOWN with its reason, never 2.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--warn", "cat:security"}, "expected QUERY OP N"},
		{[]string{"--warn", "cat:security >>= 1"}, "one operator"},
		{[]string{"--crit", "since:1h type:X >= 1"}, "the window is --window"},
		{[]string{"--crit", "user:\"x >= 1"}, "invalid query"},
		{[]string{"--crit", "x >= 99999999999999999999999"}, "not a count"},
		{nil, "no threshold"},
		{[]string{"--warn", "x > 1", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"--warn", "x > 1", "-w", "24h", "-q", "since:1h"}, "both set the window"},
		{[]string{"--warn", "x > 1", "-w", "1.5h"}, "unknown window"},
		{[]string{"--warn", "x > 1", "-q", "user:"}, "invalid --query"},
		{[]string{"--warn", "x > 1", "stray"}, "unexpected argument"},
	} {
		r := demoRun(append([]string{"check"}, c.args...)...)
		got := parseCheck(t, r)
		if got.code != 3 || !strings.Contains(got.text, c.want) {
			t.Errorf("%v: %+v, want UNKNOWN with %q", c.args, got, c.want)
		}
	}
}

// mariaRows inserts rows of the given types, each as Matomo writes them,
// ago before now, failures from one address.
func mariaRows(t *testing.T, db *sql.DB, ago time.Duration, types ...string) {
	t.Helper()
	ts := time.Now().UTC().Add(-ago).Format(time.DateTime)
	var rows []dbtest.Row
	for i, typ := range types {
		rows = append(rows, dbtest.Row{Login: "user" + strconv.Itoa(i%3), Type: typ, Params: "a:0:{}", TS: ts, IP: []byte{198, 51, 100, 7}})
	}
	dbtest.InsertRows(t, db, "matomo_activity_log", rows)
}

func repeat(typ string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = typ
	}
	return out
}

// TestStatusCheckMariaDB: check's edges and UNKNOWNs, and status
// --since-last across runs, with a missing and a corrupt state file.
func TestStatusCheckMariaDB(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	if _, err := db.Exec(dbtest.ActivityLogDDL("matomo_")); err != nil {
		t.Fatal(err)
	}
	const failed, security = "ActivityLog/UserSignInFailed", "ActivityLog/UserCreated"
	// Old events, outside every window used here, and recent ones.
	mariaRows(t, db, 72*time.Hour, repeat(failed, 30)...)
	mariaRows(t, db, 5*time.Minute, append(repeat(failed, 7), security, "ActivityLog/UserSignedIn")...)
	userDSN := srv.CreateUser(t, dsn, "status", pw, "GRANT SELECT ON `"+dbtest.DBName(dsn)+"`.* TO %s")
	state := t.TempDir()
	env := []string{"XDG_STATE_HOME=" + state}
	// A later --dsn (a wrong one) takes this one's place.
	run := func(args ...string) result { return runBin(t, env, append([]string{"--dsn", userDSN}, args...)...) }

	// check: the 7 failures of the last 15 minutes at every edge.
	checkEdges(t, run, "type:UserSignInFailed", 7)
	c := parseCheck(t, run("check", "--crit", "type:UserSignInFailed >= 5", "--window", "1h"))
	if c.code != 2 || c.entry(t, "type:UserSignInFailed").value != 7 || c.entry(t, "events").value != 9 {
		t.Errorf("burst: %+v", c)
	}
	cfg, _ := mysql.ParseDSN(userDSN)
	wrong := *cfg
	wrong.Passwd = "wrong-" + pw
	shifting := *cfg
	shifting.Params = map[string]string{"time_zone": "'+00:00'"}
	for name, args := range map[string][]string{
		"wrong password": {"--dsn", wrong.FormatDSN()},
		"missing table":  {"--prefix", "nope_"},
		"bad DSN":        {"--dsn", "no-such-thing"},
		"refused DSN":    {"--dsn", shifting.FormatDSN()},
	} {
		c := parseCheck(t, run(append([]string{"check", "--warn", "cat:security >= 1"}, args...)...))
		if c.code != 3 || strings.Contains(c.text, pw) {
			t.Errorf("%s: %+v", name, c)
		}
	}

	// status: the window, then since the last run.
	first := parseStatus(t, run("status", "--since-last", "--format", "json"))
	if first.Events != 9 || first.Failed != 7 || first.Security != 1 || first.Bursts != 1 || first.PreviousRun != nil || !first.SinceLast ||
		first.Line != "matomo: 1 security · 7 failed sign-ins (1 burst) · last 24h" {
		t.Errorf("first run: %+v", first)
	}
	files, _ := filepath.Glob(filepath.Join(state, "matomo-audit", "status-*.json"))
	if len(files) != 1 {
		t.Fatalf("state files %v", files)
	}
	checkMode(t, filepath.Join(state, "matomo-audit"), 0o700)
	checkMode(t, files[0], 0o600)
	mariaRows(t, db, 0, failed, failed, security)
	second := parseStatus(t, run("status", "--since-last", "--format", "json"))
	if second.Events != 3 || second.Failed != 2 || second.Security != 1 || second.Bursts != 0 || second.PreviousRun == nil || second.Since != nil ||
		second.Newest != first.Newest+3 || !strings.HasPrefix(second.Line, "matomo: 1 security · 2 failed sign-ins · since ") {
		t.Errorf("second run: %+v", second)
	}
	third := run("status", "--since-last")
	if third.code != 0 || !strings.HasPrefix(third.stdout, "matomo: 0 security · 0 failed sign-ins · since ") {
		t.Errorf("third run: %+v", third)
	}
	// Without --since-last the mark is neither read nor moved.
	if s := parseStatus(t, run("status", "--format", "json")); s.Events != 12 || s.PreviousRun != nil {
		t.Errorf("plain status: %+v", s)
	}
	// Another query keeps a mark of its own.
	if s := parseStatus(t, run("status", "--since-last", "--format", "json", "-q", "type:UserSignInFailed")); s.Events != 9 || s.PreviousRun != nil {
		t.Errorf("other query, first run: %+v", s)
	}

	// A corrupt state file is a first run, and is rewritten.
	for name, content := range map[string]string{"garbage": "\x00not json{", "empty": "", "other key": `{"key":"x","last_id":5,"at":"2026-12-01T00:00:00Z"}`} {
		if err := os.WriteFile(files[0], []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		s := parseStatus(t, run("status", "--since-last", "--format", "json"))
		if s.Events != 12 || s.PreviousRun != nil {
			t.Errorf("%s state: %+v, want a first run", name, s)
		}
		if again := parseStatus(t, run("status", "--since-last", "--format", "json")); again.Events != 0 || again.PreviousRun == nil {
			t.Errorf("%s state, rewritten: %+v", name, again)
		}
		checkMode(t, files[0], 0o600)
	}
	// A missing one too.
	if err := os.Remove(files[0]); err != nil {
		t.Fatal(err)
	}
	if s := parseStatus(t, run("status", "--since-last", "--format", "json")); s.Events != 12 || s.PreviousRun != nil {
		t.Errorf("missing state: %+v", s)
	}
	if _, err := os.Stat(files[0]); err != nil {
		t.Errorf("not written again: %v", err)
	}
	// Another database on the same server has marks of its own.
	otherDSN, otherDB := srv.NewDatabase(t)
	if _, err := otherDB.Exec(dbtest.ActivityLogDDL("matomo_")); err != nil {
		t.Fatal(err)
	}
	mariaRows(t, otherDB, time.Minute, failed)
	if s := parseStatus(t, runBin(t, env, "--dsn", otherDSN, "status", "--since-last", "--format", "json")); s.Events != 1 || s.PreviousRun != nil {
		t.Errorf("other database: %+v", s)
	}
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != want {
		t.Errorf("%s: %v, mode %v, want %v", path, err, fi.Mode().Perm(), want)
	}
}

// TestStatusCheckServed: over serve, a restricted session's check counts
// its own events with the plugin's exit codes, and status --since-last,
// which would write on the server, is refused.
func TestStatusCheckServed(t *testing.T) {
	clock := func() time.Time { return time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC) }
	src := demo.New(demo.Options{Seed: 1, Now: clock})
	all := source.Guard(src)
	all.SetAll()
	admin := source.Restrict(src, "admin")
	count := func(s source.Source, q string) uint64 {
		qq, err := query.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		var n uint64
		if err := s.Stream(context.Background(), query.Compile(qq, time.Now(), time.UTC), 0, 0, func(*activity.Event) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	mine, everyone := count(admin, "type:UserSignInFailed"), count(all, "type:UserSignInFailed")
	if mine == 0 || mine >= everyone {
		t.Fatalf("admin's failures %d of %d", mine, everyone)
	}
	for _, c := range []struct {
		src  source.Source
		n    uint64
		code int
	}{{admin, mine, 2}, {all, everyone, 2}} {
		var out, errb strings.Builder
		code := RunServed(context.Background(), []string{"check", "-w", "all", "--crit", "type:UserSignInFailed >= " + strconv.FormatUint(c.n, 10)}, &out, &errb, c.src, nil, nil)
		r := parseCheck(t, result{code, out.String(), errb.String()})
		if r.code != c.code || r.entry(t, "type:UserSignInFailed").value != float64(c.n) {
			t.Errorf("served check: %+v, want %d failures", r, c.n)
		}
		var out2, errb2 strings.Builder
		code = RunServed(context.Background(), []string{"check", "--dsn", "x", "--warn", "x > 1"}, &out2, &errb2, c.src, nil, nil)
		if r := parseCheck(t, result{code, out2.String(), errb2.String()}); r.code != 3 || !strings.Contains(r.text, "cannot be used over SSH") {
			t.Errorf("served check --dsn: %+v", r)
		}
	}
	var out, errb strings.Builder
	if code := RunServed(context.Background(), []string{"status", "--since-last"}, &out, &errb, admin, nil, nil); code != 2 || out.Len() != 0 || !strings.Contains(errb.String(), "--since-last cannot be used over SSH") {
		t.Errorf("served status --since-last: exit %d, %q %q", code, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := RunServed(context.Background(), []string{"status", "-w", "all", "--format", "json"}, &out, &errb, admin, nil, nil); code != 0 ||
		strings.Contains(out.String(), "newest_id") || strings.Contains(out.String(), "from_id") || !strings.Contains(out.String(), `"own_events_only":true`) {
		t.Errorf("served status: exit %d, %q %q", code, out.String(), errb.String())
	}
}

// TestStatusLineWords: how each kind of window ends the line.
func TestStatusLineWords(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)
	today, yesterday := now.Add(-time.Hour), now.Add(-20*time.Hour)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, c := range []struct {
		c    summary.Counts
		prev *time.Time
		loc  *time.Location
		want string
	}{
		{summary.Counts{Window: "24h", WindowSource: summary.FromDefault, Security: 1234, FailedLogins: 1, Bursts: 1}, nil, time.UTC,
			"matomo: 1,234 security · 1 failed sign-in (1 burst) · last 24h"},
		{summary.Counts{Window: "all", WindowSource: summary.FromOption, FailedLogins: 12, Bursts: 2}, nil, time.UTC,
			"matomo: 0 security · 12 failed sign-ins (2 bursts) · all time"},
		{summary.Counts{Window: "since:2026-11-20", WindowSource: summary.FromQuery, Own: true}, nil, time.UTC,
			"matomo: 0 security · 0 failed sign-ins · since:2026-11-20 · own events"},
		{summary.Counts{Window: "id:5..", WindowSource: "after"}, &today, time.UTC, "matomo: 0 security · 0 failed sign-ins · since 08:30"},
		{summary.Counts{Window: "id:5..", WindowSource: "after"}, &yesterday, time.UTC, "matomo: 0 security · 0 failed sign-ins · since 2026-12-01 13:30"},
		{summary.Counts{Window: "id:5..", WindowSource: "after"}, &today, berlin, "matomo: 0 security · 0 failed sign-ins · since 09:30"},
	} {
		if got := statusLine(&c.c, c.prev, now, c.loc); got != c.want {
			t.Errorf("%+v: %q, want %q", c.c, got, c.want)
		}
	}
}
