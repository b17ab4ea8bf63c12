// Package termsafe makes text from the database safe to print to a
// terminal. Logins of failed sign-ins and many parameter values are typed
// by strangers; printed raw, an escape sequence could recolour the screen,
// move the cursor, set the clipboard (OSC 52) or retitle the window, and
// bidi overrides or invisible characters could make "admin" look like
// someone else. Everything such is shown as a visible escape instead.
package termsafe

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Clean returns s with control characters (C0, DEL, C1), bidi controls,
// invisible format characters and invalid UTF-8 replaced by visible escapes
// such as \x1b, \u202e or \xff. Printable text, including wide and
// combining characters, is kept.
func Clean(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case r < 0x20 || r == 0x7f:
			b.WriteString(ctrlEscape(byte(r)))
		case unsafeRune(r):
			b.WriteString(`\u`)
			q := strconv.FormatInt(int64(r), 16)
			b.WriteString(strings.Repeat("0", 4-min(4, len(q))))
			b.WriteString(q)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			// Non-ASCII: check rune by rune from here.
			for _, r := range s[i:] {
				if r == utf8.RuneError || r < 0x20 || r == 0x7f || unsafeRune(r) {
					return false
				}
			}
			return true
		}
	}
	return true
}

func ctrlEscape(c byte) string {
	switch c {
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	}
	return `\x` + hex2(c)
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}

// unsafeRune reports C1 controls, bidi controls and invisible format
// characters.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1, includes CSI (0x9b) and OSC (0x9d)
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // bidi marks
		return true
	case r >= 0x202a && r <= 0x202e: // bidi embeddings and overrides
		return true
	case r >= 0x2066 && r <= 0x2069: // bidi isolates
		return true
	case r >= 0x200b && r <= 0x200d, r == 0x2060, r == 0xfeff: // zero-width
		return true
	case r == 0x2028 || r == 0x2029: // line/paragraph separators
		return true
	case r == 0x00ad: // soft hyphen: invisible
		return true
	}
	return false
}
