package dbtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

var errNotInstalled = errors.New("the MariaDB server (mariadbd and mariadb-install-db) is not installed")

const (
	startTimeout   = 30 * time.Second
	installTimeout = 2 * time.Minute
	stopGrace      = 5 * time.Second
	ownerFile      = "dbtest-owner" // marks a temp dir as ours and names the owning test binary
)

// Options for speed: the data is thrown away, so durability and diagnostics are not needed.
// They are given to the bootstrap run too, so the files it creates fit the server.
var fastOptions = []string{
	"--innodb-buffer-pool-size=64M",
	"--innodb-log-file-size=8M",
	"--innodb-flush-log-at-trx-commit=0",
	"--skip-innodb-doublewrite",
	"--innodb-buffer-pool-dump-at-shutdown=OFF",
	"--innodb-buffer-pool-load-at-startup=OFF",
	"--performance-schema=OFF",
	"--skip-name-resolve",
}

// mariadbd is one running private server.
type mariadbd struct {
	dir     string // temp dir holding datadir, socket, logs; removed on stop
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error // valid once exited is closed

	// what it was launched with, for Restart
	server, datadir string
	extra           []string
}

// StartPrivate starts a separate throwaway server for one test, with extra mariadbd
// options appended (later options win, e.g. "--default-time-zone=+05:00"), and stops it
// when the test ends. It skips, or fails under CI, when the server is not installed.
func StartPrivate(t testing.TB, args ...string) *Server {
	t.Helper()
	start := time.Now()
	s, err := startPrivate(args)
	if errors.Is(err, errNotInstalled) {
		unavailable(t, err.Error())
	}
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("dbtest: stopping private server: %v", err)
		}
	})
	t.Logf("dbtest: started a private mariadbd %q in %v", args, time.Since(start).Round(time.Millisecond))
	return s
}

var live struct {
	mu  sync.Mutex
	set map[*Server]struct{}
}

func liveServers() []*Server {
	live.mu.Lock()
	defer live.mu.Unlock()
	out := make([]*Server, 0, len(live.set))
	for s := range live.set {
		out = append(out, s)
	}
	return out
}

func startPrivate(args []string) (*Server, error) {
	server, installer, err := findBinaries()
	if err != nil {
		return nil, err
	}
	sweepOnce.Do(sweepStale)

	dir, err := newTempDir()
	if err != nil {
		return nil, err
	}
	datadir := filepath.Join(dir, "d")
	if err := prepareDatadir(installer, datadir); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	m, err := launch(server, dir, datadir, args)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	cfg := mysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr = "root", "unix", filepath.Join(dir, "s")
	s, err := newServer(cfg, m)
	if err == nil {
		err = waitReady(s)
	}
	if err != nil {
		_ = m.stop()
		return nil, err
	}
	live.mu.Lock()
	if live.set == nil {
		live.set = map[*Server]struct{}{}
	}
	live.set[s] = struct{}{}
	live.mu.Unlock()
	return s, nil
}

func (s *Server) stop() error {
	s.stopOnce.Do(func() {
		live.mu.Lock()
		delete(live.set, s)
		live.mu.Unlock()
		_ = s.db.Close()
		if s.mdb != nil {
			s.stopErr = s.mdb.stop()
		}
	})
	return s.stopErr
}

func findBinaries() (server, installer string, err error) {
	server = findBinary("mariadbd", "/usr/sbin", "/usr/local/sbin", "/usr/libexec", "/usr/local/bin", "/opt/homebrew/bin")
	installer = findBinary("mariadb-install-db", "/usr/bin", "/usr/local/bin", "/usr/sbin", "/opt/homebrew/bin")
	switch {
	case server == "":
		return "", "", fmt.Errorf("%w: no mariadbd in PATH or the usual sbin folders", errNotInstalled)
	case installer == "":
		return "", "", fmt.Errorf("%w: found %s but no mariadb-install-db", errNotInstalled, server)
	}
	return server, installer, nil
}

