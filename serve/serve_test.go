package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	gossh "golang.org/x/crypto/ssh"

	"matomo-audit/data/demo"
	"matomo-audit/data/source"
	"matomo-audit/serve/sshtest"
)

// These tests run the real server on a loopback port and talk to it with
// x/crypto's SSH client. What runs in a session is faked here (the UI and
// the commands have their own tests, and internal/cli runs them over SSH);
// the faked model reports what it was given on channels, so tests wait on
// its state, never on bytes of a terminal stream.

type keyring map[string]Identity // marshalled key -> whose

func (k keyring) Lookup(key gossh.PublicKey) (Identity, bool) {
	id, ok := k[string(key.Marshal())]
	return id, ok
}

type lockedKeys struct {
	mu sync.Mutex
	k  keyring
}

func (l *lockedKeys) Lookup(key gossh.PublicKey) (Identity, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.k.Lookup(key)
}

func (l *lockedKeys) remove(key gossh.PublicKey) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.k, string(key.Marshal()))
}

// accounts is a user table the test edits.
type accounts struct {
	mu sync.Mutex
	m  map[string]Account
}

func (a *accounts) get(_ context.Context, login string) (Account, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.m[login], nil
}

func (a *accounts) set(login string, acct Account) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.m[login] = acct
}

// access records what the server set.
type access struct {
	mu   sync.Mutex
	what string
}

func (a *access) SetAll()              { a.set("all") }
func (a *access) SetOnly(login string) { a.set("only " + login) }
func (a *access) SetNone()             { a.set("none") }
func (a *access) set(s string)         { a.mu.Lock(); a.what = s; a.mu.Unlock() }
func (a *access) get() string          { a.mu.Lock(); defer a.mu.Unlock(); return a.what }

// model is the faked TUI: it tells the test its sizes and messages, and
// what it learnt of the client's terminal (colour profile, background).
type model struct {
	sizes chan tea.WindowSizeMsg
	msgs  chan tea.Msg
	term  chan tea.Msg
}

type endMsg struct{ reason string }
type accessMsg struct{ role string }

func (m *model) Init() tea.Cmd { return tea.RequestBackgroundColor }
func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.ColorProfileMsg, tea.BackgroundColorMsg:
		select {
		case m.term <- msg:
		default: // a test that does not look
		}
	case tea.WindowSizeMsg:
		m.sizes <- msg
	case endMsg:
		m.msgs <- msg
		return m, tea.Quit
	case accessMsg:
		m.msgs <- msg
	case tea.KeyPressMsg:
		if msg.String() == "q" {
			return m, tea.Quit
		}
	}
	return m, nil
}
func (m *model) View() tea.View { return tea.NewView("served") }

type rig struct {
	t       *testing.T
	addr    string
	srv     *Server
	hostKey gossh.PublicKey
	keys    *lockedKeys
	users   *accounts
	access  *access
	model   *model
	log     *bytes.Buffer
	logMu   *sync.Mutex
	execs   chan []string
	guarded chan Identity // whom each session's source was made for
	tuiArgs chan []string // the command line of each TUI started
}

type syncWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func startRig(t *testing.T, cfg Config) *rig {
	t.Helper()
	host := sshtest.Key(t)
	r := &rig{t: t, hostKey: host.PublicKey(), keys: &lockedKeys{k: keyring{}}, users: &accounts{m: map[string]Account{}},
		access: &access{}, model: &model{sizes: make(chan tea.WindowSizeMsg, 64), msgs: make(chan tea.Msg, 8), term: make(chan tea.Msg, 8)},
		log: &bytes.Buffer{}, logMu: &sync.Mutex{}, execs: make(chan []string, 8), guarded: make(chan Identity, 64), tuiArgs: make(chan []string, 64)}
	src := demo.New(demo.Options{Seed: 1})
	cfg.Listen = "127.0.0.1:0"
	cfg.HostKey = host
	cfg.Keys = r.keys
	cfg.Account = r.users.get
	cfg.Log = slog.New(slog.NewTextHandler(syncWriter{r.logMu, r.log}, nil))
	cfg.Guard = func(id Identity) (source.Source, Access, error) {
		select {
		case r.guarded <- id:
		default: // a test that does not look
		}
		return src, r.access, nil
	}
	cfg.TUI = func(s *Session, args []string, stderr io.Writer) (tea.Model, func() string, int, bool) {
		switch {
		case len(args) == 0 || args[0] == "-q":
			select {
			case r.tuiArgs <- args:
			default:
			}
			return r.model, func() string { return "" }, 0, true
		case args[0] == "bad":
			fmt.Fprintln(stderr, "bad arguments")
			return nil, nil, 2, true
		}
		return nil, nil, 0, false
	}
	cfg.AccessMsg = func(s *Session) tea.Msg { return accessMsg{s.Role()} }
	cfg.EndMsg = func(reason string) tea.Msg { return endMsg{reason} }
	if cfg.Exec == nil {
		cfg.Exec = func(ctx context.Context, s *Session, args []string, stdout, stderr io.Writer) int {
			r.execs <- args
			fmt.Fprintf(stdout, "%s ran %s as %s\n", s.Login, strings.Join(args, " "), s.Role())
			if args[0] == "fail" {
				fmt.Fprintln(stderr, "it failed")
				return 3
			}
			if args[0] == "boom" {
				panic("boom")
			}
			if args[0] == "wait" {
				<-ctx.Done()
				return 130
			}
			return 0
		}
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr, r.srv = ln.Addr().String(), srv
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		<-done
	})
	return r
}

