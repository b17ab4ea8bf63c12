package source

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
)

// Restricted is a Source that lets through only what one Matomo login may
// see, Matomo's own rule for the Activity Log: a super user sees every
// event, everyone else only the events whose user_login is their login.
// It is applied where events are read, not in what callers ask, so no
// query, picker, count or follower built on it can show another login's
// event, field, count or name:
//
//   - Page, Stream, StreamLight and Stats narrow every filter they are given with
//     Filter.And, so the user's query can only narrow further (user:other
//     finds nothing, -user:me finds nothing, text naming someone else finds
//     only own events that mention them).
//   - Users and Account answer only for the own account.
//   - Privileges (Matomo's super users and access rows, privileges.go)
//     answers only a super user's session that is no view.
//   - After and ByIDs still return every id, because a follower must see
//     which ids exist to move its high-water mark and close its gaps, but
//     the rows of others come back redacted: the id and nothing else.
//     IDs, Bounds and FindTime give ids only and pass through.
//
// A shared view (GuardView) narrows all of that once more by the view's
// query, fixed for the session: what the key's owner chose to share is
// the most any query of the session can find.
//
// What it lets through (its Scope) can change while it is in use, for a
// super user demoted in Matomo while connected: every method reads the
// scope once per call, so a call sees one scope from start to end, and the
// next call the new one. A Restricted is safe for concurrent use.
//
// Close does not close the wrapped source: one source is shared by many
// restricted sessions, and it belongs to whoever opened it.
type Restricted struct {
	src Source
	// view is a shared view's filter (nil for none): fixed for the
	// Restricted's life and applied on top of every scope, All included.
	view *query.Filter
	// owner is the login of a view's key, "" for none: a super user's
	// view keeps reading their own account, not everyone's.
	owner string
	scope atomic.Pointer[scope]

	// Narrow remembers its last answers by filter and scope: the MySQL
	// source resumes a scan where the previous page of the same filter
	// (by pointer) stopped, and a fresh narrowed filter per page would
	// restart every scan from its smallest chunk.
	mu    sync.Mutex
	memo  [8]narrowed
	round int
}

type narrowed struct {
	in  *query.Filter
	sc  *scope
	out *query.Filter
}

// Scope is what a Restricted lets through: every event when All is set,
// otherwise the events of Login (compared as user:Login compares: case
// ignored, the way Matomo's _ci login column does, so a failed sign-in
// typed as "Bob" is bob's). The zero Scope lets nothing through. View is
// set when a shared view's query limits it further (see GuardView).
type Scope struct {
	All   bool
	Login string
	View  bool
}

// scope is a Scope compiled once per change; its pointer identifies it in
// Narrow's memo.
type scope struct {
	Scope
	only *query.Filter // nil when everything passes
}

// Narrower is implemented by sources that limit what their callers may
// see. Code that judges events itself rather than through Page or Stream
// (a follower matching what After returned) must narrow its filter with
// it first. A wrapper around such a source must forward Narrow, or a
// follower over the wrapper gets other logins' rows as blank ones.
type Narrower interface {
	Narrow(f *query.Filter) *query.Filter
}

var (
	_ Source        = (*Restricted)(nil)
	_ Narrower      = (*Restricted)(nil)
	_ LightStreamer = (*Restricted)(nil)
)

// Guard wraps src in a Restricted that lets nothing through until SetAll
// or SetOnly says otherwise: a session whose rights are not known yet
// sees nothing rather than everything.
func Guard(src Source) *Restricted {
	return GuardView(src, nil, "")
}

// GuardView is Guard for a shared view: whatever SetAll or SetOnly later
// let through is further limited to the events view matches, for the
// Restricted's whole life. login is the view key's own login ("" for a
// view without one); it is the only account the session may read. A nil
// view is Guard.
func GuardView(src Source, view *query.Filter, login string) *Restricted {
	if view.MatchAll() {
		view = nil
	}
	r := &Restricted{src: src, view: view, owner: login}
	r.Set(Scope{})
	return r
}

// Restrict wraps src in a Restricted that lets through only login's
// events.
func Restrict(src Source, login string) *Restricted {
	r := Guard(src)
	r.SetOnly(login)
	return r
}

// Set changes what r lets through, for every call that starts after it.
func (r *Restricted) Set(s Scope) {
	s.View = r.view != nil
	sc := &scope{Scope: s}
	switch {
	case s.All && r.view != nil:
		sc.Login = r.owner
	case s.All:
		sc.Login = ""
	case s.Login != "":
		// Built as a term, not parsed from text: a login may hold
		// spaces, quotes, commas or control bytes, and escaped so that
		// its * and ? are not a pattern.
		q := &query.Query{Terms: []query.Term{{Key: query.KeyUser, Values: []string{query.EscapeLiteral(s.Login)}}}}
		sc.only = query.Compile(q, time.Time{}, time.UTC)
	default:
		// No account has an empty login; user:"" would also let the
		// redacted rows of After through, whose login is empty.
		sc.only = nothing()
	}
	if r.view != nil {
		sc.only = r.view.And(sc.only)
	}
	r.scope.Store(sc)
}

