// Package summary answers what a security person asks first in an
// incident: who tried to get in, who gained rights, what changed, and when
// activity spiked, for a filter and a time window.
//
// The window is the filter's own since:/until: when it has them, else a
// span back from now. It becomes an id range by bisection (ids rise with
// time), and the range is read in bounded id chunks through Source.Stream,
// so every count comes from the same query evaluator as the timeline and
// the export. Where the source can (source.LightStreamer) and the filter
// lets it, only the privilege and plugin events are read with their
// parameters: everything else is counted from what the row's other
// columns say, which is all it needs. Each line carries the query that
// shows exactly what it counts, so a summary line and the timeline it
// jumps to always agree, on MariaDB and on the demo source alike.
package summary

import (
	"context"
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/internal/numfmt"
)

// Window is how far back from now a summary looks. Name is how it was
// written ("24h", "48h", "all", or a query's since:/until: terms); Span 0
// means it has no start, and a negative Span starts at or after now.
type Window struct {
	Name string
	Span time.Duration
}

// Windows are the usual windows [ and ] step through, narrowest first.
var Windows = []Window{
	{"1h", time.Hour}, {"24h", 24 * time.Hour}, {"7d", 7 * 24 * time.Hour}, {"30d", 30 * 24 * time.Hour}, {"all", 0},
}

// DefaultWindow is the last 24 hours.
var DefaultWindow = Windows[1]

// All is the whole table.
var All = Windows[len(Windows)-1]

// durationRE is what a window may be written as: one or more counts with a
// unit, as since: takes them (2h, 90d, 1d12h).
var durationRE = regexp.MustCompile(`^([0-9]+)([smhdw])`)

// maxSpan keeps a window well within what a time.Duration counts: the
// query language multiplies without checking, so a huge count would wrap.
const maxSpan = 100 * 365 * 24 * time.Hour

// ParseWindow reads a window: "all", or a duration the way the query
// language writes one for since: (90s, 15m, 2h, 7d, 2w, sums like 1d12h);
// the query language says what each unit means.
func ParseWindow(s string) (Window, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	if name == "all" {
		return All, nil
	}
	bad := fmt.Errorf("unknown window %q: expected a duration like 1h, 48h, 7d, 2w or 1d12h, or all", s)
	// Only the units' sizes, to refuse a count that would overflow before
	// the query language reads it.
	units := map[string]float64{"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
	var secs float64
	for rest := name; ; {
		m := durationRE.FindStringSubmatch(rest)
		if m == nil {
			if rest == "" && name != "" {
				break
			}
			return Window{}, bad
		}
		n, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			return Window{}, bad
		}
		secs += n * units[m[2]]
		rest = rest[len(m[0]):]
	}
	if secs > maxSpan.Seconds() {
		return Window{}, fmt.Errorf("window %q is longer than 100 years: use all", s)
	}
	ref := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	start, err := query.ParseTime(name, ref, time.UTC)
	if err != nil {
		return Window{}, bad
	}
	span := ref.Sub(start)
	if span <= 0 {
		return Window{}, fmt.Errorf("window %q is empty: give a duration longer than 0, or all", s)
	}
	return Window{Name: name, Span: span}, nil
}

// wide orders windows by how far back they reach; having no start reaches
// furthest.
func (w Window) wide() time.Duration {
	if w.Span == 0 {
		return math.MaxInt64
	}
	return w.Span
}

// Step returns the usual window next wider (dir > 0) or narrower (dir < 0)
// than w, which need not be one of them (from 48h, ] is 7d and [ is 24h);
// at the ends it returns w.
func (w Window) Step(dir int) Window {
	if dir > 0 {
		for _, u := range Windows {
			if u.wide() > w.wide() {
				return u
			}
		}
		return w
	}
	for i := len(Windows) - 1; i >= 0; i-- {
		if Windows[i].wide() < w.wide() {
			return Windows[i]
		}
	}
	return w
}

// TimeTerms are the query's positive since: and until: terms: when it has
// any, they are the summary's window. (A negated one, -since:1h, is a
// filter like any other.)
func TimeTerms(q *query.Query) []query.Term {
	if q == nil {
		return nil
	}
	var out []query.Term
	for _, t := range q.Terms {
		if isTimeBound(t) {
			out = append(out, t)
		}
	}
	return out
}

