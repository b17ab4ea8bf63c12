package mysqldb

import (
	"context"
	"runtime"
	"sync"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

// Stream tuning. Decoding a row (PHP-unserializing its parameters and
// phrasing its description) costs more than reading it, so Stream reads
// on one goroutine, decodes on up to maxDecoders, and calls fn on the
// caller's goroutine in id order. streamBatches batches of up to handRows
// rows circulate between the stages and are reused, so memory is bounded
// by them, and the garbage collector has little to do beyond what the
// events themselves hold. Without a condition to push down, each query
// reads streamRows rows: starting a query costs about 2 ms on a busy
// server, and when fn stops the stream the current query still has to be
// drained, which streamRows keeps to a few tens of milliseconds.
var (
	streamRows    = 20_000
	streamBatches = 8
	maxDecoders   = 4
)

// batch is rows on their way through Stream: read in order, decoded by
// whichever decoder is free, emitted in the order read, then reused.
type batch struct {
	rows   []activity.Row
	events []activity.Event
	done   chan struct{} // closed when events are ready
}

// Stream implements source.Source. The reader runs the same scan as Page,
// with the rows handed over undecoded (scanSpec.pass). The event given to
// fn is only valid until fn returns: its storage is reused.
func (s *Source) Stream(ctx context.Context, f *query.Filter, from, to uint64, fn func(*activity.Event) error) error {
	flo, fhi := f.IDBounds()
	_, hi, err := s.Bounds(ctx)
	if err != nil {
		return err
	}
	if hi == 0 {
		return nil
	}
	if to == 0 || to > hi {
		to = hi
	}
	sp := scanSpec{f: f, dir: source.Newer, start: max(from, flo), stop: min(to, fhi)}

	free := make(chan *batch, streamBatches)
	for range streamBatches {
		free <- &batch{rows: make([]activity.Row, 0, handRows), events: make([]activity.Event, 0, handRows)}
	}
	// Every batch that is not free is in ordered and, until a decoder takes
	// it, in work: sending to them never blocks. Only taking a free batch
	// makes the reader wait, and only between queries (see scanSpec.pass).
	ordered := make(chan *batch, streamBatches)
	work := make(chan *batch, streamBatches)
	stop := make(chan struct{})
	var pending []activity.Row // rows read while no batch was free
	head := 0
	sp.pass = func(rows []activity.Row, final bool) bool {
		select {
		case <-stop:
			return true
		default:
		}
		pending = append(pending, rows...)
		for head < len(pending) {
			var b *batch
			if final {
				select {
				case b = <-free:
				case <-stop:
					return true
				}
			} else {
				select {
				case b = <-free:
				default:
					return false // the rest goes with the next rows
				}
			}
			n := min(len(pending)-head, handRows)
			b.rows = append(b.rows[:0], pending[head:head+n]...)
			head += n
			b.done = make(chan struct{})
			ordered <- b
			work <- b
		}
		clear(pending) // the rows' text now belongs to the batches
		pending, head = pending[:0], 0
		return false
	}

	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), maxDecoders) {
		wg.Go(func() {
			for b := range work {
				b.events = decodeInto(b.events[:0], b.rows, f)
				close(b.done)
			}
		})
	}
	var readErr error
	wg.Go(func() {
		defer close(work)
		defer close(ordered)
		_, _, readErr = s.scan(ctx, &sp)
	})

	err = s.emitBatches(ctx, ordered, free, fn)
	// The reader finishes the query it is in (or abandons it if ctx
	// ended), the decoders their batch; nothing outlives Stream.
	close(stop)
	for range ordered {
	}
	wg.Wait()
	switch {
	case err == source.ErrStop:
		return nil
	case err != nil:
		return err
	case readErr != nil && ctx.Err() != nil:
		// Cancelling makes the driver drop the connection mid-read; that
		// is not what went wrong.
		return ctx.Err()
	}
	return readErr
}

// emitBatches hands the decoded events to fn in order and frees each
// batch after, until the batches end, fn fails or ctx ends.
func (s *Source) emitBatches(ctx context.Context, ordered <-chan *batch, free chan<- *batch, fn func(*activity.Event) error) error {
	for b := range ordered {
		select {
		case <-b.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		s.users.resolve(ctx, b.events)
		for i := range b.events {
			if err := fn(&b.events[i]); err != nil {
				return err
			}
		}
		// A free batch must not keep its events' text and parameter
		// trees from the garbage collector.
		clear(b.rows)
		clear(b.events)
		free <- b
	}
	return nil
}
