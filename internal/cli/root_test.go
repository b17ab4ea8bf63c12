package cli

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/dbtest"
	"matomo-audit/data/demo"
	"matomo-audit/internal/shellword"
)

var bin string

// TestMain builds the real binary once: these tests run it as a user would.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "matomo-audit-bin")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "matomo-audit")
	// What the binary remembers between runs stays with the tests.
	os.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	if out, err := exec.Command("go", "build", "-o", bin, "matomo-audit").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the binary: %v\n%s", err, out)
		os.Exit(1)
	}
	dbtest.Main(m)
}

type result struct {
	code           int
	stdout, stderr string
}

func runBin(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Env = append(cmd.Env, "MATOMO_AUDIT_DSN=") // never inherit one
	cmd.Dir = t.TempDir()                          // no Matomo config to discover here
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

func TestSummaryCommand(t *testing.T) {
	r := runBin(t, nil, "summary", "--demo")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("summary --demo: exit %d, stderr %q", r.code, r.stderr)
	}
	// The demo incident: the burst from its address, the super-user grant
	// as the first privilege change.
	burst := regexp.MustCompile(`(?m)^  ip +` + regexp.QuoteMeta(demo.IncidentIP) + ` +30 failures`)
	priv := regexp.MustCompile(`(?m)^Privilege changes \(\d+\)\n.*#\d+ +alice +granted super user access`)
	if !burst.MatchString(r.stdout) || !priv.MatchString(r.stdout) {
		t.Fatalf("summary --demo:\n%s", r.stdout)
	}
	r = runBin(t, nil, "summary", "--demo", "--format", "json", "--window", "all", "-q", "-user:\"Matomo System\"")
	var rep struct {
		Query  string `json:"query"`
		Window string `json:"window"`
		Events int    `json:"events"`
		Bursts []struct {
			By, Key string
			Count   int
		} `json:"failed_login_bursts"`
		Users []struct{ Name string } `json:"users"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != 0 {
		t.Fatalf("summary --format json: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	if rep.Window != "all" || rep.Query != `-user:"Matomo System"` || rep.Events < 1000 || len(rep.Bursts) == 0 || rep.Bursts[0].Key != demo.IncidentIP {
		t.Fatalf("json report: %+v", rep)
	}
	for _, u := range rep.Users {
		if u.Name == "Matomo System" {
			t.Fatal("the query's exclusion was not applied")
		}
	}
}

func TestDemoExportHead(t *testing.T) {
	// pipefail: the binary itself must exit 0 when head closes the pipe,
	// and say nothing on stderr.
	cmd := exec.Command("bash", "-c", "set -o pipefail; "+bin+" export --demo --format ndjson | head -3")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() != 0 {
		t.Fatalf("pipeline: %v, stderr %q", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines", len(lines))
	}
	for _, l := range lines {
		var e map[string]any
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		for _, k := range []string{"id", "time", "user", "type", "category", "severity", "description", "ip", "country", "parameters"} {
			if _, ok := e[k]; !ok {
				t.Errorf("line lacks %q: %s", k, l)
			}
		}
		if d, _ := e["description"].(string); d == "" {
			t.Errorf("no description: %s", l)
		}
	}
}

func TestDemoExportJSONAndQuery(t *testing.T) {
	r := runBin(t, nil, "export", "--demo", "-q", `cat:security -user:"Matomo System" since:30d`)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var events []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &events); err != nil {
		t.Fatalf("not a JSON array: %v", err)
	}
	if len(events) < 30 {
		t.Fatalf("only %d security events in the demo", len(events))
	}
	burst := 0
	for _, e := range events {
		if e["severity"] != "security" && e["category"] != "security" {
			t.Errorf("non-security event %v", e)
		}
		if e["ip"] == "203.0.113.66" && e["type"] == "ActivityLog/UserSignInFailed" {
			burst++
		}
	}
	if burst != 30 {
		t.Errorf("demo burst has %d failed logins from 203.0.113.66, want 30", burst)
	}
	r = runBin(t, nil, "export", "--demo", "-q", "user:nobody-at-all")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("empty export: %d %q", r.code, r.stdout)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--demo", "-q", "user:"}, "column 6"},
		{[]string{"--demo", "-q", "cat:nope"}, `unknown category "nope"`},
		{[]string{"--bogus"}, "unknown flag: --bogus"},
		{[]string{"frobnicate"}, "frobnicate"},
		{[]string{"export", "--demo", "--format", "xml"}, `unknown format "xml"`},
		{[]string{"export", "--demo", "--from-id", "9", "--to-id", "3"}, "--from-id 9 is after --to-id 3"},
		{[]string{"--demo", "--tz", "Mars/Base"}, `unknown --tz "Mars/Base"`},
		{[]string{"--matomo", "/no/such/matomo"}, "/no/such/matomo"},
		{[]string{}, "--matomo"}, // nothing to connect to: say how
		{[]string{"tail", "--demo", "--format", "xml"}, `unknown format "xml"`},
		{[]string{"tail", "--demo", "--since", "soonish"}, `--since: "soonish"`},
		{[]string{"tail", "--demo", "--poll", "0s"}, "--poll must be positive"},
		{[]string{"--demo", "--poll", "-1s"}, "--poll must be positive"},
		{[]string{"summary", "--demo", "--window", "2x"}, `--window: unknown window "2x"`},
		{[]string{"summary", "--demo", "--format", "xml"}, `unknown format "xml"`},
		{[]string{"summary", "--demo", "--burst-min", "1"}, "--burst-min must be at least 2"},
		{[]string{"--demo", "--burst-within", "0s"}, "--burst-within must be positive"},
		// Unknown commands and stray arguments, also with --help.
		{[]string{"list"}, `unknown command "list"`},
		{[]string{"list", "--help"}, `unknown command "list"`},
		{[]string{"--help", "list"}, `unknown command "list"`},
		{[]string{"help", "list"}, `unknown command "list"`},
		{[]string{"exprot", "--demo"}, "did you mean export?"},
		{[]string{"export", "foo", "--help"}, `unexpected argument "foo"`},
		{[]string{"export", "--demo", "foo"}, `unexpected argument "foo": matomo-audit export takes none`},
		{[]string{"summary", "foo", "--help"}, `unexpected argument "foo"`},
		{[]string{"tail", "--demo", "x"}, `unexpected argument "x"`},
		{[]string{"--demo", "user:alice"}, `a query goes in -q, e.g. -q 'user:alice'`},
		{[]string{"completion", "bashh"}, "did you mean bash?"},
		// Printed output's flags, and --theme whatever stdout is.
		{[]string{"--demo", "--theme", "blue"}, `unknown --theme "blue"`},
		{[]string{"--demo", "-n", "0"}, "-n must be at least 1"},
		{[]string{"--demo", "--format", "xml"}, `unknown format "xml": expected text, csv or ndjson`},
		{[]string{"export", "--demo", "--format", "text"}, `unknown format "text": expected json, ndjson or csv`},
		{[]string{"--demo", "--connect-timeout", "0s"}, "--connect-timeout must be positive"},
		// DSN options that break the contract: refused before connecting.
		{[]string{"--dsn", "audit:" + pw + "@tcp(127.0.0.1:1)/matomo?time_zone=%27%2B00:00%27"}, "time_zone in the DSN"},
		{[]string{"export", "--dsn", "audit:" + pw + "@tcp(127.0.0.1:1)/matomo?loc=Europe%2FBerlin"}, "loc=Europe/Berlin"},
		{[]string{"--dsn", "audit:" + pw + "@tcp(127.0.0.1:1)/matomo?foo=1"}, `unknown DSN parameter "foo"`},
	} {
		r := runBin(t, nil, c.args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", c.args, r.code, r.stderr)
		}
		if lines := strings.Count(strings.TrimSpace(r.stderr), "\n"); lines != 0 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: stderr %q, want one line containing %q", c.args, r.stderr, c.want)
		}
		if r.stdout != "" || strings.Contains(r.stderr, pw) {
			t.Errorf("%v: stdout %q, stderr %q", c.args, r.stdout, r.stderr)
		}
	}
	if r := runBin(t, []string{"NO_COLOR=1"}, "--demo", "--theme", "blue"); r.code != 2 {
		t.Errorf("--theme blue with NO_COLOR: exit %d", r.code)
	}
	for _, args := range [][]string{{"--help"}, {"help"}, {"help", "export"}, {"summary", "--help"}, {"completion"}, {"help", "completion", "bash"}} {
		if r := runBin(t, nil, args...); r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, "Usage:") {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
	if r := runBin(t, nil, "--help"); !strings.Contains(r.stdout, "failed logins that make a burst on the summary screen (default 5)\n") ||
		!strings.Contains(r.stdout, "--connect-timeout duration") {
		t.Errorf("--help:\n%s", r.stdout)
	}
	// --no-export forbids files, however it is asked for, and nothing is
	// created; standard output stays available.
	for _, c := range []struct {
		env  []string
		args []string
	}{
		{nil, []string{"export", "--demo", "--no-export", "-o", "x.json"}},
		{[]string{"MATOMO_AUDIT_NO_EXPORT=1"}, []string{"export", "--demo", "--output", "x.json"}},
	} {
		r := runBin(t, c.env, c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, "--output is disabled by --no-export") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("%v %v: exit %d, stderr %q", c.env, c.args, r.code, r.stderr)
		}
	}
	if r := runBin(t, []string{"MATOMO_AUDIT_NO_EXPORT=1"}, "export", "--demo", "--format", "ndjson", "-q", "id:3046"); r.code != 0 || !strings.Contains(r.stdout, `"id":3046`) {
		t.Errorf("--no-export to stdout: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := runBin(t, nil, "--version"); r.code != 0 || !strings.HasPrefix(r.stdout, "matomo-audit ") {
		t.Errorf("--version: %d %q", r.code, r.stdout)
	}
	if r := runBin(t, nil, "export", "--help"); r.code != 0 || !strings.Contains(r.stdout, "Examples:") {
		t.Errorf("export --help: %d %q", r.code, r.stdout)
	}
	if r := runBin(t, nil, "completion", "bash"); r.code != 0 || !strings.Contains(r.stdout, "matomo-audit") {
		t.Errorf("completion bash: %d", r.code)
	}
}

const pw = "S3cret-pass"

func TestDatabaseCommands(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	dbtest.LoadSQLFile(t, db, dbtest.FixturePath(t, "activity_log_sample.sql"))
	dbName := dbtest.DBName(dsn)
	emptyDSN, _ := srv.NewDatabase(t)
	emptyName := dbtest.DBName(emptyDSN)
	userDSN := srv.CreateUser(t, dsn, "e2e", pw, "GRANT SELECT ON `"+dbName+"`.* TO %s", "GRANT SELECT ON `"+emptyName+"`.* TO %s")

	r := runBin(t, nil, "export", "--dsn", userDSN, "--format", "json")
	if r.code != 0 {
		t.Fatalf("export: %d %s", r.code, r.stderr)
	}
	var events []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &events); err != nil || len(events) != 171 {
		t.Fatalf("%d events, %v", len(events), err)
	}
	if e := events[0]; e["time"] != "2026-11-01T08:21:18Z" || e["ip"] != "10.1.2.3" || e["description"] != `added annotation "Tracking outage" (id 41, for 2026-11-15) on site "Intranet" (3)` {
		t.Errorf("first event %v", e)
	}

	// The DSN from the environment works too and keeps it out of ps.
	r = runBin(t, []string{}, "export", "--format", "ndjson", "-q", "user:alice type:UserSetSuperUserAccess")
	if r.code != 2 {
		t.Errorf("no connection given: exit %d", r.code)
	}
	cmd := exec.Command(bin, "export", "--format", "ndjson", "-q", "id:1..3")
	cmd.Env = append(os.Environ(), "MATOMO_AUDIT_DSN="+userDSN)
	cmd.Dir = t.TempDir()
	if out, err := cmd.Output(); err != nil || strings.Count(string(out), "\n") != 3 {
		t.Errorf("MATOMO_AUDIT_DSN export: %v %q", err, out)
	}

	cfg, _ := mysql.ParseDSN(userDSN)
	wrong := *cfg
	wrong.Passwd = "wrong-" + pw
	unknownHost := *cfg
	unknownHost.Net, unknownHost.Addr = "tcp", "no-such-host.invalid:3306"
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"wrong password": {[]string{"--dsn", wrong.FormatDSN()}, "access denied"},
		"unknown host":   {[]string{"--dsn", unknownHost.FormatDSN()}, "unknown database host"},
		"wrong prefix":   {[]string{"--dsn", userDSN, "--prefix", "piwik_"}, "--prefix matomo_"},
		"missing table":  {[]string{"--dsn", strings.Replace(userDSN, "/"+dbName, "/"+emptyName, 1)}, "no table matomo_activity_log in database \"" + emptyName},
	} {
		r := runBin(t, nil, append([]string{"export"}, c.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("%s: exit %d, stderr %q (want one line with %q)", name, r.code, r.stderr, c.want)
		}
		if strings.Contains(r.stdout+r.stderr, pw) {
			t.Errorf("%s: the password appears in the output", name)
		}
	}

	// --output: 0600, never overwritten without --force.
	out := filepath.Join(t.TempDir(), "audit.json")
	r = runBin(t, nil, "export", "--dsn", userDSN, "-q", "cat:security", "-o", out)
	st, err := os.Stat(out)
	if r.code != 0 || err != nil || st.Mode().Perm() != 0o600 || !strings.Contains(r.stderr, "wrote ") {
		t.Fatalf("export -o: %d %q %v", r.code, r.stderr, err)
	}
	before, _ := os.ReadFile(out)
	r = runBin(t, nil, "export", "--dsn", userDSN, "-o", out)
	if after, _ := os.ReadFile(out); r.code != 2 || !strings.Contains(r.stderr, "--force") || !bytes.Equal(before, after) {
		t.Errorf("overwrite without --force: %d %q", r.code, r.stderr)
	}
	if r = runBin(t, nil, "export", "--dsn", userDSN, "-o", out, "--force"); r.code != 0 {
		t.Errorf("--force: %d %s", r.code, r.stderr)
	}
}

func TestPasswordHiddenFromProcessList(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the process list is rewritten on Linux only")
	}
	addr, _ := dbtest.SilentServer(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "export", "--dsn", "audit:"+pw+"@tcp("+addr+")/matomo", "-o", filepath.Join(dir, "x.json"))
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var cmdline []byte
	for i := 0; i < 50; i++ {
		time.Sleep(50 * time.Millisecond)
		cmdline, _ = os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", cmd.Process.Pid))
		if bytes.Contains(cmdline, []byte("audit:")) && !bytes.Contains(cmdline, []byte(pw)) {
			break
		}
	}
	if bytes.Contains(cmdline, []byte(pw)) || !bytes.Contains(cmdline, []byte("audit:xxxxxxxxxxx@tcp(")) {
		t.Fatalf("process list shows %q", bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}))
	}
	// Ctrl-C while connecting: exit 130, one line, and no file or temp
	// file left.
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 || errb.String() != "matomo-audit: interrupted\n" {
		t.Errorf("after SIGINT: %v, stderr %q", err, errb.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("interrupted export left %v", entries)
	}
}

func TestListOutput(t *testing.T) {
	r := runBin(t, nil, "--demo", "-q", "ip:203.0.113.66 type:UserSignInFailed")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	n := 0
	for sc.Scan() {
		n++
		if !strings.Contains(sc.Text(), "failed to sign in  203.0.113.66 ru") {
			t.Errorf("line %q", sc.Text())
		}
	}
	if n != 30 {
		t.Errorf("%d lines, want the 30 of the burst", n)
	}
}

// runIn runs a command line in this process, as main does, with the demo's
// clock pinned so that runs compare byte for byte.
func runIn(t *testing.T, args ...string) result {
	t.Helper()
	t.Setenv("MATOMO_AUDIT_DSN", "")
	t.Setenv("MATOMO_AUDIT_NO_EXPORT", "")
	defer func(c func() time.Time) { demoClock = c }(demoClock)
	demoClock = func() time.Time { return time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC) }
	var out, errb bytes.Buffer
	code := Run(append([]string{}, args...), &out, &errb)
	return result{code, out.String(), errb.String()}
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

var textID = regexp.MustCompile(`^\S+ \S+  #(\d+)  `)

// textIDs are the event ids of text lines, checked to ascend.
func textIDs(t *testing.T, out string) []string {
	t.Helper()
	var ids []string
	last := -1
	for _, l := range lines(out) {
		m := textID.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("not an event line: %q", l)
		}
		n, _ := strconv.Atoi(m[1])
		if n <= last {
			t.Fatalf("#%d after #%d: not oldest first", n, last)
		}
		last = n
		ids = append(ids, m[1])
	}
	return ids
}

func ndjsonIDs(t *testing.T, out string) []string {
	t.Helper()
	var ids []string
	for _, l := range lines(out) {
		var e struct {
			ID uint64 `json:"id"`
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("not NDJSON: %q", l)
		}
		ids = append(ids, strconv.FormatUint(e.ID, 10))
	}
	return ids
}

// readCSV parses out as a CSV export: the header, then rows of as many
// cells.
func readCSV(t *testing.T, out string) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(out))
	r.FieldsPerRecord = 9
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, out)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != "id,time,user,type,category,severity,ip,country,description" {
		t.Fatalf("CSV header %q", recs)
	}
	return recs[1:]
}

