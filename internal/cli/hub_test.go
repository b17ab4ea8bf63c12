package cli

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/follow"
	"matomo-audit/data/marks"
	"matomo-audit/data/source"
	"matomo-audit/serve"
	"matomo-audit/serve/keys"
	"matomo-audit/serve/sshtest"
	swatch "matomo-audit/serve/watch"
)

// counting counts the reads following makes.
type counting struct {
	source.Source
	after atomic.Int64
}

func (c *counting) After(ctx context.Context, after uint64, limit int) ([]activity.Event, error) {
	c.after.Add(1)
	return c.Source.After(ctx, after, limit)
}

// hubServe is serve over a counting demo source with its Hub polling
// every 20 ms, and bob's key.
type hubServe struct {
	addr string
	host gossh.PublicKey
	bob  gossh.Signer
	hub  *follow.Hub
	src  *counting
}

func startHubServe(t *testing.T) *hubServe {
	t.Helper()
	return startHubServeOn(t, demo.New(demo.Options{Seed: 1}))
}

func startHubServeOn(t *testing.T, table source.Source) *hubServe {
	t.Helper()
	src := &counting{Source: table}
	hub := follow.NewHub(src, 0, 20*time.Millisecond, nil)
	t.Cleanup(hub.Close)
	bob := sshtest.Key(t)
	kf := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(kf, []byte(`login="bob" `+string(gossh.MarshalAuthorizedKey(bob.PublicKey()))), 0o600); err != nil {
		t.Fatal(err)
	}
	watch, err := keys.Watch(kf, func(error) {})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(watch.Close)
	host := sshtest.Key(t)
	cfg := serveConfig(&globals{}, &serveFlags{maxSessions: 80, idleTimeout: time.Minute}, src, hub, swatch.New(), marks.New(), watch, host,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv, err := serve.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return &hubServe{addr: ln.Addr().String(), host: host.PublicKey(), bob: bob, hub: hub, src: src}
}

// onePollEach waits until want sessions follow, then checks that twenty
// of the hub's polls cost twenty reads, not one per session.
func (h *hubServe) onePollEach(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for h.hub.Subscribers() < want {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d sessions follow", h.hub.Subscribers(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
	p0, a0 := h.hub.Polls(), h.src.after.Load()
	for h.hub.Polls() < p0+20 {
		if time.Now().After(deadline) {
			t.Fatal("the hub stopped polling")
		}
		time.Sleep(5 * time.Millisecond)
	}
	polls, reads := h.hub.Polls()-p0, h.src.after.Load()-a0
	// Each poll is one read of what is new (nothing is: the table is
	// still); one poll may be under way as the counts are taken.
	if reads > int64(polls)+1 {
		t.Fatalf("%d sessions made %d reads over %d polls", want, reads, polls)
	}
}

// TestServeSharesOnePoll: twenty tails over SSH cost the database one poll
// per interval, not twenty.
func TestServeSharesOnePoll(t *testing.T) {
	h := startHubServe(t)
	const tails = 20
	for i := 0; i < tails; i++ {
		s := sshtest.Session(t, h.addr, h.host, h.bob)
		s.Stdout = io.Discard
		if err := s.Start("tail -q cat:security"); err != nil {
			t.Fatal(err)
		}
	}
	h.onePollEach(t, tails)
}

// TestServeFiftyTimelinesShareOnePoll: fifty timelines following over SSH
// (PTYs, the real UI) cost one poll per interval too.
func TestServeFiftyTimelinesShareOnePoll(t *testing.T) {
	h := startHubServe(t)
	const sessions = 50
	for i := 0; i < sessions; i++ {
		s := sshtest.Session(t, h.addr, h.host, h.bob)
		if err := s.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
		s.Stdout = io.Discard
		if _, err := s.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		if err := s.Shell(); err != nil {
			t.Fatal(err)
		}
	}
	h.onePollEach(t, sessions)
}

// TestStalledClientSlowsNoOne: a client that stops reading its timeline
// (its SSH window fills, the server's writes to it block) holds up neither
// the shared poll nor another session's tail. (Bubble Tea's renderer is
// what blocks; the model goes on taking its share of the hub, so nothing
// piles up for it either.)
func TestStalledClientSlowsNoOne(t *testing.T) {
	now := time.Now().UTC()
	var rows []activity.Row
	for id := uint64(1); id <= 200; id++ {
		rows = append(rows, activity.Row{ID: id, Login: "bob", Type: "ActivityLog/UserSignedIn", Params: "a:0:{}", Created: now.Add(-time.Duration(200-id) * time.Second).Format(time.DateTime)})
	}
	table := demo.FromRows(rows, demo.Users)
	h := startHubServeOn(t, table)

	stalled := sshtest.Session(t, h.addr, h.host, h.bob)
	if err := stalled.RequestPty("xterm-256color", 48, 160, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if _, err := stalled.StdoutPipe(); err != nil { // never read
		t.Fatal(err)
	}
	if err := stalled.Shell(); err != nil {
		t.Fatal(err)
	}
	// Resizes only once the session runs: charm.land/ssh v0.4.3 writes the
	// window size it keeps without a lock while the session's setup reads
	// it (the race detector sees it).
	for h.hub.Subscribers() < 1 {
		time.Sleep(5 * time.Millisecond)
	}
	// Full redraws at new sizes fill the client's window (2 MB) well
	// before the end.
	for i := 0; i < 400; i++ {
		stalled.WindowChange(30+i%20, 120+i%40)
	}

	tail := sshtest.Session(t, h.addr, h.host, h.bob)
	out, err := tail.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := tail.Start("tail --format ndjson -n 0"); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	for h.hub.Subscribers() < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	for id := uint64(201); id <= 205; id++ {
		table.Insert(activity.Row{ID: id, Login: "bob", Type: "ActivityLog/UserSignInFailed", Params: "a:0:{}", Created: time.Now().UTC().Format(time.DateTime)})
		select {
		case l := <-lines:
			if !strings.Contains(l, `"id":`+strconv.FormatUint(id, 10)) {
				t.Fatalf("the tail brought %s, want #%d", l, id)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("with a stalled client, #%d never reached the tail", id)
		}
	}
}
