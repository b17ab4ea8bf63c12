package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"matomo-audit/data/query"
	"matomo-audit/data/summary"
	"matomo-audit/internal/numfmt"
	"matomo-audit/internal/termsafe"
)

// The Nagios/Icinga plugin API's exit codes and words.
const (
	checkOK       = 0
	checkWarning  = 1
	checkCritical = 2
	checkUnknown  = 3
)

var checkStates = [...]string{"OK", "WARNING", "CRITICAL", "UNKNOWN"}

// checkDone ends check with its state: the line is already printed.
type checkDone struct{ code int }

func (c checkDone) Error() string { return checkStates[c.code] }

type checkFlags struct {
	window    string
	windowSet bool
	warn      []string
	crit      []string
}

const checkExamples = `  matomo-audit check --matomo /var/www/matomo --warn 'cat:security >= 1' --crit 'type:UserSignInFailed >= 20'
  matomo-audit check --window 1h --crit 'type:UserSignInFailed >= 5'
  matomo-audit check -q '-user:"Matomo System"' --warn 'type:*Removed > 0' --crit 'type:UserSetSuperUserAccess >= 1'`

func newCheckCmd(g *globals, stdout io.Writer) *cobra.Command {
	f := &checkFlags{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "A Nagios/Icinga check: count events matching queries in a window against thresholds",
		Long: `A monitoring plugin following the Nagios/Icinga plugin API. Each
--warn and --crit is a threshold "QUERY OP N": the events of the window
that QUERY matches (the query language of --query, with the same
evaluator) compared with N by OP, one of >=, >, <=, < and ==. Both are
repeatable. The window is --window (default 15m), or the --query's own
since:/until:; --query narrows every threshold.

It prints one line, the state, what crossed its threshold and the counts,
then performance data after "|" ('label'=count;warn;crit;0; with the
thresholds as Nagios ranges), and exits 0 OK, 1 WARNING (a --warn
threshold crossed), 2 CRITICAL (a --crit one crossed) or 3 UNKNOWN: any
problem with the command line, the thresholds, the connection or the
table, with the reason on the line (never 2, which would read as
CRITICAL).`,
		Example: checkExamples,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.windowSet = cmd.Flags().Changed("window")
			return runCheck(cmd.Context(), g, f, stdout)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.window, "window", "w", checkWindow, "how far back: a duration like 15m, 1h, 24h, or all (unless --query has since: or until:)")
	fl.StringArrayVar(&f.warn, "warn", nil, `WARNING when "QUERY OP N" holds, e.g. 'cat:security >= 1' (repeatable)`)
	fl.StringArrayVar(&f.crit, "crit", nil, `CRITICAL when "QUERY OP N" holds, e.g. 'type:UserSignInFailed >= 20' (repeatable)`)
	return cmd
}

// checkWindow is check's window when neither --window nor the query
// sets one.
const checkWindow = "15m"

// threshold is one --warn or --crit.
type threshold struct {
	flag  string // "--warn" or "--crit"
	level int    // checkWarning or checkCritical
	q     *query.Query
	op    string
	n     uint64
}

var thresholdRE = regexp.MustCompile(`^(.*?)\s*(>=|<=|==|>|<)\s*([0-9]+)\s*$`)

func parseThreshold(flag string, level int, s string) (threshold, error) {
	m := thresholdRE.FindStringSubmatch(s)
	if m == nil {
		return threshold{}, fmt.Errorf("%s %q: expected QUERY OP N, e.g. 'cat:security >= 1' (OP: >=, >, <=, <, ==)", flag, s)
	}
	if strings.ContainsAny(m[1][max(0, len(m[1])-1):], "<>=!") {
		return threshold{}, fmt.Errorf("%s %q: expected QUERY OP N with one operator (>=, >, <=, <, ==)", flag, s)
	}
	n, err := strconv.ParseUint(m[3], 10, 64)
	if err != nil {
		return threshold{}, fmt.Errorf("%s %q: %s is not a count", flag, s, m[3])
	}
	q, err := query.Parse(m[1])
	if err != nil {
		var qe *query.Error
		if errors.As(err, &qe) {
			return threshold{}, fmt.Errorf("%s %q: invalid query at column %d: %s", flag, s, qe.Col(), qe.Msg)
		}
		return threshold{}, fmt.Errorf("%s %q: invalid query: %v", flag, s, err)
	}
	if ts := summary.TimeTerms(q); len(ts) > 0 {
		return threshold{}, fmt.Errorf("%s %q: %s: the window is --window (or since:/until: in --query), not part of a threshold", flag, s, ts[0])
	}
	return threshold{flag: flag, level: level, q: q, op: m[2], n: n}, nil
}

// crossed says whether count crosses the threshold.
func (t threshold) crossed(count uint64) bool {
	switch t.op {
	case ">=":
		return count >= t.n
	case ">":
		return count > t.n
	case "<=":
		return count <= t.n
	case "<":
		return count < t.n
	}
	return count == t.n
}

// nagiosRange is the threshold as a Nagios plugin range (alert when the
// value is outside start:end, or inside it with a leading @), for the
// performance data; "" when it can never be crossed.
func (t threshold) nagiosRange() string {
	n := strconv.FormatUint(t.n, 10)
	less := strconv.FormatUint(t.n-1, 10) // used only when n > 0
	switch t.op {
	case ">=":
		if t.n == 0 {
			return "~:-1"
		}
		return less
	case ">":
		return n
	case "<=":
		return "@0:" + n
	case "<":
		if t.n == 0 {
			return ""
		}
		return "@0:" + less
	}
	return "@" + n + ":" + n
}

// name is the threshold's query as the line shows it.
func (t threshold) name() string { return queryName(t.q.String()) }