func ok(t *testing.T, r result, what string) {
	t.Helper()
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("%s: exit %d, stderr %q", what, r.code, r.stderr)
	}
}

// TestPipedOutputDemo: standard output not a terminal prints every match,
// streamed, like journalctl; -n the newest N; --format text, csv, ndjson.
func TestPipedOutputDemo(t *testing.T) {
	all := runIn(t, "--demo")
	ok(t, all, "--demo")
	export := runIn(t, "export", "--demo", "--format", "ndjson")
	ok(t, export, "export")
	ids := textIDs(t, all.stdout)
	if len(ids) < 3000 || !slices.Equal(ids, ndjsonIDs(t, export.stdout)) {
		t.Fatalf("piped: %d events, export: %d", len(ids), len(lines(export.stdout)))
	}

	// More than the 40 that piped output used to stop at, without a word.
	sec := runIn(t, "--demo", "-q", "cat:security")
	secExport := runIn(t, "export", "--demo", "-q", "cat:security", "--format", "ndjson")
	if n := len(lines(sec.stdout)); n <= 40 || n != len(lines(secExport.stdout)) {
		t.Fatalf("-q cat:security: %d lines piped, %d exported", n, len(lines(secExport.stdout)))
	}
	if nd := runIn(t, "--demo", "-q", "cat:security", "--format", "ndjson"); nd.stdout != secExport.stdout {
		t.Fatal("--format ndjson differs from export --format ndjson")
	}

	// -n: the newest N, oldest first.
	five := runIn(t, "--demo", "-n", "5")
	ok(t, five, "-n 5")
	if got := lines(five.stdout); !slices.Equal(got, lines(all.stdout)[len(ids)-5:]) {
		t.Fatalf("-n 5:\n%s", five.stdout)
	}
	if r := runIn(t, "--demo", "-q", "cat:security", "-n", "100000"); r.stdout != sec.stdout {
		t.Fatal("-n beyond the matches should print them all")
	}
	// More than a page of them: found page by page, then streamed.
	defer func(n int) { newestPage = n }(newestPage)
	newestPage = 64
	notSec := runIn(t, "--demo", "-q", "-cat:security")
	big := runIn(t, "--demo", "-q", "-cat:security", "-n", "1000")
	if got, want := lines(big.stdout), lines(notSec.stdout); len(got) != 1000 || !slices.Equal(got, want[len(want)-1000:]) {
		t.Fatalf("-n 1000 over pages of 64: %d lines", len(got))
	}

	// CSV reads back with a CSV parser, one row per event.
	c := runIn(t, "--demo", "-q", "cat:security", "--format", "csv")
	ok(t, c, "--format csv")
	rows := readCSV(t, c.stdout)
	var csvIDs []string
	for _, r := range rows {
		csvIDs = append(csvIDs, r[0])
		if _, err := time.Parse(time.RFC3339, r[1]); err != nil || !strings.HasSuffix(r[1], "Z") {
			t.Fatalf("time cell %q", r[1])
		}
	}
	if !slices.Equal(csvIDs, ndjsonIDs(t, secExport.stdout)) {
		t.Fatal("CSV rows differ from the export's events")
	}
	if e := runIn(t, "export", "--demo", "-q", "cat:security", "--format", "csv"); e.stdout != c.stdout {
		t.Fatal("export --format csv differs from the piped CSV")
	}

	// No match: said on stderr, not as a data line; exit 0.
	for _, f := range []string{"text", "ndjson", "csv"} {
		r := runIn(t, "--demo", "-q", "user:nobody-at-all", "--format", f)
		want := ""
		if f == "csv" {
			want = "id,time,user,type,category,severity,ip,country,description\r\n"
		}
		if r.code != 0 || r.stdout != want || r.stderr != "matomo-audit: no matching events in demo\n" {
			t.Errorf("no match, %s: exit %d, stdout %q, stderr %q", f, r.code, r.stdout, r.stderr)
		}
	}
}

