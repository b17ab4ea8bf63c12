package main

import (
	"context"
	"fmt"
	"time"

	"matomo-audit/data/source"
	"matomo-audit/data/summary"
	"matomo-audit/internal/numfmt"
)

// summaryFigures times the incident summary for each window as the `s`
// screen and the summary command compute it: bisection to the window's
// first id, then the id range read in chunks. The whole table is read
// once, the shorter windows several times.
func summaryFigures(ctx context.Context, src source.Source, all bool) error {
	for _, w := range summary.Windows {
		runs := 15
		switch {
		case w.Span == 0 && !all:
			continue
		case w.Span == 0:
			runs = 1
		case w.Span > 7*24*time.Hour:
			runs = 3
		}
		var d []time.Duration
		var r summary.Report
		for range runs {
			start := time.Now()
			var err error
			if r, err = summary.Run(ctx, src, summary.Options{Window: w, Now: time.Now()}); err != nil {
				return err
			}
			d = append(d, time.Since(start))
		}
		target := ""
		if w == summary.DefaultWindow {
			target = "< 1 s"
		}
		row(fmt.Sprintf("summary, window %s (%s events, %d bursts, %d privilege changes)", w.Name, numfmt.Thousands(r.Total), len(r.Bursts), r.PrivilegeCount), d, target)
	}
	return nil
}