// findBinary also looks outside PATH, because sbin folders are often not in a normal
// user's PATH even when the server is installed.
func findBinary(name string, dirs ...string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// tempBase keeps paths short: a unix socket path must fit in about 107 bytes, which a
// long TMPDIR (or t.TempDir) can exceed.
func tempBase() string {
	base := os.TempDir()
	if len(base) > 60 {
		return "/tmp"
	}
	return base
}

// newTempDir creates a "mad*" dir marked with this process's pid, so a later run can
// recognise and remove it if this process dies without cleaning up.
func newTempDir() (string, error) {
	dir, err := os.MkdirTemp(tempBase(), "mad")
	if err != nil {
		return "", fmt.Errorf("creating a temp dir for a private mariadbd: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600); err != nil {
		_ = os.RemoveAll(dir)
		return "", fmt.Errorf("marking temp dir %s: %v", dir, err)
	}
	return dir, nil
}

var sweepOnce sync.Once

// sweepStale removes temp dirs left by test binaries that died without running their
// cleanup (a panic or a test timeout ends the process before Main can stop the server;
// the server itself is killed with its parent, see sysProcAttr). Dirs whose owner or
// server still runs are left alone.
func sweepStale() {
	dirs, _ := filepath.Glob(filepath.Join(tempBase(), "mad*"))
	for _, dir := range dirs {
		if !pidFileDead(filepath.Join(dir, ownerFile)) {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "pid")); err == nil && !pidFileDead(filepath.Join(dir, "pid")) {
			continue
		}
		_ = os.RemoveAll(dir)
	}
}

// pidFileDead is true only when the file names a process that is certainly gone.
func pidFileDead(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return false
	}
	return !processAlive(pid)
}

// The system tables are installed once per test binary into a template and copied for each
// server: copying takes milliseconds, installing about a second. Only under Main, which
// removes the template at the end.
var datadirTemplate struct {
	mu      sync.Mutex
	dir     string
	datadir string
	err     error
}

func prepareDatadir(installer, datadir string) error {
	if !mainActive.Load() {
		return install(installer, datadir)
	}
	datadirTemplate.mu.Lock()
	if datadirTemplate.datadir == "" && datadirTemplate.err == nil {
		datadirTemplate.dir, datadirTemplate.err = newTempDir()
		if datadirTemplate.err == nil {
			datadirTemplate.datadir = filepath.Join(datadirTemplate.dir, "d")
			if datadirTemplate.err = install(installer, datadirTemplate.datadir); datadirTemplate.err != nil {
				_ = os.RemoveAll(datadirTemplate.dir)
				datadirTemplate.datadir = ""
			}
		}
	}
	src, err := datadirTemplate.datadir, datadirTemplate.err
	datadirTemplate.mu.Unlock()
	if err != nil {
		return err
	}
	return copyTree(src, datadir)
}

func removeTemplate() error {
	datadirTemplate.mu.Lock()
	defer datadirTemplate.mu.Unlock()
	if datadirTemplate.dir == "" {
		return nil
	}
	err := os.RemoveAll(datadirTemplate.dir)
	datadirTemplate.dir, datadirTemplate.datadir = "", ""
	return err
}

func install(installer, datadir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), installTimeout)
	defer cancel()
	args := append([]string{
		"--no-defaults", // must come first
		"--auth-root-authentication-method=normal",
		"--skip-test-db",
		"--datadir=" + datadir,
		"--user=" + currentUser(),
	}, fastOptions...)
	out, err := exec.CommandContext(ctx, installer, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s failed (%v); its output ends with:\n%s", installer, err, tail(out, 25))
	}
	return nil
}

func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return strconv.Itoa(os.Getuid())
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(target, info.Mode().Perm())
		case info.Mode().IsRegular():
			return copyFile(path, target, info.Mode().Perm())
		default:
			return nil // sockets and pipes do not belong in a stopped datadir
		}
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