// queryName is a threshold's query as written, or what the empty one
// counts.
func queryName(q string) string {
	if q == "" {
		return "all events"
	}
	return q
}

func runCheck(ctx context.Context, g *globals, f *checkFlags, stdout io.Writer) error {
	// The default window gives way to the query's own since:/until:.
	w, err := windowFlag(g, f.window, f.windowSet || len(summary.TimeTerms(g.q)) == 0)
	if err != nil {
		return err
	}
	var ts []threshold
	for _, fl := range []struct {
		name  string
		level int
		vals  []string
	}{{"--warn", checkWarning, f.warn}, {"--crit", checkCritical, f.crit}} {
		for _, v := range fl.vals {
			t, err := parseThreshold(fl.name, fl.level, v)
			if err != nil {
				return usageError{err}
			}
			ts = append(ts, t)
		}
	}
	if len(ts) == 0 {
		return usageError{errors.New("no threshold: give --warn or --crit, e.g. --crit 'type:UserSignInFailed >= 20'")}
	}
	src, err := g.open(ctx, false)
	if err != nil {
		return err
	}
	defer src.Close()
	now := time.Now()
	// One filter per distinct query: the same query under --warn and
	// --crit is counted once and is one perfdata entry.
	var queries []string
	index := map[string]int{}
	var match []*query.Filter
	for _, t := range ts {
		s := t.q.String()
		if _, ok := index[s]; !ok {
			index[s] = len(queries)
			queries = append(queries, s)
			match = append(match, query.Compile(t.q, now, g.loc))
		}
	}
	c, err := summary.CountWindow(ctx, src, summary.CountOptions{Query: g.q, Window: w, Now: now, Loc: g.loc, Match: match})
	if err != nil {
		return err
	}

	state := checkOK
	var hit [checkCritical + 1][]string
	for _, t := range ts {
		n := c.Matches[index[t.q.String()]]
		if t.crossed(n) {
			state = max(state, t.level)
			hit[t.level] = append(hit[t.level], t.name()+" "+numfmt.Thousands(n)+" ("+t.op+" "+strconv.FormatUint(t.n, 10)+")")
		}
	}
	var parts []string
	for _, lv := range []int{checkCritical, checkWarning} {
		for _, h := range hit[lv] {
			if lv == checkWarning && state == checkCritical {
				h += " warning"
			}
			parts = append(parts, h)
		}
	}
	if state == checkOK {
		for i, q := range queries {
			parts = append(parts, queryName(q)+" "+numfmt.Thousands(c.Matches[i]))
		}
	}
	span := "in the last " + c.Window
	switch {
	case c.WindowSource == summary.FromQuery:
		span = c.Window
	case c.Window == summary.All.Name:
		span = "in the whole log"
	}
	// ASCII only around the counts: plugin output passes through tools
	// that may not all take UTF-8.
	text := strings.Join(parts, ", ") + "; " + numfmt.Many(c.Events, "event") + " " + span
	if c.Own {
		text += " (own events)"
	}
	line := checkStates[state] + " - " + pluginText(text) + " | " + perfdata(ts, queries, index, c)
	if _, err := fmt.Fprintln(stdout, line); err != nil {
		return err
	}
	return checkDone{state}
}

// perfdata is the performance data: one entry per distinct query with its
// first --warn and first --crit as ranges (further ones of the same
// query and level get an entry of their own), then the window's events.
func perfdata(ts []threshold, queries []string, index map[string]int, c summary.Counts) string {
	type entry struct {
		label      string
		value      uint64
		warn, crit string
		hasW, hasC bool
	}
	var entries []*entry
	first := map[int]*entry{}
	used := map[string]bool{"events": true}
	label := func(q string) string {
		l := perfLabel(queryName(q))
		base := l
		for i := 2; used[l]; i++ {
			l = base + " (" + strconv.Itoa(i) + ")"
		}
		used[l] = true
		return l
	}
	for _, t := range ts {
		i := index[t.q.String()]
		e := first[i]
		if e == nil || t.level == checkWarning && e.hasW || t.level == checkCritical && e.hasC {
			e = &entry{label: label(queries[i]), value: c.Matches[i]}
			entries = append(entries, e)
			if first[i] == nil {
				first[i] = e
			}
		}
		if t.level == checkWarning {
			e.warn, e.hasW = t.nagiosRange(), true
		} else {
			e.crit, e.hasC = t.nagiosRange(), true
		}
	}
	var out []string
	for _, e := range entries {
		out = append(out, fmt.Sprintf("'%s'=%d;%s;%s;0;", e.label, e.value, e.warn, e.crit))
	}
	out = append(out, fmt.Sprintf("'events'=%d;;;0;", c.Events))
	return strings.Join(out, " ")
}

// perfLabel makes a query a perfdata label: printable (control and bidi
// characters escaped as on screen), and without the characters that end
// a label or the performance data: ' becomes ", = becomes :, | becomes /.
func perfLabel(q string) string {
	return strings.NewReplacer("'", `"`, "=", ":", "|", "/").Replace(termsafe.Clean(q))
}

// pluginText makes the line's text safe for a plugin's output: one line,
// printable, and no | (which would start the performance data).
func pluginText(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(termsafe.Clean(s)), " "), "|", "/")
}

// checkExit turns the end of a check run into the plugin's exit code:
// its state when it ran, else UNKNOWN with the reason as the one line.
func checkExit(ctx context.Context, err error, stdout io.Writer) int {
	var done checkDone
	switch {
	case err == nil:
		return checkOK
	case errors.As(err, &done):
		return done.code
	case ctx.Err() != nil:
		fmt.Fprintln(stdout, "UNKNOWN - interrupted")
	default:
		fmt.Fprintln(stdout, "UNKNOWN - "+pluginText(err.Error()))
	}
	return checkUnknown
}
