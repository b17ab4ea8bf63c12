// Package query implements the filter language shared by the TUI prompt and
// every command's --query flag: a parser with precise errors, a Go
// evaluator, and an SQL push-down that is never narrower than the evaluator
// (so the MySQL and demo sources always agree).
package query

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"matomo-audit/data/activity"
	"matomo-audit/internal/termsafe"
)

// Key names what a term filters on.
type Key uint8

const (
	KeyText Key = iota
	KeyUser
	KeyType
	KeyCategory
	KeySeverity
	KeySince
	KeyUntil
	KeyIP
	KeyCountry
	KeySite
	KeyID
)

// keyNames maps what users type to keys; the first name of each key is the
// canonical one used when a query is printed back.
var keyNames = []struct {
	name string
	key  Key
}{
	{"user", KeyUser}, {"login", KeyUser},
	{"type", KeyType},
	{"cat", KeyCategory}, {"category", KeyCategory},
	{"sev", KeySeverity}, {"severity", KeySeverity},
	{"since", KeySince}, {"until", KeyUntil},
	{"ip", KeyIP},
	{"country", KeyCountry},
	{"site", KeySite},
	{"id", KeyID},
}

func (k Key) String() string {
	if k == KeyText {
		return "text"
	}
	for _, kn := range keyNames {
		if kn.key == k {
			return kn.name
		}
	}
	return "?"
}

func lookupKey(name string) (Key, bool) {
	for _, kn := range keyNames {
		if strings.EqualFold(kn.name, name) {
			return kn.key, true
		}
	}
	return 0, false
}

// KeyList is the list of keys for help texts and error messages.
func KeyList() string {
	return "user:, type:, cat:, sev:, since:, until:, ip:, country:, site:, id:"
}

// Error is a query error at a position. Pos is a byte offset into the
// input; Col is the 1-based column a person counts.
type Error struct {
	Input string
	Pos   int
	Msg   string
}

// Col is the 1-based column (in characters) of the error.
func (e *Error) Col() int { return utf8.RuneCountInString(e.Input[:min(e.Pos, len(e.Input))]) + 1 }

func (e *Error) Error() string { return fmt.Sprintf("column %d: %s", e.Col(), e.Msg) }

// Term is one filter. Positive terms of the same key OR together; all other
// terms AND together; free-text terms always AND.
type Term struct {
	Key    Key
	Negate bool
	Values []string // as typed, unquoted; several when comma-separated
	Pos    int      // byte span of the term in the input
	End    int

	times    []timeSpec
	prefixes []netip.Prefix
	ranges   []idRange
	sites    []int64
	sevs     []activity.Severity
}

type idRange struct{ lo, hi uint64 }

// Query is a parsed query.
type Query struct {
	Input string
	Terms []Term
}

// Empty reports whether the query filters nothing.
func (q *Query) Empty() bool { return q == nil || len(q.Terms) == 0 }

// String prints the query back in canonical form.
func (q *Query) String() string {
	if q == nil {
		return ""
	}
	parts := make([]string, len(q.Terms))
	for i, t := range q.Terms {
		parts[i] = t.String()
	}
	return strings.Join(parts, " ")
}

// String prints one term, e.g. `-user:alice,"Matomo System"`.
func (t Term) String() string {
	var b strings.Builder
	if t.Negate {
		b.WriteByte('-')
	}
	if t.Key != KeyText {
		b.WriteString(t.Key.String())
		b.WriteByte(':')
	}
	for i, v := range t.Values {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(quoteIfNeeded(t.Key, v))
	}
	return b.String()
}

// quoteIfNeeded quotes what would otherwise read differently: spaces,
// quotes and commas anywhere, for free text a colon (it would read as a
// filter) or a leading "-" (it would read as an exclusion), and anything the
// screen shows as an escape (control characters, bidi marks, invalid UTF-8):
// inside quotes those are written with the same escapes the screen shows,
// so what a person reads is what they can type back.
func quoteIfNeeded(k Key, v string) string {
	plain := v != "" && !strings.ContainsAny(v, " \t\n\r\",") && termsafe.Clean(v) == v
	if k == KeyText && (strings.Contains(v, ":") || strings.HasPrefix(v, "-")) {
		plain = false
	}
	if plain {
		return v
	}
	return quote(v)
}

// quote writes v as a quoted value that Parse reads back as exactly v:
// backslash and quote escaped, and every character the screen shows as an
// escape (\x1b, \u202e, \r, \n, \t, \xff for a byte that is not UTF-8)
// written as that same escape.
func quote(v string) string {
	return `"` + termsafe.Clean(strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v)) + `"`
}

