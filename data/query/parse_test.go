package query

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestParseCanonical(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"user:alice", "user:alice"},
		{"login:alice,bob", "user:alice,bob"},
		{`-user:"Matomo System"`, `-user:"Matomo System"`},
		{`user:alice,"Matomo System"`, `user:alice,"Matomo System"`},
		{"type:GoalAdded type:*Removed", "type:GoalAdded type:*Removed"},
		{"cat:Security category:login", "cat:security cat:login"},
		{"sev:NOTICE severity:security", "sev:notice sev:security"},
		{"since:1h until:2026-11-20", "since:1h until:2026-11-20"},
		{`since:"2026-11-20 10:00"`, `since:"2026-11-20 10:00"`},
		{"ip:10.0.0.0/8 ip:2001:db8::/32 ip:10.1.2.3", "ip:10.0.0.0/8 ip:2001:db8::/32 ip:10.1.2.3"},
		{"country:DE site:3 id:1000..2000 id:5.. id:..9", "country:de site:3 id:1000..2000 id:5.. id:..9"},
		{`failed "two words" -noise`, `failed "two words" -noise`},
		{`"say \"hi\""`, `"say \"hi\""`},
		{"since:10:00", "since:10:00"},
		{`"a:b" "-x"`, `"a:b" "-x"`},
		{"  user:a   user:b  ", "user:a user:b"},
	}
	for _, c := range cases {
		q, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if got := q.String(); got != c.want {
			t.Errorf("Parse(%q).String() = %q, want %q", c.in, got, c.want)
		}
		// Printing back must parse to the same thing.
		again, err := Parse(q.String())
		if err != nil || again.String() != q.String() {
			t.Errorf("round trip of %q: %v %q", q.String(), err, again)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		in   string
		col  int
		want string
	}{
		{"user:", 6, "expected a login"},
		{"user:alice,", 12, `after ","`},
		{"user:,bob", 6, "expected a login"},
		{`user:""`, 6, "empty quotes"},
		{"foo:bar", 1, `unknown filter "foo:"`},
		{"alice http://x", 7, `unknown filter "http:"`},
		{`"unterminated`, 1, "unterminated quote"},
		{`user:"Matomo System`, 6, "unterminated quote"},
		{"cat:nope", 5, `unknown category "nope"`},
		{"sev:critical", 5, `unknown severity "critical"`},
		{"since:yesterdayy", 7, `"yesterdayy"`},
		{"since:2026-13-40", 7, "not a valid date"},
		{"until:soon", 7, "expected a time like"},
		{"ip:10.0.0.0/33", 4, "is not an IP address or prefix"},
		{"ip:999.1.1.1", 4, "is not an IP address"},
		{"country:germany", 9, "not a country code"},
		{"country:d3", 9, "not a country code"},
		{"site:x", 6, "not a site id"},
		{"id:5..3", 4, "empty id range"},
		{"id:..", 4, "expected a number"},
		{"id:abc", 4, "not an id"},
		{"-", 2, `after "-"`},
		{"- user:a", 2, `after "-"`},
		{`user:ali"ce`, 9, "unexpected quote"},
		{`ab"c"`, 3, "unexpected quote"},
		{`"a"b`, 4, "expected a space"},
		{"héllo wörld foo:x", 13, `unknown filter "foo:"`},
	}
	for _, c := range cases {
		_, err := Parse(c.in)
		var qe *Error
		if !errors.As(err, &qe) {
			t.Errorf("Parse(%q) = %v, want a *Error", c.in, err)
			continue
		}
		if qe.Col() != c.col || !strings.Contains(qe.Msg, c.want) {
			t.Errorf("Parse(%q) error at column %d %q, want column %d containing %q", c.in, qe.Col(), qe.Msg, c.col, c.want)
		}
		if strings.Contains(qe.Error(), "\n") {
			t.Errorf("error for %q spans lines", c.in)
		}
	}
}

