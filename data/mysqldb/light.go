package mysqldb

import (
	"context"
	"strconv"
	"sync"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

// Light scan tuning. A light read hands out nearly every row it reads (a
// summary's filter is a window, perhaps with a login or two left out), so
// it reads the rows in one step rather than ids first: each chunk is one
// query for the columns but the parameters of an id range, under the
// pushed-down condition, at most lightRows of them. Those columns cost
// the server more CPU to send than it needs to read the pages, and the
// client as much again to take in: lightInFlight chunks are read at once
// (on as many connections as the pool has but one), each on its own
// connection and goroutine, which decodes its rows itself
// (activity.LightCache) while the caller counts the chunk before.
// Each chunk costs two queries (its rows, then the whole rows of the
// few types read in full): at 5,000 rows a chunk, their overhead was a
// quarter of the time of a summary of 10M rows; at 10,000 it is gone in
// the noise, and more would only cost memory.
var (
	lightRows            = 10_000
	lightFirst    uint64 = 10_000
	lightInFlight        = 4
)

// StreamLight implements source.LightStreamer. The rows of the types
// read in full are read again, whole, by primary key, once their chunk is
// read: asking the server for the parameters of only those rows (CASE
// WHEN type IN (...) THEN parameters END) would cost it more than the rest
// of the read, as it compares every row's type under the column's
// collation.
func (s *Source) StreamLight(ctx context.Context, f *query.Filter, full []string, from, to uint64, fn func(*activity.Event) error) error {
	if !f.DecidesLight() {
		return s.Stream(ctx, f, from, to, fn)
	}
	ls := &lightScan{s: s, f: f, whole: map[string]bool{}}
	for _, t := range full {
		ls.whole[t] = true
	}
	for _, t := range activity.SeverityFromParamsTypes() {
		ls.whole[t] = true
	}
	flo, fhi := f.IDBounds()
	_, hi, err := s.Bounds(ctx)
	if err != nil || hi == 0 {
		return err
	}
	if to == 0 || to > hi {
		to = hi
	}
	ls.start, ls.stop = max(from, flo), min(to, fhi)
	if !f.OnlyIDBounds() {
		ls.cond, ls.args = f.SQL(query.Schema{HasIPCountry: s.hasIPCountry})
	}
	return ls.run(ctx, fn)
}

// lightScan is one StreamLight.
type lightScan struct {
	s           *Source
	f           *query.Filter
	whole       map[string]bool // normalised types read and decoded in full
	cond        string
	args        []any
	start, stop uint64
}

// What the chunks of every light stream reuse, kept for the next stream
// as a summary makes one per part of its range: a cache per chunk being
// read, and the events of chunks already handed out.
var (
	lightCaches = sync.Pool{New: func() any { return &activity.LightCache{} }}
	lightSpares = sync.Pool{New: func() any { return new([]activity.Event) }}
)

// lightChunk is one chunk, read in the background.
type lightChunk struct {
	lo, hi uint64
	done   chan struct{}
	events []activity.Event  // the matching ones, in id order
	spare  *[]activity.Event // where events came from, to go back to
	whole  []int             // which of them are decoded in full
	n      int               // rows the query returned
	last   uint64            // the id of the last of them
	took   time.Duration
	err    error
}

// begin reads [lo, hi] in the background, detached from the caller's
// cancellation as startIDs is: cancelling a query costs its connection,
// and a chunk is short.
func (ls *lightScan) begin(ctx context.Context, lo, hi uint64) *lightChunk {
	c := &lightChunk{lo: lo, hi: hi, done: make(chan struct{}), spare: lightSpares.Get().(*[]activity.Event)}
	if c.events = (*c.spare)[:0]; cap(c.events) < lightRows {
		c.events = make([]activity.Event, 0, lightRows)
	}
	ctx = context.WithoutCancel(ctx)
	go func() {
		defer close(c.done)
		c.err = ls.read(ctx, c)
	}()
	return c
}

func (ls *lightScan) read(ctx context.Context, c *lightChunk) error {
	s := ls.s
	cache := lightCaches.Get().(*activity.LightCache)
	defer lightCaches.Put(cache)
	began := time.Now()
	q := "SELECT " + s.light + " FROM " + s.table + " WHERE `id` BETWEEN ? AND ?"
	if ls.cond != "" {
		q += " AND " + ls.cond
	}
	var ids []uint64
	err := s.eachRaw(ctx, q+" ORDER BY `id` LIMIT "+strconv.Itoa(lightRows), append([]any{c.lo, c.hi}, ls.args...), func(id uint64, cols [][]byte) {
		var cc, ip []byte
		if s.hasIPCountry {
			cc, ip = cols[3], cols[4]
		}
		c.n, c.last = c.n+1, id
		c.events = append(c.events, cache.Event(id, cols[0], cols[1], cols[2], cc, ip))
		e := &c.events[len(c.events)-1]
		switch {
		case ls.whole[e.Type]:
			// Judged once read whole: its severity may come from its
			// parameters.
			c.whole, ids = append(c.whole, len(c.events)-1), append(ids, id)
		case !ls.f.Match(e):
			c.events = c.events[:len(c.events)-1]
		}
	})
	if err != nil {
		return err
	}
	c.took = time.Since(began)
	return ls.complete(ctx, c, ids)
}

// complete puts in the place of the chunk's events of the types read in
// full their whole rows, decoded, with their user marks, or drops them
// when the filter, judging them whole, does not take them, or they are
// gone from the table in between (Matomo purging old entries).
func (ls *lightScan) complete(ctx context.Context, c *lightChunk, ids []uint64) error {
	if len(ids) == 0 {
		return nil
	}
	rows, err := ls.s.rowsByIDs(ctx, ids)
	if err != nil {
		return err
	}
	// In place, and without moving the other events unless one goes.
	var gone []int // indexes into c.whole
	for j, k := 0, 0; j < len(c.whole); j++ {
		e := &c.events[c.whole[j]]
		if k < len(rows) && rows[k].ID == e.ID {
			*e = activity.FromRow(rows[k])
			if k++; ls.f.Match(e) {
				continue
			}
		}
		gone = append(gone, j)
	}
	if len(gone) > 0 {
		kept, at := c.events[:0], c.whole[:0]
		for i, w, g := 0, 0, 0; i < len(c.events); i++ {
			if w < len(c.whole) && c.whole[w] == i {
				if w++; g < len(gone) && gone[g] == w-1 {
					g++
					continue
				}
				at = append(at, len(kept))
			}
			kept = append(kept, c.events[i])
		}
		clear(c.events[len(kept):])
		c.events, c.whole = kept, at
	}
	for _, i := range c.whole {
		ls.s.users.resolve(ctx, c.events[i:i+1])
	}
	return nil
}

// run walks the range forwards in chunks, lightInFlight being read at
// any time, and hands every chunk's events to fn in order. Chunks grow
// while their query is fast and shrink when it is slow, as in
// scanFiltered, and stay within what should fit in lightRows at the
// density the last one had. Unless ctx ends, the chunks still being read
// when run returns are waited for: nothing outlives the stream.
func (ls *lightScan) run(ctx context.Context, fn func(*activity.Event) error) error {
	if ls.start > ls.stop {
		return nil
	}
	chunk, planned, exhausted := lightFirst, ls.start, false
	var queue []*lightChunk
	defer func() {
		if ctx.Err() == nil {
			for _, c := range queue {
				<-c.done
			}
		}
	}()
	// One connection is left for whatever else the caller reads
	// meanwhile: the timeline, following, another session of serve.
	inFlight := max(1, min(lightInFlight, ls.s.conns-1))
	fill := func() {
		for len(queue) < inFlight && !exhausted {
			hi := ls.stop
			if ls.stop-planned >= chunk {
				hi = planned + chunk - 1
			}
			queue = append(queue, ls.begin(ctx, planned, hi))
			planned, exhausted = hi+1, hi == ls.stop
		}
	}
	for {
		fill()
		if len(queue) == 0 {
			return nil
		}
		c := queue[0]
		select {
		case <-c.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		queue = queue[1:]
		if c.err != nil {
			return c.err
		}
		span := c.hi - c.lo + 1
		if c.n == lightRows && c.last < c.hi {
			// Cut by its LIMIT: the rest of its range comes before the
			// chunks already being read.
			queue = append([]*lightChunk{ls.begin(ctx, c.last+1, c.hi)}, queue...)
			span = c.last - c.lo + 1
		}
		switch {
		case c.took < fastQuery && chunk < maxChunk:
			chunk *= 2
		case c.took > slowQuery && chunk > minChunk:
			chunk /= 2
		}
		if c.n > 0 {
			chunk = max(minChunk, min(chunk, span*uint64(lightRows)/uint64(c.n)*9/10))
		}
		fill()
		for i := range c.events {
			if err := fn(&c.events[i]); err != nil {
				if err == source.ErrStop {
					return nil
				}
				return err
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		// A spare must not keep the parameter trees of the events read
		// whole from the garbage collector.
		for _, i := range c.whole {
			c.events[i] = activity.Event{}
		}
		*c.spare = c.events[:0]
		lightSpares.Put(c.spare)
	}
}
