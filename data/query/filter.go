package query

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"matomo-audit/data/activity"
)

// Filter is a query bound to a clock and a display zone: relative times are
// fixed, so every event is judged against the same instants.
type Filter struct {
	Query  *Query
	Now    time.Time
	Loc    *time.Location
	groups []group
}

// group is the unit of evaluation: the values OR together, a negated group
// matches when none does, and groups AND together.
type group struct {
	key    Key
	negate bool
	values []string // as typed
	lower  []string // lower-cased, for case-insensitive matching
	pats   []pattern
	times  []time.Time
	pfx    []netip.Prefix
	ranges []idRange
	sites  []int64
	sevs   []activity.Severity
}

// Compile binds q to now and loc. A nil or empty query gives a filter that
// matches everything.
func Compile(q *Query, now time.Time, loc *time.Location) *Filter {
	if loc == nil {
		loc = time.UTC
	}
	f := &Filter{Query: q, Now: now, Loc: loc}
	if q == nil {
		return f
	}
	positive := map[Key]int{} // key -> index of its merged group
	for i := range q.Terms {
		t := &q.Terms[i]
		var g *group
		if !t.Negate && t.Key != KeyText {
			if gi, ok := positive[t.Key]; ok {
				g = &f.groups[gi]
			}
		}
		if g == nil {
			f.groups = append(f.groups, group{key: t.Key, negate: t.Negate})
			g = &f.groups[len(f.groups)-1]
			if !t.Negate && t.Key != KeyText {
				positive[t.Key] = len(f.groups) - 1
			}
		}
		for _, v := range t.Values {
			g.values = append(g.values, v)
			g.lower = append(g.lower, strings.ToLower(v))
			g.pats = append(g.pats, compilePattern(v))
		}
		for _, ts := range t.times {
			g.times = append(g.times, ts.resolve(now, loc))
		}
		g.pfx = append(g.pfx, t.prefixes...)
		g.ranges = append(g.ranges, t.ranges...)
		g.sites = append(g.sites, t.sites...)
		g.sevs = append(g.sevs, t.sevs...)
	}
	return f
}

// And is a filter matching what both f and g match. g's groups are kept
// apart from f's rather than compiled into them: Compile ORs repeated
// positive terms of one key, and a restriction (user:alice) that merged
// with the user's query (user:bob) would widen to alice or bob instead of
// narrowing to nothing. Query, Now and Loc stay f's, so what is shown as
// the query (chips, history, reports) is still only what the user typed;
// g's own times were resolved when g was compiled. Either may be nil
// (match everything); neither is changed.
func (f *Filter) And(g *Filter) *Filter {
	var out Filter
	switch {
	case f != nil:
		out = *f
	case g != nil:
		out = Filter{Now: g.Now, Loc: g.Loc}
	default:
		out = Filter{Loc: time.UTC}
	}
	if g != nil {
		// Clipped, so appending copies: f's groups stay f's.
		out.groups = append(slices.Clip(out.groups), g.groups...)
	}
	return &out
}

// MatchAll reports whether the filter lets every event through.
func (f *Filter) MatchAll() bool { return f == nil || len(f.groups) == 0 }

// OnlyIDBounds reports whether IDBounds says all the filter says: every
// term is a single positive id range, so every id within the bounds
// matches and a reader needs no condition beyond them.
func (f *Filter) OnlyIDBounds() bool {
	if f == nil {
		return true
	}
	for _, g := range f.groups {
		if g.key != KeyID || g.negate || len(g.ranges) != 1 {
			return false
		}
	}
	return true
}

// Match is the evaluator both sources apply to every candidate row.
func (f *Filter) Match(e *activity.Event) bool {
	if f == nil {
		return true
	}
	for i := range f.groups {
		g := &f.groups[i]
		if g.any(e) == g.negate {
			return false
		}
	}
	return true
}

