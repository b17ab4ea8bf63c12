package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"matomo-audit/data/summary"
)

type summaryFlags struct {
	window      string
	format      string
	burstMin    int
	burstWithin time.Duration
	top         int
}

const summaryExamples = `  matomo-audit summary --demo
  matomo-audit summary --matomo /var/www/matomo --window 7d
  matomo-audit summary -q '-user:"Matomo System"' --window all --format json > summary.json
  matomo-audit summary --burst-min 10 --burst-within 5m`

func newSummaryCmd(g *globals, stdout, stderr io.Writer) *cobra.Command {
	f := &summaryFlags{}
	cmd := &cobra.Command{
		Use:   "summary",
		Short: "Report failed-login bursts, privilege changes and activity for a time window",
		Long: `Summarises the events matching --query in a time window (--window 1h, 24h,
7d, 30d or all; default 24h): privilege changes first (super-user access,
admin/write access, auth tokens, 2FA disabled, users created or removed,
password resets), failed-login bursts by IP address and by attempted login,
plugins installed, activated or removed, the busiest users and categories,
and a sparkline of activity across the window with its peak.

Every count is what the timeline shows for the same query; with
--format json each line carries that query. The window is found by
bisection on ids and read in bounded chunks, so a day of a huge table
takes well under a second.`,
		Example: summaryExamples,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSummary(cmd.Context(), g, f, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.window, "window", "w", summary.DefaultWindow.Name, "how far back: 1h, 24h, 7d, 30d or all")
	fl.StringVar(&f.format, "format", "text", "text or json")
	fl.IntVar(&f.burstMin, "burst-min", 5, "failed logins that make a burst")
	fl.DurationVar(&f.burstWithin, "burst-within", 10*time.Minute, "... when they fall within this time")
	fl.IntVar(&f.top, "top", 10, "users and categories listed")
	var names []cobra.Completion
	for _, w := range summary.Windows {
		names = append(names, w.Name)
	}
	_ = cmd.RegisterFlagCompletionFunc("window", cobra.FixedCompletions(names, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]cobra.Completion{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runSummary(ctx context.Context, g *globals, f *summaryFlags, stdout, stderr io.Writer) error {
	w, err := summary.ParseWindow(f.window)
	if err != nil {
		return usageError{fmt.Errorf("--window: %v", err)}
	}
	format := strings.ToLower(f.format)
	if format != "text" && format != "json" {
		return usageError{fmt.Errorf("unknown format %q: expected text or json", f.format)}
	}
	if err := checkBurst(f.burstMin, f.burstWithin); err != nil {
		return err
	}
	if f.top < 1 {
		return usageError{fmt.Errorf("--top must be at least 1")}
	}
	src, err := g.open(ctx, false)
	if err != nil {
		return err
	}
	defer src.Close()
	opts := summary.Options{Query: g.q, Window: w, Now: time.Now(), Loc: g.loc,
		BurstMin: f.burstMin, BurstWithin: f.burstWithin, Top: f.top}
	// A long window takes a while on a big table: say how far it got, on
	// a terminal only, and leave no trace of it in the output.
	shown := false
	if fd, ok := stderr.(*os.File); ok && isTerminal(fd) {
		opts.Progress = func(done, total uint64) {
			if done < total {
				shown = true
				fmt.Fprintf(stderr, "\rreading the window: %d%% of %d ids ", done*100/total, total)
			}
		}
	}
	r, err := summary.Run(ctx, src, opts)
	if shown {
		fmt.Fprint(stderr, "\r\x1b[K")
	}
	if err != nil {
		return err
	}
	if format == "json" {
		return summary.WriteJSON(stdout, &r)
	}
	return summary.WriteText(stdout, &r, g.loc)
}

// checkBurst validates the burst thresholds the summary command and the
// TUI's summary screen take.
func checkBurst(min int, within time.Duration) error {
	if min < 2 {
		return usageError{fmt.Errorf("--burst-min must be at least 2")}
	}
	if within <= 0 {
		return usageError{fmt.Errorf("--burst-within must be positive")}
	}
	return nil
}
