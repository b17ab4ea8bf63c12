package mysqldb

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

// Source reads one Matomo database.
type Source struct {
	db           *sql.DB
	conns        int // the most db opens at once
	cfg          *mysql.Config
	prefix       string
	origin       string
	table        string // quoted
	userTable    string // quoted
	columns      string
	light        string // columns without parameters
	hasIPCountry bool
	users        *users
	stateDir     string

	mu     sync.Mutex
	resume map[source.Direction]*scanState
}

var (
	_ source.Source        = (*Source)(nil)
	_ source.LightStreamer = (*Source)(nil)
)

// HasIPCountry is false for tables of plugin versions before 3.1.
func (s *Source) HasIPCountry() bool { return s.hasIPCountry }

// UsersReadable says whether <prefix>user could be read, i.e. whether
// "not a current user" marks are available.
func (s *Source) UsersReadable() bool { return s.users.readable() }

// Close releases the connections.
func (s *Source) Close() error { return s.db.Close() }

// Bounds returns the smallest and largest id: both ends of the primary key.
func (s *Source) Bounds(ctx context.Context) (lo, hi uint64, err error) {
	var l, h sql.NullInt64
	err = s.db.QueryRowContext(ctx, "SELECT MIN(`id`), MAX(`id`) FROM "+s.table).Scan(&l, &h)
	if err != nil {
		return 0, 0, s.explain(err)
	}
	return uint64(l.Int64), uint64(h.Int64), nil
}

// Scan tuning. The table has no index but its primary key, so a filtered
// query costs time in proportion to the id range it covers. Filtered scans
// therefore walk the ids in chunks sized to take about a tenth of a second:
// short enough to stream results, report progress and stop at once, long
// enough that the round trips cost nothing.
var (
	firstChunk uint64 = 50_000
	minChunk   uint64 = 5_000
	maxChunk   uint64 = 4_000_000
	// Chunks grow while faster than fastQuery and shrink when slower than
	// slowQuery. A chunk already running finishes even when the scan is
	// stopped (cancelling would cost the connection), so this also bounds
	// how long the server keeps working after esc.
	slowQuery = 150 * time.Millisecond
	fastQuery = 40 * time.Millisecond
	batchRows = 5000 // rows per query when paging through a filter SQL cannot express
	handRows  = 1000 // rows decoded at a time while a query is still being read
	// denseCap bounds what one forward chunk may return when a page is
	// read backwards; more means the filter is dense and the chunk is
	// read backwards with LIMIT instead.
	denseCap = 2000
)

type scanSpec struct {
	f        *query.Filter
	dir      source.Direction
	start    uint64 // first id to look at
	stop     uint64 // last id to look at
	want     int    // events the caller wants; 0 = stream all
	maxScan  uint64
	budget   time.Duration
	progress func(uint64)
	emit     func(*activity.Event) bool
	// pass, when set, takes the rows instead of emit, undecoded and not
	// yet judged by the filter, so Stream can decode them on other
	// goroutines while the next rows are read. final is false while the
	// query the rows come from is still being read: pass must not wait
	// then, or a slow receiver would leave the server blocked on a
	// half-sent result until net_write_timeout drops the connection.
	// Returning true stops the scan.
	pass func(rows []activity.Row, final bool) bool
	seen uint64 // the highest id any query returned
	// spare is the row slice read fills, reused for every slice it hands
	// on: hand keeps nothing of the rows it is given.
	spare []activity.Row
}

// scan walks ids from start towards stop (both inclusive) and hands every
// matching event to emit, in the walking direction, until emit returns
// true, the range ends, or maxScan/budget runs out. It returns the next id
// to look at and whether the range was exhausted.
func (s *Source) scan(ctx context.Context, sp *scanSpec) (next uint64, end bool, err error) {
	cond, args := sp.f.SQL(query.Schema{HasIPCountry: s.hasIPCountry})
	if cond == "" || sp.f.OnlyIDBounds() {
		// An id range is a primary-key range: read it straight, without
		// the two-step chunking a condition on other columns needs. The
		// callers have already narrowed start and stop to it, and every
		// row is still checked against the filter.
		return s.scanAll(ctx, sp)
	}
	return s.scanFiltered(ctx, sp, cond, args)
}

