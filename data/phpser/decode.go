package phpser

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// maxDepth bounds nesting. PHP's own default (unserialize_max_depth) is 4096;
// Matomo parameters nest about 5 deep, so 256 is generous and keeps the
// recursive decoder's stack small on hostile input.
const maxDepth = 256

// SyntaxError reports where decoding stopped.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return "php serialize: offset " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// Decode decodes one serialized value. It copies b once; use DecodeString
// when the caller already has a string.
func Decode(b []byte) (Value, error) { return DecodeString(string(b)) }

// DecodeString decodes the first serialized value in s. Strings in the
// result are substrings of s, so the result keeps s alive. Bytes after the
// first complete value are ignored, as PHP does.
func DecodeString(s string) (Value, error) {
	d := decoder{
		s: s,
		// Every entry costs one key terminator (';') and one value
		// terminator (';' or '}'), so this bounds the entries s can hold.
		budget: (strings.Count(s, ";") + strings.Count(s, "}")) / 2,
	}
	v, err := d.value()
	if d.scratch != nil {
		d.scratch.release()
	}
	return v, err
}

type decoder struct {
	s     string
	pos   int
	depth int

	// slab is where finished entry lists are carved from, so a whole tree
	// usually costs one allocation.
	slab   []Entry
	budget int // upper bound of entries not yet carved

	scratch *scratch // only for arrays above smallArray; see largeEntries
}

func (d *decoder) fail(off int, format string, args ...any) error {
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) eof() error {
	return &SyntaxError{Offset: len(d.s), Msg: "unexpected end of input"}
}

// expect consumes byte c. The fast path is kept small enough to inline.
func (d *decoder) expect(c byte) error {
	if p := d.pos; p < len(d.s) && d.s[p] == c {
		d.pos = p + 1
		return nil
	}
	return d.unexpected(c)
}

func (d *decoder) unexpected(c byte) error {
	if d.pos >= len(d.s) {
		return d.eof()
	}
	return d.fail(d.pos, "expected %q, found %q", c, d.s[d.pos])
}

// skipTag consumes a type tag such as "a:" whose letter the caller has
// already dispatched on.
func (d *decoder) skipTag() error {
	d.pos++
	return d.expect(':')
}

func (d *decoder) value() (Value, error) {
	if d.pos >= len(d.s) {
		return Value{}, d.eof()
	}
	switch c := d.s[d.pos]; c {
	case 'N':
		d.pos++
		return Value{Kind: KindNull}, d.expect(';')
	case 'b':
		return d.boolean()
	case 'i':
		n, err := d.integer()
		return Value{Kind: KindInt, Int: n}, err
	case 'd':
		return d.float()
	case 's':
		s, err := d.str()
		return Value{Kind: KindString, Str: s}, err
	case 'a':
		return d.array()
	case 'O':
		return d.object()
	case 'r', 'R':
		return Value{}, d.fail(d.pos, "references (%q) are not supported", c)
	case 'C':
		return Value{}, d.fail(d.pos, "custom-serialized objects (C:) are not supported")
	case 'E':
		return Value{}, d.fail(d.pos, "enums (E:) are not supported")
	case 'S':
		return Value{}, d.fail(d.pos, "escaped strings (S:) are not supported")
	case '}':
		return Value{}, d.fail(d.pos, "unexpected '}': fewer elements than declared")
	default:
		return Value{}, d.fail(d.pos, "unexpected byte %q", c)
	}
}

func (d *decoder) boolean() (Value, error) {
	if err := d.skipTag(); err != nil {
		return Value{}, err
	}
	if d.pos >= len(d.s) {
		return Value{}, d.eof()
	}
	c := d.s[d.pos]
	if c != '0' && c != '1' {
		return Value{}, d.fail(d.pos, "bool must be 0 or 1, found %q", c)
	}
	d.pos++
	return Value{Kind: KindBool, Bool: c == '1'}, d.expect(';')
}

// integer parses "i:[+-]digits;". PHP clamps overflow with a warning; a
// clamped id would be silently wrong, so we reject it.
func (d *decoder) integer() (int64, error) {
	if err := d.skipTag(); err != nil {
		return 0, err
	}
	n, err := d.signedInt("integer")
	if err != nil {
		return 0, err
	}
	return n, d.expect(';')
}

// signedInt parses [+-]?[0-9]+ into an int64 (PHP's parse_iv2).
func (d *decoder) signedInt(what string) (int64, error) {
	start := d.pos
	neg := false
	if d.pos < len(d.s) && (d.s[d.pos] == '-' || d.s[d.pos] == '+') {
		neg = d.s[d.pos] == '-'
		d.pos++
	}
	digits := d.pos
	for d.pos < len(d.s) && d.s[d.pos] == '0' {
		d.pos++
	}
	sig := d.pos
	var u uint64
	for d.pos < len(d.s) && d.s[d.pos] >= '0' && d.s[d.pos] <= '9' {
		if d.pos-sig < 19 { // 19 digits cannot overflow uint64
			u = u*10 + uint64(d.s[d.pos]-'0')
		}
		d.pos++
	}
	if d.pos == digits {
		if d.pos >= len(d.s) {
			return 0, d.eof()
		}
		return 0, d.fail(d.pos, "expected digit, found %q", d.s[d.pos])
	}
	limit := uint64(1<<63 - 1)
	if neg {
		limit++
	}
	if d.pos-sig > 19 || u > limit {
		return 0, d.fail(start, "%s out of int64 range", what)
	}
	if neg {
		return int64(-u), nil
	}
	return int64(u), nil
}