func (r *rig) user(login string, acct Account) gossh.Signer {
	k := sshtest.Key(r.t)
	r.keys.mu.Lock()
	r.keys.k[string(k.PublicKey().Marshal())] = Identity{Login: login}
	r.keys.mu.Unlock()
	acct.Found = true
	r.users.set(login, acct)
	return k
}

// viewKey is a key for a shared view, with a login or without.
func (r *rig) viewKey(id Identity) gossh.Signer {
	k := sshtest.Key(r.t)
	r.keys.mu.Lock()
	r.keys.k[string(k.PublicKey().Marshal())] = id
	r.keys.mu.Unlock()
	return k
}

func (r *rig) dial(k gossh.Signer) (*gossh.Client, error) { return sshtest.Dial(r.addr, r.hostKey, k) }

// run runs a command and returns its output, stderr and exit status.
func (r *rig) run(k gossh.Signer, cmd string) (string, string, int) {
	r.t.Helper()
	return sshtest.Run(r.t, r.addr, r.hostKey, k, cmd)
}

func TestUnknownKeyIsRefused(t *testing.T) {
	r := startRig(t, Config{})
	r.user("alice", Account{Super: true})
	_, err := r.dial(sshtest.Key(t))
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("an unknown key got in: %v", err)
	}
	// Passwords are not offered at all.
	_, err = gossh.Dial("tcp", r.addr, &gossh.ClientConfig{User: "alice", Auth: []gossh.AuthMethod{gossh.Password("x")},
		HostKeyCallback: gossh.FixedHostKey(r.hostKey), Timeout: 10 * time.Second})
	if err == nil {
		t.Fatal("a password got in")
	}
}

func TestExecRunsWithTheSessionsRoleAndStatus(t *testing.T) {
	r := startRig(t, Config{})
	alice := r.user("alice", Account{Super: true})
	bob := r.user("bob", Account{})
	out, _, code := r.run(alice, "export -q 'cat:security'")
	if code != 0 || out != "alice ran export -q cat:security as alice · super user\n" {
		t.Fatalf("alice: %q exit %d", out, code)
	}
	if got := r.access.get(); got != "all" {
		t.Fatalf("a super user's access is %q", got)
	}
	out, stderr, code := r.run(bob, "fail now")
	if code != 3 || !strings.Contains(out, "as bob · own activity only") || stderr != "it failed\n" {
		t.Fatalf("bob: %q %q exit %d", out, stderr, code)
	}
	if got := r.access.get(); got != "only bob" {
		t.Fatalf("bob's access is %q", got)
	}
}

