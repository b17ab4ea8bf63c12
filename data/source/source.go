// Package source defines what the UI and the headless commands read events
// through, and the keyset paging helpers built on it. The MySQL and demo
// sources both implement Source, with the same query evaluator, so
// everything above this package works the same on either.
package source

import (
	"context"
	"errors"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
)

// Direction of a page relative to its anchor.
type Direction int8

const (
	Older Direction = -1
	Newer Direction = 1
)

// Request asks for one page. Paging is by id (keyset), never by offset, so
// any page of any table costs the same.
type Request struct {
	Filter *query.Filter
	Dir    Direction
	// Anchor is exclusive: Older returns ids below it, Newer ids above it.
	// Zero means "from the newest" for Older and "from the oldest" for Newer.
	Anchor uint64
	// Limit bounds the events returned; <= 0 means DefaultLimit.
	Limit int
	// MaxScan, when > 0, stops the page after examining that many ids of
	// the table even if Limit was not reached, so a rare filter on a huge
	// table answers in bounded time; Page.Next says where to go on.
	MaxScan uint64
	// Budget, when > 0, ends the page once about that much time was spent
	// scanning (after at least one query), even if Limit was not reached:
	// a filtered scan of a huge table then arrives as a stream of short
	// steps the UI can show, interleave with keys, and stop.
	Budget time.Duration
	// Progress, when set, is called as the scan advances with the id it
	// has reached.
	Progress func(reached uint64)
}

// DefaultLimit is the page size when a request does not say.
const DefaultLimit = 200

// Page is the answer to a Request.
type Page struct {
	// Events are in ascending id order whatever the direction.
	Events []activity.Event
	// Next is the anchor that continues in the same direction: it can lie
	// beyond the last event when non-matching rows were skipped.
	Next uint64
	// End is true when nothing matching lies beyond Next in this direction
	// (as of this read).
	End bool
}

// Source is a place events are read from.
type Source interface {
	// Label names the source for people: "matomo@db:3306/matomo" or "demo".
	Label() string
	// Page returns matching events next to an anchor.
	Page(ctx context.Context, r Request) (Page, error)
	// Stream calls fn for every matching event with from <= id <= to (to
	// 0 = no upper bound), in ascending id order, reading in bounded batches
	// so memory stays flat however many rows match.
	Stream(ctx context.Context, f *query.Filter, from, to uint64, fn func(*activity.Event) error) error
	// Bounds returns the smallest and largest id present (0, 0 when empty).
	Bounds(ctx context.Context) (lo, hi uint64, err error)
	// Stats counts the matching events with from <= id <= to, by login and
	// by type; callers walk the table in ranges to keep each call short.
	Stats(ctx context.Context, f *query.Filter, from, to uint64) (Stats, error)
	// FindTime returns the id of the first event at or after t (0 when
	// every event is older), in a few primary-key lookups.
	FindTime(ctx context.Context, t time.Time) (uint64, error)
	// Users lists the accounts of <prefix>user (nil when it cannot be
	// read).
	Users(ctx context.Context) ([]User, error)
	// Account is the row of <prefix>user for login, found as the
	// database compares logins (under the column's collation, as
	// Matomo's own lookup does: "ALICE" finds alice on a _ci column);
	// found is false when there is none. An error means the table could
	// not be read (a SetupError naming the grant when it is a grant).
	Account(ctx context.Context, login string) (u User, found bool, err error)
	// UserTableProblem says why <prefix>user cannot be read, so events
	// carry no user marks (no grant, no table); "" while it can be, or
	// before the first look.
	UserTableProblem() string

	// What live following needs: it must see which ids exist, matching
	// or not, so these do not filter.

	// After returns up to limit rows with id > after, oldest first.
	After(ctx context.Context, after uint64, limit int) ([]activity.Event, error)
	// IDs returns the ids present in [lo, hi], ascending.
	IDs(ctx context.Context, lo, hi uint64) ([]uint64, error)
	// ByIDs returns the rows with these ids that exist, ascending.
	ByIDs(ctx context.Context, ids []uint64) ([]activity.Event, error)
	Close() error
}

// LightStreamer is implemented by sources that can stream without the
// parameters column, the widest and the costliest to decode, for callers
// that mostly count (the summary).
type LightStreamer interface {
	// StreamLight is Stream with light events: they carry what the row's
	// other columns hold (activity.Light: id, login, type with the
	// catalog's category and severity, time, address, country), no
	// parameters, no description and no user marks. Events of the types
	// in full (normalised ids) come as Stream gives them, and so do
	// those of the types whose severity comes from their parameters
	// (activity.SeverityFromParams), so that every event's category and
	// severity are its own; when f cannot judge a light event
	// (query.Filter.DecidesLight), every event does. Which events are
	// light thus depends on f, full and the types alone: two sources
	// give the same events. As with Stream, an event is only valid until
	// fn returns.
	StreamLight(ctx context.Context, f *query.Filter, full []string, from, to uint64, fn func(*activity.Event) error) error
}