func isTimeBound(t query.Term) bool {
	return !t.Negate && (t.Key == query.KeySince || t.Key == query.KeyUntil)
}

// termsString writes terms as a query.
func termsString(ts []query.Term) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.String()
	}
	return strings.Join(parts, " ")
}

// WithoutTimeTerms is q without the terms TimeTerms lists, for a summary
// over a chosen window instead of the query's own.
func WithoutTimeTerms(q *query.Query) *query.Query {
	if len(TimeTerms(q)) == 0 {
		return q
	}
	var keep []query.Term
	for _, t := range q.Terms {
		if !isTimeBound(t) {
			keep = append(keep, t)
		}
	}
	out, err := query.Parse(termsString(keep))
	if err != nil {
		// Every term printed back from a parsed query parses.
		return q
	}
	return out
}

// InForce is the window a summary of q over w uses: w when given, else
// the query's since:/until: (Span now minus since:, 0 without one), else
// DefaultWindow.
func InForce(q *query.Query, w Window, now time.Time, loc *time.Location) Window {
	if w.Name != "" {
		return w
	}
	ts := TimeTerms(q)
	if len(ts) == 0 {
		return DefaultWindow
	}
	since, _ := query.Compile(q, now, loc).TimeBounds()
	var span time.Duration
	if !since.IsZero() {
		// A start at or after now is narrower than every window, and
		// never 0, which would read as no start.
		if span = now.Sub(since); span <= 0 {
			span = min(span, -1)
		}
	}
	return Window{Name: termsString(ts), Span: span}
}

// What Run takes for an unset BurstMin, BurstWithin and Top; the command
// line's flags default to the same, so the summary command, the TUI's
// summary screen and a caller of Run agree on what a burst is.
const (
	DefaultBurstMin    = 5
	DefaultBurstWithin = 10 * time.Minute
	DefaultTop         = 10
)

// Options say what to summarise.
type Options struct {
	Query *query.Query // the user's filter; nil for everything
	// Window is how far back to look. Left zero, the query's own
	// since:/until: terms are the window, or DefaultWindow when it has
	// none; giving a window for a query that has them is an error.
	Window Window
	Now    time.Time
	Loc    *time.Location // for wall-clock times in Query; UTC when nil
	// Buckets is how many bars the activity sparkline has (default 60).
	Buckets int
	// A failed-login burst is at least BurstMin failures within
	// BurstWithin from one address or for one login (default
	// DefaultBurstMin in DefaultBurstWithin).
	BurstMin    int
	BurstWithin time.Duration
	// Top is how many users and categories are listed (default DefaultTop).
	Top int
	// Progress, when set, is called after every chunk.
	Progress func(Progress)
}

// Progress is how far a run has read: the ids covered so far of the
// window's id range, and the events counted. For a source that hides
// other people's events from its caller (source.Hides) the ids are the
// table's, not the caller's, so they are left zero and Hidden is set;
// Events, the caller's own, is all it says then.
type Progress struct {
	Done, Total uint64
	Events      uint64
	Hidden      bool
	// Privileges: the window is read, and privileges without a trail
	// are still being compared with the log's grants.
	Privileges bool
}

// Count is one row of a top list.
type Count struct {
	Name  string `json:"name"`
	Count uint64 `json:"count"`
	Query string `json:"query"` // the timeline filter showing these events
}

// Burst is a run of failed logins from one address (By "ip") or for one
// attempted login (By "login"). Key is the address unmapped (1.2.3.4 for
// ::ffff:1.2.3.4 too), or the login in its most frequent spelling: logins
// that differ only in case are one.
type Burst struct {
	By     string    `json:"by"`
	Key    string    `json:"key"`
	Count  int       `json:"count"`
	First  time.Time `json:"first"`
	Last   time.Time `json:"last"`
	FromID uint64    `json:"from_id"`
	ToID   uint64    `json:"to_id"`
	// Others are the logins tried from the address, or the addresses a
	// login was tried from (at most maxOthers; OtherCount counts them all).
	Others     []string `json:"others"`
	OtherCount int      `json:"other_count"`
	Query      string   `json:"query"`
}

// Item is one event worth listing on its own: a privilege change or a
// plugin installed, activated or removed.
type Item struct {
	ID          uint64    `json:"id"`
	Time        time.Time `json:"time"`
	User        string    `json:"user"`
	Type        string    `json:"type"`
	Severity    string    `json:"severity"`
	Description string    `json:"description"`
	IP          string    `json:"ip"`
	Query       string    `json:"query"`
}

