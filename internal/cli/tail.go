package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"matomo-audit/data/activity"
	"matomo-audit/data/export"
	"matomo-audit/data/follow"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

type tailFlags struct {
	format   string
	since    string
	last     int
	poll     time.Duration
	maxRetry int
	grace    time.Duration
}

const tailExamples = `  matomo-audit tail --matomo /var/www/matomo
  matomo-audit tail -q 'cat:security' --format ndjson | my-siem-shipper
  matomo-audit tail --since 1h -q '-user:"Matomo System"'
  matomo-audit tail -n 0 --poll 5s --max-retry 0`

func newTailCmd(g *globals, stdout, stderr io.Writer) *cobra.Command {
	f := &tailFlags{}
	cmd := &cobra.Command{
		Use:   "tail",
		Short: "Print matching events, then keep printing new ones as they are committed",
		Long: `Prints the last -n matching events (or all since --since), then polls for new
ones every --poll and prints them as they are committed, one line each,
flushed at once: for a terminal (--format text) or a SIEM (--format ndjson).

Every committed event is printed exactly once, also when Matomo's PHP
processes commit inserts out of id order (an id left open is awaited for
--grace) and when the database restarts: the connection is retried with
growing pauses and everything committed meanwhile is printed on return.
Ctrl-C or SIGTERM ends with exit code 0 after flushing; giving up after
--max-retry failed attempts in a row ends with exit code 1.`,
		Example: tailExamples,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTail(cmd.Context(), g, f, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", "text", "text (one line per event) or ndjson")
	// tail -f is in every sysadmin's fingers: accepted, as tail always
	// follows.
	fl.BoolP("follow", "f", true, "always on")
	_ = fl.MarkHidden("follow")
	fl.StringVar(&f.since, "since", "", "start with every matching event since this time (e.g. 1h, yesterday, 2026-11-20)")
	fl.IntVarP(&f.last, "lines", "n", 10, "start with the last N matching events (ignored with --since)")
	fl.DurationVar(&f.poll, "poll", follow.DefaultPoll, "how often to look for new events")
	fl.IntVar(&f.maxRetry, "max-retry", 10, "give up after this many failed attempts in a row (0: never)")
	fl.DurationVar(&f.grace, "grace", follow.DefaultGrace, "how long an id skipped by an open transaction is awaited")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]cobra.Completion{"text", "ndjson"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runTail(ctx context.Context, g *globals, f *tailFlags, stdout, stderr io.Writer) error {
	if f.format != "text" && f.format != "ndjson" && f.format != "jsonl" {
		return usageError{fmt.Errorf("unknown format %q: expected text or ndjson", f.format)}
	}
	if f.poll <= 0 {
		return usageError{fmt.Errorf("--poll must be positive")}
	}
	var since time.Time
	if f.since != "" {
		t, err := query.ParseTime(f.since, time.Now(), g.loc)
		if err != nil {
			return usageError{fmt.Errorf("--since: %v", err)}
		}
		since = t
	}
	src, err := g.open(ctx, true)
	if err != nil {
		// Stopping tail is its normal end, also before it got going.
		return quietOnStop(ctx, err)
	}
	defer src.Close()
	filt := g.filter()
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	var line []byte
	print := func(e *activity.Event) error {
		if f.format == "text" {
			line = export.AppendText(line[:0], e, g.loc)
		} else {
			line = export.AppendEvent(line[:0], e)
		}
		line = append(line, '\n')
		if _, err := out.Write(line); err != nil {
			return err
		}
		return out.Flush()
	}

	var fl follow.Live = follow.New(src, f.grace, nil)
	if g.served != nil && g.served.hub != nil {
		// Over SSH every tail shares the server's one poll.
		sub := g.served.hub.Subscribe(src)
		defer sub.Stop()
		fl = sub
	}
	if err := fl.Start(ctx); err != nil {
		return quietOnStop(ctx, err)
	}
	// The start: read up to the mark the follower starts from, telling it
	// what was printed, so an id awaited by it is not printed twice.
	hw := fl.HighWater()
	switch {
	case !since.IsZero():
		from, err := src.FindTime(ctx, since)
		if err != nil {
			return quietOnStop(ctx, err)
		}
		if from != 0 && from <= hw {
			err = src.Stream(ctx, filt, from, hw, func(e *activity.Event) error {
				fl.Seen(e.ID)
				return print(e)
			})
			if err != nil {
				return quietOnStop(ctx, err)
			}
		}
	case f.last > 0 && hw > 0:
		page, err := src.Page(ctx, source.Request{Filter: filt, Dir: source.Older, Anchor: hw + 1, Limit: f.last})
		if err != nil {
			return quietOnStop(ctx, err)
		}
		for i := range page.Events {
			fl.Seen(page.Events[i].ID)
			if err := print(&page.Events[i]); err != nil {
				return err
			}
		}
	}

	failures := 0
	wait := f.poll
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		res, err := fl.Poll(ctx, filt)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			failures++
			if f.maxRetry > 0 && failures > f.maxRetry {
				return fmt.Errorf("gave up after %d failed attempts in a row: %v", failures, err)
			}
			wait = min(time.Second<<min(failures-1, 5), 30*time.Second)
			fmt.Fprintf(stderr, "matomo-audit: reconnecting (attempt %d, next in %s): %v\n", failures, wait, oneLine(err.Error()))
			continue
		}
		if failures > 0 {
			fmt.Fprintf(stderr, "matomo-audit: reconnected after %d failed attempts; caught up to #%d\n", failures, fl.HighWater())
			failures = 0
		}
		// Late commits have lower ids than anything new: printing them
		// first keeps each poll's lines in id order.
		for _, list := range [][]activity.Event{res.Late, res.Fresh} {
			for i := range list {
				if err := print(&list[i]); err != nil {
					return err
				}
			}
		}
		wait = f.poll
		if res.More {
			wait = 0
		}
	}
}

// quietOnStop turns an interruption into a clean end.
func quietOnStop(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}