// StreamLight streams light events from src when it can (see
// LightStreamer), and full ones through Stream otherwise.
func StreamLight(ctx context.Context, src Source, f *query.Filter, full []string, from, to uint64, fn func(*activity.Event) error) error {
	if ls, ok := src.(LightStreamer); ok && f.DecidesLight() {
		return ls.StreamLight(ctx, f, full, from, to, fn)
	}
	return src.Stream(ctx, f, from, to, fn)
}

// User is an account of Matomo's user table.
type User struct {
	Login     string
	Email     string
	SuperUser bool
	// Invited: an invitation not yet accepted (Matomo 5's invite_token is
	// set), not an account anyone has signed in with.
	Invited bool
}

// Stats are counts over an id range.
type Stats struct {
	Matches uint64
	Users   map[string]Group // by exact login
	Types   map[string]Group // by normalised type id
	// Cats counts what each cat: term takes in (activity.CategoriesOf):
	// an event of severity security counts for its own category and for
	// "security".
	Cats map[string]Group
}

// Group is how many matching events a login or type has, and its latest.
type Group struct {
	Count uint64
	Last  time.Time
}

func (s *Stats) init() {
	if s.Users == nil {
		s.Users, s.Types, s.Cats = map[string]Group{}, map[string]Group{}, map[string]Group{}
	}
}

// Add counts one matching event.
func (s *Stats) Add(e *activity.Event) {
	s.init()
	s.Matches++
	add := func(m map[string]Group, k string) {
		g := m[k]
		g.Count++
		if e.Time.After(g.Last) {
			g.Last = e.Time
		}
		m[k] = g
	}
	add(s.Users, e.Login)
	add(s.Types, e.Type)
	for _, c := range activity.CategoriesOf(e.Category, e.Severity) {
		add(s.Cats, c)
	}
}

// Merge adds o's counts.
func (s *Stats) Merge(o Stats) {
	s.init()
	s.Matches += o.Matches
	merge := func(dst, src map[string]Group) {
		for k, g := range src {
			d := dst[k]
			d.Count += g.Count
			if g.Last.After(d.Last) {
				d.Last = g.Last
			}
			dst[k] = d
		}
	}
	merge(s.Users, o.Users)
	merge(s.Types, o.Types)
	merge(s.Cats, o.Cats)
}

// ErrStop can be returned by a Stream callback to end the stream early
// without an error.
var ErrStop = errors.New("stop")

// Newest returns the n newest matching events.
func Newest(ctx context.Context, s Source, f *query.Filter, n int) (Page, error) {
	return s.Page(ctx, Request{Filter: f, Dir: Older, Limit: n})
}

// Oldest returns the n oldest matching events.
func Oldest(ctx context.Context, s Source, f *query.Filter, n int) (Page, error) {
	return s.Page(ctx, Request{Filter: f, Dir: Newer, Limit: n})
}

// Before returns up to n matching events with ids below id, the closest ones.
func Before(ctx context.Context, s Source, f *query.Filter, id uint64, n int) (Page, error) {
	if id == 0 {
		return Page{End: true}, nil
	}
	return s.Page(ctx, Request{Filter: f, Dir: Older, Anchor: id, Limit: n})
}

// After returns up to n matching events with ids above id, the closest ones.
func After(ctx context.Context, s Source, f *query.Filter, id uint64, n int) (Page, error) {
	if id == ^uint64(0) {
		return Page{End: true}, nil
	}
	return s.Page(ctx, Request{Filter: f, Dir: Newer, Anchor: id, Limit: n})
}

// Around returns up to n matching events centred on id: the event itself
// when it matches, about half the rest before it and the others after.
// AtStart/AtEnd say whether either side ran out.
func Around(ctx context.Context, s Source, f *query.Filter, id uint64, n int) (events []activity.Event, atStart, atEnd bool, err error) {
	if n <= 0 {
		n = DefaultLimit
	}
	before := n/2 + 1
	older, err := s.Page(ctx, Request{Filter: f, Dir: Older, Anchor: id + 1, Limit: before})
	if err != nil {
		return nil, false, false, err
	}
	newer, err := s.Page(ctx, Request{Filter: f, Dir: Newer, Anchor: id, Limit: n - len(older.Events)})
	if err != nil {
		return nil, false, false, err
	}
	events = append(older.Events, newer.Events...)
	return events, older.End, newer.End, nil
}