func (sp *scanSpec) beyond(pos uint64, asc bool) bool {
	return asc && pos > sp.stop || !asc && pos < sp.stop
}

// scanAll reads without a condition: LIMIT alone bounds every query.
func (s *Source) scanAll(ctx context.Context, sp *scanSpec) (uint64, bool, error) {
	asc := sp.dir == source.Newer
	order := " ORDER BY `id` DESC"
	if asc {
		order = " ORDER BY `id` ASC"
	}
	limit := batchRows
	switch {
	case sp.pass != nil:
		limit = streamRows
	case sp.want > 0 && sp.f.MatchAll():
		limit = sp.want
	}
	began := time.Now()
	pos := sp.start
	var covered uint64
	for {
		if sp.beyond(pos, asc) {
			return pos, true, nil
		}
		lo, hi := pos, sp.stop
		if !asc {
			lo, hi = sp.stop, pos
		}
		n, last, stop, err := s.read(ctx, lo, hi, order, limit, sp)
		if err != nil {
			return pos, false, err
		}
		if stop {
			return step(last, asc), false, nil
		}
		if n < limit {
			return step(hi, asc), true, nil
		}
		prev := pos
		pos = step(last, asc)
		covered += dist(prev, pos)
		if sp.progress != nil {
			sp.progress(pos)
		}
		if sp.maxScan > 0 && covered >= sp.maxScan || sp.budget > 0 && time.Since(began) >= sp.budget {
			return pos, sp.beyond(pos, asc), nil
		}
	}
}

// step is the id after id in the walking direction.
func step(id uint64, asc bool) uint64 {
	if asc {
		return id + 1
	}
	return id - 1
}

func dist(a, b uint64) uint64 {
	if a > b {
		return a - b
	}
	return b - a
}

// idQuery is the first half of a filtered chunk read, running ahead: the
// ids in [lo, hi] the condition selects.
type idQuery struct {
	lo, hi uint64
	done   chan struct{}
	ids    []uint64
	err    error
	took   time.Duration
}

// startIDs runs the query in the background, detached from the caller's
// cancellation: a chunk is short, and cancelling a query makes the driver
// close its connection, so stopping is done by no longer waiting (see wait).
func (s *Source) startIDs(ctx context.Context, lo, hi uint64, cond string, args []any, order string, limit int) *idQuery {
	ctx = context.WithoutCancel(ctx)
	q := &idQuery{lo: lo, hi: hi, done: make(chan struct{})}
	go func() {
		defer close(q.done)
		began := time.Now()
		q.ids, q.err = s.ids(ctx, "SELECT `id` FROM "+s.table+" WHERE `id` BETWEEN ? AND ? AND "+cond+order+" LIMIT "+strconv.Itoa(limit),
			append([]any{lo, hi}, args...))
		q.took = time.Since(began)
	}()
	return q
}

