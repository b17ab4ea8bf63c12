// Package cli is matomo-audit's command line: its flags, its commands
// (the timeline, printed output, export, tail, summary) and its exit codes.
// It is a package of its own so that main stays the process's few lines
// and the commands can be run, and tested, in-process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"matomo-audit/data"
	"matomo-audit/data/follow"
	"matomo-audit/data/mysqldb"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/data/summary"
	"matomo-audit/internal/argv"
	"matomo-audit/internal/shellword"
	"matomo-audit/internal/statedir"
	"matomo-audit/internal/termsafe"
	"matomo-audit/theme"
)

// globals are the flags every command shares.
type globals struct {
	dsn    string
	matomo string
	prefix string
	// prefixSet: --prefix was given, so "" means an empty prefix rather
	// than "the config's or the default".
	prefixSet bool
	demo      bool
	query     string
	tz        string
	theme     string
	ui        uiFlags
	list      listFlags
	// noExport: no files, no clipboard (--no-export or the environment).
	noExport bool
	// connectTimeout applies when connectTimeoutSet; otherwise the DSN's
	// timeout or the default does.
	connectTimeout    time.Duration
	connectTimeoutSet bool

	stderr io.Writer
	loc    *time.Location
	q      *query.Query
	// ran is set once cobra accepted the command line; errors before it
	// are usage errors.
	ran bool
	// helpErr is a mistake found while help was asked for (`list --help`):
	// cobra's help path cannot return an error, so Run picks it up.
	helpErr error
	// served is set when serve runs the command for an SSH client.
	served *served
	// maxConns bounds the database connections (serve's --db-connections).
	maxConns int
}

// usageError is a mistake in how the command was called: exit code 2.
type usageError struct{ error }

// Run runs one command line (without the program name) and returns the
// process's exit code. A write to stdout that fails with EPIPE ends it
// successfully: main ignores SIGPIPE so that a reader going away (`| head`)
// is such an error rather than the end of the process.
func Run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, &globals{stderr: stderr}, args, stdout, stderr)
}

func run(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) int {
	root := newRoot(g, stdout, stderr)
	if args == nil {
		// cobra reads os.Args for nil: in serve, the server's own.
		args = []string{}
	}
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		err = g.helpErr
	}
	if cmd != nil && cmd.Name() == "check" && cmd.Parent() == root {
		// A monitoring plugin: every problem is UNKNOWN, on standard
		// output, never exit 2 (which would read as CRITICAL).
		return checkExit(ctx, err, stdout)
	}
	if err == nil || errors.Is(err, syscall.EPIPE) {
		return 0
	}
	if ctx.Err() != nil {
		// Whatever bubbled up (context canceled, a query cut short, a
		// handshake abandoned) is the interruption's doing, not a fault.
		fmt.Fprintln(stderr, "matomo-audit: interrupted")
		return 130
	}
	fmt.Fprintln(stderr, "matomo-audit: "+oneLine(err.Error()))
	var se *source.SetupError
	var ue usageError
	switch {
	case errors.As(err, &se), errors.As(err, &ue):
		return 2
	case !g.ran:
		return 2 // cobra rejected the command line
	}
	return 1
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

const rootHelp = `matomo-audit reads Matomo's Activity Log (logins, user, site, goal, segment,
report, plugin and settings changes) straight from Matomo's MySQL/MariaDB
database, read-only, and decodes every event into one readable line.

On a terminal it opens the timeline. Piped or redirected, it prints every
matching event, oldest first (-n N: only the newest N), as text lines,
--format csv or --format ndjson; with no match it says so on stderr.

Connection (first match wins):
  --dsn / $MATOMO_AUDIT_DSN   a go-sql-driver DSN: user:pass@tcp(host:3306)/matomo
  --matomo PATH               a Matomo folder or its config/config.ini.php
  (nothing)                   config/config.ini.php found in this folder or a
                              parent, or in /var/www/matomo, /var/www/html, ...
  --demo                      built-in demo data, no database needed

Query language (--query, also the TUI's / prompt):
  user:alice,bob  -user:"Matomo System"  type:GoalAdded  type:*Removed
  cat:security  sev:notice  since:1h  since:2026-11-20  until:"2026-11-20 10:00"
  ip:10.0.0.0/8  country:de  site:3  id:1000..2000  "free text"  bare words

Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error
(connection settings, unreachable server, missing table or grant),
130 interrupted; check, a monitoring plugin, exits 0 OK, 1 WARNING,
2 CRITICAL or 3 UNKNOWN instead.`