// length parses the unsigned decimal of a string length or element count.
// Anything above the input length cannot be satisfied, which also keeps the
// arithmetic far from overflow.
func (d *decoder) length(what string) (int, error) {
	start := d.pos
	n := 0
	for d.pos < len(d.s) && d.s[d.pos] >= '0' && d.s[d.pos] <= '9' {
		n = n*10 + int(d.s[d.pos]-'0')
		if n > len(d.s) {
			return 0, d.fail(start, "%s exceeds input size", what)
		}
		d.pos++
	}
	if d.pos == start {
		if d.pos >= len(d.s) {
			return 0, d.eof()
		}
		return 0, d.fail(d.pos, "expected digit, found %q", d.s[d.pos])
	}
	return n, nil
}

// float parses "d:...;" with exactly the grammar PHP's scanner accepts
// (iv | nv | nvexp, or NAN/INF/-INF), then lets strconv do the rounding.
// strconv alone would also accept hex floats, "Inf" and underscores.
func (d *decoder) float() (Value, error) {
	if err := d.skipTag(); err != nil {
		return Value{}, err
	}
	for _, special := range [...]string{"NAN;", "INF;", "-INF;"} {
		if strings.HasPrefix(d.s[d.pos:], special) {
			d.pos += len(special)
			return Value{Kind: KindFloat, Float: parseSpecial(special)}, nil
		}
	}
	start := d.pos
	s := d.s
	if d.pos < len(s) && (s[d.pos] == '+' || s[d.pos] == '-') {
		d.pos++
	}
	mant := d.pos
	d.skipDigits()
	intDigits := d.pos - mant
	fracDigits := 0
	if d.pos < len(s) && s[d.pos] == '.' {
		d.pos++
		frac := d.pos
		d.skipDigits()
		fracDigits = d.pos - frac
	}
	if intDigits+fracDigits == 0 {
		if d.pos >= len(s) {
			return Value{}, d.eof()
		}
		return Value{}, d.fail(d.pos, "malformed float: expected digit, found %q", s[d.pos])
	}
	if d.pos < len(s) && (s[d.pos] == 'e' || s[d.pos] == 'E') {
		d.pos++
		if d.pos < len(s) && (s[d.pos] == '+' || s[d.pos] == '-') {
			d.pos++
		}
		exp := d.pos
		d.skipDigits()
		if d.pos == exp {
			if d.pos >= len(s) {
				return Value{}, d.eof()
			}
			return Value{}, d.fail(d.pos, "malformed float exponent: found %q", s[d.pos])
		}
	}
	text := s[start:d.pos]
	if err := d.expect(';'); err != nil {
		return Value{}, err
	}
	f, err := strconv.ParseFloat(text, 64)
	// Out-of-range literals become ±Inf or 0, as with PHP's zend_strtod.
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return Value{}, d.fail(start, "malformed float %q", text)
	}
	return Value{Kind: KindFloat, Float: f}, nil
}

func (d *decoder) skipDigits() {
	for d.pos < len(d.s) && d.s[d.pos] >= '0' && d.s[d.pos] <= '9' {
		d.pos++
	}
}

// str parses `s:<len>:"<len bytes>";` and returns the bytes without copying.
// The length, not a closing quote, ends the string: content may hold `";`.
func (d *decoder) str() (string, error) {
	if err := d.skipTag(); err != nil {
		return "", err
	}
	lenAt := d.pos
	n, err := d.length("string length")
	if err != nil {
		return "", err
	}
	// Fast path for well-formed input; the slow path below names the error.
	if p := d.pos; p+2 <= len(d.s) && d.s[p] == ':' && d.s[p+1] == '"' &&
		n <= len(d.s)-p-4 && d.s[p+2+n] == '"' && d.s[p+3+n] == ';' {
		d.pos = p + 4 + n
		return d.s[p+2 : p+2+n], nil
	}
	if err := d.expect(':'); err != nil {
		return "", err
	}
	if err := d.expect('"'); err != nil {
		return "", err
	}
	if n > len(d.s)-d.pos {
		return "", d.fail(lenAt, "string length %d exceeds remaining input", n)
	}
	s := d.s[d.pos : d.pos+n]
	d.pos += n
	if err := d.expect('"'); err != nil {
		return "", err
	}
	return s, d.expect(';')
}

func parseSpecial(s string) float64 {
	switch s {
	case "INF;":
		return math.Inf(1)
	case "-INF;":
		return math.Inf(-1)
	}
	return math.NaN()
}