func TestVersionString(t *testing.T) {
	vcs := func(rev, when, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: when}, {Key: "vcs.modified", Value: modified}}
	}
	const rev, when = "0123456789abcdef0123456789abcdef01234567", "2026-11-20T10:00:00Z"
	for _, c := range []struct {
		ldflags string
		bi      *debug.BuildInfo
		want    string
	}{
		{"v1.2.3", nil, "matomo-audit v1.2.3"},
		{"v1.2.3", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "matomo-audit v1.2.3"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "matomo-audit v1.4.0"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}, Settings: vcs(rev, when, "false")}, "matomo-audit v1.4.0 (0123456789ab, 2026-11-20T10:00:00Z)"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0+dirty"}, Settings: vcs(rev, when, "true")}, "matomo-audit v1.4.0+dirty (0123456789ab, 2026-11-20T10:00:00Z, modified)"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261120100000-0123456789ab+dirty"}, Settings: vcs(rev, when, "true")}, "matomo-audit 0123456789ab (2026-11-20T10:00:00Z, modified)"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.1-0.20261120100000-0123456789ab"}, Settings: vcs(rev, when, "false")}, "matomo-audit 0123456789ab (2026-11-20T10:00:00Z)"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, when, "false")}, "matomo-audit 0123456789ab (2026-11-20T10:00:00Z)"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "matomo-audit (unknown version: the build recorded neither a module version nor a commit)"},
		{"", nil, "matomo-audit (unknown version: the build recorded neither a module version nor a commit)"},
	} {
		if got := versionString(c.ldflags, c.bi); got != c.want {
			t.Errorf("versionString(%q, %+v)\n got %q\nwant %q", c.ldflags, c.bi, got, c.want)
		}
	}
	if got := count(1, "event"); got != "1 event" {
		t.Errorf("count(1) = %q", got)
	}
	if got := count(12345, "event"); got != "12,345 events" {
		t.Errorf("count(12345) = %q", got)
	}
	if got := count(0, "event"); got != "0 events" {
		t.Errorf("count(0) = %q", got)
	}
}

