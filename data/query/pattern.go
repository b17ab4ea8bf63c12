package query

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// pattern is a user: or type: value: a literal, or a glob with * (any run)
// and ? (any one character). A backslash makes the next *, ? or \ literal,
// so logins that contain them (failed sign-ins can hold anything) can be
// matched exactly.
//
// Matching ignores case the way FoldLogin says; a byte that is not UTF-8
// matches only itself, so two logins that differ in such bytes stay apart.
type pattern struct {
	glob bool
	lit  string // unescaped and folded; when !glob
	toks []ptok // folded; when glob
}

type ptok struct {
	kind byte // 'l' literal, '*' any run, '?' any one character
	lit  string
}

// FoldLogin is the form in which user: compares logins: every character
// lower-cased, bytes that are not UTF-8 kept as they are. Two logins with
// the same fold are the same to every filter, count and list; Matomo's own
// user table compares logins case-insensitively too.
func FoldLogin(s string) string {
	// Most logins are lower-case ASCII already: those are their own fold,
	// without the copy a summary would otherwise make of every event's.
	folded := true
	for i := 0; i < len(s) && folded; i++ {
		folded = s[i] < utf8.RuneSelf && (s[i] < 'A' || s[i] > 'Z')
	}
	if folded {
		return s
	}
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

// foldUnit is the folded first character of s (or its first byte when that
// is not UTF-8) and how many bytes of s it took.
func foldUnit(s string) (string, int) {
	// ASCII, most of what is compared, without making a string.
	if c := s[0]; c < utf8.RuneSelf {
		if 'A' <= c && c <= 'Z' {
			return asciiLower[c-'A' : c-'A'+1], 1
		}
		return s[:1], 1
	}
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && n == 1 {
		return s[:1], 1
	}
	if l := unicode.ToLower(r); l != r {
		return string(l), n
	}
	return s[:n], n
}

func compilePattern(v string) pattern {
	var p pattern
	var lit strings.Builder
	for i := 0; i < len(v); {
		switch c := v[i]; {
		case c == '\\' && i+1 < len(v) && strings.IndexByte(`*?\`, v[i+1]) >= 0:
			p.toks = append(p.toks, ptok{'l', v[i+1 : i+2]})
			lit.WriteByte(v[i+1])
			i += 2
		case c == '*' || c == '?':
			p.glob = true
			p.toks = append(p.toks, ptok{c, ""})
			i++
		default:
			u, n := foldUnit(v[i:])
			p.toks = append(p.toks, ptok{'l', u})
			lit.WriteString(u)
			i += n
		}
	}
	if !p.glob {
		p.lit, p.toks = lit.String(), nil
	}
	return p
}

// match compares ignoring case, character by character.
func (p *pattern) match(s string) bool {
	if !p.glob {
		return foldEqual(p.lit, s)
	}
	return globMatch(p.toks, s)
}

const asciiLower = "abcdefghijklmnopqrstuvwxyz"

func foldEqual(folded, s string) bool {
	for folded != "" {
		if s == "" {
			return false
		}
		u, n := foldUnit(s)
		if !strings.HasPrefix(folded, u) {
			return false
		}
		folded, s = folded[len(u):], s[n:]
	}
	return s == ""
}

// globMatch is an iterative matcher (backtracking only to the last star),
// so hostile patterns and logins cannot make it explode.
func globMatch(p []ptok, s string) bool {
	starP, starS := -1, 0
	pi, si := 0, 0
	for si < len(s) {
		u, n := foldUnit(s[si:])
		if pi < len(p) {
			switch t := p[pi]; {
			case t.kind == '*':
				starP, starS = pi, si
				pi++
				continue
			case t.kind == '?' || t.lit == u:
				pi++
				si += n
				continue
			}
		}
		if starP < 0 {
			return false
		}
		_, sn := foldUnit(s[starS:])
		starS += sn
		si = starS
		pi = starP + 1
	}
	for pi < len(p) && p[pi].kind == '*' {
		pi++
	}
	return pi == len(p)
}

// like renders the pattern for SQL LIKE ... ESCAPE '!'; lower lower-cases
// literals (for collation-based matching), otherwise they keep the case as
// typed (for byte-exact exclusions).
func (p *pattern) like(typed string, lower bool) string {
	var b strings.Builder
	emit := func(r rune) {
		if r == '!' || r == '%' || r == '_' {
			b.WriteByte('!')
		}
		b.WriteRune(r)
	}
	for i := 0; i < len(typed); {
		r, n := utf8.DecodeRuneInString(typed[i:])
		switch {
		case r == '\\' && i+1 < len(typed) && strings.IndexByte(`*?\`, typed[i+1]) >= 0:
			emit(rune(typed[i+1]))
			i += 2
			continue
		case r == '*':
			b.WriteByte('%')
		case r == '?':
			b.WriteByte('_')
		case r == utf8.RuneError && n == 1:
			// Kept as the byte it is: the driver sends it through.
			b.WriteByte(typed[i])
		default:
			if lower {
				r = unicode.ToLower(r)
			}
			emit(r)
		}
		i += n
	}
	return b.String()
}

// EscapeLiteral makes a value match exactly as given: *, ? and \ lose
// their pattern meaning.
func EscapeLiteral(s string) string {
	if !strings.ContainsAny(s, `*?\`) {
		return s
	}
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`).Replace(s)
}