func TestTimeSpecs(t *testing.T) {
	now := time.Date(2026, 11, 22, 15, 30, 0, 0, time.UTC)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	cases := []struct {
		in   string
		loc  *time.Location
		want time.Time
	}{
		{"1h", time.UTC, now.Add(-time.Hour)},
		{"-2h", time.UTC, now.Add(-2 * time.Hour)},
		{"90s", time.UTC, now.Add(-90 * time.Second)},
		{"1d12h", time.UTC, now.Add(-36 * time.Hour)},
		{"2w", time.UTC, now.Add(-14 * 24 * time.Hour)},
		{"today", time.UTC, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)},
		{"yesterday", time.UTC, time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)},
		{"now", time.UTC, now},
		{"2026-11-20", time.UTC, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)},
		{"2026-11-20 10:00", time.UTC, time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)},
		{"2026-11-20T10:00:05", time.UTC, time.Date(2026, 11, 20, 10, 0, 5, 0, time.UTC)},
		{"2026-11-20T10:00:00Z", berlin, time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)},
		{"2026-11-20T10:00:00+02:00", time.UTC, time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)},
		{"10:00", time.UTC, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)},
		// Zone-less times are read in the display zone (--tz).
		{"2026-11-20 10:00", berlin, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)},
		{"2026-07-20", berlin, time.Date(2026, 7, 19, 22, 0, 0, 0, time.UTC)},
		{"today", berlin, time.Date(2026, 11, 21, 23, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		got, err := ParseTime(c.in, now, c.loc)
		if err != nil {
			t.Errorf("ParseTime(%q): %v", c.in, err)
			continue
		}
		if !got.Equal(c.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q, %s) = %v, want %v", c.in, c.loc, got, c.want)
		}
	}
}

func TestGlob(t *testing.T) {
	cases := []struct {
		p, s string
		want bool
	}{
		{"*removed", "ActivityLog/UserRemoved", true},
		{"goal*", "GoalAdded", true},
		{"goal*", "ActivityLog/GoalAdded", false},
		{"*", "", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*@example.org", "erin@example.org", true},
		{"*@example.org", "erin@example.org.evil", false},
		{"**a**b**", "xxaxxbxx", true},
		{"é*", "Été", true},
		{"a*a*a*a*a*a*a*a*b", strings.Repeat("a", 5000), false},
		{`a\*b`, "a*b", true},
		{`a\*b`, "axb", false},
		{`\?`, "?", true},
		{`\?`, "x", false},
		{`a\\b`, `a\b`, true},
		{`back\slash`, `back\slash`, true},
	}
	for _, c := range cases {
		p := compilePattern(c.p)
		if got := p.match(c.s); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v", c.p, c.s, got)
		}
	}
}

// FuzzParse: no input may crash the parser; whatever parses prints back to
// something that parses the same; errors point inside the input; and the
// SQL built from it always has as many placeholders as arguments.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"user:alice", `-user:"Matomo System"`, "type:*Removed cat:security", "since:1h until:2026-11-20",
		"ip:10.0.0.0/8 country:de site:3 id:1..2", `"free text" word -other`, `user:a,"b c",d`,
		`"\"`, "id:..", "-", `user:"`, "since:2026-02-30", "ip:::ffff:10.0.0.1/104", "type:a!b%c_d",
		`user:"\x1b[31m\u202e\r\n"`, `"\xff"`, `"\u12"`, "user:\x1b\xff",
	} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, in string) {
		q, err := Parse(in)
		if err != nil {
			var qe *Error
			if !errors.As(err, &qe) {
				t.Fatalf("non-positional error %v", err)
			}
			if qe.Pos < 0 || qe.Pos > len(in) {
				t.Fatalf("error position %d outside input of %d bytes", qe.Pos, len(in))
			}
			return
		}
		again, err := Parse(q.String())
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", q.String(), in, err)
		}
		if again.String() != q.String() {
			t.Fatalf("canonical form not stable: %q -> %q", q.String(), again.String())
		}
		for _, s := range []Schema{{HasIPCountry: true}, {}} {
			cond, args := Compile(q, now, time.UTC).SQL(s)
			if n := strings.Count(cond, "?"); n != len(args) {
				t.Fatalf("%q: %d placeholders, %d args in %s", in, n, len(args), cond)
			}
		}
	})
}

