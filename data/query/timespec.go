package query

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// timeSpec is a time as typed. Relative and calendar times are resolved
// only when the query is compiled, against one clock, so the SQL and the Go
// evaluator see the same instant.
type timeSpec struct {
	kind    timeKind
	ago     time.Duration
	abs     time.Time // timeAbsolute: had an explicit zone
	y, mo   int       // timeWall / timeDate / timeClock: wall clock in the display zone
	d, h    int
	mi, sec int
}

type timeKind uint8

const (
	timeAgo timeKind = iota
	timeAbsolute
	timeWall  // date and clock, no zone
	timeDate  // date only: midnight
	timeClock // clock only: today
	timeToday
	timeYesterday
	timeNow
)

// ParseTime reads a time the way since:/until: do, resolved against now in
// loc. The TUI's jump-to-time prompt uses it too.
// A value quoted as in a query ("2026-11-20 10:00") is taken too.
func ParseTime(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		p := &parser{in: s}
		if v, err := p.quoted(); err == nil && p.pos == len(s) {
			s = strings.TrimSpace(v)
		}
	}
	ts, err := parseTimeSpec(s)
	if err != nil {
		return time.Time{}, err
	}
	return ts.resolve(now, loc), nil
}

var errTimeHint = errors.New(`expected a time like 1h, 30m, 7d, 2w, today, yesterday, 10:00, 2026-11-20, "2026-11-20 10:00" or 2026-11-20T10:00:00Z`)

func parseTimeSpec(v string) (timeSpec, error) {
	low := strings.ToLower(v)
	switch low {
	case "today":
		return timeSpec{kind: timeToday}, nil
	case "yesterday":
		return timeSpec{kind: timeYesterday}, nil
	case "now":
		return timeSpec{kind: timeNow}, nil
	}
	if d, ok := parseAgo(strings.TrimPrefix(low, "-")); ok {
		return timeSpec{kind: timeAgo, ago: d}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return timeSpec{kind: timeAbsolute, abs: t}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04Z07:00", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04Z07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return timeSpec{kind: timeAbsolute, abs: t}, nil
		}
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, v); err == nil {
			return wallSpec(timeWall, t), nil
		}
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return wallSpec(timeDate, t), nil
	}
	for _, layout := range []string{"15:04:05", "15:04"} {
		if t, err := time.Parse(layout, v); err == nil {
			return wallSpec(timeClock, t), nil
		}
	}
	if looksLikeDate(v) {
		return timeSpec{}, fmt.Errorf("%q is not a valid date: %w", v, errTimeHint)
	}
	return timeSpec{}, fmt.Errorf("%q: %w", v, errTimeHint)
}

func looksLikeDate(v string) bool {
	return len(v) >= 8 && v[4] == '-' && strings.Count(v, "-") >= 2
}

func wallSpec(k timeKind, t time.Time) timeSpec {
	return timeSpec{kind: k, y: t.Year(), mo: int(t.Month()), d: t.Day(), h: t.Hour(), mi: t.Minute(), sec: t.Second()}
}

// parseAgo reads "90s", "15m", "2h", "7d", "2w" and sums like "1d12h".
func parseAgo(s string) (time.Duration, bool) {
	if s == "" {
		return 0, false
	}
	var total time.Duration
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) {
			return 0, false
		}
		n, err := strconv.ParseInt(s[:i], 10, 32)
		if err != nil {
			return 0, false
		}
		var unit time.Duration
		switch s[i] {
		case 's':
			unit = time.Second
		case 'm':
			unit = time.Minute
		case 'h':
			unit = time.Hour
		case 'd':
			unit = 24 * time.Hour
		case 'w':
			unit = 7 * 24 * time.Hour
		default:
			return 0, false
		}
		total += time.Duration(n) * unit
		s = s[i+1:]
	}
	return total, true
}

func (t timeSpec) resolve(now time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	local := now.In(loc)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	switch t.kind {
	case timeAgo:
		return now.Add(-t.ago).UTC()
	case timeAbsolute:
		return t.abs.UTC()
	case timeWall, timeDate:
		return time.Date(t.y, time.Month(t.mo), t.d, t.h, t.mi, t.sec, 0, loc).UTC()
	case timeClock:
		return time.Date(local.Year(), local.Month(), local.Day(), t.h, t.mi, t.sec, 0, loc).UTC()
	case timeToday:
		return midnight.UTC()
	case timeYesterday:
		return midnight.AddDate(0, 0, -1).UTC()
	}
	return now.UTC()
}

// A since: that is not before the until:, like id:5..3, can only be a
// mistake; it is reported when that holds whatever the clock says: both
// relative to now (since:1h until:2h), both on the calendar of today
// (since:10:00 until:09:00), or both fixed dates. A wall-clock time without
// a zone is compared with a zoned one only when no zone could reconcile
// them.
func (p *parser) checkTimeRange(q *Query) error {
	var since, until []Term
	for _, t := range q.Terms {
		switch {
		case t.Negate:
		case t.Key == KeySince:
			since = append(since, t)
		case t.Key == KeyUntil:
			until = append(until, t)
		}
	}
	if len(since) == 0 || len(until) == 0 {
		return nil
	}
	// The window is [earliest since, latest until).
	var lo, hi *timeSpec
	var loTerm, hiTerm Term
	group := -1
	margin := time.Duration(0)
	kinds := map[timeKind]bool{}
	pick := func(ts []Term, earliest bool, out **timeSpec, term *Term) bool {
		for _, t := range ts {
			for i := range t.times {
				sp := &t.times[i]
				g := sp.group()
				if group >= 0 && g != group {
					return false
				}
				group = g
				kinds[sp.kind] = true
				if *out == nil || earliest && sp.order() < (*out).order() || !earliest && sp.order() > (*out).order() {
					*out, *term = sp, t
				}
			}
		}
		return true
	}
	if !pick(since, true, &lo, &loTerm) || !pick(until, false, &hi, &hiTerm) {
		return nil
	}
	if group == 2 && kinds[timeAbsolute] && (kinds[timeWall] || kinds[timeDate]) {
		margin = 14 * time.Hour // the widest UTC offset
	}
	if lo.order() < hi.order()+margin {
		return nil
	}
	return p.errAt(loTerm.Pos, "empty time range: %s must be before %s", loTerm.String(), hiTerm.String())
}

// group says which times compare without a clock: 0 relative to now, 1 on
// today's calendar, 2 fixed dates.
func (t *timeSpec) group() int {
	switch t.kind {
	case timeAgo, timeNow:
		return 0
	case timeToday, timeYesterday, timeClock:
		return 1
	}
	return 2
}

// order places times of one group on one line (wall clocks read as UTC).
func (t *timeSpec) order() time.Duration {
	switch t.kind {
	case timeAgo:
		return -t.ago
	case timeNow:
		return 0
	case timeYesterday:
		return -24 * time.Hour
	case timeToday:
		return 0
	case timeClock:
		return time.Duration(t.h)*time.Hour + time.Duration(t.mi)*time.Minute + time.Duration(t.sec)*time.Second
	case timeAbsolute:
		return time.Duration(t.abs.Unix()) * time.Second
	}
	return time.Duration(time.Date(t.y, time.Month(t.mo), t.d, t.h, t.mi, t.sec, 0, time.UTC).Unix()) * time.Second
}
