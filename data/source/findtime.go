package source

import "time"

// Probe reads the first row with id >= from: its id and time; ok is false
// when there is none.
type Probe func(from uint64) (id uint64, t time.Time, ok bool, err error)

// Window reads the (id, time) of every row with from <= id <= to.
type Window func(from, to uint64) ([]IDTime, error)

// IDTime is a row's id and time.
type IDTime struct {
	ID   uint64
	Time time.Time
}

// DisorderWindow is how far back from the bisection's answer rows are
// checked: concurrent PHP processes commit a little out of order, so a
// row just before the boundary can hold a later time.
const DisorderWindow = 500

// FindTime finds the first id at or after t. Both sources use it, so a
// jump lands on the same event whichever is read. Ids rise with time at a
// roughly steady pace, so the search interpolates between the known ends
// (halving every third step, in case bursts or gaps mislead it) until a
// few dozen ids remain; one read of the window before that point then
// settles the answer and also catches rows committed a little out of
// order.
func FindTime(lo, hi uint64, t time.Time, probe Probe, window Window) (uint64, error) {
	if hi == 0 || lo > hi {
		return 0, nil
	}
	const close = 64
	l, r := lo, hi+1 // the answer lies in [l, r]; r == hi+1: maybe none
	var lt, rt time.Time
	haveL, haveR := false, false
	var found uint64 // an id known to be at or after t
	look := func(at uint64) error {
		id, ts, ok, err := probe(at)
		switch {
		case err != nil:
			return err
		case !ok:
			r = at
		case !ts.Before(t):
			found = id
			r, rt, haveR = at, ts, true
		default:
			l, lt, haveL = id+1, ts, true
		}
		return nil
	}
	// The ends first: they are read all the time (the newest page is on
	// screen), so they are usually in memory, and they start the
	// interpolation off right.
	for _, end := range []uint64{lo, hi} {
		if r-l > close && end >= l && end < r {
			if err := look(end); err != nil {
				return 0, err
			}
		}
	}
	bisect := false
	for r-l > close {
		mid := l + (r-l)/2
		if !bisect && haveL && haveR && rt.After(lt) {
			frac := float64(t.Sub(lt)) / float64(rt.Sub(lt))
			mid = min(max(l+uint64(frac*float64(r-l)), l), r-1)
		}
		before := r - l
		if err := look(mid); err != nil {
			return 0, err
		}
		// A guess that did not halve the interval means the pace is
		// uneven here: halve next time.
		bisect = !bisect && r-l > before/2
	}
	upper := min(r, hi)
	if found != 0 {
		upper = min(upper, found)
	}
	from := lo
	if upper > lo+DisorderWindow {
		from = upper - DisorderWindow
	}
	from = min(from, l)
	rows, err := window(from, max(upper, l))
	if err != nil {
		return 0, err
	}
	for _, row := range rows {
		if !row.Time.Before(t) {
			return row.ID, nil
		}
	}
	return found, nil
}
