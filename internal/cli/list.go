package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"matomo-audit/data/activity"
	"matomo-audit/data/export"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

// listFlags are the root command's flags for printed output (piped, or
// asked for with -n/--format).
type listFlags struct {
	lines  int
	format string
}

func (f *listFlags) register(root *cobra.Command) {
	fl := root.Flags()
	fl.IntVarP(&f.lines, "lines", "n", 0, "print only the newest N matching events (still oldest first); default: every one")
	fl.StringVar(&f.format, "format", "text", "printed output: text (one line per event), csv or ndjson")
	_ = root.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]cobra.Completion{"text", "csv", "ndjson"}, cobra.ShellCompDirectiveNoFileComp))
}

func (f *listFlags) check(cmd *cobra.Command) (export.Format, error) {
	if cmd.Flags().Changed("lines") && f.lines < 1 {
		return 0, usageError{fmt.Errorf("-n must be at least 1 (leave it out for every matching event)")}
	}
	format, err := export.ParseFormat(f.format, export.Text, export.CSV, export.NDJSON)
	if err != nil {
		return 0, usageError{err}
	}
	return format, nil
}

// runList prints the matching events, oldest first like a log: all of
// them, streamed with flat memory, or the newest lines of them.
func runList(ctx context.Context, g *globals, format export.Format, stdout, stderr io.Writer) error {
	src, err := g.open(ctx, false)
	if err != nil {
		return err
	}
	defer src.Close()
	w := export.NewWriter(stdout, format)
	w.Loc = g.loc
	flushed := time.Now()
	write := func(e *activity.Event) error {
		if err := w.Write(e); err != nil {
			return err
		}
		// Whoever reads the pipe (less, grep) sees lines as a slow scan
		// finds them, not only once the buffer is full.
		if now := time.Now(); now.Sub(flushed) > 100*time.Millisecond {
			flushed = now
			return w.Flush()
		}
		return nil
	}
	filt := g.filter()
	if g.list.lines > 0 {
		err = streamNewest(ctx, src, filt, g.list.lines, write)
	} else {
		err = src.Stream(ctx, filt, 0, 0, write)
	}
	if err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if w.Count() == 0 {
		// On stderr: on stdout it would be a data line to whatever reads
		// the pipe.
		label := src.Label()
		if g.served != nil {
			label = "what you may see here" // not the server's database account and host
		}
		fmt.Fprintf(stderr, "matomo-audit: no matching events in %s\n", label)
	}
	return nil
}

// newestPage bounds how many events -n holds at once.
var newestPage = 1000

// streamNewest calls fn for the newest n matching events, oldest first.
// Up to newestPage of them come in one page; more are found page by page
// (keeping only where they start) and then streamed, so memory stays flat
// whatever n is.
func streamNewest(ctx context.Context, src source.Source, f *query.Filter, n int, fn func(*activity.Event) error) error {
	var first, last uint64
	count := 0
	var anchor uint64
	for {
		p, err := src.Page(ctx, source.Request{Filter: f, Dir: source.Older, Anchor: anchor, Limit: min(n-count, newestPage)})
		if err != nil {
			return err
		}
		if count == 0 && (len(p.Events) == n || p.End) {
			for i := range p.Events {
				if err := fn(&p.Events[i]); err != nil {
					return err
				}
			}
			return nil
		}
		if len(p.Events) > 0 {
			if last == 0 {
				last = p.Events[len(p.Events)-1].ID
			}
			first = p.Events[0].ID
			count += len(p.Events)
		}
		if count >= n || p.End || p.Next == 0 {
			break
		}
		anchor = p.Next
	}
	if count == 0 {
		return nil
	}
	// A row committed meanwhile inside [first, last] is printed too: it is
	// as new as its neighbours, and an audit trail should not drop it to
	// keep the count exact.
	return src.Stream(ctx, f, first, last, fn)
}