// Report is a summary.
type Report struct {
	// Query is the user's filter as given (in canonical form, "" for
	// none), time terms included.
	Query string `json:"query"`
	// Window is what set the window, as written: the --window value
	// ("48h", "all"), "24h" by default, or the query's since:/until:
	// terms; WindowSource says which: "option", "default" or "query".
	Window       string `json:"window"`
	WindowSource string `json:"window_source"`
	// BaseQuery is the filter every line's query narrows: Query with its
	// times made exact (since:/until: as UTC instants) and the window's
	// start added as since: when the query did not set it. Total counts
	// what it shows.
	BaseQuery string    `json:"base_query"`
	Since     time.Time `json:"since"` // start of the window (the oldest event when it has none)
	Until     time.Time `json:"until"` // the report's now, or the query's until: when earlier
	// FromID..ToID is the id range read; with Own, the ids of the first
	// and last event counted: Own says the source showed only the
	// caller's own events (a restricted served session).
	FromID uint64 `json:"from_id"`
	ToID   uint64 `json:"to_id"`
	Own    bool   `json:"own_events_only,omitempty"`
	Total  uint64 `json:"events"`
	// Users and Categories are the top lists; UserCount and
	// CategoryCount how many distinct ones there were. Logins that differ
	// only in case are one user, as user: matches them, listed under
	// their most frequent spelling. The security category counts what
	// cat:security shows: every event of severity security as well.
	Users         []Count `json:"users"`
	UserCount     int     `json:"user_count"`
	Categories    []Count `json:"categories"`
	CategoryCount int     `json:"category_count"`
	FailedLogins  uint64  `json:"failed_logins"`
	Bursts        []Burst `json:"failed_login_bursts"`
	BurstMin      int     `json:"burst_min"`
	BurstWithin   string  `json:"burst_within"`
	// Drift is the section listed first: privileges held without a grant in the log.
	Drift Drift `json:"privileges_without_trail"`
	// Privileges are listed most serious first (super-user access granted,
	// then removed, admin/write access, tokens, 2FA disabled, users
	// created or removed, password resets), newest first within
	// each; at most maxItems per kind are kept, PrivilegeCount counts all.
	Privileges     []Item `json:"privilege_changes"`
	PrivilegeCount int    `json:"privilege_change_count"`
	// SignInsAfterFailures are the addresses that failed to sign in and
	// then signed in, oldest first; Addresses the top addresses by
	// events, AddressCount how many there were (AddressesCut: more than
	// a report tracks, the rest not counted).
	SignInsAfterFailures []SignInAfterFailures `json:"signed_in_after_failures"`
	Addresses            []Address             `json:"addresses"`
	AddressCount         int                   `json:"address_count"`
	AddressesCut         bool                  `json:"addresses_cut,omitempty"`
	Plugins              []Item                `json:"plugins"`
	PluginCount          int                   `json:"plugin_count"`
	// Buckets count events per BucketWidth from Since; Peak is the index
	// of the largest (-1 when there are no events).
	Buckets     []uint64      `json:"buckets"`
	BucketWidth time.Duration `json:"-"`
	BucketSpan  string        `json:"bucket_width"`
	Peak        int           `json:"peak"`
	Complete    bool          `json:"complete"` // false when cancelled part-way
}

// Where a report's window came from (Report.WindowSource).
const (
	FromDefault = "default"
	FromOption  = "option"
	FromQuery   = "query"
)

const (
	failedType = "ActivityLog/UserSignInFailed"
	maxOthers  = 5
	maxItems   = 50
	chunkIDs   = 200_000
	// disorder is how far beyond the window's ends the id range reaches:
	// ids rise with time only roughly, and the since:/until: terms then
	// apply the exact bounds.
	disorder = 10 * time.Minute
)

