package query

import (
	"net/netip"
	"slices"
	"strings"
	"time"

	"matomo-audit/data/activity"
)

// Schema describes the table the SQL is for.
type Schema struct {
	// HasIPCountry is false for tables created by plugin versions before
	// 3.1, which lack the ip and country columns.
	HasIPCountry bool
}

// timeMargin widens pushed-down time bounds. ts_created is a TIMESTAMP read
// and compared in the server's session zone; around a DST change in that
// zone a literal can map to a neighbouring hour. The Go evaluator applies
// the exact bound afterwards, so widening costs a few extra rows, never a
// wrong answer.
const timeMargin = 3 * time.Hour

// SQL returns a WHERE condition (without "WHERE"; "" when nothing can be
// pushed down) and its arguments. It selects a superset of what Match
// accepts: positive string matches use the column's (case-insensitive)
// collation, exclusions only drop rows that match byte for byte, and rows
// holding a fully-qualified class name as type are always left to Go.
func (f *Filter) SQL(s Schema) (string, []any) {
	if f == nil {
		return "", nil
	}
	var conds []string
	var args []any
	for i := range f.groups {
		c, a := f.groups[i].sql(s)
		if c != "" {
			conds = append(conds, c)
			args = append(args, a...)
		}
	}
	return strings.Join(conds, " AND "), args
}

// hasBackslash matches rows whose type is a PHP class name; CHAR(92) keeps
// it independent of the NO_BACKSLASH_ESCAPES mode.
const hasBackslash = "INSTR(`type`, CHAR(92)) > 0"

func (g *group) sql(s Schema) (string, []any) {
	switch g.key {
	case KeyUser:
		return g.stringSQL("`user_login`", false)
	case KeyType:
		c, a := g.stringSQL("`type`", true)
		if !g.negate {
			c = "(" + c + " OR " + hasBackslash + ")"
		}
		return c, a
	case KeyCategory:
		want := g.lower
		return typeSetSQL(func(sp *activity.Spec) tri {
			r := never
			for _, w := range want {
				r = r.or(specInCategory(sp, w))
			}
			return r
		}, slices.ContainsFunc(want, func(w string) bool { return w == activity.CategoryOther }), g.negate)
	case KeySeverity:
		want := g.sevs
		return typeSetSQL(func(sp *activity.Spec) tri {
			r := never
			for _, w := range want {
				r = r.or(specHasSeverity(sp, w))
			}
			return r
		}, slices.Contains(want, activity.Info), g.negate)
	case KeySince, KeyUntil:
		return g.timeSQL()
	case KeyIP:
		if !s.HasIPCountry {
			if g.negate {
				return "", nil
			}
			return "0 = 1", nil
		}
		var parts []string
		var args []any
		for _, p := range g.pfx {
			c, a := prefixSQL(p)
			parts = append(parts, c)
			args = append(args, a...)
		}
		c := "(" + strings.Join(parts, " OR ") + ")"
		if g.negate {
			c = "(`ip` IS NULL OR NOT " + c + ")"
		}
		return c, args
	case KeyCountry:
		if !s.HasIPCountry {
			if g.negate {
				return "", nil
			}
			return "0 = 1", nil
		}
		args := make([]any, len(g.lower))
		for i, v := range g.lower {
			args[i] = v
		}
		in := placeholders(len(args))
		if g.negate {
			return "(`country` IS NULL OR CAST(LOWER(`country`) AS BINARY) NOT IN (" + in + "))", args
		}
		return "LOWER(`country`) IN (" + in + ")", args
	case KeyID:
		var parts []string
		var args []any
		for _, r := range g.ranges {
			parts = append(parts, "`id` BETWEEN ? AND ?")
			args = append(args, r.lo, r.hi)
		}
		c := "(" + strings.Join(parts, " OR ") + ")"
		if g.negate {
			c = "NOT " + c
		}
		return c, args
	}
	// Free text and site: judged in Go only.
	return "", nil
}

// stringSQL handles user and type values. withClass also matches the part
// after the last "/" (type:GoalAdded finds ActivityLog/GoalAdded).
func (g *group) stringSQL(col string, withClass bool) (string, []any) {
	var parts []string
	var args []any
	for i, v := range g.values {
		p := &g.pats[i]
		if g.negate {
			// Byte-exact, case as typed: only rows Go would drop too.
			lhs := "CAST(" + col + " AS BINARY)"
			pat := p.like(v, false)
			parts = append(parts, lhs+" LIKE ? ESCAPE '!'")
			args = append(args, pat)
			if withClass {
				parts = append(parts, lhs+" LIKE ? ESCAPE '!'")
				args = append(args, "%/"+pat)
			}
			continue
		}
		pat := p.like(v, true)
		if p.glob {
			parts = append(parts, "LOWER("+col+") LIKE ? ESCAPE '!'")
			args = append(args, pat)
		} else {
			parts = append(parts, "LOWER("+col+") = ?")
			args = append(args, p.lit)
		}
		if withClass {
			parts = append(parts, "LOWER("+col+") LIKE ? ESCAPE '!'")
			args = append(args, "%/"+pat)
		}
	}
	c := "(" + strings.Join(parts, " OR ") + ")"
	if g.negate {
		c = "NOT " + c
	}
	return c, args
}

