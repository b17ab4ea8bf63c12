package matomoconf

import (
	"strings"
	"unicode/utf8"
)

//go:generate php testdata/gen_entity_table.php entity_table.go

// matomoDecode turns a config value as parse_ini_string returned it into the
// value Matomo works with. Matomo writes every string through
// htmlentities(ENT_COMPAT, UTF-8) and then "$" -> "&#36;", and reads it back
// with html_entity_decode(ENT_COMPAT, UTF-8) - but IniFileChain::reload runs
// its by-reference decodeValues on each file's settings twice (once for the
// result it assigns, once more in place), so every string is decoded twice:
// a hand-written "a&amp;lt;b" is "a<b" to Matomo, and so it is here. Values
// that were never encoded decode to themselves unless they hold an entity.
func matomoDecode(s string) string {
	return htmlEntityDecode(htmlEntityDecode(s))
}

// htmlEntityDecode is PHP's html_entity_decode($s, ENT_COMPAT, 'UTF-8'),
// whose document type defaults to HTML 4.01. Go's html.UnescapeString is a
// different function (HTML5 names, names without ";", &apos;, C1 remapping)
// and would read some passwords differently than Matomo does.
//
// Like PHP it is a single left-to-right pass: what an entity decodes to is
// never looked at again, and text that fails to be an entity is copied as is
// with scanning resumed where the attempt stopped, so "&&lt;" is "&<". Each
// byte is looked at a bounded number of times, and the result is never
// longer than s: no entity is shorter than the UTF-8 it stands for.
func htmlEntityDecode(s string) string {
	i := strings.IndexByte(s, '&')
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i >= 0 {
		b.WriteString(s[:i])
		s = s[i:]
		r, n, ok := entity(s)
		if ok {
			b.WriteRune(r)
		} else {
			b.WriteString(s[:n])
		}
		s = s[n:]
		i = strings.IndexByte(s, '&')
	}
	b.WriteString(s)
	return b.String()
}

// entity reads the entity s starts with (s[0] is '&'). When ok it decodes to
// r and spans n bytes; otherwise the first n bytes (at least the "&") are
// text, and n is where PHP's scanner gave up.
func entity(s string) (r rune, n int, ok bool) {
	if len(s) < 4 {
		return 0, len(s), false
	}
	if s[1] == '#' {
		r, n, ok = numericEntity(s)
	} else {
		n = 1
		for n < len(s) && isAlnum(s[n]) {
			n++
		}
		if n == 1 || n == len(s) || s[n] != ';' {
			return 0, n, false
		}
		// HTML 4.01 has no name for "'", so the ENT_COMPAT rule below never
		// applies to names; &apos; is simply unknown.
		r, ok = html401Entities[s[1:n]]
	}
	if !ok || r == '\'' { // ENT_COMPAT keeps single quotes encoded
		return 0, n, false
	}
	return r, n + 1, true
}

// numericEntity reads "&#DDD;", "&#xHHH;" or "&#XHHH;" the way PHP does,
// with C's strtol: any number of leading zeros, and in hex an optional
// "0x"/"0X" after the "x" ("&#x0x41;" is "A"). n is the offset of the ";"
// when ok.
func numericEntity(s string) (r rune, n int, ok bool) {
	n = 2
	hex := s[n] == 'x' || s[n] == 'X'
	if hex {
		n++
	}
	digit := isDigit
	if hex {
		digit = isHexDigit
		// strtol skips a 0x prefix only when a hex digit follows it.
		if n+2 < len(s) && s[n] == '0' && (s[n+1] == 'x' || s[n+1] == 'X') && isHexDigit(s[n+2]) {
			n += 2
		}
	}
	if n == len(s) || !digit(s[n]) {
		return 0, n, false
	}
	const tooBig = utf8.MaxRune + 1
	v := 0
	for ; n < len(s) && digit(s[n]); n++ {
		if v < tooBig { // strtol saturates; staying above the limit is enough
			if hex {
				v = v<<4 | int(hexValue(s[n]))
			} else {
				v = v*10 + int(s[n]-'0')
			}
		}
	}
	if n == len(s) || s[n] != ';' || !html401Allowed(v) {
		return 0, n, false
	}
	return rune(v), n, true
}

// html401Allowed is the set of code points PHP decodes from numeric
// entities in HTML 4.01 mode, measured by trying all of them in PHP 8.2:
// no C0 controls but tab, LF and CR, no DEL or C1 controls, no surrogates.
// Unlike PHP's HTML5 mode, noncharacters such as U+FFFE are decoded.
func html401Allowed(cp int) bool {
	switch {
	case cp == 0x9, cp == 0xA, cp == 0xD:
		return true
	case cp >= 0x20 && cp <= 0x7E:
		return true
	case cp >= 0xA0 && cp <= 0xD7FF:
		return true
	case cp >= 0xE000 && cp <= utf8.MaxRune:
		return true
	}
	return false
}

// The byte classes are ASCII-only, as C's are in the locale PHP runs in;
// c|0x20 lower-cases ASCII letters and maps no other byte into a-z.
func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isHexDigit(c byte) bool { return isDigit(c) || ('a' <= c|0x20 && c|0x20 <= 'f') }
func isAlnum(c byte) bool    { return isDigit(c) || ('a' <= c|0x20 && c|0x20 <= 'z') }

func hexValue(c byte) byte {
	if isDigit(c) {
		return c - '0'
	}
	return (c | 0x20) - 'a' + 10
}
