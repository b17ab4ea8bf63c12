package summary

import (
	"context"
	"slices"
	"strconv"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

// CountOptions say what CountWindow counts: the events matching Query in a
// window, chosen as for Run.
type CountOptions struct {
	Query  *query.Query
	Window Window
	Now    time.Time
	Loc    *time.Location
	// BurstMin and BurstWithin are what makes a failed-login burst, as
	// for Run (defaults DefaultBurstMin and DefaultBurstWithin).
	BurstMin    int
	BurstWithin time.Duration
	// After, when not 0, takes the place of the window's start: only
	// events with an id above it are read (what is new since an earlier
	// count whose Newest it was). The query's own since:/until: still
	// filter; Window must then be left zero, or be the query's.
	After uint64
	// Match are further filters, each counted among the events (a
	// monitoring check's thresholds): Counts.Matches[i] is how many of
	// the events Match[i] matches. Their clock should be Now.
	Match []*query.Filter
}

// Counts are a summary's headline numbers without the rest of the
// report: what a status line or a monitoring check shows.
type Counts struct {
	Query        string    `json:"query"`
	Window       string    `json:"window"`
	WindowSource string    `json:"window_source"`
	BaseQuery    string    `json:"base_query"`
	Since        time.Time `json:"since"`
	Until        time.Time `json:"until"`
	// FromID..ToID is the id range read (0, 0 from a source that hides
	// others' events: the ids would tell how many there are).
	FromID uint64 `json:"from_id,omitempty"`
	ToID   uint64 `json:"to_id,omitempty"`
	Own    bool   `json:"own_events_only,omitempty"`
	// Newest is the table's newest id when the count began: After for
	// the next count. 0 from a source that hides others' events.
	Newest uint64 `json:"newest_id,omitempty"`
	Events uint64 `json:"events"`
	// Security counts what cat:security shows, failed sign-ins left out:
	// they are FailedLogins.
	Security     uint64 `json:"security"`
	FailedLogins uint64 `json:"failed_logins"`
	// Bursts counts the failed-login bursts by address and by login, as
	// the summary lists them.
	Bursts  int      `json:"failed_login_bursts"`
	Matches []uint64 `json:"-"`
}

// CountWindow counts the events of a window: how many, how many of them are
// security events, failed sign-ins, failed-login bursts, and those
// matching each of o.Match. The window becomes an id range as for Run,
// and the range is read once, light (source.StreamLight) when every
// filter can judge light events; nothing else is read, so it costs what
// the window holds, whatever the table's size.
func CountWindow(ctx context.Context, src source.Source, o CountOptions) (Counts, error) {
	so := Options{Query: o.Query, Window: o.Window, Now: o.Now, Loc: o.Loc, BurstMin: o.BurstMin, BurstWithin: o.BurstWithin}
	so.defaults()
	if o.After > 0 && len(TimeTerms(o.Query)) == 0 {
		// No start but the id: the window reads as "all" until it is
		// narrowed below.
		so.Window = All
	}
	now := so.Now.UTC().Truncate(time.Second)
	r := Report{Query: o.Query.String(), Until: now}
	c := Counts{Matches: make([]uint64, len(o.Match))}
	newest, err := resolveWindow(ctx, src, &so, &r, now)
	if err != nil {
		return c, err
	}
	lo, hi, base := r.FromID, r.ToID, r.BaseQuery
	q, err := query.Parse(base)
	if err != nil {
		return c, err
	}
	if o.After > 0 {
		lo = max(lo, o.After+1)
		r.Window, r.WindowSource = "id:"+strconv.FormatUint(o.After+1, 10)+"..", "after"
		if len(TimeTerms(o.Query)) == 0 {
			r.Since = time.Time{}
		}
		// The base query shows what is counted: the ids above After.
		l := lines{q.Terms}
		t := l.idTerm(o.After+1, ^uint64(0))
		if l.positive(query.KeyID) == nil {
			t.Values = []string{strconv.FormatUint(o.After+1, 10) + ".."}
		}
		if len(t.Values) > 0 {
			base = l.query(t)
		}
	}
	f := query.Compile(q, now, so.Loc)
	light := f.DecidesLight()
	for _, m := range o.Match {
		light = light && m.DecidesLight()
	}
	t := newTally(so, &r, q)
	count := func(e *activity.Event) error {
		c.Events++
		t.clock(e)
		if e.Type == failedType {
			t.failed(e, query.FoldLogin(e.Login))
		} else if slices.Contains(activity.CategoriesOf(e.Category, e.Severity), "security") {
			// What cat:security takes in, as the summary counts it.
			c.Security++
		}
		for i, m := range o.Match {
			if m.Match(e) {
				c.Matches[i]++
			}
		}
		return nil
	}
	if hi > 0 && lo <= hi {
		if light {
			err = source.StreamLight(ctx, src, f, nil, lo, hi, count)
		} else {
			err = src.Stream(ctx, f, lo, hi, count)
		}
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			return c, err
		}
	}
	t.expire(true)
	c.Query, c.Window, c.WindowSource, c.BaseQuery = r.Query, r.Window, r.WindowSource, base
	c.Since, c.Until = r.Since, r.Until
	c.FailedLogins, c.Bursts = r.FailedLogins, len(r.Bursts)
	if source.Hides(src) {
		c.Own = true
	} else {
		c.FromID, c.ToID, c.Newest = lo, hi, newest
	}
	return c, nil
}