// nothing matches no event: every id lies in 0.., and the term excludes
// them all. It is only ever evaluated in Go (Page, Stream and Stats answer
// an empty scope without reading), so its SQL never runs. It is parsed,
// not built as a Term, because an id term's ranges are the parser's.
func nothing() *query.Filter {
	q, err := query.Parse("-id:0..")
	if err != nil {
		panic("source: the match-nothing query does not parse: " + err.Error())
	}
	return query.Compile(q, time.Time{}, time.UTC)
}

// SetAll lets every event through (a super user).
func (r *Restricted) SetAll() { r.Set(Scope{All: true}) }

// SetOnly lets only login's events through; "" lets nothing through.
func (r *Restricted) SetOnly(login string) { r.Set(Scope{Login: login}) }

// SetNone lets nothing through (an account removed or turned into a
// pending invite while connected).
func (r *Restricted) SetNone() { r.Set(Scope{}) }

// Scope is what r lets through now.
func (r *Restricted) Scope() Scope { return r.scope.Load().Scope }

// Login is the login r is restricted to, "" when it lets everything or
// nothing through.
func (r *Restricted) Login() string { return r.scope.Load().Login }

// Narrow is f limited to what r lets through now: f itself when that is
// everything, else f.And(the restriction). f's query, clock and zone stay,
// so what the user sees as their query is what they typed.
func (r *Restricted) Narrow(f *query.Filter) *query.Filter {
	return r.narrow(r.scope.Load(), f)
}