// privilegeRank orders privilege changes, most serious first; 0 = not one.
func privilegeRank(e *activity.Event) int {
	switch e.Type {
	case "ActivityLog/UserSetSuperUserAccess":
		// Someone gaining every right comes before it being taken away.
		if v, _ := e.Params.Get("has_access"); v.Truthy() {
			return 1
		}
		return 2
	case "ActivityLog/UserSiteAccessChanged", "ActivityLog/UserCapabilitiesAdded":
		// Only admin and write access (which the catalog rates security).
		if e.Severity == activity.Security {
			return 3
		}
	case "ActivityLog/UserCreatedAppSpecificTokenAuth":
		return 4
	case "ActivityLog/TwoFactorDisabled":
		return 5
	case "ActivityLog/UserCreated", "ActivityLog/UserRemoved":
		return 6
	case "ActivityLog/PasswordResetInitiated", "ActivityLog/PasswordResetConfirmed":
		return 7
	}
	return 0
}

// privilegeRanks is the number of ranks privilegeRank gives.
const privilegeRanks = 7

// itemTypes are the types privilegeRank and isPluginChange may pick: the
// only ones Run reads in full, as their lines need the description (and
// some their parameters to be ranked). Everything else it counts from
// light events.
var itemTypes = []string{
	"ActivityLog/UserSetSuperUserAccess", "ActivityLog/UserSiteAccessChanged", "ActivityLog/UserCapabilitiesAdded",
	"ActivityLog/UserCreatedAppSpecificTokenAuth", "ActivityLog/TwoFactorDisabled", "ActivityLog/UserCreated",
	"ActivityLog/UserRemoved", "ActivityLog/PasswordResetInitiated", "ActivityLog/PasswordResetConfirmed",
	"ActivityLog/PluginInstalled", "ActivityLog/PluginActivated", "ActivityLog/PluginUninstalled",
}

func isPluginChange(typ string) bool {
	switch typ {
	case "ActivityLog/PluginInstalled", "ActivityLog/PluginActivated", "ActivityLog/PluginUninstalled":
		return true
	}
	return false
}

// pinTimes makes the query's times exact instants, so a line's query
// shows the same events whenever it is applied: the positive since:/until:
// terms give way to one since: and one until: at the window's bounds
// (zero: none), at the first one's place so that a line's query
// summarised again reads the same; negated ones keep their place with
// each value resolved.
func pinTimes(q *query.Query, since, until time.Time, now time.Time, loc *time.Location) (string, error) {
	instant := func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
	bound := map[query.Key]string{}
	if !since.IsZero() {
		bound[query.KeySince] = "since:" + instant(since)
	}
	if !until.IsZero() {
		bound[query.KeyUntil] = "until:" + instant(until)
	}
	var parts []string
	if q != nil {
		for _, t := range q.Terms {
			switch {
			case isTimeBound(t):
				if b, ok := bound[t.Key]; ok {
					parts = append(parts, b)
					delete(bound, t.Key)
				}
				continue
			case t.Key == query.KeySince || t.Key == query.KeyUntil:
				pinned := query.Term{Key: t.Key, Negate: t.Negate}
				for _, v := range t.Values {
					at, err := query.ParseTime(v, now, loc)
					if err != nil {
						return "", err
					}
					pinned.Values = append(pinned.Values, instant(at))
				}
				t = pinned
			}
			parts = append(parts, t.String())
		}
	}
	for _, k := range []query.Key{query.KeySince, query.KeyUntil} {
		if b, ok := bound[k]; ok {
			parts = append(parts, b)
		}
	}
	return strings.Join(parts, " "), nil
}

// defaults fills in what o leaves unset.
func (o *Options) defaults() {
	if o.Buckets <= 0 {
		o.Buckets = 60
	}
	if o.BurstMin <= 0 {
		o.BurstMin = DefaultBurstMin
	}
	if o.BurstWithin <= 0 {
		o.BurstWithin = DefaultBurstWithin
	}
	if o.Top <= 0 {
		o.Top = DefaultTop
	}
	if o.Loc == nil {
		o.Loc = time.UTC
	}
}