const rootExamples = `  matomo-audit --demo
  matomo-audit --matomo /var/www/matomo
  MATOMO_AUDIT_DSN='audit:secret@tcp(db1:3306)/matomo' matomo-audit -q 'cat:security since:24h'
  matomo-audit -q cat:security | wc -l
  matomo-audit -n 100 --format csv -q 'user:alice' > alice.csv
  matomo-audit export --matomo /var/www/matomo -q 'user:alice since:7d' -o alice.json
  matomo-audit export --demo --format ndjson | head -3
  matomo-audit status --since-last
  matomo-audit check --warn 'cat:security >= 1' --crit 'type:UserSignInFailed >= 20'`

func newRoot(g *globals, stdout, stderr io.Writer) *cobra.Command {
	bi, _ := debug.ReadBuildInfo()
	root := &cobra.Command{
		Use:           "matomo-audit",
		Short:         "Browse, filter and export Matomo's Activity Log from its database",
		Long:          rootHelp,
		Example:       rootExamples,
		Version:       versionString(version, bi),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			g.ran = true
			return g.prepare(cmd)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if g.ui.poll <= 0 {
				return usageError{fmt.Errorf("--poll must be positive")}
			}
			if err := checkBurst(g.ui.burstMin, g.ui.burstWithin); err != nil {
				return err
			}
			if !knownTheme(g.theme) {
				return usageError{fmt.Errorf("unknown --theme %q: use %s", g.theme, strings.Join(theme.Names, ", "))}
			}
			format, err := g.list.check(cmd)
			if err != nil {
				return err
			}
			// -n or --format ask for printed events, so they get them on
			// a terminal too.
			asked := cmd.Flags().Changed("lines") || cmd.Flags().Changed("format")
			if g.served != nil && g.served.probe {
				g.served.timeline = !asked
				if !asked {
					return nil
				}
			}
			tui := !asked && stdout == io.Writer(os.Stdout) && isTerminal(os.Stdout)
			if tui {
				return runTUI(cmd.Context(), g)
			}
			if g.ui.at != 0 {
				return usageError{fmt.Errorf("--at opens the timeline on a terminal; for printed events use -q 'id:%d..'", g.ui.at)}
			}
			if g.served != nil && g.served.probe {
				return nil // a list: it runs as a command
			}
			return runList(cmd.Context(), g, format, stdout, stderr)
		},
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see %s --help)", err, cmd.CommandPath())}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&g.dsn, "dsn", "", "MySQL DSN, e.g. user:pass@tcp(host:3306)/matomo (or $"+mysqldb.EnvDSN+", which keeps the password out of ps)")
	pf.StringVar(&g.matomo, "matomo", "", "Matomo folder or config/config.ini.php to read the database settings from")
	pf.StringVar(&g.prefix, "prefix", "", `table prefix (default: tables_prefix from the Matomo config, else "matomo_"; --prefix "" for none)`)
	pf.DurationVar(&g.connectTimeout, "connect-timeout", mysqldb.DefaultConnectTimeout, "give up connecting (dial, handshake and schema check) after this long")
	pf.BoolVar(&g.demo, "demo", false, "use built-in demo data instead of a database")
	pf.BoolVar(&g.noExport, "no-export", false, "never write files or the clipboard (for shared jump hosts; or $MATOMO_AUDIT_NO_EXPORT=1)")
	pf.StringVarP(&g.query, "query", "q", "", `filter, e.g. 'cat:security since:24h -user:"Matomo System"'`)
	pf.StringVar(&g.tz, "tz", "UTC", "time zone for showing and typing times: UTC, Local or Area/City")
	root.Flags().Uint64Var(&g.ui.at, "at", 0, "open the timeline with the cursor on this event id (or the nearest the query shows), paused")
	root.Flags().BoolVar(&g.ui.follow, "follow", true, "follow new events as they are committed (f toggles); --follow=false starts without")
	root.Flags().DurationVar(&g.ui.poll, "poll", follow.DefaultPoll, "how often following looks for new events")
	root.Flags().DurationVar(&g.ui.grace, "grace", follow.DefaultGrace, "how long an id skipped by an open transaction is awaited")
	root.Flags().BoolVar(&g.ui.bell, "bell", false, "ring the terminal bell when a security event arrives")
	root.Flags().IntVar(&g.ui.burstMin, "burst-min", summary.DefaultBurstMin, "failed logins that make a burst on the summary screen")
	root.Flags().DurationVar(&g.ui.burstWithin, "burst-within", summary.DefaultBurstWithin, "... when they fall within this time")
	root.Flags().StringVar(&g.theme, "theme", "auto", "colours: auto (from the terminal background), dark or light; NO_COLOR=1 turns colour off")
	g.list.register(root)
	_ = root.RegisterFlagCompletionFunc("theme", cobra.FixedCompletions([]cobra.Completion{"auto", "dark", "light"}, cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc("tz", cobra.FixedCompletions([]cobra.Completion{"UTC", "Local", "Europe/Berlin", "America/New_York"}, cobra.ShellCompDirectiveNoFileComp))
	_ = root.MarkPersistentFlagDirname("matomo")
	root.AddCommand(newExportCmd(g, stdout, stderr), newTailCmd(g, stdout, stderr), newSummaryCmd(g, stdout, stderr),
		newStatusCmd(g, stdout, stderr), newCheckCmd(g, stdout))
	if g.served == nil {
		root.AddCommand(newServeCmd(g, stderr), newMetricsCmd(g, stderr))
	}
	// None of the commands takes arguments; one line says what a stray one
	// may have been meant as.
	root.Args = noArgs
	for _, c := range root.Commands() {
		c.Args = noArgs
	}
	if g.served != nil {
		root.AddCommand(newWatchCmd(g))
		// Said plainly, whatever flags come with them.
		for _, name := range []string{"serve", "metrics"} {
			root.AddCommand(&cobra.Command{Use: name, Hidden: true, DisableFlagParsing: true,
				RunE: func(*cobra.Command, []string) error {
					return usageError{errors.New(name + " cannot be run over SSH")}
				}})
		}
	}
	root.SetHelpCommand(newHelpCmd(root))
	// Help is shown before cobra looks at arguments, so `list --help`
	// would print the root's help and succeed: refuse it here instead.
	showHelp := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		if stray := c.Flags().Args(); len(stray) > 0 {
			g.helpErr = usageError{strayArg(c, stray[0])}
			return
		}
		showHelp(c, args)
	})
	return root
}