// TestViewKeys: a view key without a login is no Matomo user and is not
// looked up as one; its session's source is made for the view, and its
// role names it. With a login, the login's rules apply within the view.
func TestViewKeys(t *testing.T) {
	r := startRig(t, Config{})
	r.user("bob", Account{})
	oncall := r.viewKey(Identity{View: "oncall", Query: "cat:security"})
	bobs := r.viewKey(Identity{Login: "bob", View: "mine", Query: "type:*Failed"})
	for _, c := range []struct {
		key          gossh.Signer
		id           Identity
		role, access string
	}{
		{oncall, Identity{View: "oncall", Query: "cat:security"}, "view oncall", "all"},
		{bobs, Identity{Login: "bob", View: "mine", Query: "type:*Failed"}, "bob · own activity only · view mine", "only bob"},
	} {
		out, stderr, code := r.run(c.key, "whoami")
		if want := c.id.Login + " ran whoami as " + c.role + "\n"; code != 0 || out != want {
			t.Errorf("%s: %q %q exit %d, want %q", c.role, out, stderr, code, want)
		}
		if got := <-r.guarded; got != c.id {
			t.Errorf("%s: source made for %+v, want %+v", c.role, got, c.id)
		}
		if got := r.access.get(); got != c.access {
			t.Errorf("%s: access %q, want %q", c.role, got, c.access)
		}
	}
	// A view without a login never reads the user table: no such user is
	// there, and it got in.
	if (&Session{View: "oncall"}).Restricted() != true || (&Session{Login: "alice", Super: true, View: "v"}).Restricted() != true || (&Session{Login: "alice", Super: true}).Restricted() {
		t.Error("Restricted: a view must hide table-wide totals, a plain super user sees them")
	}
}

func TestLoginsMatomoDoesNotKnowAreRefused(t *testing.T) {
	r := startRig(t, Config{})
	carol := r.user("carol", Account{Invited: true})
	_, stderr, code := r.run(carol, "export")
	if code != 1 || !strings.Contains(stderr, "invitation not yet accepted") {
		t.Fatalf("invite: %q exit %d", stderr, code)
	}
	dave := r.user("dave", Account{})
	r.users.set("dave", Account{}) // not in the user table
	_, stderr, code = r.run(dave, "export")
	if code != 1 || !strings.Contains(stderr, `"dave" is not a Matomo user`) {
		t.Fatalf("unknown login: %q exit %d", stderr, code)
	}
	select {
	case args := <-r.execs:
		t.Fatalf("a refused login ran %v", args)
	default:
	}
}

func TestRemovedKeyCannotOpenANewSession(t *testing.T) {
	r := startRig(t, Config{})
	alice := r.user("alice", Account{Super: true})
	if _, _, code := r.run(alice, "export"); code != 0 {
		t.Fatal("alice could not run a command")
	}
	r.keys.remove(alice.PublicKey())
	if _, err := r.dial(alice); err == nil {
		t.Fatal("a removed key still gets in")
	}
}

func TestTUINeedsATerminal(t *testing.T) {
	r := startRig(t, Config{})
	alice := r.user("alice", Account{Super: true})
	_, stderr, code := r.run(alice, "")
	if code != 2 || !strings.Contains(stderr, "needs a terminal") {
		t.Fatalf("no pty: %q exit %d", stderr, code)
	}
}

// shell opens a TUI session with a PTY of w x h.
func (r *rig) shell(k gossh.Signer, w, h int) (*gossh.Session, io.WriteCloser) {
	r.t.Helper()
	s := sshtest.Session(r.t, r.addr, r.hostKey, k)
	if err := s.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		r.t.Fatal(err)
	}
	in, err := s.StdinPipe()
	if err != nil {
		r.t.Fatal(err)
	}
	s.Stdout = io.Discard
	if err := s.Shell(); err != nil {
		r.t.Fatal(err)
	}
	return s, in
}

// lastSize waits until the model has been told want as its size.
func (r *rig) waitSize(want tea.WindowSizeMsg) {
	r.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case got := <-r.model.sizes:
			if got == want {
				return
			}
		case <-deadline:
			r.t.Fatalf("the model never got the size %v", want)
		}
	}
}