// Run computes the report. On cancellation it returns what it has so far
// (Complete false) with ctx's error.
func Run(ctx context.Context, src source.Source, o Options) (r Report, err error) {
	drift, finishDrift := startDrift(ctx, src, func() {
		// A session that sees only its own events has no section to
		// wait for: it is for super users.
		if o.Progress != nil && !r.Own && r.ToID >= r.FromID {
			n := r.ToID - r.FromID + 1
			o.Progress(Progress{Done: n, Total: n, Events: r.Total, Privileges: true})
		}
	})
	defer finishDrift(&r, &err)
	o.defaults()
	now := o.Now.UTC().Truncate(time.Second)
	r = Report{Query: o.Query.String(), Until: now, BurstMin: o.BurstMin, BurstWithin: numfmt.Duration(o.BurstWithin), Peak: -1}
	if _, err := resolveWindow(ctx, src, &o, &r, now); err != nil {
		return r, err
	}
	lo, hi, base := r.FromID, r.ToID, r.BaseQuery
	hidden := source.Hides(src)
	q, err := query.Parse(base)
	if err != nil {
		return r, err
	}
	f := query.Compile(q, now, o.Loc)
	if base == "" && !hidden && hi > 0 && lo <= hi {
		// Every event of the range is read, so its grant events too.
		drift.decide(carriedIDs{lo: lo, hi: hi, ok: true})
	} else {
		drift.decide(carriedIDs{})
	}

	// Bars of whole minutes, or whole hours once they are longer than a
	// few, so the axis reads in round numbers; the last bar may end after
	// the window.
	unit := time.Minute
	width := max(time.Minute, (r.Until.Sub(r.Since)+time.Duration(o.Buckets)-1)/time.Duration(o.Buckets))
	if width > 3*time.Hour {
		unit = time.Hour
	}
	width = (width + unit - 1) / unit * unit
	r.BucketWidth, r.BucketSpan = width, numfmt.Duration(width)
	r.Buckets = make([]uint64, o.Buckets)

	t := newTally(o, &r, q)
	if hi > 0 && lo <= hi {
		total := hi - lo + 1
		for a := lo; a <= hi; a += chunkIDs {
			b := min(hi, a+chunkIDs-1)
			err := source.StreamLight(ctx, src, f, itemTypes, a, b, func(e *activity.Event) error {
				t.add(e)
				drift.carry(e)
				return nil
			})
			if err == nil {
				err = ctx.Err()
			}
			if err != nil {
				t.finish()
				ownIDs(&r, t, hidden || source.Hides(src))
				return r, err
			}
			if o.Progress != nil {
				p := Progress{Done: b - lo + 1, Total: total, Events: r.Total}
				if hidden {
					p = Progress{Events: r.Total, Hidden: true}
				}
				o.Progress(p)
			}
			if b == hi {
				break
			}
		}
	}
	t.finish()
	ownIDs(&r, t, hidden || source.Hides(src))
	r.Complete = true
	return r, nil
}

// resolveWindow sets the report's window (Window, WindowSource, BaseQuery,
// Since, Until) and the id range it covers (FromID..ToID; FromID > ToID
// or ToID 0 for none): the window's start and end become ids by
// bisection (Source.FindTime), widened by the ids' disorder. o.Window is
// set to the default when neither it nor the query sets the window.
func resolveWindow(ctx context.Context, src source.Source, o *Options, r *Report, now time.Time) (newest uint64, err error) {
	bounds := TimeTerms(o.Query)
	if o.Window.Name != "" && len(bounds) > 0 {
		return 0, fmt.Errorf("window %s and %s in the query both set the window: use one", o.Window.Name, termsString(bounds))
	}

	// The window: the query's own bounds, or a span back from now.
	var since, until time.Time
	switch {
	case len(bounds) > 0:
		since, until = query.Compile(o.Query, now, o.Loc).TimeBounds()
		r.Window, r.WindowSource = termsString(bounds), FromQuery
	case o.Window.Name == "":
		o.Window, r.WindowSource = DefaultWindow, FromDefault
	default:
		r.WindowSource = FromOption
	}
	if r.WindowSource != FromQuery {
		r.Window = o.Window.Name
		if o.Window.Span != 0 {
			since = now.Add(-o.Window.Span)
		}
	}
	base, err := pinTimes(o.Query, since, until, now, o.Loc)
	if err != nil {
		return 0, err
	}
	r.BaseQuery = base
	if !until.IsZero() && until.Before(now) {
		r.Until = until.UTC()
	}

	lo, hi, err := src.Bounds(ctx)
	if err != nil {
		return 0, err
	}
	newest = hi
	if !since.IsZero() && hi > 0 {
		from, err := src.FindTime(ctx, since.Add(-disorder))
		if err != nil {
			return 0, err
		}
		if from == 0 {
			lo = hi + 1 // every event is older
		} else {
			lo = from
		}
	}
	if !until.IsZero() && hi > 0 && lo <= hi {
		to, err := src.FindTime(ctx, until.Add(disorder))
		if err != nil {
			return 0, err
		}
		if to != 0 {
			hi = to - 1 // 0: every event is older, the range stays
		}
	}
	if since.IsZero() {
		// No start: the oldest event, and an empty window at the end
		// when there is none before it.
		since = r.Until
		if lo <= hi && hi > 0 {
			oldest, err := source.Oldest(ctx, src, nil, 1)
			if err != nil {
				return 0, err
			}
			if len(oldest.Events) > 0 && !oldest.Events[0].Time.IsZero() && oldest.Events[0].Time.Before(r.Until) {
				since = oldest.Events[0].Time.Truncate(time.Minute)
			}
		}
	}
	r.Since, r.FromID, r.ToID = since.UTC(), lo, hi
	return newest, nil
}