// wait returns the ids, or at once when ctx ends.
func (q *idQuery) wait(ctx context.Context) ([]uint64, error) {
	select {
	case <-q.done:
		return q.ids, q.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// inFlight is how many chunk id queries a filtered scan keeps running:
// with two, the next chunk is read while this one is handed out, which
// keeps a rare filter's scan at the speed of MariaDB's own full-table
// COUNT(*) (a primary-key range read alone is about 8% slower than that).
const inFlight = 2

// scanFiltered walks the id range in chunks. Each chunk is read in two
// steps: the ids the condition selects (always reading the range forwards:
// InnoDB reads a primary-key range backwards about 60% slower), then those
// rows by primary key.
func (s *Source) scanFiltered(ctx context.Context, sp *scanSpec, cond string, args []any) (uint64, bool, error) {
	asc := sp.dir == source.Newer
	limit := denseCap + 1
	if asc {
		limit = batchRows
	}
	// A page cut short by its budget or MaxScan leaves its state here, so
	// the next page of the same scan goes on with the chunks already being
	// read and the chunk size it had grown to.
	st := s.resumeFor(sp)
	chunk, queue, planned, exhausted, dense := st.chunk, st.queue, st.planned, st.exhausted, st.dense
	fill := func() {
		n := inFlight
		if dense {
			n = 1
		}
		for len(queue) < n && !exhausted {
			lo, hi := planned, sp.stop
			if asc {
				if sp.stop-planned >= chunk {
					hi = planned + chunk - 1
				}
				exhausted = hi == sp.stop
				planned = hi + 1
			} else {
				lo, hi = sp.stop, planned
				if planned-sp.stop >= chunk {
					lo = planned - chunk + 1
				}
				exhausted = lo == sp.stop
				planned = lo - 1
			}
			queue = append(queue, s.startIDs(ctx, lo, hi, cond, args, " ORDER BY `id` ASC", limit))
		}
	}
	restart := func(pos uint64) {
		queue, planned, exhausted = queue[:0], pos, sp.beyond(pos, asc)
	}
	began := time.Now()
	pos := sp.start
	var covered uint64
	for {
		if sp.beyond(pos, asc) {
			return pos, true, nil
		}
		fill()
		if len(queue) == 0 {
			return pos, true, nil
		}
		cur := queue[0]
		ids, err := cur.wait(ctx)
		if err != nil {
			return pos, false, err
		}
		queue = queue[1:]
		full := len(ids) == limit
		dense = full
		if full && !asc {
			// Too dense to hold in one piece: read this range backwards,
			// where the LIMIT is reached quickly.
			ids, err = s.ids(ctx, "SELECT `id` FROM "+s.table+" WHERE `id` BETWEEN ? AND ? AND "+cond+" ORDER BY `id` DESC LIMIT "+
				strconv.Itoa(max(sp.want, denseCap)), append([]any{cur.lo, cur.hi}, args...))
			if err != nil {
				return pos, false, err
			}
			full = len(ids) == max(sp.want, denseCap)
		}
		rows, err := s.rowsByIDs(ctx, ids)
		if err != nil {
			return pos, false, err
		}
		if !asc && len(ids) > 0 && ids[0] < ids[len(ids)-1] {
			slices.Reverse(rows)
		}
		if len(ids) > 0 {
			sp.seen = max(sp.seen, slices.Max(ids))
		}
		if last, stop := s.hand(ctx, sp, rows); stop {
			return step(last, asc), false, nil
		}
		prev := pos
		switch {
		case full:
			// The chunk was cut by its LIMIT: go on after the last id
			// read, and re-plan the chunks behind it.
			last := ids[len(ids)-1]
			if !asc {
				last = slices.Min(ids)
			}
			if !asc && last == 0 {
				return 0, true, nil
			}
			pos = step(last, asc)
			restart(pos)
		case asc:
			pos = cur.hi + 1
		default:
			if cur.lo == 0 {
				return 0, true, nil
			}
			pos = cur.lo - 1
		}
		covered += dist(prev, pos)
		if sp.progress != nil {
			sp.progress(pos)
		}
		if !full {
			switch {
			case cur.took < fastQuery && chunk < maxChunk:
				chunk *= 2
			case cur.took > slowQuery && chunk > minChunk:
				chunk /= 2
			}
		}
		if sp.maxScan > 0 && covered >= sp.maxScan || sp.budget > 0 && time.Since(began) >= sp.budget {
			s.saveResume(sp, pos, &scanState{chunk: chunk, queue: queue, planned: planned, exhausted: exhausted, dense: dense})
			return pos, sp.beyond(pos, asc), nil
		}
	}
}

// scanState is a filtered scan between two pages.
type scanState struct {
	f         *query.Filter
	dir       source.Direction
	pos, stop uint64
	chunk     uint64
	queue     []*idQuery
	planned   uint64
	exhausted bool
	dense     bool
}

// resumeFor takes the saved state if the scan continues exactly where a
// page of the same filter and direction stopped; otherwise a fresh start.
func (s *Source) resumeFor(sp *scanSpec) scanState {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.resume[sp.dir]
	delete(s.resume, sp.dir)
	if st != nil && st.f == sp.f && st.pos == sp.start && st.stop == sp.stop {
		return *st
	}
	return scanState{chunk: firstChunk, planned: sp.start}
}

func (s *Source) saveResume(sp *scanSpec, pos uint64, st *scanState) {
	st.f, st.dir, st.pos, st.stop = sp.f, sp.dir, pos, sp.stop
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.resume == nil {
		s.resume = map[source.Direction]*scanState{}
	}
	s.resume[sp.dir] = st
}

// hand decodes rows, keeps those the filter accepts, resolves their user
// marks and passes them to emit in order (or passes the rows on
// undecoded, see scanSpec.pass). If the receiver asks to stop, it returns
// true and the id of the last row it took.
func (s *Source) hand(ctx context.Context, sp *scanSpec, rows []activity.Row) (last uint64, stop bool) {
	if sp.pass != nil {
		// Called for every query, even one that found nothing, so a
		// stream notices a stop without having to find a match first.
		return sp.seen, sp.pass(rows, true)
	}
	if len(rows) == 0 {
		return 0, false
	}
	events := decode(rows, sp.f)
	s.users.resolve(ctx, events)
	for i := range events {
		if sp.emit(&events[i]) {
			return events[i].ID, true
		}
	}
	return 0, false
}

// decode turns rows into the events f accepts, in order.
func decode(rows []activity.Row, f *query.Filter) []activity.Event {
	return decodeInto(make([]activity.Event, 0, len(rows)), rows, f)
}

// decodeInto is decode appending to events.
func decodeInto(events []activity.Event, rows []activity.Row, f *query.Filter) []activity.Event {
	for i := range rows {
		events = append(events, activity.FromRow(rows[i]))
		if !f.Match(&events[len(events)-1]) {
			events = events[:len(events)-1]
		}
	}
	return events
}

// read runs one bounded query without a condition and hands its rows on.
// A stream gets them in slices of handRows while the rest are still
// arriving, so they are decoded while the next ones are read. It returns
// how many rows came back, the id of the last one (of the last one taken
// if the receiver asked to stop) and whether it did.
func (s *Source) read(ctx context.Context, lo, hi uint64, order string, limit int, sp *scanSpec) (n int, last uint64, stop bool, err error) {
	q := "SELECT " + s.columns + " FROM " + s.table + " WHERE `id` BETWEEN ? AND ?" + order + " LIMIT " + strconv.Itoa(limit)
	rows, err := s.db.QueryContext(ctx, q, lo, hi)
	if err != nil {
		return 0, 0, false, s.explain(err)
	}
	defer rows.Close()
	buf := sp.spare[:0]
	err = s.eachRowWhile(rows, false, func(r activity.Row) bool {
		n++
		last = r.ID
		sp.seen = max(sp.seen, r.ID)
		buf = append(buf, r)
		if sp.pass != nil && len(buf) == handRows {
			stop = sp.pass(buf, false)
			buf = buf[:0]
		}
		return !stop
	})
	if err == nil && !stop {
		var at uint64
		if at, stop = s.hand(ctx, sp, buf); stop {
			last = at
		}
	}
	sp.spare = buf[:0]
	return n, last, stop, err
}

func (s *Source) ids(ctx context.Context, q string, args []any) ([]uint64, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.explain(err)
	}
	defer rows.Close()
	var ids []uint64
	for rows.Next() {
		var id uint64
		if err := rows.Scan(&id); err != nil {
			return nil, s.explain(err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// byIDs fetches rows by primary key, in the order of ids, and keeps those
// the filter accepts.
func (s *Source) byIDs(ctx context.Context, ids []uint64, f *query.Filter) ([]activity.Event, error) {
	rows, err := s.rowsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	return decode(rows, f), nil
}

// rowsByIDs fetches rows by primary key, in the order of ids.
func (s *Source) rowsByIDs(ctx context.Context, ids []uint64) ([]activity.Row, error) {
	byID := make(map[uint64]activity.Row, len(ids))
	const per = 1000
	for start := 0; start < len(ids); start += per {
		part := ids[start:min(start+per, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		q := "SELECT " + s.columns + " FROM " + s.table + " WHERE `id` IN (" + placeholders(len(part)) + ")"
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, s.explain(err)
		}
		err = s.eachRow(rows, false, func(r activity.Row) { byID[r.ID] = r })
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	out := make([]activity.Row, 0, len(byID))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

func placeholders(n int) string {
	b := make([]byte, 0, 2*n)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '?')
	}
	return string(b)
}

// eachRow scans rows of s.columns (or s.light) into activity.Row values.
func (s *Source) eachRow(rows *sql.Rows, light bool, fn func(activity.Row)) error {
	return s.eachRowWhile(rows, light, func(r activity.Row) bool {
		fn(r)
		return true
	})
}

// eachRowWhile is eachRow until fn returns false.
func (s *Source) eachRowWhile(rows *sql.Rows, light bool, fn func(activity.Row) bool) error {
	var (
		id                          uint64
		login, typ, params, created sql.RawBytes
		country, ip                 sql.RawBytes
	)
	dest := []any{&id, &login, &typ}
	if !light {
		dest = append(dest, &params)
	}
	dest = append(dest, &created)
	if s.hasIPCountry {
		dest = append(dest, &country, &ip)
	}
	// Every text column of a row goes into one string, and addresses into
	// arrays shared by many rows and never written twice: one allocation
	// per row instead of six, and everything stays valid after fn returns.
	var (
		buf []byte
		ips []byte
	)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return s.explain(err)
		}
		buf = append(append(append(append(append(buf[:0], login...), typ...), params...), created...), country...)
		all := string(buf)
		a := len(login)
		b := a + len(typ)
		c := b + len(params)
		d := c + len(created)
		r := activity.Row{ID: id, Login: all[:a], Type: all[a:b], Params: all[b:c], Created: all[c:d]}
		if s.hasIPCountry {
			if country != nil {
				r.Country, r.HasCountry = all[d:], true
			}
			if ip != nil {
				if cap(ips)-len(ips) < len(ip) {
					ips = make([]byte, 0, max(4096, len(ip)))
				}
				ips = append(ips, ip...)
				r.IP = ips[len(ips)-len(ip) : len(ips) : len(ips)]
			}
		}
		if !fn(r) {
			return nil
		}
	}
	if err := rows.Err(); err != nil {
		return s.explain(err)
	}
	return nil
}

// Page implements source.Source.
func (s *Source) Page(ctx context.Context, r source.Request) (source.Page, error) {
	limit := r.Limit
	if limit <= 0 {
		limit = source.DefaultLimit
	}
	flo, fhi := r.Filter.IDBounds()
	sp := scanSpec{f: r.Filter, dir: r.Dir, want: limit, maxScan: r.MaxScan, budget: r.Budget, progress: r.Progress}
	var events []activity.Event
	sp.emit = func(e *activity.Event) bool {
		events = append(events, *e)
		return len(events) >= limit
	}
	// Without a pushed-down condition, LIMIT alone bounds each query and
	// the open end needs no MIN/MAX round trip; chunked scans do need to
	// know where the table ends.
	cond, _ := r.Filter.SQL(query.Schema{HasIPCountry: s.hasIPCountry})
	top := func() (uint64, error) {
		if cond == "" {
			return ^uint64(0), nil
		}
		_, hi, err := s.Bounds(ctx)
		return hi, err
	}
	if r.Dir == source.Older {
		if r.Anchor == 0 {
			hi, err := top()
			if err != nil {
				return source.Page{}, err
			}
			if hi == 0 {
				return source.Page{End: true}, nil
			}
			sp.start = hi
		} else {
			if r.Anchor <= flo {
				return source.Page{Next: r.Anchor, End: true}, nil
			}
			sp.start = r.Anchor - 1
		}
		sp.start = min(sp.start, fhi)
		sp.stop = flo
	} else {
		if r.Anchor == ^uint64(0) {
			return source.Page{Next: r.Anchor, End: true}, nil
		}
		sp.start = max(r.Anchor+1, flo)
		hi, err := top()
		if err != nil {
			return source.Page{}, err
		}
		sp.stop = min(hi, fhi)
	}
	next, end, err := s.scan(ctx, &sp)
	if err != nil {
		return source.Page{}, err
	}
	if r.Dir == source.Older {
		slices.Reverse(events)
		// next is the next id to look at; the exclusive anchor is one above.
		return source.Page{Events: events, Next: next + 1, End: end}, nil
	}
	if end && sp.stop == ^uint64(0) {
		// The open end was reached: continue after the last row that
		// exists, not after the largest possible id.
		return source.Page{Events: events, Next: max(r.Anchor, sp.seen), End: true}, nil
	}
	return source.Page{Events: events, Next: next - 1, End: end}, nil
}