func TestEdits(t *testing.T) {
	parse := func(s string) *Query {
		q, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	cases := []struct{ got, want string }{
		{parse("cat:security").ToggleUser("alice").String(), "cat:security user:alice"},
		{parse("user:bob cat:login -user:x").ToggleUser("alice").String(), "cat:login -user:x user:alice"},
		{parse("cat:login user:alice").ToggleUser("alice").String(), "cat:login"},
		{parse("").ToggleUser("Matomo System").String(), `user:"Matomo System"`},
		{parse("").ToggleUser(`a*b?c\d`).String(), `user:a\*b\?c\\d`},
		{parse("user:a").WithValues(KeyUser, []string{"b", "c d"}, false).String(), `user:b,"c d"`},
		{parse("user:a").WithValues(KeyUser, []string{"b"}, true).String(), "user:a -user:b"},
		{parse("type:x").WithValues(KeyCategory, []string{"login"}, false).String(), "type:x cat:login"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	// The toggled literal login matches exactly that login, not a pattern.
	q := parse("").ToggleUser(`a*b`)
	f := Compile(q, time.Now(), time.UTC)
	if !f.groups[0].pats[0].match("a*b") || f.groups[0].pats[0].match("axxb") {
		t.Error("escaped login still works as a pattern")
	}
}

func TestQuotedEscapes(t *testing.T) {
	cases := []struct{ in, want string }{
		{`user:"evil\x1b[31m"`, "evil\x1b[31m"},
		{`user:"\u202eadmin"`, "\u202eadmin"},
		{`user:"a\r\nb\tc"`, "a\r\nb\tc"},
		{`user:"say \"hi\" \\ back"`, `say "hi" \ back`},
		{`user:"\xff\xfe"`, "\xff\xfe"},
		{`user:"\U0001F600"`, "\U0001F600"},
		{`user:"we\*rd"`, `we\*rd`}, // a pattern escape, left for the pattern
		{`"C:\dir"`, `C:\dir`},
	}
	for _, c := range cases {
		q, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if got := q.Terms[0].Values[0]; got != c.want {
			t.Errorf("Parse(%q) value = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		in  string
		col int
	}{{`user:"a\x1"`, 8}, {`user:"\xzz"`, 7}, {`"\u12"`, 2}, {`"\ud800"`, 2}, {`"\U00110000"`, 2}} {
		_, err := Parse(c.in)
		var qe *Error
		if !errors.As(err, &qe) || qe.Col() != c.col {
			t.Errorf("Parse(%q) = %v, want an error at column %d", c.in, err, c.col)
		}
	}
}

// What the screen shows for a hostile login is what the query writes, and
// that reads back as the very same bytes.
func TestQuoteMatchesTheScreen(t *testing.T) {
	for _, login := range []string{
		"evil\x1b[31mred", "bell\a", "cr\r\nlf", "\u202eadmin", "tab\there", "del\x7f", "c1\u0085",
		"bad\xffutf8", `back\slash "quoted"`, "zero\u200bwidth", "plain", "with space", "a,b",
	} {
		v := EscapeLiteral(login)
		term := Term{Key: KeyUser, Values: []string{v}}.String()
		if strings.ContainsFunc(term, func(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f }) {
			t.Errorf("%q: term %q holds raw control characters", login, term)
		}
		q, err := Parse(term)
		if err != nil {
			t.Errorf("%q: %q does not parse: %v", login, term, err)
			continue
		}
		if got := q.Terms[0].Values[0]; got != v {
			t.Errorf("%q: %q reads back as %q", login, term, got)
		}
		f := Compile(q, time.Now(), time.UTC)
		if !f.groups[0].pats[0].match(login) {
			t.Errorf("%q: %q does not match it", login, term)
		}
	}
}

func TestFoldLogin(t *testing.T) {
	if FoldLogin("Alice") != FoldLogin("alice") || FoldLogin("ÄLICE") != "älice" {
		t.Error("case is not folded")
	}
	if FoldLogin("a\xff") == FoldLogin("a\xfe") {
		t.Error("different invalid bytes fold alike")
	}
	p := compilePattern("a\xff")
	if !p.match("A\xff") || p.match("a\xfe") || p.match("a\uFFFD") {
		t.Error("a byte that is not UTF-8 must match only itself")
	}
	g := compilePattern("a?")
	if !g.match("a\xff") || g.match("a\xff\xfe") {
		t.Error("? is one character, or one stray byte")
	}
}

// FoldLogin's shortcut for logins already folded gives what folding
// character by character gives.
func TestFoldLoginShortcut(t *testing.T) {
	slow := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b.WriteByte(s[i])
			} else {
				b.WriteRune(unicode.ToLower(r))
			}
			i += n
		}
		return b.String()
	}
	for _, s := range []string{"", "alice", "Alice", "dave.ops@example.org", "a-z_0-9@[]`{}", "@AZ[", "ALICE", "josé", "JOSÉ",
		"a\xff", "a\xffB", "\x1b[31m", "İ", "ǅ", "bob ", "\u202eroot"} {
		if got, want := FoldLogin(s), slow(s); got != want {
			t.Errorf("FoldLogin(%q) = %q, want %q", s, got, want)
		}
	}
	for c := 0; c < 0x80; c++ {
		s := "a" + string(rune(c)) + "z"
		if got, want := FoldLogin(s), slow(s); got != want {
			t.Errorf("FoldLogin(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestEmptyTimeRange(t *testing.T) {
	for _, in := range []string{
		"since:1h until:2h", "since:2026-11-21 until:2026-11-20", "since:10:00 until:09:00", "since:today until:yesterday",
		"since:2026-11-20 until:2026-11-20", `since:"2026-11-21T00:00:00Z" until:2026-11-19`, "since:1h,2h until:3h",
	} {
		_, err := Parse(in)
		var qe *Error
		if !errors.As(err, &qe) || !strings.Contains(qe.Msg, "empty time range") {
			t.Errorf("Parse(%q) = %v, want an empty time range error", in, err)
		}
	}
	for _, in := range []string{
		"since:2h until:1h", "since:2026-11-20 until:2026-11-21", "since:09:00 until:10:00", "since:2026-11-20 until:1h",
		"since:1h -until:2h", `since:"2026-11-20T10:00:00Z" until:2026-11-20`, "since:1h until:2h,30m", "since:yesterday until:1h",
	} {
		if _, err := Parse(in); err != nil {
			t.Errorf("Parse(%q): %v", in, err)
		}
	}
}

func TestPickerEdits(t *testing.T) {
	q, _ := Parse("user:alice,bob -user:carol cat:login type:Goal*")
	if got := q.Replace([]Key{KeyUser}, false, KeyUser, []string{"dave", EscapeLiteral("a*b"), "*@x.org"}).String(); got != `cat:login type:Goal* user:dave,a\*b,*@x.org` {
		t.Errorf("include replace: %s", got)
	}
	if got := q.Replace([]Key{KeyUser}, true, KeyUser, nil).String(); got != "cat:login type:Goal*" {
		t.Errorf("replace with nothing: %s", got)
	}
	if got := q.Values(KeyUser, false); len(got) != 2 || got[1] != "bob" {
		t.Errorf("values: %q", got)
	}
	if v, ok := Literal(`a\*b`); !ok || v != "a*b" {
		t.Errorf("Literal = %q %v", v, ok)
	}
	if _, ok := Literal("Goal*"); ok {
		t.Error("a pattern is not a literal")
	}
	if !MatchLogin("*@example.org", "Erin@Example.org") || MatchLogin("alice", "bob") {
		t.Error("MatchLogin")
	}
	if !MatchType("GoalAdded", "ActivityLog/GoalAdded") || !MatchType("activitylog/goal*", "ActivityLog/GoalAdded") || MatchType("Goal", "ActivityLog/GoalAdded") {
		t.Error("MatchType")
	}
	// u on another spelling of the filtered login turns the filter off.
	if got := parseOrDie(t, "user:alice").ToggleUser("Alice").String(); got != "" {
		t.Errorf("toggle of another spelling: %q", got)
	}
}

func parseOrDie(t *testing.T, s string) *Query {
	t.Helper()
	q, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestParseTimeQuoted(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	want := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for _, in := range []string{`2026-11-20 10:00`, `"2026-11-20 10:00"`, ` "2026-11-20 10:00" `} {
		if got, err := ParseTime(in, now, time.UTC); err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseTime(`"2026-11-20 10:00`, now, time.UTC); err == nil {
		t.Error("an unclosed quote is not a time")
	}
}
