package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	gossh "golang.org/x/crypto/ssh"

	"matomo-audit/data/follow"
	"matomo-audit/data/marks"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/internal/shellword"
	"matomo-audit/metrics"
	"matomo-audit/serve"
	"matomo-audit/serve/keys"
	swatch "matomo-audit/serve/watch"
	"matomo-audit/theme"
	"matomo-audit/ui"
)

// served is a command run by serve for an SSH client: the session's
// source, and the follower every session shares.
type served struct {
	src   source.Source
	hub   *follow.Hub
	marks *marks.Set // the server's marked events
	// probe: the command line is only read, for the timeline; timeline
	// says it asks for it (see servedTimeline), watch whose session it
	// is to mirror.
	probe, timeline bool
	watch           string
}

// source is the session's source, as it is: a wrapper here would hide its
// Narrow from the follower (tail), and its Close leaves the server's
// connection open.
func (s *served) source() source.Source { return s.src }

// refusedOverSSH are the flags that choose the database or write on the
// server: a client has neither to choose.
var refusedOverSSH = []string{"dsn", "matomo", "demo", "prefix", "connect-timeout", "output", "force"}

func (s *served) check(cmd *cobra.Command) error {
	var bad []string
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if slices.Contains(refusedOverSSH, f.Name) || f.Name == "no-export" && f.Value.String() == "false" {
			bad = append(bad, "--"+f.Name)
		}
	})
	if len(bad) > 0 {
		return usageError{fmt.Errorf("%s cannot be used over SSH: the server chooses the database, and nothing is written on it (redirect the output on your side: ssh ... export > file)", strings.Join(bad, ", "))}
	}
	return nil
}

// RunServed runs one command line of an SSH client with the session's
// source, returning its exit status.
func RunServed(ctx context.Context, args []string, stdout, stderr io.Writer, src source.Source, hub *follow.Hub, set *marks.Set) int {
	g := &globals{stderr: stderr, served: &served{src: src, hub: hub, marks: set}, noExport: true}
	return run(ctx, g, args, stdout, stderr)
}

type serveFlags struct {
	marks       string
	metrics     string
	listen      string
	hostKey     string
	keys        string
	maxSessions int
	idleTimeout time.Duration
}

const serveHelp = `serve holds the database connection and lets people in over SSH with their
own key: each gets the timeline (ssh -t) or runs export, summary, tail, status
or check as an SSH command, limited to what their Matomo login may see. Super
users see everything; every other user sees only their own activity.

The keys file is in OpenSSH authorized_keys syntax; each key's options say
whose it is, or which shared view it opens (only what its query matches):

  login="alice" ssh-ed25519 AAAA... alice@laptop
  view="oncall",query="cat:security" ssh-ed25519 AAAA... pager

It is read again when it changes and on SIGHUP; open sessions stay.

In a session, W watches another one live and m marks an event for everyone
(M lists the marks; export --marked exports them; --marks keeps them).`

const serveExamples = `  matomo-audit serve --matomo /var/www/matomo --keys /etc/matomo-audit/keys
  ssh -t -p 2222 localhost
  ssh -t -p 2222 localhost -- "-q 'ip:203.0.113.66' --at 2856"
  ssh -t -p 2222 localhost watch alice
  ssh -p 2222 localhost export -q 'since:7d' --format ndjson > mine.ndjson
  ssh -p 2222 localhost summary -w 7d`

