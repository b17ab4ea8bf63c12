// Package serve is the SSH server of `matomo-audit serve`: it holds the
// database connection, lets people in by their key, decides from Matomo's
// user table what each may see, and runs the TUI or a headless command for
// them with that restriction applied to the source below everything else.
// What runs in a session (the UI, the commands) is given by the caller, so
// this package knows SSH, keys and access, not screens or flags.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	bm "charm.land/wish/v2/bubbletea"
	wishrecover "charm.land/wish/v2/recover"
	gossh "golang.org/x/crypto/ssh"

	"matomo-audit/data/source"
	"matomo-audit/internal/shellword"
)

// Defaults of the serve command.
const (
	DefaultListen      = "127.0.0.1:2222"
	DefaultMaxSessions = 50
	DefaultIdleTimeout = 30 * time.Minute
	// DefaultDBConnections is the pool every session's reads share.
	DefaultDBConnections = 8
	// DefaultRecheck is how often an open session's access is read again,
	// so a super user demoted in Matomo is restricted within a minute.
	DefaultRecheck = time.Minute
)

// Keys says whose a key is (the keys file).
type Keys interface {
	Lookup(key gossh.PublicKey) (Identity, bool)
}

// Identity is who a key stands for: a Matomo login, a shared view (a
// name and its query), or both (the login's own events within the view).
type Identity struct {
	Login       string
	View, Query string
}

// Account is what Matomo's user table says of a login.
type Account struct {
	Found   bool
	Super   bool
	Invited bool
	// Login is the login as stored: the table's collation found it, so
	// the keys file's "ALICE" is alice, and alice's events are the ones
	// shown.
	Login string
}

// Access is who a session's source shows: everything, or one login's own
// events. The source applies it to every read, whatever the UI asks.
type Access interface {
	SetAll()
	SetOnly(login string)
	// SetNone shows nothing at all (a login removed while connected).
	SetNone()
}

// Session is one person connected, as the TUI and the commands see it.
type Session struct {
	// Login is the Matomo login, "" for a shared view without one.
	Login string
	// View is the shared view's name, "" for none; everything the
	// session reads is within the view's query.
	View string
	// Super is the role as last read from Matomo.
	Super bool
	// Src is the session's source, restricted to what Login may see.
	Src source.Source
	// Env is the client's environment (TERM, LANG, what SendEnv sends):
	// never the server's.
	Env []string
	// Addr is the host and port the client reached, for the commands a
	// session suggests ("ssh -p 2222 host export ...").
	Addr string

	// program is the session's TUI once it runs; ready is closed then,
	// or when the session ends without one.
	program *tea.Program
	ready   chan struct{}
	readyOn sync.Once
}

// Send delivers msg to the session's TUI, waiting until the program
// runs; after it has ended, or in a session without one, it does nothing.
// Call it from a goroutine of the caller's own: a client whose terminal
// stalls makes it wait.
func (s *Session) Send(msg tea.Msg) {
	<-s.ready
	if s.program != nil {
		s.program.Send(msg)
	}
}

func (s *Session) started(p *tea.Program) {
	s.readyOn.Do(func() {
		s.program = p
		close(s.ready)
	})
}

// Role names the session's access for the status bar.
func (s *Session) Role() string {
	role := s.Login + " · own activity only"
	switch {
	case s.Login == "":
		return "view " + s.View
	case s.Super:
		role = s.Login + " · super user"
	}
	if s.View != "" {
		role += " · view " + s.View
	}
	return role
}

// Restricted: the session may not see everything, so no table-wide
// totals either.
func (s *Session) Restricted() bool { return !s.Super || s.View != "" }

// Name is who the session is in logs and messages: the login, or the
// view's name for a view without one.
func (s *Session) Name() string {
	if s.Login == "" {
		return "view " + s.View
	}
	return s.Login
}

