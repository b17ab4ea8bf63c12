package query

import (
	"slices"
	"strings"

	"matomo-audit/data/activity"
)

// The UI changes queries by keys and pickers. Edits go through the
// canonical text of the terms and are parsed again, so an edited query is
// always one a person could have typed.

func (q *Query) rebuild(terms []string) *Query {
	parsed, err := Parse(strings.Join(terms, " "))
	if err != nil {
		// Every piece came from valid terms; keep the old query rather
		// than lose the user's filter if that ever fails.
		return q
	}
	return parsed
}

func (q *Query) termStrings(skip func(Term) bool) []string {
	var out []string
	if q == nil {
		return out
	}
	for _, t := range q.Terms {
		if skip == nil || !skip(t) {
			out = append(out, t.String())
		}
	}
	return out
}

// ToggleUser is the u key: filter to exactly this login, replacing other
// positive user terms; if the query is already filtered to exactly it,
// remove that filter.
func (q *Query) ToggleUser(login string) *Query {
	lit := EscapeLiteral(login)
	// Another spelling of the same login is the same filter (FoldLogin).
	isIt := func(t Term) bool {
		return t.Key == KeyUser && !t.Negate && len(t.Values) == 1 && FoldLogin(t.Values[0]) == FoldLogin(lit)
	}
	if q != nil {
		for _, t := range q.Terms {
			if isIt(t) {
				return q.rebuild(q.termStrings(isIt))
			}
		}
	}
	terms := q.termStrings(func(t Term) bool { return t.Key == KeyUser && !t.Negate })
	return q.rebuild(append(terms, Term{Key: KeyUser, Values: []string{lit}}.String()))
}

// WithValues is what the pickers apply: include replaces the positive
// terms of key with one term listing values; exclude adds a negated term.
// Values are taken literally.
func (q *Query) WithValues(k Key, values []string, exclude bool) *Query {
	if len(values) == 0 {
		return q
	}
	lits := make([]string, len(values))
	for i, v := range values {
		lits[i] = v
		if k == KeyUser || k == KeyType {
			lits[i] = EscapeLiteral(v)
		}
	}
	var terms []string
	if exclude {
		terms = q.termStrings(nil)
	} else {
		terms = q.termStrings(func(t Term) bool { return t.Key == k && !t.Negate })
	}
	return q.rebuild(append(terms, Term{Key: k, Negate: exclude, Values: lits}.String()))
}

// Replace is what a picker applies: every term of keys, positive or
// negated, is replaced by one term of key k listing values (none: those
// terms are just removed). Values are in query syntax: a literal login or
// type goes through EscapeLiteral first. The picker counts under Without
// of the same keys, so each count is what the new query shows.
func (q *Query) Replace(keys []Key, negate bool, k Key, values []string) *Query {
	terms := q.termStrings(func(t Term) bool { return slices.Contains(keys, t.Key) })
	if len(values) == 0 {
		return q.rebuild(terms)
	}
	return q.rebuild(append(terms, Term{Key: k, Negate: negate, Values: values}.String()))
}

// Values lists the values of the terms of key k with the given polarity,
// as typed (patterns keep their escapes).
func (q *Query) Values(k Key, negate bool) []string {
	var out []string
	if q == nil {
		return out
	}
	for _, t := range q.Terms {
		if t.Key == k && t.Negate == negate {
			out = append(out, t.Values...)
		}
	}
	return out
}

// Literal reports whether a user: or type: value is a plain name rather
// than a pattern, and returns that name with its escapes removed.
func Literal(v string) (string, bool) {
	p := compilePattern(v)
	if p.glob {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) && strings.IndexByte(`*?\`, v[i+1]) >= 0 {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String(), true
}

// MatchLogin reports whether a user: value (a login or a pattern) takes in
// login, as the evaluator judges it.
func MatchLogin(value, login string) bool {
	p := compilePattern(value)
	return p.match(login)
}

// MatchType reports whether a type: value takes in events of type typ, as
// the evaluator judges it (the part after "/" is enough).
func MatchType(value, typ string) bool {
	p := compilePattern(value)
	return p.match(typ) || p.match(activity.ClassName(typ))
}

// NeedsParams reports whether judging an event needs its decoded
// parameters (free text, sites, categories and severities, which some
// types derive from parameters); without them a source can read lighter
// rows.
func (f *Filter) NeedsParams() bool {
	if f == nil {
		return false
	}
	for _, g := range f.groups {
		switch g.key {
		case KeyText, KeySite, KeyCategory, KeySeverity:
			return true
		}
	}
	return false
}

// DecidesLight reports whether Match judges an event read without its
// parameters (activity.Light) as it judges the decoded event, for every
// type whose severity does not come from its parameters
// (activity.SeverityFromParams): it looks at nothing but the columns
// (id, login, type, time, address, country) and the category and severity
// the catalog gives the type. Free text reads the description and the
// parameters, site: the parameters.
func (f *Filter) DecidesLight() bool {
	if f == nil {
		return true
	}
	for _, g := range f.groups {
		switch g.key {
		case KeyUser, KeyType, KeyCategory, KeySeverity, KeySince, KeyUntil, KeyIP, KeyCountry, KeyID:
		default:
			// Listed by what is known to be light, so that a new key
			// reads full events until someone says otherwise.
			return false
		}
	}
	return true
}

// Without drops every term (positive or negated) of the given keys: the
// pickers count under the query minus their own facet, so choosing another
// user still shows the other users.
func (q *Query) Without(keys ...Key) *Query {
	drop := func(t Term) bool {
		for _, k := range keys {
			if t.Key == k {
				return true
			}
		}
		return false
	}
	return q.rebuild(q.termStrings(drop))
}

// ToggleIP is the i and I keys: filter to exactly this address or prefix
// (in ip: syntax), replacing other positive ip terms; if the query is
// already filtered to exactly it, remove that filter. I after i widens
// the address to its network, I again shows every address.
func (q *Query) ToggleIP(v string) *Query {
	isIt := func(t Term) bool {
		return t.Key == KeyIP && !t.Negate && len(t.Values) == 1 && t.Values[0] == v
	}
	if q != nil {
		for _, t := range q.Terms {
			if isIt(t) {
				return q.rebuild(q.termStrings(isIt))
			}
		}
	}
	terms := q.termStrings(func(t Term) bool { return t.Key == KeyIP && !t.Negate })
	return q.rebuild(append(terms, Term{Key: KeyIP, Values: []string{v}}.String()))
}
