package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"matomo-audit/data/source"
	"matomo-audit/data/summary"
	"matomo-audit/internal/numfmt"
	"matomo-audit/internal/statefile"
	"matomo-audit/internal/termsafe"
)

type statusFlags struct {
	window      string
	windowSet   bool
	format      string
	sinceLast   bool
	burstMin    int
	burstWithin time.Duration
}

const statusExamples = `  matomo-audit status --matomo /var/www/matomo
  matomo-audit status -w 1h -q '-user:"Matomo System"'
  matomo-audit status --since-last            # what is new since the previous --since-last run
  matomo-audit status --format json | jq .failed_logins`

func newStatusCmd(g *globals, stdout, stderr io.Writer) *cobra.Command {
	f := &statusFlags{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Print one line of counts (security events, failed sign-ins, bursts) for a status bar or MOTD",
		Long: `Prints one short line for a tmux status-right, a shell prompt or a login
banner: the security events (what cat:security shows, failed sign-ins
apart), the failed sign-ins and how many bursts they make, in a window:

  matomo: 3 security · 41 failed sign-ins (1 burst) · last 24h

The window is the query's own since:/until: when it has them; otherwise
--window (a duration as since: writes it, or all), 24h by default; giving
both is an error. Bursts are the summary's (--burst-min failures within
--burst-within, by address or by attempted login).

--since-last counts what is new since the previous status --since-last
run of the same OS user for the same database table and query: the newest
id seen is kept in $XDG_STATE_HOME/matomo-audit/ (default
~/.local/state/matomo-audit/, a 0600 file in a 0700 folder). The first run
(or one whose state file is missing or unreadable) counts the window.

Only counts are printed, never a login or an address. The window becomes
an id range by bisection and only that range is read, without the
parameters column, so a day of a 10M-row table takes a few tens of
milliseconds.`,
		Example: statusExamples,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.windowSet = cmd.Flags().Changed("window")
			return runStatus(cmd.Context(), g, f, stdout)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.window, "window", "w", "", "how far back: a duration like 1h, 24h, 7d, or all (default 24h, unless --query has since: or until:)")
	fl.StringVar(&f.format, "format", "text", "text or json")
	fl.BoolVar(&f.sinceLast, "since-last", false, "count what is new since the previous status --since-last run (the first run counts the window)")
	fl.IntVar(&f.burstMin, "burst-min", summary.DefaultBurstMin, "failed logins that make a burst")
	fl.DurationVar(&f.burstWithin, "burst-within", summary.DefaultBurstWithin, "... when they fall within this time")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]cobra.Completion{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// statusJSON is status --format json: the counts, the line, and where
// they are from.
type statusJSON struct {
	Line string `json:"line"`
	summary.Counts
	// Since is null when the count started after an id (since_last).
	Since *time.Time `json:"since"`
	// SinceLast: --since-last was given; Previous is the previous run's
	// time when the count is of what is new since it (null on a first
	// run, when the window was counted).
	SinceLast bool       `json:"since_last"`
	Previous  *time.Time `json:"previous_run"`
}

func runStatus(ctx context.Context, g *globals, f *statusFlags, stdout io.Writer) error {
	w, format, err := reportFlags(g, f.window, f.windowSet, f.format, f.burstMin, f.burstWithin)
	if err != nil {
		return err
	}
	if f.sinceLast && g.served != nil {
		return usageError{errors.New("--since-last cannot be used over SSH: it keeps its mark in a file on the server")}
	}
	var stateDir string
	if f.sinceLast {
		if stateDir, err = statefile.Dir(); err != nil {
			return usageError{err}
		}
	}
	src, err := g.open(ctx, false)
	if err != nil {
		return err
	}
	defer src.Close()

	now := time.Now()
	o := summary.CountOptions{Query: g.q, Window: w, Now: now, Loc: g.loc, BurstMin: f.burstMin, BurstWithin: f.burstWithin}
	var key string
	var prev statefile.Mark
	havePrev := false
	if f.sinceLast {
		key = stateKey(src, g.q.String())
		if prev, havePrev, err = statefile.Load(stateDir, key); err != nil {
			return err
		}
	}
	var c summary.Counts
	if havePrev {
		after := o
		after.Window, after.After = summary.Window{}, prev.LastID
		c, err = summary.CountWindow(ctx, src, after)
		if err == nil && c.Newest < prev.LastID {
			// The table holds fewer ids than it did: it was emptied or
			// replaced, and the mark means nothing now.
			havePrev = false
		}
	}
	if !havePrev {
		c, err = summary.CountWindow(ctx, src, o)
	}
	if err != nil {
		return err
	}
	if f.sinceLast && c.Newest > 0 {
		if err := statefile.Save(stateDir, statefile.Mark{Key: key, LastID: c.Newest, At: now.UTC().Truncate(time.Second)}); err != nil {
			return err
		}
	}
	var prevAt *time.Time
	if havePrev {
		at := prev.At.UTC()
		prevAt = &at
	}
	line := statusLine(&c, prevAt, now, g.loc)
	if format == "json" {
		j := statusJSON{Line: line, Counts: c, SinceLast: f.sinceLast, Previous: prevAt}
		if !c.Since.IsZero() {
			s := c.Since
			j.Since = &s
		}
		enc := json.NewEncoder(stdout)
		return enc.Encode(j)
	}
	_, err = fmt.Fprintln(stdout, line)
	return err
}

// stateKey names a --since-last mark: the source (its user, server and
// database, never a password), the table and the query, so two installs,
// two prefixes or two queries (a status bar and a login banner) never
// take each other's events.
func stateKey(src source.Source, query string) string {
	table := ""
	if t, ok := src.(interface{ Table() string }); ok {
		table = t.Table()
	}
	return src.Label() + "\x00" + table + "\x00" + query
}

// statusLine is the one line: counts, then the window. prev is the
// previous run's time when the counts are of what is new since then.
func statusLine(c *summary.Counts, prev *time.Time, now time.Time, loc *time.Location) string {
	var b strings.Builder
	b.WriteString("matomo: ")
	b.WriteString(numfmt.Thousands(c.Security) + " security · ")
	b.WriteString(numfmt.Many(c.FailedLogins, "failed sign-in"))
	if c.Bursts > 0 {
		b.WriteString(" (" + numfmt.Many(uint64(c.Bursts), "burst") + ")")
	}
	b.WriteString(" · ")
	switch {
	case prev != nil:
		at := prev.In(loc)
		if y, m, d := at.Date(); y == now.In(loc).Year() && m == now.In(loc).Month() && d == now.In(loc).Day() {
			b.WriteString("since " + at.Format("15:04"))
		} else {
			b.WriteString("since " + at.Format("2006-01-02 15:04"))
		}
	case c.WindowSource == summary.FromQuery:
		b.WriteString(c.Window)
	case c.Window == summary.All.Name:
		b.WriteString("all time")
	default:
		b.WriteString("last " + c.Window)
	}
	if c.Own {
		b.WriteString(" · own events")
	}
	// The query's terms are the user's text: one line, nothing that can
	// drive the terminal.
	return strings.Join(strings.Fields(termsafe.Clean(b.String())), " ")
}