// Parse reads a query. Errors say where and what was expected.
func Parse(input string) (*Query, error) {
	p := &parser{in: input}
	q := &Query{Input: input}
	for {
		p.skipSpace()
		if p.pos >= len(p.in) {
			if err := p.checkTimeRange(q); err != nil {
				return nil, err
			}
			return q, nil
		}
		t, err := p.term()
		if err != nil {
			return nil, err
		}
		q.Terms = append(q.Terms, t)
	}
}

type parser struct {
	in  string
	pos int
}

func (p *parser) errAt(pos int, format string, args ...any) *Error {
	return &Error{Input: p.in, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) skipSpace() {
	for p.pos < len(p.in) && isSpace(p.in[p.pos]) {
		p.pos++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (p *parser) term() (Term, error) {
	t := Term{Pos: p.pos}
	if p.in[p.pos] == '-' {
		t.Negate = true
		p.pos++
		if p.pos >= len(p.in) || isSpace(p.in[p.pos]) {
			return t, p.errAt(p.pos, `expected a filter or text after "-"`)
		}
	}
	if p.in[p.pos] == '"' {
		start := p.pos
		s, err := p.quoted()
		if err != nil {
			return t, err
		}
		if s == "" {
			return t, p.errAt(start, "empty quoted text: type something between the quotes")
		}
		t.Key, t.Values, t.End = KeyText, []string{s}, p.pos
		return t, p.endOfTerm()
	}
	wordStart := p.pos
	for p.pos < len(p.in) && !isSpace(p.in[p.pos]) && p.in[p.pos] != ':' && p.in[p.pos] != '"' {
		p.pos++
	}
	word := p.in[wordStart:p.pos]
	if p.pos >= len(p.in) || p.in[p.pos] != ':' {
		if p.pos < len(p.in) && p.in[p.pos] == '"' {
			return t, p.errAt(p.pos, `unexpected quote inside a word: put a space before it or quote the whole text`)
		}
		t.Key, t.Values, t.End = KeyText, []string{word}, p.pos
		return t, nil
	}
	key, ok := lookupKey(word)
	if !ok {
		return t, p.errAt(wordStart, `unknown filter %q: expected one of %s (quote text that contains ":")`, word+":", KeyList())
	}
	p.pos++ // ':'
	t.Key = key
	for {
		vStart := p.pos
		if p.pos >= len(p.in) || isSpace(p.in[p.pos]) || p.in[p.pos] == ',' {
			after := word + ":"
			if len(t.Values) > 0 {
				after = `","`
			}
			return t, p.errAt(vStart, "expected %s after %s", valueHint(key), after)
		}
		var v string
		if p.in[p.pos] == '"' {
			s, err := p.quoted()
			if err != nil {
				return t, err
			}
			v = s
		} else {
			for p.pos < len(p.in) && !isSpace(p.in[p.pos]) && p.in[p.pos] != ',' && p.in[p.pos] != '"' {
				p.pos++
			}
			v = p.in[vStart:p.pos]
			if p.pos < len(p.in) && p.in[p.pos] == '"' {
				return t, p.errAt(p.pos, `unexpected quote inside a value: quote the whole value, e.g. %s:"two words"`, word)
			}
		}
		if err := t.addValue(p, vStart, v); err != nil {
			return t, err
		}
		if p.pos < len(p.in) && p.in[p.pos] == ',' {
			p.pos++
			continue
		}
		break
	}
	t.End = p.pos
	return t, p.endOfTerm()
}

func (p *parser) endOfTerm() error {
	if p.pos < len(p.in) && !isSpace(p.in[p.pos]) {
		return p.errAt(p.pos, "expected a space before the next filter")
	}
	return nil
}

// quoted reads "..." and leaves pos after the closing quote. Inside
// quotes a backslash starts an escape: \" and \\ for the quote and the
// backslash, \r \n \t, \xHH for one byte and \uHHHH (or \UHHHHHHHH) for a
// character: the escapes the screen uses for what it cannot show, so a login
// full of control characters can be typed as it reads. A backslash before
// anything else stays, so patterns keep their \* and \?.
func (p *parser) quoted() (string, error) {
	start := p.pos
	p.pos++
	var b strings.Builder
	for p.pos < len(p.in) {
		c := p.in[p.pos]
		switch c {
		case '\\':
			if p.pos+1 >= len(p.in) {
				break
			}
			n, err := p.escape(&b)
			if err != nil {
				return "", err
			}
			if n > 0 {
				p.pos += n
				continue
			}
		case '"':
			p.pos++
			return b.String(), nil
		}
		b.WriteByte(c)
		p.pos++
	}
	return "", p.errAt(start, `unterminated quote: expected a closing " for the quote opened here`)
}

// escape decodes the escape at pos (a backslash) into b and returns its
// length, or 0 when the backslash is not an escape and stays as it is.
func (p *parser) escape(b *strings.Builder) (int, error) {
	switch e := p.in[p.pos+1]; e {
	case '"', '\\':
		b.WriteByte(e)
		return 2, nil
	case 'r':
		b.WriteByte('\r')
		return 2, nil
	case 'n':
		b.WriteByte('\n')
		return 2, nil
	case 't':
		b.WriteByte('\t')
		return 2, nil
	case 'x', 'u', 'U':
		digits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
		hex := p.in[p.pos+2 : min(len(p.in), p.pos+2+digits)]
		n, err := strconv.ParseUint(hex, 16, 32)
		if len(hex) < digits || err != nil {
			return 0, p.errAt(p.pos, `\%c needs %d hex digits, like %s (write \\ for a backslash)`, e, digits, map[byte]string{'x': `\x1b`, 'u': `\u202e`, 'U': `\U0001f600`}[e])
		}
		if e == 'x' {
			// One byte, as the screen shows bytes that are not UTF-8.
			b.WriteByte(byte(n))
		} else {
			if n > unicode.MaxRune || n >= 0xd800 && n <= 0xdfff {
				return 0, p.errAt(p.pos, `\%c%s is not a character`, e, hex)
			}
			b.WriteRune(rune(n))
		}
		return 2 + digits, nil
	}
	return 0, nil
}

func valueHint(k Key) string {
	switch k {
	case KeyUser:
		return "a login (or a pattern like *@example.org)"
	case KeyType:
		return "a type id like GoalAdded or a pattern like *Removed"
	case KeyCategory:
		return "a category (" + strings.Join(activity.Categories(), ", ") + ")"
	case KeySeverity:
		return "a severity (info, notice, security)"
	case KeySince, KeyUntil:
		return `a time like 1h, 7d, yesterday, 2026-11-20 or "2026-11-20 10:00"`
	case KeyIP:
		return "an IP address or prefix like 10.1.2.3, 10.0.0.0/8 or 2001:db8::/32"
	case KeyCountry:
		return "a country code like de"
	case KeySite:
		return "a site id like 3"
	case KeyID:
		return "an id or range like 1000, 1000..2000, 1000.. or ..2000"
	}
	return "a value"
}

// addValue validates a value now, so mistakes show while typing rather
// than as an empty result later.
func (t *Term) addValue(p *parser, pos int, v string) error {
	bad := func(format string, args ...any) error {
		return p.errAt(pos, format, args...)
	}
	if v == "" {
		return bad("expected %s, got empty quotes", valueHint(t.Key))
	}
	switch t.Key {
	case KeyCategory:
		if !activity.IsCategory(v) {
			return bad("unknown category %q: expected one of %s", v, strings.Join(activity.Categories(), ", "))
		}
		v = strings.ToLower(v)
	case KeySeverity:
		s, err := activity.ParseSeverity(v)
		if err != nil {
			return bad("unknown severity %q: expected info, notice or security", v)
		}
		t.sevs = append(t.sevs, s)
		v = s.String()
	case KeySince, KeyUntil:
		ts, err := parseTimeSpec(v)
		if err != nil {
			return bad("%v", err)
		}
		t.times = append(t.times, ts)
	case KeyIP:
		pf, err := parseIPValue(v)
		if err != nil {
			return bad("%q is not %s", v, valueHint(KeyIP))
		}
		t.prefixes = append(t.prefixes, pf)
	case KeyCountry:
		if len(v) < 2 || len(v) > 3 || strings.IndexFunc(v, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
		}) >= 0 {
			return bad("%q is not a country code: expected 2 or 3 letters like de", v)
		}
		v = strings.ToLower(v)
	case KeySite:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return bad("%q is not a site id: expected a number like 3", v)
		}
		t.sites = append(t.sites, n)
	case KeyID:
		r, err := parseIDRange(v)
		if err != nil {
			return bad("%v", err)
		}
		t.ranges = append(t.ranges, r)
	}
	t.Values = append(t.Values, v)
	return nil
}

func parseIPValue(v string) (netip.Prefix, error) {
	if strings.Contains(v, "/") {
		pf, err := netip.ParsePrefix(v)
		if err != nil {
			return pf, err
		}
		return pf.Masked(), nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func parseIDRange(v string) (idRange, error) {
	num := func(s string) (uint64, error) {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not an id: expected a whole number", s)
		}
		return n, nil
	}
	lo, hi, isRange := strings.Cut(v, "..")
	if !isRange {
		n, err := num(v)
		return idRange{n, n}, err
	}
	r := idRange{0, ^uint64(0)}
	var err error
	if lo == "" && hi == "" {
		return r, fmt.Errorf(`expected a number before or after ".."`)
	}
	if lo != "" {
		if r.lo, err = num(lo); err != nil {
			return r, err
		}
	}
	if hi != "" {
		if r.hi, err = num(hi); err != nil {
			return r, err
		}
	}
	if r.lo > r.hi {
		return r, fmt.Errorf("empty id range %s: the first id must not be larger than the second", v)
	}
	return r, nil
}