// newHelpCmd is cobra's help command, except that an unknown command or a
// stray argument (`help list`) is an error instead of the root's help.
func newHelpCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			target, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []cobra.Completion
			for _, sub := range target.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					out = append(out, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil {
				return usageError{err}
			}
			if len(rest) > 0 {
				return usageError{strayArg(target, rest[0])}
			}
			target.InitDefaultHelpFlag()
			target.InitDefaultVersionFlag()
			return target.Help()
		},
	}
}

// noArgs is cobra.Args for commands that take none.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return usageError{strayArg(cmd, args[0])}
}

// strayArg says, in one line, what an argument no command takes may have
// been meant as.
func strayArg(cmd *cobra.Command, arg string) error {
	see := "(see " + cmd.CommandPath() + " --help)"
	if strings.Contains(arg, ":") || strings.ContainsAny(arg, " \"") || strings.HasPrefix(arg, "-") {
		return fmt.Errorf("unexpected argument %q: a query goes in -q, e.g. -q %s %s", arg, shellword.Quote(arg), see)
	}
	if !cmd.HasSubCommands() {
		return fmt.Errorf("unexpected argument %q: %s takes none %s", arg, cmd.CommandPath(), see)
	}
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	if s := cmd.SuggestionsFor(arg); len(s) > 0 {
		return fmt.Errorf("unknown command %q for %s: did you mean %s? %s", arg, cmd.CommandPath(), strings.Join(s, " or "), see)
	}
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return fmt.Errorf("unknown command %q for %s: the commands are %s %s", arg, cmd.CommandPath(), strings.Join(names, ", "), see)
}