// ownIDs gives a report from a source that hid others' events the ids of
// the caller's own first and last event instead of the window's: those
// are the table's, and would tell how many events others had in it. The
// source is asked again at the end, as a session can lose its rights
// while the report runs.
func ownIDs(r *Report, t *tally, hidden bool) {
	if hidden {
		r.Own, r.FromID, r.ToID = true, t.first, t.last
	}
}

// tally accumulates a report from events in id order. Users and login
// bursts are keyed by the login's fold and address bursts by the address
// unmapped, as user: and ip: match them, so every count is what the
// line's query shows.
type tally struct {
	o     Options
	r     *Report
	lines lines
	// users are keyed by FoldLogin; spelled by the login as written,
	// which every event looks up once, leaving the folding to the first
	// event of each spelling.
	users   map[string]*userTally
	spelled map[string]*spelling
	cats    map[catKey]uint64
	byIP    map[string]*run // by the unmapped address
	byLogin map[string]*run // by FoldLogin
	items   map[int][]Item  // privilege changes by rank, oldest first
	addrs   addrTally
	latest  time.Time
	n       int
	// first and last are the ids of the first and last event counted.
	first, last uint64
}

// catKey is what an event's categories depend on.
type catKey struct {
	category string
	severity activity.Severity
}

// userTally counts one user's events, by spelling.
type userTally struct {
	n         uint64
	id        uint32 // the user's number, for the address tally
	spellings []*spelling
}

// spelling is one way of writing a user's login.
type spelling struct {
	login, fold string
	n           uint64
	user        *userTally
}

// name is the most frequent spelling, the smallest of those tied.
func (u *userTally) name() string {
	best, bn := "", uint64(0)
	for _, s := range u.spellings {
		if s.n > bn || s.n == bn && s.login < best {
			best, bn = s.login, s.n
		}
	}
	return best
}

// spell counts an event of login.
func (t *tally) spell(login string) *spelling {
	s := t.spelled[login]
	if s == nil {
		s = &spelling{login: login, fold: query.FoldLogin(login)}
		u := t.users[s.fold]
		if u == nil {
			u = &userTally{id: uint32(len(t.users))}
			t.users[s.fold] = u
		}
		s.user = u
		u.spellings = append(u.spellings, s)
		t.spelled[login] = s
	}
	s.n++
	s.user.n++
	return s
}

// spellings counts a burst's events by how the login was written.
type spellings struct {
	n  uint64
	by map[string]uint64
}

func (s *spellings) add(login string) {
	if s.by == nil {
		s.by = map[string]uint64{}
	}
	s.n++
	s.by[login]++
}

// name is the most frequent spelling, the smallest of those tied.
func (s *spellings) name() string {
	best, bn := "", uint64(0)
	for k, n := range s.by {
		if n > bn || n == bn && k < best {
			best, bn = k, n
		}
	}
	return best
}

// run is a chain of failures for one key, none more than BurstWithin
// after the previous; it is a burst once BurstMin fall within BurstWithin.
type run struct {
	Burst
	addr   netip.Addr // for a run By "ip"
	spell  spellings  // the logins' spellings, for a run By "login"
	recent []time.Time
	burst  bool
	others map[string]struct{} // folded logins or unmapped addresses
}

func newTally(o Options, r *Report, base *query.Query) *tally {
	return &tally{o: o, r: r, lines: lines{base.Terms}, users: map[string]*userTally{}, spelled: map[string]*spelling{},
		cats: map[catKey]uint64{}, byIP: map[string]*run{}, byLogin: map[string]*run{}, items: map[int][]Item{}, addrs: newAddrTally()}
}

