// Command matomo-audit browses, filters, follows and exports Matomo's
// Activity Log straight from Matomo's MySQL/MariaDB database.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/spf13/cobra"

	"matomo-audit/data"
	"matomo-audit/data/follow"
	"matomo-audit/data/mysqldb"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/internal/argv"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	// A reader that goes away (`| head`) should end the output quietly,
	// like any Unix tool, instead of killing us with SIGPIPE: ignoring the
	// signal turns it into an EPIPE write error that run treats as done.
	signal.Ignore(syscall.SIGPIPE)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// globals are the flags every command shares.
type globals struct {
	dsn    string
	matomo string
	prefix string
	demo   bool
	query  string
	tz     string
	theme  string
	ui     uiFlags
	// noExport: no files, no clipboard (--no-export or the environment).
	noExport bool

	loc *time.Location
	q   *query.Query
	// ran is set once cobra accepted the command line; errors before it
	// are usage errors.
	ran bool
}

// usageError is a mistake in how the command was called: exit code 2.
type usageError struct{ error }

func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	g := &globals{}
	root := newRoot(g, stdout, stderr)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil || errors.Is(err, syscall.EPIPE) {
		return 0
	}
	fmt.Fprintln(stderr, "matomo-audit: "+oneLine(err.Error()))
	var se *source.SetupError
	var ue usageError
	switch {
	case errors.As(err, &se), errors.As(err, &ue):
		return 2
	case errors.Is(err, context.Canceled):
		return 130
	case !g.ran:
		return 2 // cobra rejected the command line
	}
	return 1
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

const rootHelp = `matomo-audit reads Matomo's Activity Log (logins, user, site, goal, segment,
report, plugin and settings changes) straight from Matomo's MySQL/MariaDB
database, read-only, and decodes every event into one readable line.

Connection (first match wins):
  --dsn / $MATOMO_AUDIT_DSN   a go-sql-driver DSN: user:pass@tcp(host:3306)/matomo
  --matomo PATH               a Matomo folder or its config/config.ini.php
  (nothing)                   config/config.ini.php found in this folder or a
                              parent, or in /var/www/matomo, /var/www/html, ...
  --demo                      built-in demo data, no database needed

Query language (--query, also the TUI's / prompt):
  user:alice,bob  -user:"Matomo System"  type:GoalAdded  type:*Removed
  cat:security  sev:notice  since:1h  since:2026-11-20  until:"2026-11-20 10:00"
  ip:10.0.0.0/8  country:de  site:3  id:1000..2000  "free text"  bare words`

const rootExamples = `  matomo-audit --demo
  matomo-audit --matomo /var/www/matomo
  MATOMO_AUDIT_DSN='audit:secret@tcp(db1:3306)/matomo' matomo-audit -q 'cat:security since:24h'
  matomo-audit export --matomo /var/www/matomo -q 'user:alice since:7d' -o alice.json
  matomo-audit export --demo --format ndjson | head -3`

func newRoot(g *globals, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "matomo-audit",
		Short:         "Browse, filter and export Matomo's Activity Log from its database",
		Long:          rootHelp,
		Example:       rootExamples,
		Version:       versionString(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
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
			if stdout == io.Writer(os.Stdout) && isTerminal(os.Stdout) {
				return runTUI(cmd.Context(), g)
			}
			// Piped or redirected: the newest events as text lines.
			return runList(cmd.Context(), g, stdout)
		},
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see %s --help)", err, cmd.CommandPath())}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&g.dsn, "dsn", "", "MySQL DSN, e.g. user:pass@tcp(host:3306)/matomo (or $"+mysqldb.EnvDSN+", which keeps the password out of ps)")
	pf.StringVar(&g.matomo, "matomo", "", "Matomo folder or config/config.ini.php to read the database settings from")
	pf.StringVar(&g.prefix, "prefix", "", `table prefix (default: from the Matomo config, else "matomo_")`)
	pf.BoolVar(&g.demo, "demo", false, "use built-in demo data instead of a database")
	pf.BoolVar(&g.noExport, "no-export", false, "never write files or the clipboard (for shared jump hosts; or $MATOMO_AUDIT_NO_EXPORT=1)")
	pf.StringVarP(&g.query, "query", "q", "", `filter, e.g. 'cat:security since:24h -user:"Matomo System"'`)
	pf.StringVar(&g.tz, "tz", "UTC", "time zone for showing and typing times: UTC, Local or Area/City")
	root.Flags().BoolVar(&g.ui.follow, "follow", true, "follow new events as they are committed (f toggles); --follow=false starts without")
	root.Flags().DurationVar(&g.ui.poll, "poll", time.Second, "how often following looks for new events")
	root.Flags().DurationVar(&g.ui.grace, "grace", follow.DefaultGrace, "how long an id skipped by an open transaction is awaited")
	root.Flags().BoolVar(&g.ui.bell, "bell", false, "ring the terminal bell when a security event arrives")
	root.Flags().IntVar(&g.ui.burstMin, "burst-min", 5, "failed logins that make a burst in the summary (s)")
	root.Flags().DurationVar(&g.ui.burstWithin, "burst-within", 10*time.Minute, "... when they fall within this time")
	root.Flags().StringVar(&g.theme, "theme", "auto", "colours: auto (from the terminal background), dark or light; NO_COLOR=1 turns colour off")
	_ = root.RegisterFlagCompletionFunc("theme", cobra.FixedCompletions([]cobra.Completion{"auto", "dark", "light"}, cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc("tz", cobra.FixedCompletions([]cobra.Completion{"UTC", "Local", "Europe/Berlin", "America/New_York"}, cobra.ShellCompDirectiveNoFileComp))
	_ = root.MarkPersistentFlagDirname("matomo")
	root.AddCommand(newExportCmd(g, stdout, stderr), newTailCmd(g, stdout, stderr), newSummaryCmd(g, stdout, stderr))
	return root
}

func versionString() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	return "matomo-audit " + v
}

// prepare validates the shared flags once, before any command runs.
func (g *globals) prepare(cmd *cobra.Command) error {
	if cmd.Flags().Changed("dsn") {
		// The value aliases the process's argument memory: copy it, then
		// blank the password there so ps and /proc/PID/cmdline don't show it.
		g.dsn = strings.Clone(g.dsn)
		if cfg, err := mysql.ParseDSN(g.dsn); err == nil {
			argv.Scrub(cfg.Passwd)
		}
	} else if env := mysqldb.DSNFromEnv(); env != "" && g.matomo == "" {
		g.dsn = env
	}
	if v := os.Getenv("MATOMO_AUDIT_NO_EXPORT"); v != "" && v != "0" && !strings.EqualFold(v, "false") {
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

// open connects to the source the flags name.
func (g *globals) open(ctx context.Context, live bool) (source.Source, error) {
	cwd, _ := os.Getwd()
	return data.Open(ctx, data.Options{
		Demo:     g.demo,
		DemoLive: live,
		MySQL:    mysqldb.Options{DSN: g.dsn, MatomoPath: g.matomo, Prefix: g.prefix, Cwd: cwd},
	})
}

func (g *globals) filter() *query.Filter {
	return query.Compile(g.q, time.Now(), g.loc)
}
