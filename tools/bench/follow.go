package main

import (
	"context"
	"fmt"
	"time"

	"matomo-audit/data/follow"
	"matomo-audit/data/source"
)

// followFigures measures live following on the big table: what starting
// costs, a poll when nothing is new, and a poll's read when rows arrived.
// A poll reads by primary key above the mark, so none of these may grow
// with the table.
func followFigures(ctx context.Context, src source.Source, hi uint64) error {
	var starts, idle, fresh, startWorst []time.Duration
	for i := 0; i < 40; i++ {
		fl := follow.New(src, 0, nil)
		t := time.Now()
		if err := fl.Start(ctx); err != nil {
			return err
		}
		starts = append(starts, time.Since(t))
		t = time.Now()
		if _, err := fl.Poll(ctx, nil); err != nil {
			return err
		}
		idle = append(idle, time.Since(t))
		// What a poll reads when 1,000 rows came in since the last one.
		t = time.Now()
		rows, err := src.After(ctx, hi-1000, 1000)
		if err != nil {
			return err
		}
		if len(rows) != 1000 {
			return fmt.Errorf("read %d new rows, want 1000", len(rows))
		}
		fresh = append(fresh, time.Since(t))
		// A start during a burst: the last 100,000 ids all inside the grace
		// period, each looked at for ids still uncommitted.
		t = time.Now()
		if _, err := src.IDs(ctx, hi-100_000, hi); err != nil {
			return err
		}
		startWorst = append(startWorst, time.Since(t))
	}
	row("follow start (newest id, ids of the last 10 min)", starts, "instant")
	row("follow start's id check in a burst (100,000 recent ids)", startWorst, "< 100 ms")
	row("poll with nothing new", idle, "< 5 ms")
	row("poll reading 1,000 new events", fresh, "< 50 ms")
	return nil
}