// TestTerminalCommandLines: with a terminal, a command line the TUI takes
// (the timeline's flags) opens it with those arguments, one it refuses
// ends with its status, and a headless command still runs as one.
func TestTerminalCommandLines(t *testing.T) {
	r := startRig(t, Config{})
	alice := r.user("alice", Account{Super: true})
	withPty := func(cmd string) (*gossh.Session, *syncBuffer, io.Writer) {
		s := sshtest.Session(t, r.addr, r.hostKey, alice)
		if err := s.RequestPty("xterm", 24, 80, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
		out := &syncBuffer{}
		s.Stdout, s.Stderr = out, out
		in, err := s.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start(cmd); err != nil {
			t.Fatal(err)
		}
		return s, out, in
	}
	s, _, in := withPty(`-q 'user:"a b"' --at 5`)
	if got := <-r.tuiArgs; !slices.Equal(got, []string{"-q", `user:"a b"`, "--at", "5"}) {
		t.Errorf("the TUI got %q", got)
	}
	in.Write([]byte("q"))
	if err := s.Wait(); err != nil {
		t.Errorf("the TUI did not end cleanly: %v", err)
	}

	s, out, _ := withPty("bad")
	if err := s.Wait(); exitCode(err) != 2 || !strings.Contains(out.String(), "bad arguments") {
		t.Errorf("refused: %v %q", err, out.String())
	}
	s, out, _ = withPty("export")
	if err := s.Wait(); err != nil || !strings.Contains(out.String(), "alice ran export") {
		t.Errorf("a command with a terminal: %v %q", err, out.String())
	}
	if out, _, code := r.run(alice, "-q x"); code != 0 || !strings.Contains(out, "alice ran -q x") {
		t.Errorf("without a terminal the timeline's flags are a command: %q %d", out, code)
	}
}

// syncBuffer is a session's output, written by x/crypto's copying
// goroutines and read once the session is over.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func exitCode(err error) int {
	var ee *gossh.ExitError
	if errors.As(err, &ee) {
		return ee.ExitStatus()
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestQuickResizesEndAtTheLastSize(t *testing.T) {
	r := startRig(t, Config{})
	alice := r.user("alice", Account{Super: true})
	s, in := r.shell(alice, 80, 24)
	r.waitSize(tea.WindowSizeMsg{Width: 80, Height: 24})
	for i := 1; i <= 6; i++ {
		if err := s.WindowChange(24+i, 80+i*7); err != nil {
			t.Fatal(err)
		}
	}
	r.waitSize(tea.WindowSizeMsg{Width: 80 + 6*7, Height: 24 + 6})
	in.Write([]byte("q"))
	if err := s.Wait(); err != nil {
		t.Fatalf("q did not end the session cleanly: %v", err)
	}
}

// TestTerminalIsTheClients: colours come from the client's TERM and its
// NO_COLOR (sent with SendEnv), never from the server's environment, and
// the background colour query is answered by the client's terminal.
func TestTerminalIsTheClients(t *testing.T) {
	t.Setenv("NO_COLOR", "1") // the server's: no session may follow it
	t.Setenv("COLORTERM", "truecolor")
	r := startRig(t, Config{})
	alice := r.user("alice", Account{Super: true})
	for _, c := range []struct {
		term, noColor string
		want          colorprofile.Profile
		dark          bool
	}{
		{"xterm-256color", "", colorprofile.ANSI256, false},
		{"xterm-256color", "1", colorprofile.Ascii, true},
		{"xterm", "", colorprofile.ANSI, true},
	} {
		s := sshtest.Session(t, r.addr, r.hostKey, alice)
		if c.noColor != "" {
			if err := s.Setenv("NO_COLOR", c.noColor); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.RequestPty(c.term, 24, 80, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
		in, _ := s.StdinPipe()
		out, _ := s.StdoutPipe()
		if err := s.Shell(); err != nil {
			t.Fatal(err)
		}
		// The client's terminal: it answers the background query (OSC 11)
		// with white or black.
		go func() {
			var seen []byte
			buf := make([]byte, 4096)
			for {
				n, err := out.Read(buf)
				seen = append(seen, buf[:n]...)
				if bytes.Contains(seen, []byte("\x1b]11;?")) {
					bg := "ffff/ffff/ffff"
					if c.dark {
						bg = "0000/0000/0000"
					}
					in.Write([]byte("\x1b]11;rgb:" + bg + "\x1b\\"))
					seen = nil
				}
				if err != nil {
					return
				}
			}
		}()
		var profile *colorprofile.Profile
		var dark *bool
		deadline := time.After(10 * time.Second)
		for profile == nil || dark == nil {
			select {
			case msg := <-r.model.term:
				switch msg := msg.(type) {
				case tea.ColorProfileMsg:
					profile = &msg.Profile
				case tea.BackgroundColorMsg:
					d := msg.IsDark()
					dark = &d
				}
			case <-deadline:
				t.Fatalf("%s NO_COLOR=%q: profile %v, dark %v", c.term, c.noColor, profile, dark)
			}
		}
		if *profile != c.want || *dark != c.dark {
			t.Errorf("%s NO_COLOR=%q: profile %v dark %v, want %v dark %v", c.term, c.noColor, *profile, *dark, c.want, c.dark)
		}
		in.Write([]byte("q"))
		s.Wait()
	}
}

func TestDemotedSuperUserIsRestrictedInAnOpenSession(t *testing.T) {
	r := startRig(t, Config{Recheck: 20 * time.Millisecond})
	alice := r.user("alice", Account{Super: true})
	s, _ := r.shell(alice, 80, 24)
	r.waitSize(tea.WindowSizeMsg{Width: 80, Height: 24})
	r.users.set("alice", Account{Found: true})
	select {
	case msg := <-r.model.msgs:
		if m, ok := msg.(accessMsg); !ok || m.role != "alice · own activity only" {
			t.Fatalf("the session heard %#v", msg)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the demotion never reached the session")
	}
	if got := r.access.get(); got != "only alice" {
		t.Fatalf("after the demotion the source shows %q", got)
	}
	// Removed from Matomo: nothing more, and the session ends saying why.
	r.users.set("alice", Account{})
	select {
	case msg := <-r.model.msgs:
		if m, ok := msg.(endMsg); !ok || !strings.Contains(m.reason, "not a Matomo user") {
			t.Fatalf("the session heard %#v", msg)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the removal never reached the session")
	}
	if got := r.access.get(); got != "none" {
		t.Fatalf("after the removal the source shows %q", got)
	}
	s.Wait()
}

func TestMaxSessions(t *testing.T) {
	r := startRig(t, Config{MaxSessions: 1})
	alice := r.user("alice", Account{Super: true})
	s := sshtest.Session(t, r.addr, r.hostKey, alice)
	if err := s.Start("wait"); err != nil {
		t.Fatal(err)
	}
	<-r.execs // the first session is running
	_, stderr, code := r.run(alice, "export")
	if code != 1 || !strings.Contains(stderr, "server is full") {
		t.Fatalf("a second session: %q exit %d", stderr, code)
	}
}

func TestShutdownTellsSessions(t *testing.T) {
	r := startRig(t, Config{})
	alice := r.user("alice", Account{Super: true})
	bob := r.user("bob", Account{})
	s, _ := r.shell(alice, 80, 24)
	r.waitSize(tea.WindowSizeMsg{Width: 80, Height: 24})

	tail := sshtest.Session(t, r.addr, r.hostKey, bob)
	var stderr bytes.Buffer
	var mu sync.Mutex
	tail.Stderr = syncWriter{&mu, &stderr}
	if err := tail.Start("wait"); err != nil {
		t.Fatal(err)
	}
	<-r.execs
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	r.srv.Shutdown(ctx)
	if took := time.Since(start); took > 4*time.Second {
		t.Fatalf("shutdown took %s", took)
	}
	select {
	case msg := <-r.model.msgs:
		if m, ok := msg.(endMsg); !ok || m.reason != "server shutting down" {
			t.Fatalf("the TUI heard %#v", msg)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the TUI was not told")
	}
	s.Wait()
	tail.Wait()
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(stderr.String(), "server shutting down") {
		t.Fatalf("the command was not told: %q", stderr.String())
	}
}

func TestLogSaysWhoAndNeverWhat(t *testing.T) {
	r := startRig(t, Config{})
	alice := r.user("alice", Account{Super: true})
	r.run(alice, "export -q secret-query-text")
	r.logMu.Lock()
	log := r.log.String()
	r.logMu.Unlock()
	for _, want := range []string{"msg=auth", "login=alice", "msg=\"session start\"", "msg=\"session end\"", "duration=", gossh.FingerprintSHA256(alice.PublicKey())} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "secret-query-text") {
		t.Errorf("the log holds what the session asked for:\n%s", log)
	}
}

func TestPanicEndsOneSessionOnly(t *testing.T) {
	r := startRig(t, Config{})
	alice := r.user("alice", Account{Super: true})
	r.execs = make(chan []string, 8)
	s := sshtest.Session(t, r.addr, r.hostKey, alice)
	// The faked command panics for "boom" (see startRig's Exec wrapper).
	var ee *gossh.ExitError
	if err := s.Run("boom"); !errors.As(err, &ee) || ee.ExitStatus() != 1 {
		t.Fatalf("a panicking command ended with %v", err)
	}
	if out, _, code := r.run(alice, "export"); code != 0 || !strings.Contains(out, "ran export") {
		t.Fatalf("after a panic the server does not serve: %q exit %d", out, code)
	}
}
