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
type pattern struct {
	glob bool
	lit  string // unescaped, lower-cased; when !glob
	toks []ptok // lower-cased; when glob
}

type ptok struct {
	kind byte // 'l' literal rune, '*' any run, '?' any one
	r    rune
}

func compilePattern(v string) pattern {
	var p pattern
	var lit strings.Builder
	for i := 0; i < len(v); {
		r, n := utf8.DecodeRuneInString(v[i:])
		switch {
		case r == '\\' && i+1 < len(v) && strings.IndexByte(`*?\`, v[i+1]) >= 0:
			lr := unicode.ToLower(rune(v[i+1]))
			p.toks = append(p.toks, ptok{'l', lr})
			lit.WriteRune(lr)
			i += 2
			continue
		case r == '*' || r == '?':
			p.glob = true
			p.toks = append(p.toks, ptok{byte(r), 0})
		default:
			lr := unicode.ToLower(r)
			p.toks = append(p.toks, ptok{'l', lr})
			lit.WriteRune(lr)
		}
		i += n
	}
	if !p.glob {
		p.lit, p.toks = lit.String(), nil
	}
	return p
}

// match compares case-insensitively, rune by rune.
func (p *pattern) match(s string) bool {
	if !p.glob {
		return foldEqual(p.lit, s)
	}
	return globMatch(p.toks, s)
}

func foldEqual(lowerPattern, s string) bool {
	for _, pr := range lowerPattern {
		if s == "" {
			return false
		}
		r, n := utf8.DecodeRuneInString(s)
		if unicode.ToLower(r) != pr {
			return false
		}
		s = s[n:]
	}
	return s == ""
}

// globMatch is an iterative matcher (backtracking only to the last star),
// so hostile patterns and logins cannot make it explode.
func globMatch(p []ptok, s string) bool {
	starP, starS := -1, 0
	pi, si := 0, 0
	for si < len(s) {
		r, n := utf8.DecodeRuneInString(s[si:])
		if pi < len(p) {
			switch t := p[pi]; {
			case t.kind == '*':
				starP, starS = pi, si
				pi++
				continue
			case t.kind == '?' || t.r == unicode.ToLower(r):
				pi++
				si += n
				continue
			}
		}
		if starP < 0 {
			return false
		}
		_, sn := utf8.DecodeRuneInString(s[starS:])
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