// Config is what a Server needs.
type Config struct {
	Listen      string
	HostKey     gossh.Signer
	Keys        Keys
	MaxSessions int
	IdleTimeout time.Duration
	Recheck     time.Duration
	Log         *slog.Logger
	// Account reads a login's row of <prefix>user.
	Account func(ctx context.Context, login string) (Account, error)
	// Guard gives a session its own view of the server's source, within
	// the key's shared view when it has one (an error if the view's query
	// is not one).
	Guard func(id Identity) (source.Source, Access, error)
	// TUI builds the program's model for a session with a terminal from
	// the client's command line (none, or the timeline's flags: -q ...
	// --at ...), and what to run once the program is over (however it
	// ended: a dropped connection ends it without the model's own quit),
	// which says why the server ended it, if it did, for the client's
	// terminal. ok is false when the command line is a headless command
	// (Exec runs it); a model of nil with ok means the command line was
	// refused (said on stderr) with exit status code. AccessMsg is sent
	// to the program when the session's role changes, EndMsg when it must
	// end (the login is gone, the server stops).
	TUI       func(s *Session, args []string, stderr io.Writer) (m tea.Model, done func() string, code int, ok bool)
	AccessMsg func(s *Session) tea.Msg
	EndMsg    func(reason string) tea.Msg
	// Exec runs a headless command (ssh host export ...) and returns its
	// exit status.
	Exec func(ctx context.Context, s *Session, args []string, stdout, stderr io.Writer) int
}

// Server is a running matomo-audit serve.
type Server struct {
	cfg    Config
	srv    *ssh.Server
	active atomic.Int64
	// stop ends every session's work when the server shuts down.
	stop     context.Context
	stopping context.CancelFunc

	mu   sync.Mutex
	live map[*live]struct{}
}

// live is an open session, for shutdown to reach.
type live struct {
	program *tea.Program // nil for a headless command
	stderr  io.Writer
}

// New builds the server; Serve starts it.
func New(cfg Config) (*Server, error) {
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.Recheck <= 0 {
		cfg.Recheck = DefaultRecheck
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{cfg: cfg, live: map[*live]struct{}{}}
	s.stop, s.stopping = context.WithCancel(context.Background())
	srv, err := wish.NewServer(
		wish.WithAddress(cfg.Listen),
		func(srv *ssh.Server) error {
			srv.AddHostKey(cfg.HostKey)
			srv.ConnCallback = s.connected
			srv.ConnectionFailedCallback = func(conn net.Conn, err error) {
				cfg.Log.Info("connection failed", "remote", conn.RemoteAddr().String(), "error", err.Error())
			}
			return nil
		},
		// Keys only: with no password or keyboard-interactive handler
		// those methods are not offered at all.
		wish.WithPublicKeyAuth(s.auth),
		wish.WithIdleTimeout(cfg.IdleTimeout),
		wish.WithMiddleware(wishrecover.MiddlewareWithLogger(slogger{cfg.Log}, s.session)),
	)
	if err != nil {
		return nil, err
	}
	s.srv = srv
	return s, nil
}

// Fingerprint is the host key's, for people to check on first connect.
func (s *Server) Fingerprint() string { return gossh.FingerprintSHA256(s.cfg.HostKey.PublicKey()) }

// Serve accepts connections on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	err := s.srv.Serve(l)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown tells every session the server is stopping, then waits up to
// ctx for them to end and closes what is left.
func (s *Server) Shutdown(ctx context.Context) error {
	const why = "server shutting down"
	s.mu.Lock()
	for l := range s.live {
		if l.program != nil {
			// Send blocks until the program runs; never hold the lock on it.
			go l.program.Send(s.cfg.EndMsg(why))
		} else {
			fmt.Fprintln(l.stderr, "matomo-audit: "+why)
		}
	}
	s.mu.Unlock()
	s.stopping()
	// Sessions end as they are told; the connections they leave (a
	// client keeps its connection after its session) are then closed
	// rather than waited for.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for s.open() > 0 {
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), s.srv.Close())
		case <-tick.C:
		}
	}
	return s.srv.Close()
}