// knownTheme says whether --theme names a theme. theme.ByName accepts any
// name while NO_COLOR is set, so under NO_COLOR only the listed names are
// checked.
func knownTheme(name string) bool {
	if name == "" || slices.Contains(theme.Names, strings.ToLower(name)) {
		return true
	}
	_, ok := theme.ByName(name, true)
	return ok && !theme.NoColorRequested()
}

// prepare validates the shared flags once, before any command runs.
func (g *globals) prepare(cmd *cobra.Command) error {
	if g.served != nil {
		// A client of serve gets the server's database and may not write
		// on the server: the flags that would change either are refused,
		// and the server's environment is not the client's.
		if err := g.served.check(cmd); err != nil {
			return err
		}
	} else if cmd.Flags().Changed("dsn") {
		// The value aliases the process's argument memory: copy it, then
		// blank the password there so ps and /proc/PID/cmdline don't show it.
		g.dsn = strings.Clone(g.dsn)
		if cfg, err := mysqldb.ParseDSN(g.dsn); err == nil {
			argv.Scrub(cfg.Passwd)
		}
	} else if env := mysqldb.DSNFromEnv(); env != "" && g.matomo == "" {
		g.dsn = env
	}
	g.prefixSet = cmd.Flags().Changed("prefix")
	if g.connectTimeoutSet = cmd.Flags().Changed("connect-timeout"); g.connectTimeoutSet && g.connectTimeout <= 0 {
		return usageError{fmt.Errorf("--connect-timeout must be positive")}
	}
	if v := os.Getenv("MATOMO_AUDIT_NO_EXPORT"); g.served == nil && v != "" && v != "0" && !strings.EqualFold(v, "false") {
		g.noExport = true
	}
	loc, err := loadLocation(g.tz)
	if err != nil {
		return usageError{err}
	}
	g.loc = loc
	q, err := query.Parse(g.query)
	if err != nil {
		return usageError{queryError(g.query, err)}
	}
	g.q = q
	return nil
}

func loadLocation(name string) (*time.Location, error) {
	switch strings.ToLower(name) {
	case "", "utc", "z":
		return time.UTC, nil
	case "local":
		return time.Local, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown --tz %q: use UTC, Local or an Area/City name like Europe/Berlin", name)
	}
	return loc, nil
}

func queryError(q string, err error) error {
	var qe *query.Error
	if errors.As(err, &qe) {
		return fmt.Errorf("invalid --query %q at column %d: %s", q, qe.Col(), qe.Msg)
	}
	return fmt.Errorf("invalid --query %q: %v", q, err)
}

// open connects to the source the flags name. While it connects, a line
// on a terminal's stderr says to where, so a server that does not answer
// is seen being waited for; the line is erased once that is over.
func (g *globals) open(ctx context.Context, live bool) (source.Source, error) {
	if g.served != nil {
		return g.served.source(), nil
	}
	cwd, _ := os.Getwd()
	o := mysqldb.Options{DSN: g.dsn, MatomoPath: g.matomo, Prefix: g.prefix, PrefixSet: g.prefixSet, Cwd: cwd, MaxConns: g.maxConns}
	if g.connectTimeoutSet {
		o.ConnectTimeout = g.connectTimeout
	}
	// Where the summary's index of grant events is kept; without a home
	// folder there is none, and the summary reads them each time.
	o.StateDir, _ = statedir.Path()
	shown := false
	if f, ok := g.stderr.(*os.File); ok && isTerminal(f) {
		o.Connecting = func(server string) {
			fmt.Fprintf(f, "connecting to %s…", termsafe.Clean(server))
			shown = true
		}
	}
	src, err := data.Open(ctx, data.Options{Demo: g.demo, DemoLive: live, Now: demoClock, MySQL: o})
	if shown {
		fmt.Fprint(g.stderr, "\r\x1b[K")
	}
	return src, err
}

// demoClock is the demo source's clock (nil: time.Now). Its events are
// dated back from now, so tests pin it to compare runs byte for byte.
var demoClock func() time.Time

func (g *globals) filter() *query.Filter {
	return query.Compile(g.q, time.Now(), g.loc)
}