func (t *tally) add(e *activity.Event) {
	r := t.r
	r.Total++
	if t.first == 0 {
		t.first = e.ID
	}
	t.last = e.ID
	sp := t.spell(e.Login)
	fold := sp.fold
	t.cats[catKey{e.Category, e.Severity}]++
	if !e.Time.IsZero() && !e.Time.Before(r.Since) {
		if i := int(e.Time.Sub(r.Since) / r.BucketWidth); i < len(r.Buckets) {
			r.Buckets[i]++
		} else {
			r.Buckets[len(r.Buckets)-1]++ // arrived after the report's now
		}
	}
	t.clock(e)
	if e.Type == failedType {
		t.failed(e, fold)
	}
	t.addAddress(e, sp.user)
	if rank := privilegeRank(e); rank > 0 {
		r.PrivilegeCount++
		t.items[rank] = keepNewest(t.items[rank], t.item(e))
	}
	if isPluginChange(e.Type) {
		r.PluginCount++
		r.Plugins = keepNewest(r.Plugins, t.item(e))
	}
}

// clock notes e's time and, every 4096 events, closes the runs of
// failures that can no longer grow.
func (t *tally) clock(e *activity.Event) {
	if e.Time.After(t.latest) {
		t.latest = e.Time
	}
	if t.n++; t.n%4096 == 0 {
		t.expire(false)
	}
}

// failed counts a failed sign-in (fold: its login folded) in the runs
// by address and by login.
func (t *tally) failed(e *activity.Event, fold string) {
	t.r.FailedLogins++
	var addr string
	if !e.IP.IsValid() {
		addr = e.IPText()
	} else {
		// ip:1.2.3.4 also matches ::ffff:1.2.3.4: one address.
		un := e.IP.Unmap()
		addr = un.String()
		rn := t.fail(t.byIP, "ip", addr, e)
		rn.addr = un
		rn.other(fold, e.Login)
	}
	rn := t.fail(t.byLogin, "login", fold, e)
	rn.spell.add(e.Login)
	rn.other(addr, addr)
}

func keepNewest(items []Item, it Item) []Item {
	if len(items) == maxItems {
		items = append(items[:0], items[1:]...)
	}
	return append(items, it)
}

// item copies what a line needs: the event itself is only valid while
// the stream hands it over. Its query is set when the report is done.
func (t *tally) item(e *activity.Event) Item {
	ip := ""
	if e.IP.IsValid() || e.BadIP != nil {
		ip = e.IPText()
	}
	return Item{ID: e.ID, Time: e.Time, User: e.Login, Type: e.Type, Severity: e.Severity.String(),
		Description: e.Description, IP: ip}
}

// fail adds a failure to the run for key, starting a new run after a gap
// longer than BurstWithin.
func (t *tally) fail(runs map[string]*run, by, key string, e *activity.Event) *run {
	ts := e.Time
	rn := runs[key]
	if rn != nil && ts.Sub(rn.Last) > t.o.BurstWithin {
		t.close(rn)
		rn = nil
	}
	if rn == nil {
		rn = &run{Burst: Burst{By: by, Key: key, First: ts, Last: ts, FromID: e.ID, ToID: e.ID}, others: map[string]struct{}{}}
		runs[key] = rn
	}
	rn.Count++
	if ts.After(rn.Last) {
		rn.Last = ts
	}
	if ts.Before(rn.First) {
		rn.First = ts
	}
	rn.FromID, rn.ToID = min(rn.FromID, e.ID), max(rn.ToID, e.ID)
	rn.recent = append(rn.recent, ts)
	cut := 0
	for cut < len(rn.recent) && ts.Sub(rn.recent[cut]) > t.o.BurstWithin {
		cut++
	}
	rn.recent = rn.recent[cut:]
	if len(rn.recent) >= t.o.BurstMin {
		rn.burst = true
	}
	return rn
}

// other notes a login tried from the run's address, or an address the
// run's login was tried from: key says which are the same, shown how it
// is listed.
func (rn *run) other(key, shown string) {
	if _, ok := rn.others[key]; ok || shown == "" {
		return
	}
	rn.others[key] = struct{}{}
	rn.OtherCount++
	if len(rn.Others) < maxOthers {
		rn.Others = append(rn.Others, shown)
	}
}