func (g *group) timeSQL() (string, []any) {
	var parts []string
	var args []any
	since := g.key == KeySince
	if g.negate {
		// NOT(since t) is until t, and the other way round; each value
		// is excluded on its own, so they AND.
		since = !since
	}
	for _, t := range g.times {
		if since {
			parts = append(parts, "`ts_created` >= ?")
			args = append(args, t.Add(-timeMargin).UTC().Format(time.DateTime))
		} else {
			parts = append(parts, "`ts_created` < ?")
			args = append(args, t.Add(timeMargin).UTC().Format(time.DateTime))
		}
	}
	join := " OR "
	if g.negate {
		join = " AND "
	}
	return "(" + strings.Join(parts, join) + ")", args
}

// prefixSQL compares the raw VARBINARY: IPv4 rows hold 4 bytes, IPv6 rows
// 16, and IPv4 clients seen through a dual-stack socket may be stored as
// IPv4-mapped IPv6, which an IPv4 prefix must find too.
func prefixSQL(p netip.Prefix) (string, []any) {
	lo := p.Masked().Addr()
	hi := lastAddr(p)
	if lo.Is4() {
		lo6, hi6 := netip.AddrFrom16(lo.As16()), netip.AddrFrom16(hi.As16())
		return "((LENGTH(`ip`) = 4 AND `ip` BETWEEN ? AND ?) OR (LENGTH(`ip`) = 16 AND `ip` BETWEEN ? AND ?))",
			[]any{lo.AsSlice(), hi.AsSlice(), lo6.AsSlice(), hi6.AsSlice()}
	}
	return "(LENGTH(`ip`) = 16 AND `ip` BETWEEN ? AND ?)", []any{lo.AsSlice(), hi.AsSlice()}
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	bits := p.Bits()
	for i := range b {
		for bit := 0; bit < 8; bit++ {
			if i*8+bit >= bits {
				b[i] |= 0x80 >> bit
			}
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// tri is what a predicate over events says about all events of one type.
type tri uint8

const (
	never tri = iota
	maybe
	always
)

func (a tri) or(b tri) tri { return max(a, b) }

func (a tri) not() tri { return always - a }

func specInCategory(sp *activity.Spec, want string) tri {
	if sp.Category == want {
		return always
	}
	if want == "security" && slices.Contains(sp.Severities, activity.Security) {
		if len(sp.Severities) == 1 {
			return always
		}
		return maybe
	}
	return never
}

func specHasSeverity(sp *activity.Spec, want activity.Severity) tri {
	if !slices.Contains(sp.Severities, want) {
		return never
	}
	if len(sp.Severities) == 1 {
		return always
	}
	return maybe
}

// typeSetSQL pushes down a predicate that depends on the type (and for a
// few types on parameters): pred says, per known type, whether it always,
// sometimes or never holds; unknown says whether it holds for types the
// catalog does not know. Negated groups push down the complement.
func typeSetSQL(pred func(*activity.Spec) tri, unknown bool, negate bool) (string, []any) {
	if negate {
		inner := pred
		pred = func(sp *activity.Spec) tri { return inner(sp).not() }
		unknown = !unknown
	}
	var possible, impossible []string
	for _, sp := range activity.Specs() {
		ids := append([]string{sp.Type}, sp.Aliases...)
		if pred(sp) == never {
			impossible = append(impossible, ids...)
		} else {
			possible = append(possible, ids...)
		}
	}
	if unknown {
		// Unknown types can match, so only known impossible ones can be
		// ruled out, byte for byte.
		if len(impossible) == 0 {
			return "", nil
		}
		args := make([]any, len(impossible))
		for i, id := range impossible {
			args[i] = id
		}
		return "CAST(`type` AS BINARY) NOT IN (" + placeholders(len(args)) + ")", args
	}
	if len(possible) == 0 {
		return hasBackslash, nil
	}
	args := make([]any, len(possible))
	for i, id := range possible {
		args[i] = strings.ToLower(id)
	}
	return "(LOWER(`type`) IN (" + placeholders(len(args)) + ") OR " + hasBackslash + ")", args
}