func (g *group) any(e *activity.Event) bool {
	switch g.key {
	case KeyText:
		hay := e.SearchText()
		for _, v := range g.lower {
			if strings.Contains(hay, v) {
				return true
			}
		}
	case KeyUser:
		for i := range g.pats {
			if g.pats[i].match(e.Login) {
				return true
			}
		}
	case KeyType:
		class := activity.ClassName(e.Type)
		for i := range g.pats {
			if g.pats[i].match(e.Type) || g.pats[i].match(class) {
				return true
			}
		}
	case KeyCategory:
		for _, v := range g.lower {
			if categoryMatches(v, e.Category, e.Severity) {
				return true
			}
		}
	case KeySeverity:
		return slices.Contains(g.sevs, e.Severity)
	case KeySince:
		if e.Time.IsZero() {
			return false
		}
		for _, t := range g.times {
			if !e.Time.Before(t) {
				return true
			}
		}
	case KeyUntil:
		if e.Time.IsZero() {
			return false
		}
		for _, t := range g.times {
			if e.Time.Before(t) {
				return true
			}
		}
	case KeyIP:
		if !e.IP.IsValid() {
			return false
		}
		un := e.IP.Unmap()
		for _, p := range g.pfx {
			if p.Contains(e.IP) || p.Contains(un) {
				return true
			}
		}
	case KeyCountry:
		for _, v := range g.lower {
			if e.Country == v {
				return true
			}
		}
	case KeySite:
		for _, s := range e.Sites() {
			if slices.Contains(g.sites, s) {
				return true
			}
		}
	case KeyID:
		for _, r := range g.ranges {
			if e.ID >= r.lo && e.ID <= r.hi {
				return true
			}
		}
	}
	return false
}

// categoryMatches: cat:security is wider than the category of that name,
// see activity.CategoriesOf.
func categoryMatches(want, cat string, sev activity.Severity) bool {
	return slices.Contains(activity.CategoriesOf(cat, sev), want)
}

// IDBounds is the id range every match lies in, from positive id: terms;
// sources use it to bound their scans.
func (f *Filter) IDBounds() (lo, hi uint64) {
	lo, hi = 0, ^uint64(0)
	if f == nil {
		return
	}
	for _, g := range f.groups {
		if g.key != KeyID || g.negate || len(g.ranges) == 0 {
			continue
		}
		glo, ghi := ^uint64(0), uint64(0)
		for _, r := range g.ranges {
			glo = min(glo, r.lo)
			ghi = max(ghi, r.hi)
		}
		lo, hi = max(lo, glo), min(hi, ghi)
	}
	return
}

// TimeBounds is the [since, until) window every match lies in, from
// positive since:/until: terms; zero values mean unbounded.
func (f *Filter) TimeBounds() (since, until time.Time) {
	if f == nil {
		return
	}
	for _, g := range f.groups {
		if g.negate || len(g.times) == 0 {
			continue
		}
		switch g.key {
		case KeySince:
			earliest := slices.MinFunc(g.times, time.Time.Compare)
			if since.IsZero() || earliest.After(since) {
				since = earliest
			}
		case KeyUntil:
			latest := slices.MaxFunc(g.times, time.Time.Compare)
			if until.IsZero() || latest.Before(until) {
				until = latest
			}
		}
	}
	return
}

// Terms lists the query's terms, for filter chips.
func (f *Filter) Terms() []Term {
	if f == nil || f.Query == nil {
		return nil
	}
	return f.Query.Terms
}

// OnlyIDs is a filter matching exactly the events with these ids, and
// nothing when there are none (marked events: `export --marked`, M).
// And it with the user's filter rather than adding its term to the
// user's query: an id: term of the query's own would be an alternative to
// it. It is parsed, not built as a Term: an id term's ranges are the
// parser's.
func OnlyIDs(ids []uint64) *Filter {
	text := "-id:0.." // every id lies in 0..: nothing
	if len(ids) > 0 {
		vs := make([]string, len(ids))
		for i, id := range ids {
			vs[i] = strconv.FormatUint(id, 10)
		}
		text = "id:" + strings.Join(vs, ",")
	}
	q, err := Parse(text)
	if err != nil {
		panic("query: an id list does not parse: " + err.Error())
	}
	return Compile(q, time.Time{}, time.UTC)
}
