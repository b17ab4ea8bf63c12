package dbtest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

func TestSplitSQL(t *testing.T) {
	src := "-- a comment with a quote: don't; and a semicolon\n" +
		"# another; one\n" +
		"SET NAMES utf8mb4;\n" +
		"/* block; 'comment' */ INSERT INTO `t;x` VALUES ('a;b', \"c;\\\"d\", 'it''s; ok', 'back\\\\slash;');\n" +
		"\n" +
		"INSERT INTO t VALUES ('multi\nline;\nstring');/*!40101 SET x=1 */;\n" +
		"SELECT 1 --not a comment without the space\n - 1;\n" +
		"SELECT 2 -- trailing comment; with semicolon\n" +
		";\n" +
		"-- only a comment at the end\n"
	got, err := splitSQL(src)
	if err != nil {
		t.Fatal(err)
	}
	want := []statement{
		{"-- a comment with a quote: don't; and a semicolon\n# another; one\nSET NAMES utf8mb4", 3},
		{"/* block; 'comment' */ INSERT INTO `t;x` VALUES ('a;b', \"c;\\\"d\", 'it''s; ok', 'back\\\\slash;')", 4},
		{"INSERT INTO t VALUES ('multi\nline;\nstring')", 6},
		{"/*!40101 SET x=1 */", 8},
		{"SELECT 1 --not a comment without the space\n - 1", 9},
		{"SELECT 2 -- trailing comment; with semicolon", 11},
	}
	if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
		t.Errorf("splitSQL:\n got %#v\nwant %#v", got, want)
	}

	for _, bad := range []string{"SELECT 'open", "SELECT 1 /* open", "SELECT `x", "DELIMITER //\nSELECT 1 //"} {
		if _, err := splitSQL(bad); err == nil {
			t.Errorf("splitSQL(%q): no error", bad)
		}
	}
	if got, err := splitSQL("SELECT 1"); err != nil || len(got) != 1 || got[0].text != "SELECT 1" {
		t.Errorf("no trailing semicolon: %#v %v", got, err)
	}
}

// fakeTB records how a helper ends a test, without ending the real one.
type fakeTB struct {
	testing.TB
	skipped, failed bool
	msg             string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skipf(format string, args ...any) {
	f.skipped, f.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed, f.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func runFake(fn func(testing.TB)) *fakeTB {
	f := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	return f
}

func TestUnavailablePolicy(t *testing.T) {
	t.Setenv("CI", "")
	f := runFake(func(tb testing.TB) { unavailable(tb, "no server here") })
	if !f.skipped || !strings.Contains(f.msg, howToEnable) || !strings.Contains(f.msg, "no server here") {
		t.Errorf("outside CI: skipped=%v failed=%v msg=%q", f.skipped, f.failed, f.msg)
	}
	t.Setenv("CI", "true")
	f = runFake(func(tb testing.TB) { unavailable(tb, "no server here") })
	if !f.failed || !strings.Contains(f.msg, howToEnable) {
		t.Errorf("under CI: skipped=%v failed=%v msg=%q", f.skipped, f.failed, f.msg)
	}
	f = runFake(func(tb testing.TB) { FixturePath(tb, "no-such-fixture.sql") })
	if !f.failed || !strings.Contains(f.msg, "no-such-fixture.sql") {
		t.Errorf("missing fixture under CI: skipped=%v failed=%v msg=%q", f.skipped, f.failed, f.msg)
	}
}

// An explicitly configured server that is down is a failure, never a skip, and the error
// does not show its password.
func TestEnvDSNUnreachable(t *testing.T) {
	t.Setenv(envDSN, "root:fake-secret-pw@tcp(127.0.0.1:1)/x?timeout=2s")
	s, missing, err := openShared()
	if s != nil || missing != "" || err == nil {
		t.Fatalf("openShared = %v, %q, %v; want an error", s, missing, err)
	}
	if strings.Contains(err.Error(), "fake-secret-pw") || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("error %q: want the address, not the password", err)
	}
	t.Setenv(envDSN, "not a dsn")
	if _, _, err := openShared(); err == nil {
		t.Errorf("invalid DSN: no error")
	}
}

func TestDatabaseName(t *testing.T) {
	for _, name := range []string{"TestX", "", "Test/ä ö/ÜÜÜ", strings.Repeat("TestLong/", 20)} {
		got := databaseName(name)
		if len(got) > 64 || !strings.HasPrefix(got, "mat_") || strings.Contains(got, "__") {
			t.Errorf("databaseName(%q) = %q", name, got)
		}
		for _, r := range got {
			if !(r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')) {
				t.Errorf("databaseName(%q) = %q: character %q", name, got, r)
			}
		}
	}
	if a, b := databaseName("TestX"), databaseName("TestX"); a == b {
		t.Errorf("two calls gave the same name %q", a)
	}
}

func TestQuoteString(t *testing.T) {
	if got := quoteString(`a'b\c`, false); got != `'a''b\\c'` {
		t.Errorf("quoteString = %s", got)
	}
	if got := quoteString(`a'b\c`, true); got != `'a''b\c'` {
		t.Errorf("quoteString NO_BACKSLASH_ESCAPES = %s", got)
	}
}