func (s *Server) open() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

func (s *Server) connected(ctx ssh.Context, conn net.Conn) net.Conn {
	s.cfg.Log.Info("connection", "remote", conn.RemoteAddr().String())
	return conn
}

func (s *Server) auth(ctx ssh.Context, key ssh.PublicKey) bool {
	id, ok := s.cfg.Keys.Lookup(key)
	s.cfg.Log.Info("auth", "remote", ctx.RemoteAddr().String(), "key", gossh.FingerprintSHA256(key), "login", id.Login, "view", id.View, "ok", ok)
	return ok
}

// session runs one SSH session: the key it authenticated with names the
// login (x/crypto may have shown the auth callback other keys first), the
// user table says what that login may see, then the TUI or a command runs
// over a source that shows only that.
func (s *Server) session(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		start := time.Now()
		remote := sess.RemoteAddr().String()
		defer func() {
			// A panic ends this session only, and not as a success.
			if p := recover(); p != nil {
				s.cfg.Log.Error("session panicked", "remote", remote, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				fmt.Fprintln(sess.Stderr(), "matomo-audit: internal error; the session ends")
				sess.Exit(1)
			}
		}()
		key := sess.PublicKey()
		fp := ""
		if key != nil {
			fp = gossh.FingerprintSHA256(key)
		}
		refuse := func(code int, msg string) {
			fmt.Fprintln(sess.Stderr(), "matomo-audit: "+msg)
			s.cfg.Log.Info("session refused", "remote", remote, "key", fp, "reason", msg)
			sess.Exit(code)
		}
		if key == nil {
			refuse(1, "sign in with a key")
			return
		}
		id, ok := s.cfg.Keys.Lookup(key)
		if !ok {
			refuse(1, "this key is no longer in the keys file")
			return
		}
		login := id.Login
		if n := s.active.Add(1); n > int64(s.cfg.MaxSessions) {
			s.active.Add(-1)
			refuse(1, fmt.Sprintf("the server is full (%d sessions): try again later", s.cfg.MaxSessions))
			return
		}
		defer s.active.Add(-1)

		ctx, cancel := context.WithCancel(sess.Context())
		defer cancel()
		stop := context.AfterFunc(s.stop, cancel)
		defer stop()
		// A view without a login is no Matomo user: it sees what the
		// view's query matches, as far as the key's owner chose.
		var acct Account
		if login != "" {
			a, err := s.cfg.Account(ctx, login)
			if msg := refusal(login, a, err); msg != "" {
				refuse(1, msg)
				return
			}
			if acct = a; a.Login != "" {
				login = a.Login
			}
		}
		id.Login = login
		src, access, err := s.cfg.Guard(id)
		if err != nil {
			refuse(1, err.Error())
			return
		}
		se := &Session{Login: login, View: id.View, Super: acct.Super, Src: src, Env: sess.Environ(), Addr: sess.LocalAddr().String(), ready: make(chan struct{})}
		defer se.started(nil) // no program, or it is over: Send gives up
		if se.Super || login == "" {
			access.SetAll() // within the view, if the key has one
		} else {
			access.SetOnly(login)
		}
		s.cfg.Log.Info("session start", "login", login, "view", id.View, "role", se.Role(), "key", fp, "remote", remote, "command", sess.RawCommand() != "")
		// Logged before the exit status goes out: once the client has it,
		// the session is over for whoever reads the log.
		finish := func(code int) {
			s.cfg.Log.Info("session end", "login", login, "view", id.View, "key", fp, "remote", remote, "duration", time.Since(start).Round(time.Millisecond).String(), "exit", code)
			sess.Exit(code)
		}

		args, err := shellword.Split(sess.RawCommand())
		if err != nil {
			fmt.Fprintln(sess.Stderr(), "matomo-audit: "+err.Error())
			finish(2)
			return
		}
		_, _, pty := sess.Pty()
		var model tea.Model
		var done func() string
		if pty {
			m, d, code, ok := s.cfg.TUI(se, args, sess.Stderr())
			if ok && m == nil {
				finish(code)
				return
			}
			if ok {
				model, done = m, d
			}
		}
		if model == nil && len(args) > 0 {
			l := &live{stderr: sess.Stderr()}
			s.track(l, true)
			defer s.track(l, false)
			// A tail runs for as long as the client likes: its access is
			// read again like a TUI's, and a removed login ends it.
			go s.recheck(ctx, se, access, func(msg string) {
				fmt.Fprintln(sess.Stderr(), "matomo-audit: "+msg)
				cancel()
			}, nil)
			finish(s.cfg.Exec(ctx, se, args, sess, sess.Stderr()))
			return
		}
		if model == nil {
			fmt.Fprintln(sess.Stderr(), "matomo-audit: the timeline needs a terminal: ssh -t, or give a command (export, summary, tail, status, check)")
			finish(2)
			return
		}
		l := &live{}
		tui := bm.MiddlewareWithProgramHandler(func(sess ssh.Session) *tea.Program {
			p := tea.NewProgram(model, bm.MakeOptions(sess)...)
			l.program = p
			se.started(p)
			s.track(l, true)
			go s.recheck(ctx, se, access, func(msg string) { p.Send(s.cfg.EndMsg(msg)) },
				func(se *Session) { p.Send(s.cfg.AccessMsg(se)) })
			return p
		})
		tui(func(ssh.Session) {})(sess)
		s.track(l, false)
		if why := done(); why != "" {
			// After the screen is given back, so it stays in sight.
			fmt.Fprintln(sess.Stderr(), "matomo-audit: "+why)
		}
		finish(0)
	}
}

