package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"matomo-audit/data/summary"
	"matomo-audit/internal/numfmt"
)

type summaryFlags struct {
	window      string
	windowSet   bool // --window was given
	format      string
	burstMin    int
	burstWithin time.Duration
	top         int
}

const summaryExamples = `  matomo-audit summary --demo
  matomo-audit summary --matomo /var/www/matomo --window 7d
  matomo-audit summary -q 'since:2026-11-01 until:2026-11-08'
  matomo-audit summary -q '-user:"Matomo System"' --window all --format json > summary.json
  matomo-audit summary --burst-min 10 --burst-within 5m`

func newSummaryCmd(g *globals, stdout, stderr io.Writer) *cobra.Command {
	f := &summaryFlags{}
	cmd := &cobra.Command{
		Use:   "summary",
		Short: "Report failed-login bursts, privilege changes and activity for a time window",
		Long: `Summarises the events matching --query in a time window. First, whatever
the query and window: privileges without a trail, the super users and the
admin, write and capability rights Matomo gives now that no event of the
log grants (accounts registered before the log began apart); it needs
SELECT on columns of Matomo's user, access and site tables, and says which
when it lacks them. Then privilege changes (super-user access, admin/write
access, auth tokens, 2FA disabled, users created or removed, password
resets), failed-login bursts by IP address and by attempted login, plugins
installed, activated or removed, the busiest users and categories, and a
sparkline of activity across the window with its peak.

The window is the query's own since:/until: when it has them; otherwise
--window, a duration back from now as since: writes it (2h, 48h, 90d, 2w,
1d12h) or all, 24h by default. Giving both is an error.

Every count is what the timeline shows for the same query; with
--format json each line carries that query. The window is found by
bisection on ids and read in bounded chunks, so a day of a huge table
takes well under a second. The privileges without a trail read the log's
grant events since the earliest registration among the accounts younger
than the log that hold one: on a huge table that can be most of it.`,
		Example: summaryExamples,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.windowSet = cmd.Flags().Changed("window")
			return runSummary(cmd.Context(), g, f, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.window, "window", "w", "", "how far back: a duration like 1h, 48h, 7d, 2w or 1d12h, or all (default 24h, unless --query has since: or until:)")
	fl.StringVar(&f.format, "format", "text", "text or json")
	fl.IntVar(&f.burstMin, "burst-min", summary.DefaultBurstMin, "failed logins that make a burst")
	fl.DurationVar(&f.burstWithin, "burst-within", summary.DefaultBurstWithin, "... when they fall within this time")
	fl.IntVar(&f.top, "top", summary.DefaultTop, "users and categories listed")
	var names []cobra.Completion
	for _, w := range summary.Windows {
		names = append(names, w.Name)
	}
	_ = cmd.RegisterFlagCompletionFunc("window", cobra.FixedCompletions(names, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]cobra.Completion{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// reportFlags checks what summary and status share: the window, the
// format (text or json, in lower case) and the burst rules.
func reportFlags(g *globals, window string, windowSet bool, format string, burstMin int, burstWithin time.Duration) (summary.Window, string, error) {
	w, err := windowFlag(g, window, windowSet)
	if err != nil {
		return w, "", err
	}
	lower := strings.ToLower(format)
	if lower != "text" && lower != "json" {
		return w, "", usageError{fmt.Errorf("unknown format %q: expected text or json", format)}
	}
	return w, lower, checkBurst(burstMin, burstWithin)
}

func runSummary(ctx context.Context, g *globals, f *summaryFlags, stdout, stderr io.Writer) error {
	w, format, err := reportFlags(g, f.window, f.windowSet, f.format, f.burstMin, f.burstWithin)
	if err != nil {
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
		opts.Progress = func(p summary.Progress) {
			if p.Privileges {
				shown = true
				fmt.Fprint(stderr, "\r\x1b[Kchecking privileges against the log's grants… ")
				return
			}
			if p.Done < p.Total {
				shown = true
				fmt.Fprintf(stderr, "\rreading the window: %d%% of %s ids ", p.Done*100/p.Total, numfmt.Thousands(p.Total))
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

// windowFlag reads --window (summary, status, check): left unset (set
// false), the query's since:/until: or the command's default set the
// window, and the zero Window is returned; set, it may not come with
// since:/until: in the query.
func windowFlag(g *globals, window string, set bool) (summary.Window, error) {
	if !set {
		return summary.Window{}, nil
	}
	w, err := summary.ParseWindow(window)
	if err != nil {
		return w, usageError{fmt.Errorf("--window: %v", err)}
	}
	if bounds := summary.TimeTerms(g.q); len(bounds) > 0 {
		terms := make([]string, len(bounds))
		for i, t := range bounds {
			terms[i] = t.String()
		}
		return w, usageError{fmt.Errorf("--window %s and %s in --query both set the window: use one", window, strings.Join(terms, " "))}
	}
	return w, nil
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
