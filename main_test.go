package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/dbtest"
	"matomo-audit/data/demo"
)

var bin string

// TestMain builds the real binary once: these tests run it as a user would.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "matomo-audit-bin")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "matomo-audit")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
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
		{[]string{"summary", "--demo", "--window", "2d"}, `--window: unknown window "2d"`},
		{[]string{"summary", "--demo", "--format", "xml"}, `unknown format "xml"`},
		{[]string{"summary", "--demo", "--burst-min", "1"}, "--burst-min must be at least 2"},
		{[]string{"--demo", "--burst-within", "0s"}, "--burst-within must be positive"},
	} {
		r := runBin(t, nil, c.args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", c.args, r.code, r.stderr)
		}
		if lines := strings.Count(strings.TrimSpace(r.stderr), "\n"); lines != 0 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: stderr %q, want one line containing %q", c.args, r.stderr, c.want)
		}
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

// silentServer accepts connections and never answers, so the binary sits
// in its handshake long enough to be looked at.
func silentServer(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	return l.Addr().String()
}

func TestPasswordHiddenFromProcessList(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the process list is rewritten on Linux only")
	}
	addr := silentServer(t)
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
	// Ctrl-C while connecting: exit 130, and no file or temp file left.
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Errorf("after SIGINT: %v (%s)", err, errb.String())
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