// TestInterruptWhileConnecting: Ctrl-C while the server keeps us waiting
// ends every command with one line and 130, whatever error the cut-short
// connection left; tail, whose normal end is Ctrl-C, exits 0.
func TestInterruptWhileConnecting(t *testing.T) {
	addr, accepted := dbtest.SilentServer(t)
	dsn := "audit:" + pw + "@tcp(" + addr + ")/matomo"
	for _, c := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"export", "--dsn", dsn}, 130, "matomo-audit: interrupted\n"},
		{[]string{"summary", "--dsn", dsn}, 130, "matomo-audit: interrupted\n"},
		{[]string{"--dsn", dsn, "-n", "5"}, 130, "matomo-audit: interrupted\n"},
		{[]string{"tail", "--dsn", dsn}, 0, ""},
	} {
		for len(accepted) > 0 {
			<-accepted // an earlier run's: this one must be the one waiting
		}
		cmd := exec.Command(bin, c.args...)
		cmd.Env = append(os.Environ(), "MATOMO_AUDIT_DSN=")
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		select {
		case <-accepted:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v never connected", c.args)
		}
		cmd.Process.Signal(syscall.SIGINT)
		err := cmd.Wait()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != c.code || errb.String() != c.stderr || out.Len() != 0 {
			t.Errorf("%v after SIGINT: exit %d, stderr %q, stdout %q; want %d, %q", c.args[0], code, errb.String(), out.String(), c.code, c.stderr)
		}
	}
}