// close ends a run, keeping it if it was a burst.
func (t *tally) close(rn *run) {
	if !rn.burst {
		return
	}
	b := rn.Burst
	var who query.Term
	if b.By == "login" {
		b.Key = rn.spell.name()
		who = userTerm(b.Key)
	} else {
		who = t.lines.ipTerm(rn.addr)
	}
	b.Query = t.lines.query(literal(query.KeyType, failedType), who, t.lines.idTerm(b.FromID, b.ToID))
	t.r.Bursts = append(t.r.Bursts, b)
}

// expire closes runs that can no longer grow (all of them at the end), so
// memory follows the keys active lately, not every address ever seen.
func (t *tally) expire(all bool) {
	for _, runs := range []map[string]*run{t.byIP, t.byLogin} {
		for k, rn := range runs {
			if all || t.latest.Sub(rn.Last) > 2*t.o.BurstWithin {
				t.close(rn)
				delete(runs, k)
			}
		}
	}
}

func (t *tally) finish() {
	r := t.r
	t.expire(true)
	sort.SliceStable(r.Bursts, func(i, j int) bool {
		a, b := r.Bursts[i], r.Bursts[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if !a.Last.Equal(b.Last) {
			return a.Last.After(b.Last)
		}
		if a.By != b.By {
			return a.By == "ip"
		}
		return a.Key < b.Key
	})
	r.Privileges = r.Privileges[:0]
	for rank := 1; rank <= privilegeRanks; rank++ {
		items := t.items[rank]
		for i := len(items) - 1; i >= 0; i-- {
			r.Privileges = append(r.Privileges, items[i])
		}
	}
	slices.Reverse(r.Plugins)
	byType := map[string]string{}
	for _, items := range [][]Item{r.Privileges, r.Plugins} {
		for i := range items {
			q, ok := byType[items[i].Type]
			if !ok {
				q = t.lines.query(literal(query.KeyType, items[i].Type))
				byType[items[i].Type] = q
			}
			items[i].Query = q
		}
	}
	users := make(map[string]uint64, len(t.users))
	names := make(map[string]string, len(t.users))
	for fold, u := range t.users {
		users[fold] = u.n
		names[fold] = u.name()
	}
	r.Users, r.UserCount = top(users, names, t.o.Top, func(fold string) string { return t.lines.query(userTerm(names[fold])) })
	// As in the query language: cat:security, which the line jumps to,
	// takes in every event of severity security.
	cats := map[string]uint64{}
	for k, n := range t.cats {
		for _, c := range activity.CategoriesOf(k.category, k.severity) {
			cats[c] += n
		}
	}
	r.Categories, r.CategoryCount = top(cats, nil, t.o.Top, func(c string) string { return t.lines.query(t.lines.categoryTerms(c)...) })
	t.finishAddresses()
	// Lists are empty, never absent, in the JSON.
	if r.Bursts == nil {
		r.Bursts = []Burst{}
	}
	if r.Privileges == nil {
		r.Privileges = []Item{}
	}
	if r.Plugins == nil {
		r.Plugins = []Item{}
	}
	for i := range r.Bursts {
		if r.Bursts[i].Others == nil {
			r.Bursts[i].Others = []string{}
		}
	}
	r.Peak = -1
	for i, c := range r.Buckets {
		if c > 0 && (r.Peak < 0 || c > r.Buckets[r.Peak]) {
			r.Peak = i
		}
	}
}

// top lists the n largest counts, largest first, then by name; names maps
// a key to the name shown (nil: the key itself).
func top(m map[string]uint64, names map[string]string, n int, q func(key string) string) ([]Count, int) {
	type kc struct {
		key string
		Count
	}
	all := make([]kc, 0, len(m))
	for k, v := range m {
		name := k
		if names != nil {
			name = names[k]
		}
		all = append(all, kc{k, Count{Name: name, Count: v}})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Count.Count != all[j].Count.Count {
			return all[i].Count.Count > all[j].Count.Count
		}
		return all[i].Name < all[j].Name
	})
	out := make([]Count, 0, min(n, len(all)))
	for _, c := range all[:min(n, len(all))] {
		c.Query = q(c.key)
		out = append(out, c.Count)
	}
	return out, len(m)
}