func (r *Restricted) narrow(sc *scope, f *query.Filter) *query.Filter {
	if sc.only == nil {
		return f
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.memo {
		if m.out != nil && m.in == f && m.sc == sc {
			return m.out
		}
	}
	out := f.And(sc.only)
	r.memo[r.round] = narrowed{f, sc, out}
	r.round = (r.round + 1) % len(r.memo)
	return out
}

func (sc *scope) allows(e *activity.Event) bool { return sc.only == nil || sc.only.Match(e) }

// empty: the scope lets nothing through, so reads can be skipped.
func (sc *scope) empty() bool { return !sc.All && sc.Login == "" }

// Label implements Source.
func (r *Restricted) Label() string { return r.src.Label() }

// Page implements Source: the wrapped source's page under the narrowed
// filter. Its events are checked once more against the scope, so a
// source that ignored part of a filter still shows nothing of others.
func (r *Restricted) Page(ctx context.Context, req Request) (Page, error) {
	sc := r.scope.Load()
	if sc.empty() {
		return Page{Next: req.Anchor, End: true}, ctx.Err()
	}
	req.Filter = r.narrow(sc, req.Filter)
	p, err := r.src.Page(ctx, req)
	if sc.only == nil {
		return p, err
	}
	kept := p.Events[:0]
	for i := range p.Events {
		if sc.allows(&p.Events[i]) {
			r.scrub(sc, &p.Events[i])
			kept = append(kept, p.Events[i])
		}
	}
	p.Events = kept
	return p, err
}

// Stream implements Source under the narrowed filter, checked per event
// as Page is.
func (r *Restricted) Stream(ctx context.Context, f *query.Filter, from, to uint64, fn func(*activity.Event) error) error {
	return r.stream(ctx, r.scope.Load(), f, fn, func(nf *query.Filter, each func(*activity.Event) error) error {
		return r.src.Stream(ctx, nf, from, to, each)
	})
}

// StreamLight implements LightStreamer under the same narrowing as
// Stream. The scope judges each event as it is handed over, light or
// full, which is exact only while the scope decides light events: a view
// whose query has free text makes every read full.
func (r *Restricted) StreamLight(ctx context.Context, f *query.Filter, full []string, from, to uint64, fn func(*activity.Event) error) error {
	sc := r.scope.Load()
	ls, ok := r.src.(LightStreamer)
	if !ok || !sc.only.DecidesLight() || !f.DecidesLight() {
		return r.stream(ctx, sc, f, fn, func(nf *query.Filter, each func(*activity.Event) error) error {
			return r.src.Stream(ctx, nf, from, to, each)
		})
	}
	return r.stream(ctx, sc, f, fn, func(nf *query.Filter, each func(*activity.Event) error) error {
		return ls.StreamLight(ctx, nf, full, from, to, each)
	})
}

// stream runs read under sc's narrowing of f and passes on what sc
// allows; one scope for the whole read.
func (r *Restricted) stream(ctx context.Context, sc *scope, f *query.Filter, fn func(*activity.Event) error,
	read func(*query.Filter, func(*activity.Event) error) error) error {
	if sc.empty() {
		return ctx.Err()
	}
	return read(r.narrow(sc, f), func(e *activity.Event) error {
		if !sc.allows(e) {
			return nil
		}
		if sc.View {
			// The event is the source's to reuse; scrub a copy.
			c := *e
			r.scrub(sc, &c)
			return fn(&c)
		}
		return fn(e)
	})
}

// Stats implements Source: counts under the narrowed filter, so every
// count (matches, by login, by type, by category) is of own events only.
func (r *Restricted) Stats(ctx context.Context, f *query.Filter, from, to uint64) (Stats, error) {
	sc := r.scope.Load()
	if sc.empty() {
		return Stats{}, ctx.Err()
	}
	return r.src.Stats(ctx, r.narrow(sc, f), from, to)
}

// Bounds implements Source; ids only.
func (r *Restricted) Bounds(ctx context.Context) (lo, hi uint64, err error) {
	return r.src.Bounds(ctx)
}

// FindTime implements Source; an id only.
func (r *Restricted) FindTime(ctx context.Context, t time.Time) (uint64, error) {
	return r.src.FindTime(ctx, t)
}

// Users implements Source: every account when r lets everything through,
// otherwise at most the own one.
func (r *Restricted) Users(ctx context.Context) ([]User, error) {
	sc := r.scope.Load()
	switch {
	case sc.All && !sc.View:
		return r.src.Users(ctx)
	case sc.empty() || sc.Login == "":
		// A view without a login is for people who may have no Matomo
		// account: Matomo's user list is not theirs to read.
		return nil, ctx.Err()
	}
	u, found, err := r.account(ctx, sc, sc.Login)
	if !found {
		// Users is nil when the table cannot be read; that is not an
		// error for it.
		if _, ok := errors.AsType[*SetupError](err); ok {
			err = nil
		}
		return nil, err
	}
	return []User{u}, err
}

// Account implements Source: any account when r lets everything through,
// otherwise only the own one (any other login is "not found").
func (r *Restricted) Account(ctx context.Context, login string) (User, bool, error) {
	return r.account(ctx, r.scope.Load(), login)
}

func (r *Restricted) account(ctx context.Context, sc *scope, login string) (User, bool, error) {
	if sc.All && !sc.View {
		return r.src.Account(ctx, login)
	}
	own := query.FoldLogin(sc.Login)
	if sc.empty() || sc.Login == "" || query.FoldLogin(login) != own {
		return User{}, false, nil
	}
	u, found, err := r.src.Account(ctx, login)
	if err != nil || !found || query.FoldLogin(u.Login) != own {
		// A collation wider than case (accents, trailing spaces) can find
		// a different account; that one is not the own.
		return User{}, false, err
	}
	return u, true, nil
}

// UserTableProblem implements Source: a sentence about grants, nothing
// of anyone's data.
func (r *Restricted) UserTableProblem() string { return r.src.UserTableProblem() }

// After implements Source: every row, others' redacted to their id.
func (r *Restricted) After(ctx context.Context, after uint64, limit int) ([]activity.Event, error) {
	sc := r.scope.Load()
	events, err := r.src.After(ctx, after, limit)
	r.redact(sc, events)
	return events, err
}

// IDs implements Source; ids only.
func (r *Restricted) IDs(ctx context.Context, lo, hi uint64) ([]uint64, error) {
	return r.src.IDs(ctx, lo, hi)
}

// ByIDs implements Source: every row asked for that exists, others'
// redacted to their id.
func (r *Restricted) ByIDs(ctx context.Context, ids []uint64) ([]activity.Event, error) {
	sc := r.scope.Load()
	events, err := r.src.ByIDs(ctx, ids)
	r.redact(sc, events)
	return events, err
}

// redact keeps of every row the scope does not let through its id only, so
// a caller that forgets to filter still learns nothing but that it exists.
func (r *Restricted) redact(sc *scope, events []activity.Event) {
	for i := range events {
		if !sc.allows(&events[i]) {
			events[i] = activity.Event{ID: events[i].ID}
		} else {
			r.scrub(sc, &events[i])
		}
	}
}

// scrub takes out of an event a view shows what is Matomo's account data
// rather than the log's: the e-mail of anyone but the view key's own
// login. A view is for people who may have no Matomo account; the
// activity is what was shared with them, not the user table.
func (r *Restricted) scrub(sc *scope, e *activity.Event) {
	if sc.View && (r.owner == "" || query.FoldLogin(e.Login) != query.FoldLogin(r.owner)) {
		e.User.Email = ""
	}
}

// Close implements Source without closing the wrapped source, which is
// shared (see Restricted).
func (r *Restricted) Close() error { return nil }

// Hides reports whether src keeps some events from its caller now. Such
// a caller may see numbers about their own events only: an id range or a
// count over the table tells how much others did.
func Hides(src Source) bool {
	s, ok := src.(interface{ Scope() Scope })
	return ok && (!s.Scope().All || s.Scope().View)
}