func newServeCmd(g *globals, stderr io.Writer) *cobra.Command {
	f := &serveFlags{}
	cmd := &cobra.Command{
		Use:     "serve",
		Short:   "Serve the Activity Log over SSH, each person seeing what Matomo lets them see",
		Long:    serveHelp,
		Example: serveExamples,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServe(cmd.Context(), g, f, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", serve.DefaultListen, "address to listen on (anything but loopback only when you mean it)")
	fl.StringVar(&f.hostKey, "host-key", "", "ed25519 host key, created when missing (default: $XDG_STATE_HOME/matomo-audit/ssh_host_ed25519_key)")
	fl.StringVar(&f.keys, "keys", "", `keys file: authorized_keys lines with login="..." or view="...",query="..." (required)`)
	fl.IntVar(&f.maxSessions, "max-sessions", serve.DefaultMaxSessions, "sessions open at once")
	fl.DurationVar(&f.idleTimeout, "idle-timeout", serve.DefaultIdleTimeout, "close a connection idle this long")
	fl.IntVar(&g.maxConns, "db-connections", serve.DefaultDBConnections, "database connections shared by every session")
	fl.StringVar(&f.marks, "marks", "", "keep the events marked with m in this file across restarts (append-only NDJSON, 0600); default: in memory only")
	fl.StringVar(&f.metrics, "metrics", "", "also serve Prometheus metrics on "+metrics.Path+" at this address, e.g. "+metrics.DefaultListen+" (anyone reaching it may read it: loopback or a firewall)")
	return cmd
}

func runServe(ctx context.Context, g *globals, f *serveFlags, stderr io.Writer) error {
	if f.keys == "" {
		return usageError{errors.New("--keys FILE is required: authorized_keys lines with login=\"...\"")}
	}
	if f.maxSessions <= 0 || f.idleTimeout <= 0 {
		return usageError{errors.New("--max-sessions and --idle-timeout must be positive")}
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	watch, err := keys.Watch(f.keys, func(err error) {
		log.Error("keys file not reloaded, the previous one stays", "file", f.keys, "error", err.Error())
	})
	if err != nil {
		return usageError{err}
	}
	defer watch.Close()
	path := f.hostKey
	if path == "" {
		if path, err = serve.DefaultHostKeyPath(); err != nil {
			return usageError{err}
		}
	}
	signer, created, err := serve.HostKey(path)
	if err != nil {
		return usageError{err}
	}
	src, err := g.open(ctx, true)
	if err != nil {
		return err
	}
	defer src.Close()
	// One poll of the database per interval, however many follow.
	hub := follow.NewHub(src, follow.DefaultGrace, follow.DefaultPoll, nil)
	defer hub.Close()
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return usageError{fmt.Errorf("cannot listen on %s: %v", f.listen, err)}
	}
	if f.metrics != "" {
		// From the one follower the sessions share, which then polls
		// whether anyone follows or not.
		mln, err := net.Listen("tcp", f.metrics)
		if err != nil {
			ln.Close()
			return usageError{fmt.Errorf("cannot listen on %s for --metrics: %v", f.metrics, err)}
		}
		mctx, cancel := context.WithCancel(context.Background())
		wait, err := startMetrics(mctx, hub, src, mln, log)
		if err != nil {
			cancel()
			ln.Close()
			return err
		}
		defer func() {
			cancel()
			if err := wait(); err != nil {
				log.Error("serving metrics", "error", err.Error())
			}
		}()
	}
	set := marks.New()
	if f.marks != "" {
		if set, err = marks.Open(f.marks); err != nil {
			return usageError{err}
		}
	}
	defer set.Close()
	srv, err := serve.New(serveConfig(g, f, src, hub, swatch.New(), set, watch, signer, log))
	if err != nil {
		ln.Close()
		return err
	}
	made := ""
	if created {
		made = " (created)"
	}
	log.Info("serving", "listen", ln.Addr().String(), "source", src.Label(), "host_key", path+made, "fingerprint", srv.Fingerprint(), "keys", watch.Current().Len())

	sig := make(chan os.Signal, 4)
	signal.Notify(sig, syscall.SIGHUP, syscall.SIGTERM, os.Interrupt)
	defer signal.Stop(sig)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	for {
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
			return shutdown(srv, done, log)
		case s := <-sig:
			if s == syscall.SIGHUP {
				if err := watch.Reload(); err != nil {
					log.Error("keys file not reloaded, the previous one stays", "file", f.keys, "error", err.Error())
				} else {
					log.Info("keys file reloaded", "keys", watch.Current().Len())
				}
				continue
			}
			return shutdown(srv, done, log)
		}
	}
}

// shutdown tells every session, gives them a few seconds and ends.
func shutdown(srv *serve.Server, done <-chan error, log *slog.Logger) error {
	log.Info("shutting down")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	select {
	case <-done:
	case <-ctx.Done():
	}
	return nil
}

func serveConfig(g *globals, f *serveFlags, src source.Source, hub *follow.Hub, reg *swatch.Registry, set *marks.Set, watch *keys.Watcher, signer gossh.Signer, log *slog.Logger) serve.Config {
	return serve.Config{
		Listen: f.listen, HostKey: signer, MaxSessions: f.maxSessions, IdleTimeout: f.idleTimeout, Log: log,
		Keys: keyLookup{watch},
		Account: func(ctx context.Context, login string) (serve.Account, error) {
			u, found, err := src.Account(ctx, login)
			return serve.Account{Found: found, Super: u.SuperUser, Invited: u.Invited, Login: u.Login}, err
		},
		Guard: func(id serve.Identity) (source.Source, serve.Access, error) {
			// It shows nothing until the session says whose it is.
			var view *query.Filter
			if id.Query != "" {
				q, err := query.Parse(id.Query)
				if err != nil {
					return nil, nil, fmt.Errorf("the view %q has a query that does not parse: %v", id.View, err)
				}
				// Relative times (since:1h) count from the session's start.
				view = query.Compile(q, time.Now(), g.loc)
			}
			r := source.GuardView(src, view, id.Login)
			return r, r, nil
		},
		TUI: func(s *serve.Session, args []string, stderr io.Writer) (tea.Model, func() string, int, bool) {
			g, code, ok := servedTimeline(s, args, stderr, hub, set)
			if g == nil {
				return nil, nil, code, ok
			}
			o := sessionOptions(g, s)
			st := join(reg, s)
			o.Share, o.Marks, o.MarkedBy = st, set, s.Name()
			// Another session's mark redraws this one's rows.
			changed, stopMarks := set.Changed()
			go func() {
				for range changed {
					s.Send(ui.MarksChanged{})
				}
			}()
			if login := g.served.watch; login != "" {
				w, err := st.watchLogin(login)
				if err != nil {
					st.h.Leave("")
					stopMarks()
					fmt.Fprintln(stderr, "matomo-audit: "+err.Error())
					return nil, nil, 1, true
				}
				o.Watch = w
			}
			o.Live = func() follow.Live { return hub.Subscribe(s.Src) }
			m := ui.New(o)
			return m, func() string {
				m.Close()
				stopMarks()
				st.h.Leave(s.Name() + "'s session ended")
				return m.Ended()
			}, 0, true
		},
		AccessMsg: func(s *serve.Session) tea.Msg {
			return ui.SetAccess{Role: s.Role(), Restricted: s.Restricted(), Super: s.Super}
		},
		EndMsg: func(reason string) tea.Msg { return ui.EndSession{Reason: reason} },
		Exec: func(ctx context.Context, s *serve.Session, args []string, stdout, stderr io.Writer) int {
			return RunServed(ctx, args, stdout, stderr, s.Src, hub, set)
		},
	}
}

// seat is a TUI session's place in the server's registry of watched
// sessions (ui.Share): what the registry tells it reaches its program
// through goroutines of its own, so a stalled client waits alone.
type seat struct {
	reg  *swatch.Registry
	h    *swatch.Handle
	who  swatch.Who
	send func(tea.Msg)
}

func join(reg *swatch.Registry, s *serve.Session) *seat {
	who := swatch.Who{Login: s.Login, View: s.View, Super: s.Super}
	st := &seat{reg: reg, h: reg.Join(who, time.Now()), who: who, send: s.Send}
	go ui.PumpWatchers(st.h.WatchersChanged(), s.Send)
	return st
}

func (s *seat) Publish(state swatch.State) { s.h.Publish(state) }
func (s *seat) Targets() []swatch.Target   { return s.reg.Targets(s.who, s.h.ID()) }
func (s *seat) SetSuper(super bool)        { s.who.Super = super; s.h.SetSuper(super) }
func (s *seat) Watch(id uint64) (*swatch.Watcher, error) {
	return s.pump(s.reg.Watch(s.who, s.h.ID(), id))
}

func (s *seat) watchLogin(login string) (*swatch.Watcher, error) {
	return s.pump(s.reg.WatchLogin(s.who, s.h.ID(), login))
}

func (s *seat) pump(w *swatch.Watcher, err error) (*swatch.Watcher, error) {
	if err == nil {
		go ui.PumpWatch(w, s.send)
	}
	return w, err
}

// servedTimeline reads a client's command line for the timeline: the
// root command's flags (-q, --at, --follow, --theme, --tz, ...), checked
// as the binary checks them. ok is false for anything else (export, a
// printed list with -n or --format, help), which runs as a command; with
// ok and no globals the command line was refused, said on stderr, with
// exit status code.
func servedTimeline(s *serve.Session, args []string, stderr io.Writer, hub *follow.Hub, set *marks.Set) (*globals, int, bool) {
	g := &globals{stderr: stderr, served: &served{src: s.Src, hub: hub, marks: set, probe: true}, noExport: true}
	if len(args) > 0 {
		root := newRoot(g, io.Discard, stderr)
		if c, _, err := root.Find(args); err == nil && c != root && c.Name() != "watch" {
			return nil, 0, false
		}
	}
	// Only parsed and checked: the root command sees the probe and
	// returns before it would print or open anything.
	if code := run(context.Background(), g, args, io.Discard, stderr); code != 0 {
		return nil, code, true
	}
	if !g.served.timeline {
		return nil, 0, false
	}
	return g, 0, true
}

// sessionOptions are the timeline's options for a client: its flags, its
// theme from its own environment (never the server's), its role, and
// exports over SSH.
func sessionOptions(g *globals, s *serve.Session) ui.Options {
	th, auto := theme.Dark(), true
	switch {
	case envSet(s.Env, "NO_COLOR"):
		th, auto = theme.NoColor(), false
	case strings.EqualFold(g.theme, "dark"):
		auto = false
	case strings.EqualFold(g.theme, "light"):
		th, auto = theme.Light(), false
	}
	return ui.Options{Source: s.Src, Query: g.q, Loc: g.loc, Theme: th, AutoTheme: auto,
		Follow: g.ui.follow, At: g.ui.at, Bell: g.ui.bell, BurstMin: g.ui.burstMin, BurstWithin: g.ui.burstWithin,
		Label:  "served at " + s.Addr,
		InTmux: envSet(s.Env, "TMUX"), Role: s.Role(), Restricted: s.Restricted(), SSH: sshCommand(s.Addr) + g.tzFlag()}
}

// sshCommand is how the client reached us, as an ssh command line.
func sshCommand(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "ssh " + addr
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port == "22" {
		return "ssh " + host
	}
	return "ssh -p " + port + " " + host
}

// envSet: NO_COLOR and the like count when present and not empty.
func envSet(env []string, name string) bool {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name && v != "" {
			return true
		}
	}
	return false
}

// keyLookup adapts the keys file to the server.
type keyLookup struct{ w *keys.Watcher }

func (k keyLookup) Lookup(key gossh.PublicKey) (serve.Identity, bool) {
	e, ok := k.w.Current().Lookup(key)
	if !ok {
		return serve.Identity{}, false
	}
	return serve.Identity{Login: e.Login, View: e.View, Query: e.Query}, true
}

// newWatchCmd is `ssh -t HOST watch alice`: a timeline that mirrors
// alice's newest session. Only serve has sessions to watch.
func newWatchCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "watch LOGIN",
		Short: "Watch another session live: its query, its cursor, follow or paused (over serve, with ssh -t)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !g.served.probe {
				return usageError{errors.New("watch needs a terminal: ssh -t HOST watch " + shellword.Word(args[0]))}
			}
			g.served.timeline, g.served.watch = true, args[0]
			return nil
		},
	}
}