func launch(server, dir, datadir string, extra []string) (*mariadbd, error) {
	args := []string{
		"--no-defaults", // must come first: the machine's my.cnf must not leak in
		"--datadir=" + datadir,
		"--socket=" + filepath.Join(dir, "s"),
		"--skip-networking",
		"--pid-file=" + filepath.Join(dir, "pid"),
		"--log-error=" + filepath.Join(dir, "err.log"),
		"--tmpdir=" + dir,
		"--skip-log-bin",
		"--max-connections=500", // many parallel tests, each with its own pools
	}
	args = append(args, fastOptions...)
	if os.Geteuid() == 0 {
		// mariadbd refuses to run as root unless told so; as anyone else the option only
		// produces a warning, so it is left out.
		args = append(args, "--user="+currentUser())
	}
	args = append(args, extra...)

	out, err := os.OpenFile(filepath.Join(dir, "out.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(server, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = sysProcAttr()
	m := &mariadbd{dir: dir, cmd: cmd, exited: make(chan struct{}), server: server, datadir: datadir, extra: extra}

	started := make(chan error, 1)
	go func() {
		defer func() { _ = out.Close() }()
		// The parent-death signal is tied to the OS thread that forked the child, not to
		// the process: keep this thread alive, and for nothing else, while mariadbd runs.
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			close(m.exited)
			return
		}
		started <- nil
		m.waitErr = cmd.Wait()
		close(m.exited)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("starting %s: %v", server, err)
	}
	return m, nil
}

func waitReady(s *Server) error {
	m := s.mdb
	sock := s.cfg.Addr
	deadline := time.Now().Add(startTimeout)
	var lastErr error
	for {
		select {
		case <-m.exited:
			return fmt.Errorf("mariadbd exited during start-up (%v); the end of its error log:\n%s", m.waitErr, m.logTail())
		default:
		}
		// Dialing before the socket exists only produces noise.
		if _, err := os.Stat(sock); err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			lastErr = s.db.PingContext(ctx)
			cancel()
			if lastErr == nil {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("mariadbd did not accept connections on %s within %v (last error: %v); the end of its error log:\n%s",
				sock, startTimeout, lastErr, m.logTail())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (m *mariadbd) logTail() string {
	var b []byte
	for _, name := range []string{"out.log", "err.log"} {
		if data, err := os.ReadFile(filepath.Join(m.dir, name)); err == nil {
			b = append(b, data...)
		}
	}
	if len(b) == 0 {
		return "(empty)"
	}
	return tail(b, 25)
}

// Restart stops a private server and starts it again on the same data and
// socket, as a database restart during a session would: with crash set it
// is killed (open transactions are lost), otherwise shut down cleanly.
// Connections open across it break, as they would in production.
func (s *Server) Restart(t testing.TB, crash bool) {
	t.Helper()
	if err := s.RestartErr(crash); err != nil {
		t.Fatal(err)
	}
}

// RestartErr is Restart for a goroutine other than the test's own, which
// must not call t.Fatal.
func (s *Server) RestartErr(crash bool) error {
	if s.mdb == nil {
		return errors.New("dbtest: Restart needs a private server (StartPrivate)")
	}
	m := s.mdb
	m.halt(crash)
	// A killed server leaves its socket file behind; the new one replaces it.
	_ = os.Remove(filepath.Join(m.dir, "s"))
	next, err := launch(m.server, m.dir, m.datadir, m.extra)
	if err != nil {
		return fmt.Errorf("dbtest: restarting mariadbd: %v", err)
	}
	s.mdb = next
	if err := waitReady(s); err != nil {
		return fmt.Errorf("dbtest: after restart: %v", err)
	}
	return nil
}

// Stop stops a private server for good, as a database that goes away
// would; its data is removed at the end of the test.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	if s.mdb == nil {
		t.Fatal("dbtest: Stop needs a private server (StartPrivate)")
	}
	s.gone.Store(true)
	s.mdb.halt(false)
}

// halt kills the server at once (crash) or asks it to shut down and
// insists after stopGrace; it returns when the process has exited.
func (m *mariadbd) halt(crash bool) {
	select {
	case <-m.exited:
		return
	default:
	}
	if crash {
		_ = m.cmd.Process.Kill()
	} else {
		_ = m.cmd.Process.Signal(syscall.SIGTERM)
	}
	select {
	case <-m.exited:
	case <-time.After(stopGrace):
		_ = m.cmd.Process.Kill()
		<-m.exited
	}
}

// stop halts the server politely; the datadir is removed either way.
func (m *mariadbd) stop() error {
	m.halt(false)
	return os.RemoveAll(m.dir)
}

func tail(b []byte, lines int) string {
	b = bytes.TrimRight(b, "\n")
	parts := bytes.Split(b, []byte("\n"))
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return string(bytes.Join(parts, []byte("\n")))
}
