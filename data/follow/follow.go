// Package follow reports new events as they are committed, each exactly
// once, also when Matomo's many PHP processes commit their inserts out of
// id order and when the database restarts.
//
// A follower keeps a high-water mark (the highest id it has read) and the
// ranges of ids below it it has not seen yet. Each poll reads the rows above
// the mark, by primary key, so a poll costs what is new, never a scan. An id
// that is skipped (its transaction not committed yet) becomes a gap, and
// gaps are looked at again on every poll until they appear or a grace
// period passes (a rolled-back insert, or an auto-increment step, leaves an
// id that never comes).
package follow

import (
	"context"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

const (
	// DefaultGrace is how long an id skipped by an open transaction is
	// awaited before it is taken for a rolled-back insert or an
	// auto-increment step.
	DefaultGrace = 10 * time.Minute
	// DefaultPoll is how often the callers (tail, the TUI) look for new
	// events unless told otherwise: a poll with nothing new reads by
	// primary key and costs well under a millisecond, so new events can
	// show within a second.
	DefaultPoll = time.Second
	// batch is how many new rows one read takes; maxPerPoll caps a poll
	// (catching up after an outage), the caller polls again at once.
	batch      = 1000
	maxPerPoll = 20_000
	// startWindow bounds how far below the newest id the start looks for
	// uncommitted ids.
	startWindow = 100_000
	// manyGaps switches re-checking from listing the gap ranges to reading
	// the ids of the whole span they cover.
	manyGaps = 64
)

// Follower is one live cursor over a source.
type Follower struct {
	src   source.Source
	grace time.Duration
	now   func() time.Time
	hw    uint64
	gaps  []gap // ascending, disjoint, all below hw
}

type gap struct {
	lo, hi uint64
	since  time.Time
}

// New makes a follower; grace <= 0 means DefaultGrace, now nil time.Now.
func New(src source.Source, grace time.Duration, now func() time.Time) *Follower {
	if grace <= 0 {
		grace = DefaultGrace
	}
	if now == nil {
		now = time.Now
	}
	return &Follower{src: src, grace: grace, now: now}
}

// HighWater is the highest id read so far.
func (f *Follower) HighWater() uint64 { return f.hw }

// Gaps is how many ids below the mark are still awaited.
func (f *Follower) Gaps() uint64 {
	var n uint64
	for _, g := range f.gaps {
		n += g.hi - g.lo + 1
	}
	return n
}

// Start puts the mark at the newest id. Ids missing among the recent ones
// below it (committed in the last grace period, at most startWindow ids)
// may belong to transactions still open, so they start as gaps.
func (f *Follower) Start(ctx context.Context) error {
	_, hi, err := f.src.Bounds(ctx)
	if err != nil {
		return err
	}
	f.hw, f.gaps = hi, nil
	if hi == 0 {
		return nil
	}
	from, err := f.src.FindTime(ctx, f.now().Add(-f.grace))
	if err != nil {
		return err
	}
	if from == 0 || from > hi {
		from = hi
	}
	from = max(from, hi-min(hi-1, startWindow))
	ids, err := f.src.IDs(ctx, from, hi)
	if err != nil {
		return err
	}
	now := f.now()
	next := from
	for _, id := range ids {
		if id > next {
			f.gaps = append(f.gaps, gap{next, id - 1, now})
		}
		next = id + 1
	}
	return nil
}

// Seen tells the follower an id was delivered some other way (the initial
// read of tail, a page the UI loaded), so a gap does not deliver it again.
func (f *Follower) Seen(id uint64) {
	if id > f.hw {
		return
	}
	f.remove(id)
}

// Result of a poll: new events above the mark in id order, late commits
// found in gaps in id order, and whether there is more to read at once.
type Result struct {
	Fresh []activity.Event
	Late  []activity.Event
	More  bool
}

// Poll reads what was committed since the last poll and returns the events
// that match filt. Each id is returned at most once over the follower's
// life. After an error the follower is unchanged, so the next poll catches
// up on everything (a restarted database, a dropped connection).
//
// Over a source that limits what its caller may see (source.Narrower),
// filt is narrowed with it: such a source returns every id to After and
// ByIDs, the ones the caller may not see redacted, and only the narrowed
// filter keeps those out.
func (f *Follower) Poll(ctx context.Context, filt *query.Filter) (Result, error) {
	var res Result
	asked := filt
	narrower, narrows := f.src.(source.Narrower)
	if narrows {
		filt = narrower.Narrow(asked)
	}
	// Work on copies: an error half way must leave the state as it was.
	hw, gaps := f.hw, append([]gap(nil), f.gaps...)
	now := f.now()
	var fresh []activity.Event
	for read := 0; ; {
		rows, err := f.src.After(ctx, hw, batch)
		if err != nil {
			return Result{}, err
		}
		for i := range rows {
			e := &rows[i]
			if e.ID > hw+1 {
				gaps = append(gaps, gap{hw + 1, e.ID - 1, now})
			}
			hw = e.ID
			if filt.Match(e) {
				fresh = append(fresh, *e)
			}
		}
		read += len(rows)
		if len(rows) < batch {
			break
		}
		if read >= maxPerPoll {
			res.More = true
			break
		}
	}
	gaps = expire(gaps, now.Add(-f.grace))
	late, gaps, err := f.recheck(ctx, gaps, filt)
	if err != nil {
		return Result{}, err
	}
	if narrows {
		// Narrowed again after the reads: a source made stricter during
		// them (a super user demoted) redacted rows the first filter,
		// taken before, would let through.
		after := narrower.Narrow(asked)
		fresh, late = keep(fresh, after), keep(late, after)
	}
	f.hw, f.gaps = hw, gaps
	res.Fresh, res.Late = fresh, late
	return res, nil
}

func keep(events []activity.Event, filt *query.Filter) []activity.Event {
	out := events[:0]
	for i := range events {
		if filt.Match(&events[i]) {
			out = append(out, events[i])
		}
	}
	return out
}

func expire(gaps []gap, before time.Time) []gap {
	i := 0
	for i < len(gaps) && gaps[i].since.Before(before) {
		i++
	}
	return gaps[i:]
}

// recheck looks for rows that appeared in the gaps.
func (f *Follower) recheck(ctx context.Context, gaps []gap, filt *query.Filter) ([]activity.Event, []gap, error) {
	if len(gaps) == 0 {
		return nil, gaps, nil
	}
	var found []uint64
	if len(gaps) > manyGaps {
		// Many small gaps (an auto-increment step, or a burst of open
		// transactions): read the ids of the span once.
		ids, err := f.src.IDs(ctx, gaps[0].lo, gaps[len(gaps)-1].hi)
		if err != nil {
			return nil, gaps, err
		}
		for _, id := range ids {
			if inGaps(gaps, id) {
				found = append(found, id)
			}
		}
	} else {
		for _, g := range gaps {
			ids, err := f.src.IDs(ctx, g.lo, g.hi)
			if err != nil {
				return nil, gaps, err
			}
			found = append(found, ids...)
		}
	}
	if len(found) == 0 {
		return nil, gaps, nil
	}
	rows, err := f.src.ByIDs(ctx, found)
	if err != nil {
		return nil, gaps, err
	}
	var late []activity.Event
	for i := range rows {
		gaps = removeID(gaps, rows[i].ID)
		if filt.Match(&rows[i]) {
			late = append(late, rows[i])
		}
	}
	return late, gaps, nil
}

func inGaps(gaps []gap, id uint64) bool {
	for _, g := range gaps {
		if id >= g.lo && id <= g.hi {
			return true
		}
	}
	return false
}

func (f *Follower) remove(id uint64) { f.gaps = removeID(f.gaps, id) }

// removeID takes one id out of the gaps, splitting a range if needed.
func removeID(gaps []gap, id uint64) []gap {
	for i, g := range gaps {
		if id < g.lo || id > g.hi {
			continue
		}
		switch {
		case g.lo == g.hi:
			return append(gaps[:i:i], gaps[i+1:]...)
		case id == g.lo:
			gaps[i].lo++
		case id == g.hi:
			gaps[i].hi--
		default:
			right := gap{id + 1, g.hi, g.since}
			gaps[i].hi = id - 1
			gaps = append(gaps[:i+1], append([]gap{right}, gaps[i+1:]...)...)
		}
		return gaps
	}
	return gaps
}
