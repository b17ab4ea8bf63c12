package keys

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// testKey is a real ed25519 key from a fixed seed, so that test files and
// the fuzz corpus are the same on every run.
func testKey(t testing.TB, seed byte) ssh.PublicKey {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	k, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// line is the authorized_keys line of k with options in front and a
// comment after.
func line(k ssh.PublicKey, options, comment string) string {
	s := strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(k)), "\n")
	if options != "" {
		s = options + " " + s
	}
	if comment != "" {
		s += " " + comment
	}
	return s
}

func blob(k ssh.PublicKey) string {
	return strings.Fields(string(ssh.MarshalAuthorizedKey(k)))[1]
}

func TestParseValid(t *testing.T) {
	alice, bob, oncall, both := testKey(t, 1), testKey(t, 2), testKey(t, 3), testKey(t, 4)
	file := strings.Join([]string{
		"# matomo-audit serve keys",
		"",
		line(alice, `login="alice"`, "alice@laptop"),
		"   ",
		"\t# indented comment",
		line(bob, `no-pty,LOGIN="bob",restrict`, "") + "\r", // CRLF and an upper-case name
		line(oncall, `view="oncall",query="cat:security -user:\"Matomo System\""`, "pager duty"),
		line(both, `login="carol",view="audit"`, ""),
	}, "\n")
	s, err := Parse([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 4 {
		t.Fatalf("Len = %d, want 4", s.Len())
	}
	for _, tc := range []struct {
		key                ssh.PublicKey
		login, view, query string
		comment            string
		flags              string
		line               int
	}{
		{alice, "alice", "", "", "alice@laptop", "", 3},
		{bob, "bob", "", "", "", "no-pty restrict", 6},
		{oncall, "", "oncall", `cat:security -user:"Matomo System"`, "pager duty", "", 7},
		{both, "carol", "audit", "", "", "", 8},
	} {
		e, ok := s.Lookup(tc.key)
		if !ok {
			t.Fatalf("line %d: key not found", tc.line)
		}
		if e.Login != tc.login || e.View != tc.view || e.Query != tc.query || e.Comment != tc.comment ||
			strings.Join(e.Flags, " ") != tc.flags || e.Line != tc.line {
			t.Errorf("line %d: got %+v", tc.line, e)
		}
		if e.Fingerprint != ssh.FingerprintSHA256(tc.key) || !bytes.Equal(e.Key.Marshal(), tc.key.Marshal()) {
			t.Errorf("line %d: key or fingerprint differ", tc.line)
		}
	}
}

func TestParseEmpty(t *testing.T) {
	for _, in := range []string{"", "\n\n", "# nobody yet\n", "\xef\xbb\xbf# BOM\n"} {
		s, err := Parse([]byte(in))
		if err != nil || s.Len() != 0 {
			t.Errorf("Parse(%q) = %d keys, %v", in, s.Len(), err)
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	s, err := Parse([]byte(line(testKey(t, 1), `login="alice"`, "")))
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := s.Lookup(testKey(t, 2)); ok {
		t.Fatalf("unknown key found: %+v", e)
	}
	if _, ok := s.Lookup(nil); ok {
		t.Fatal("nil key found")
	}
	var none *Set
	if _, ok := none.Lookup(testKey(t, 1)); ok || none.Len() != 0 {
		t.Fatal("nil set is not empty")
	}
}

func TestLookupIsACopy(t *testing.T) {
	k := testKey(t, 1)
	s, err := Parse([]byte(line(k, `restrict,login="alice"`, "")))
	if err != nil {
		t.Fatal(err)
	}
	e, _ := s.Lookup(k)
	e.Flags[0] = "pty"
	if e, _ := s.Lookup(k); e.Flags[0] != "restrict" {
		t.Fatalf("the set changed through a lookup: %v", e.Flags)
	}
}

// parseErr parses in and returns its *ParseError, failing the test when
// there is none, and checks what every message must be: one line naming
// no key blob.
func parseErr(t *testing.T, in string) *ParseError {
	t.Helper()
	s, err := Parse([]byte(in))
	if err == nil {
		t.Fatalf("Parse(%q) accepted %d keys", in, s.Len())
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *ParseError", err)
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\n\r\x1b") {
		t.Errorf("message is not one plain line: %q", msg)
	}
	for _, f := range strings.Fields(in) {
		if len(f) >= 40 && strings.Contains(msg, f) {
			t.Errorf("message %q prints a key blob or long value", msg)
		}
	}
	return pe
}

func TestParseErrors(t *testing.T) {
	k, other := testKey(t, 1), testKey(t, 2)
	good := line(other, `login="bob"`, "")
	key := line(k, "", "")
	fp := ssh.FingerprintSHA256(k)
	for _, tc := range []struct {
		name, line string
		want       []string // substrings of the reason
	}{
		{"not a key", "ssh-ed25519 notbase64!", []string{"not a public key"}},
		{"only a blob", blob(k), []string{"not a public key"}},
		{"truncated blob", strings.TrimSuffix(line(k, `login="alice"`, ""), blob(k)) + blob(k)[:30], []string{"not a public key"}},
		{"wrong declared type", `login="alice" ssh-rsa ` + blob(k), []string{"not a public key", "mismatch"}},
		{"no login", key, []string{"no login= or view=", fp, "ssh-ed25519"}},
		{"flags only", line(k, "no-pty,restrict", ""), []string{"no login= or view="}},
		{"empty login", line(k, `login=""`, ""), []string{"empty login=", fp}},
		{"padded login", line(k, `login="alice "`, ""), []string{"space"}},
		{"unquoted login", line(k, `login=alice`, ""), []string{"login=", "double quotes"}},
		{"bare login", line(k, `login`, ""), []string{"login needs a value"}},
		{"login twice", line(k, `login="a",login="b"`, ""), []string{"login= is given twice"}},
		{"text after quote", line(k, `login="a"b`, ""), []string{"after the closing quote"}},
		{"from", line(k, `from="10.0.0.0/8",login="alice"`, ""), []string{"from= is not supported", "not check where"}},
		{"From", line(k, `login="alice",From="*"`, ""), []string{"from= is not supported"}},
		{"command", line(k, `command="ls",login="alice"`, ""), []string{"command= is not supported", "not be enforced"}},
		{"unknown valued", line(k, `colour="red",login="alice"`, ""), []string{"unknown option colour="}},
		{"cert-authority", line(k, `cert-authority,login="alice"`, ""), []string{"cert-authority is not supported"}},
		{"malformed name", line(k, `no_pty,login="alice"`, ""), []string{`malformed option "no_pty"`}},
		{"empty view", line(k, `view=" "`, ""), []string{"empty view="}},
		{"query alone", line(k, `login="alice",query="cat:x"`, ""), []string{"query= is only meaningful with view="}},
		{"empty query", line(k, `view="v",query=""`, ""), []string{"empty query="}},
		{"bad query", line(k, `view="v",query="id:abc"`, ""), []string{`query= does not parse: column 4: "abc" is not an id`}},
		{"invalid UTF-8", line(k, "login=\"\xff\"", ""), []string{"not valid UTF-8"}},
		{"carriage return inside", line(k, `login="alice"`, "a\rb"), []string{"control character U+000D"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := "# keys\n" + good + "\n\n" + tc.line + "\n" + line(testKey(t, 9), `login="zed"`, "")
			pe := parseErr(t, in)
			if pe.Line != 4 {
				t.Errorf("line %d, want 4: %v", pe.Line, pe)
			}
			for _, w := range tc.want {
				if !strings.Contains(pe.Reason, w) {
					t.Errorf("reason %q does not say %q", pe.Reason, w)
				}
			}
		})
	}
}

func TestParseCertificate(t *testing.T) {
	k, ca := testKey(t, 1), testKey(t, 2)
	signer, err := ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, ed25519.SeedSize)))
	if err != nil || !bytes.Equal(signer.PublicKey().Marshal(), ca.Marshal()) {
		t.Fatal("signer", err)
	}
	cert := &ssh.Certificate{Key: k, CertType: ssh.UserCert, ValidPrincipals: []string{"alice"}, ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, signer); err != nil {
		t.Fatal(err)
	}
	pe := parseErr(t, line(cert, `login="alice"`, ""))
	if pe.Line != 1 || !strings.Contains(pe.Reason, "certificate") {
		t.Fatalf("got %v", pe)
	}
	// A certificate offered at login does not match its plain key's entry.
	s, err := Parse([]byte(line(k, `login="alice"`, "")))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Lookup(cert); ok {
		t.Fatal("a certificate matched a plain key")
	}
}

func TestParseDuplicate(t *testing.T) {
	k := testKey(t, 1)
	in := strings.Join([]string{
		line(testKey(t, 2), `login="bob"`, ""),
		line(k, `login="alice"`, "laptop"),
		"",
		"# the same key again, under another name",
		line(k, `login="mallory"`, "desktop"),
	}, "\n")
	pe := parseErr(t, in)
	if pe.Line != 5 {
		t.Fatalf("line %d, want 5", pe.Line)
	}
	want := fmt.Sprintf("key ssh-ed25519 %s is already listed on line 2", ssh.FingerprintSHA256(k))
	if !strings.Contains(pe.Reason, want) {
		t.Fatalf("reason %q, want %q", pe.Reason, want)
	}
}

func TestParseEscapedQuotes(t *testing.T) {
	k := testKey(t, 1)
	for _, tc := range []struct{ opt, want string }{
		{`login="a\"b"`, `a"b`},
		{`login="\"quoted\""`, `"quoted"`},
		{`login="back\slash"`, `back\slash`}, // as OpenSSH: only \" is an escape
		{`login="with, comma and space"`, "with, comma and space"},
		{`login="tab	inside"`, "tab\tinside"},
		{`login="é 漢字"`, "é 漢字"},
	} {
		s, err := Parse([]byte(line(k, tc.opt, "c")))
		if err != nil {
			t.Errorf("%s: %v", tc.opt, err)
			continue
		}
		if e, _ := s.Lookup(k); e.Login != tc.want || e.Comment != "c" {
			t.Errorf("%s: login %q comment %q, want %q", tc.opt, e.Login, e.Comment, tc.want)
		}
	}
	// A quote escaped at the end leaves the value open.
	parseErr(t, line(k, `login="abc\"`, ""))
}

func TestParseHostileValues(t *testing.T) {
	k := testKey(t, 1)
	long := strings.Repeat("x", 1<<20)
	for _, tc := range []struct{ name, line, want string }{
		{"ESC in login", line(k, "login=\"\x1b]52;c;aGk=\x07\"", ""), "control character U+001B at column 8"},
		{"ESC in comment", line(k, `login="alice"`, "\x1b[2J"), "control character U+001B"},
		{"NUL", line(k, "login=\"a\x00b\"", ""), "control character U+0000"},
		{"C1 CSI", line(k, "login=\"a\u009bb\"", ""), "control character U+009B"},
		{"DEL", line(k, "login=\"a\x7f\"", ""), "control character U+007F"},
		{"long login", line(k, `login="`+long+`"`, ""), "1048576 characters long; Matomo logins have at most 100"},
		{"long view", line(k, `view="`+long+`"`, ""), "view= is 1048576 characters long"},
		{"long query", line(k, `view="v",query="`+long+`"`, ""), "query= is 1048576 bytes long"},
		{"long option name", line(k, strings.Repeat("n", 5000)+`="x",login="a"`, ""), "unknown option"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pe := parseErr(t, tc.line)
			if !strings.Contains(pe.Reason, tc.want) {
				t.Errorf("reason %q does not say %q", pe.Reason, tc.want)
			}
			if len(pe.Error()) > 6000 {
				t.Errorf("message is %d bytes long", len(pe.Error()))
			}
		})
	}
	// At the limit, a login is accepted.
	s, err := Parse([]byte(line(k, `login="`+strings.Repeat("é", 100)+`"`, "")))
	if err != nil || s.Len() != 1 {
		t.Fatalf("100-character login refused: %v", err)
	}
}

// writeKeys writes a keys file 0600 in a fresh 0700 folder.
func writeKeys(t *testing.T, content string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "conf")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "keys")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoad(t *testing.T) {
	k := testKey(t, 1)
	path := writeKeys(t, line(k, `login="alice"`, "")+"\n")
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := s.Lookup(k); !ok || e.Login != "alice" {
		t.Fatalf("got %+v %v", e, ok)
	}

	if err := os.WriteFile(path, []byte("\n"+line(k, "", "")), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(path)
	if want := path + ":2: key ssh-ed25519 "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error %v, want it to start with %q", err, want)
	}

	if _, err := Load(filepath.Join(t.TempDir(), "missing")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("folder: %v", err)
	}
}