func (s *Server) track(l *live, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if on {
		s.live[l] = struct{}{}
	} else {
		delete(s.live, l)
	}
}

// refusal is why a login may not open a session, "" when it may.
func refusal(login string, a Account, err error) string {
	switch {
	case err != nil:
		return "cannot check the Matomo user " + fmt.Sprintf("%q", login) + ": " + err.Error()
	case !a.Found:
		return fmt.Sprintf("%q is not a Matomo user", login)
	case a.Invited:
		return fmt.Sprintf("%q is an invitation not yet accepted in Matomo", login)
	}
	return ""
}

// recheck reads the session's access again every Recheck: a super user
// demoted in Matomo is restricted, a promoted user widened, and a login
// removed (or turned back into a pending invite) sees nothing more and is
// ended. changed (nil for a command) hears of a new role.
func (s *Server) recheck(ctx context.Context, se *Session, access Access, end func(string), changed func(*Session)) {
	if se.Login == "" {
		return // a view without a login has no account to lose
	}
	t := time.NewTicker(s.cfg.Recheck)
	defer t.Stop()
	super := se.Super
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		acct, err := s.cfg.Account(ctx, se.Login)
		if err != nil {
			// A database that does not answer is an outage the UI already
			// shows; the access stays as last read.
			s.cfg.Log.Info("access recheck failed", "login", se.Login, "error", err.Error())
			continue
		}
		if msg := refusal(se.Login, acct, nil); msg != "" {
			access.SetNone()
			s.cfg.Log.Info("access revoked", "login", se.Login, "reason", msg)
			end(msg)
			return
		}
		if acct.Super == super {
			continue
		}
		super = acct.Super
		if super {
			access.SetAll()
		} else {
			access.SetOnly(se.Login)
		}
		s.cfg.Log.Info("access changed", "login", se.Login, "super", super)
		if changed != nil {
			changed(&Session{Login: se.Login, View: se.View, Super: super, Src: se.Src, Env: se.Env, Addr: se.Addr})
		}
	}
}

// slogger is the recover middleware's logger.
type slogger struct{ l *slog.Logger }

func (s slogger) Printf(format string, v ...any) { s.l.Error(fmt.Sprintf(format, v...)) }
