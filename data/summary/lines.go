package summary

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"matomo-audit/data/query"
)

// lines writes each line's query: the base query narrowed to the line's
// events. Positive terms of one key are alternatives in the query
// language (user:alice user:bob is either), so a narrowing term of a key
// the base already filters on cannot simply be added: it takes the place
// of the base's positive terms of that key. That is exact because every
// term given here lies within those terms for the events the line counts
// (the callers choose the term so that it does), and it also keeps a
// term the base already holds from being written twice.
type lines struct{ base []query.Term }

// query is the base with terms in it: each positive term replaces the
// base's positive terms of its key (at the first one's place); the others
// are added unless the base holds them already.
func (l lines) query(terms ...query.Term) string {
	out := make([]string, 0, len(l.base)+len(terms))
	placed := make([]bool, len(terms))
	for _, b := range l.base {
		i := -1
		if !b.Negate && b.Key != query.KeyText {
			i = slices.IndexFunc(terms, func(t query.Term) bool { return !t.Negate && t.Key == b.Key })
		}
		switch {
		case i < 0:
			out = append(out, b.String())
		case !placed[i]:
			out = append(out, terms[i].String())
			placed[i] = true
		}
	}
	for i, t := range terms {
		if s := t.String(); !placed[i] && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}

// positive lists the values of the base's positive terms of key (nil when
// it has none).
func (l lines) positive(k query.Key) []string {
	var out []string
	for _, t := range l.base {
		if t.Key == k && !t.Negate {
			out = append(out, t.Values...)
		}
	}
	return out
}

// literal is key:value matching value exactly (patterns escaped).
func literal(k query.Key, v string) query.Term {
	return query.Term{Key: k, Values: []string{query.EscapeLiteral(v)}}
}

// userTerm matches the login and every login with the same fold, which is
// exactly the events a user line counts, and lies within any user: terms
// of the base (they match by the fold too). No login is written as
// -user:?*: "not at least one character".
func userTerm(login string) query.Term {
	if login == "" {
		return query.Term{Key: query.KeyUser, Negate: true, Values: []string{"?*"}}
	}
	return literal(query.KeyUser, login)
}

// ipTerm matches the (unmapped) address a burst counts. ip:1.2.3.4
// matches the address stored as 1.2.3.4 and as ::ffff:1.2.3.4; when the
// base's ip: terms let only the mapped form through (ip:::ffff:0:0/96),
// the burst counted only that, and so does ip:::ffff:1.2.3.4.
func (l lines) ipTerm(a netip.Addr) query.Term {
	v := a.String()
	if pfx := l.positive(query.KeyIP); pfx != nil && a.Is4() && !slices.ContainsFunc(pfx, func(p string) bool {
		return contains(p, a)
	}) {
		v = netip.AddrFrom16(a.As16()).String()
	}
	return query.Term{Key: query.KeyIP, Values: []string{v}}
}

// contains reports whether an ip: value (an address or a prefix) holds a.
func contains(v string, a netip.Addr) bool {
	if p, err := netip.ParsePrefix(v); err == nil {
		return p.Masked().Contains(a)
	}
	b, err := netip.ParseAddr(v)
	return err == nil && b == a
}

// idTerm is the burst's id range, within the base's id: ranges when it has
// them: an id: term of its own would be an alternative to theirs.
func (l lines) idTerm(from, to uint64) query.Term {
	t := query.Term{Key: query.KeyID}
	base := l.positive(query.KeyID)
	if base == nil {
		t.Values = []string{idRange(from, to)}
		return t
	}
	for _, v := range base {
		lo, hi, ok := parseIDs(v)
		if lo, hi := max(lo, from), min(hi, to); ok && lo <= hi {
			t.Values = append(t.Values, idRange(lo, hi))
		}
	}
	return t
}

func idRange(lo, hi uint64) string {
	if lo == hi {
		return strconv.FormatUint(lo, 10)
	}
	return fmt.Sprintf("%d..%d", lo, hi)
}

// parseIDs reads an id: value as the query language wrote it (1000,
// 1000..2000, 1000.., ..2000).
func parseIDs(v string) (lo, hi uint64, ok bool) {
	a, b, isRange := strings.Cut(v, "..")
	if !isRange {
		n, err := strconv.ParseUint(v, 10, 64)
		return n, n, err == nil
	}
	lo, hi = 0, ^uint64(0)
	var err error
	if a != "" {
		if lo, err = strconv.ParseUint(a, 10, 64); err != nil {
			return 0, 0, false
		}
	}
	if b != "" {
		if hi, err = strconv.ParseUint(b, 10, 64); err != nil {
			return 0, 0, false
		}
	}
	return lo, hi, true
}

// categoryTerms narrow the base to what a category line counts: the
// events of that category, and for security what cat:security shows
// (every event of severity security too). When the base's cat: terms do
// not name the category, its events in the base are only those that
// cat:security let through, of severity security: sev:security says so
// without widening the base's cat: terms.
func (l lines) categoryTerms(c string) []query.Term {
	cats := l.positive(query.KeyCategory)
	if cats == nil || slices.Contains(cats, c) {
		return []query.Term{{Key: query.KeyCategory, Values: []string{c}}}
	}
	sev := query.Term{Key: query.KeySeverity, Values: []string{"security"}}
	if c == "security" {
		return []query.Term{sev}
	}
	return []query.Term{{Key: query.KeyCategory, Values: []string{c}}, sev}
}