// TestConnectTimeoutFlag: a server that accepts and never answers ends
// after --connect-timeout with one line naming the server and the flag.
func TestConnectTimeoutFlag(t *testing.T) {
	addr, _ := dbtest.SilentServer(t)
	for _, args := range [][]string{
		{"--dsn", "audit:" + pw + "@tcp(" + addr + ")/matomo", "--connect-timeout", "200ms"},
		{"export", "--dsn", "audit:" + pw + "@tcp(" + addr + ")/matomo", "--connect-timeout", "200ms"},
		// The flag wins over the DSN's own timeout.
		{"summary", "--dsn", "audit:" + pw + "@tcp(" + addr + ")/matomo?timeout=1h", "--connect-timeout", "200ms"},
	} {
		r := runIn(t, args...)
		want := "matomo-audit: no answer from " + addr + " within 200ms (--connect-timeout): "
		if r.code != 2 || !strings.HasPrefix(r.stderr, want) || strings.Count(r.stderr, "\n") != 1 || strings.Contains(r.stderr, pw) || r.stdout != "" {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}

// onTerminal runs the binary with a terminal as its standard error (and
// output), through util-linux script, and returns what the terminal got.
func onTerminal(t *testing.T, args ...string) string {
	t.Helper()
	script, err := exec.LookPath("script")
	if runtime.GOOS != "linux" || err != nil {
		t.Skip("needs Linux and util-linux script for a terminal")
	}
	line := shellword.Quote(bin)
	for _, a := range args {
		line += " " + shellword.Quote(a)
	}
	cmd := exec.Command(script, "-q", "-e", "-c", line, "/dev/null")
	cmd.Env = append(os.Environ(), "MATOMO_AUDIT_DSN=")
	cmd.Dir = t.TempDir()
	out, _ := cmd.Output()
	return string(out)
}

// TestConnectingLine: on a terminal, "connecting to HOST:PORT…" shows at
// once and is erased when connecting is over, by success or failure.
func TestConnectingLine(t *testing.T) {
	addr, _ := dbtest.SilentServer(t)
	got := onTerminal(t, "export", "--dsn", "audit:"+pw+"@tcp("+addr+")/matomo", "--connect-timeout", "200ms")
	want := "connecting to " + addr + "…\r\x1b[Kmatomo-audit: no answer from " + addr + " within 200ms"
	if !strings.HasPrefix(got, want) || strings.Contains(got, pw) {
		t.Errorf("terminal got %q, want it to start with %q", got, want)
	}

	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	dbtest.LoadSQLFile(t, db, dbtest.FixturePath(t, "activity_log_sample.sql"))
	cfg, _ := mysql.ParseDSN(dsn)
	server := cfg.Addr
	if cfg.Net == "unix" {
		server = "the server at socket " + cfg.Addr
	}
	got = onTerminal(t, "export", "--dsn", dsn, "-q", "id:1", "--format", "ndjson")
	want = "connecting to " + server + "…\r\x1b[K{\"id\":1,"
	if !strings.HasPrefix(got, want) {
		t.Errorf("terminal got %q, want it to start with %q", got, want)
	}
	// Not on a terminal: no trace of it.
	if r := runIn(t, "export", "--dsn", dsn, "-q", "id:1", "--format", "ndjson"); r.code != 0 || r.stderr != "" || strings.Contains(r.stdout, "connecting") {
		t.Errorf("piped: %+v", r)
	}
}

// TestDatabasePiped: the piped output and CSV on MariaDB, with logins a
// failed sign-in can leave behind.
func TestDatabasePiped(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	dbtest.LoadSQLFile(t, db, dbtest.FixturePath(t, "activity_log_sample.sql"))
	dbName := dbtest.DBName(dsn)
	hostile := map[string]string{
		"smith, john":     "smith, john",
		`say "hi"`:        `say "hi"`,
		"two\r\nlines":    `two\r\nlines`,
		"=1+1":            "'=1+1",
		"@SUM(A1)":        "'@SUM(A1)",
		"-x":              "'-x",
		"\x1b[2Jgone":     `\x1b[2Jgone`,
		"tab\there, ok\"": `tab\there, ok"`,
	}
	var rows []dbtest.Row
	id := uint64(1000)
	for login := range hostile {
		rows = append(rows, dbtest.Row{ID: id, Login: login, Type: "ActivityLog/UserSignInFailed", Params: "a:0:{}", TS: "2026-11-20 10:00:00"})
		id++
	}
	dbtest.InsertRows(t, db, "matomo_activity_log", rows)
	userDSN := srv.CreateUser(t, dsn, "piped", pw, "GRANT SELECT ON `"+dbName+"`.* TO %s")
	total := 171 + len(hostile)

	all := runIn(t, "--dsn", userDSN)
	ok(t, all, "piped")
	if n := len(textIDs(t, all.stdout)); n != total {
		t.Fatalf("piped %d events, want %d", n, total)
	}
	sec := runIn(t, "--dsn", userDSN, "-q", "cat:security")
	exp := runIn(t, "export", "--dsn", userDSN, "-q", "cat:security", "--format", "ndjson")
	ok(t, sec, "piped -q cat:security")
	if a, b := textIDs(t, sec.stdout), ndjsonIDs(t, exp.stdout); len(a) <= 40 || !slices.Equal(a, b) {
		t.Fatalf("-q cat:security: %d lines piped, %d exported", len(a), len(b))
	}
	five := runIn(t, "--dsn", userDSN, "-n", "5")
	if got := lines(five.stdout); !slices.Equal(got, lines(all.stdout)[total-5:]) {
		t.Fatalf("-n 5:\n%s", five.stdout)
	}

	for _, args := range [][]string{
		{"--dsn", userDSN, "--format", "csv", "-q", "type:UserSignInFailed id:1000.."},
		{"export", "--dsn", userDSN, "--format", "csv", "-q", "type:UserSignInFailed id:1000.."},
	} {
		r := runIn(t, args...)
		ok(t, r, strings.Join(args[:1], " "))
		recs := readCSV(t, r.stdout)
		if len(recs) != len(hostile) || strings.Count(r.stdout, "\n") != len(hostile)+1 {
			t.Fatalf("%v: %d rows on %d lines", args[:1], len(recs), strings.Count(r.stdout, "\n"))
		}
		seen := map[string]bool{}
		for _, rec := range recs {
			seen[rec[2]] = true
		}
		for login, want := range hostile {
			if !seen[want] {
				t.Errorf("%v: login %q should read back as %q; got %q", args[:1], login, want, recs)
			}
		}
	}

	none := runIn(t, "--dsn", userDSN, "-q", "user:nobody-at-all")
	if none.code != 0 || none.stdout != "" || !strings.HasPrefix(none.stderr, "matomo-audit: no matching events in piped") || strings.Contains(none.stderr, pw) {
		t.Errorf("no match: %+v", none)
	}

	// An empty prefix is a prefix.
	r := runIn(t, "--dsn", userDSN, "--prefix", "")
	if r.code != 2 || !strings.Contains(r.stderr, `no table activity_log in database "`+dbName+`" (prefix "", from --prefix)`) || !strings.Contains(r.stderr, "--prefix matomo_") {
		t.Errorf("--prefix \"\": exit %d, %q", r.code, r.stderr)
	}

	out := filepath.Join(t.TempDir(), "one.csv")
	r = runIn(t, "export", "--dsn", userDSN, "-q", "id:1", "--format", "csv", "-o", out)
	if r.code != 0 || r.stderr != "wrote 1 event to "+out+"\n" {
		t.Errorf("export -o: exit %d, %q", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(out); len(readCSV(t, string(b))) != 1 {
		t.Errorf("one.csv: %q", b)
	}
	for _, r := range []result{all, sec, exp, five, none} {
		if strings.Contains(r.stdout+r.stderr, pw) {
			t.Error("the password appears in the output")
		}
	}
}
