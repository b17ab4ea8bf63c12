package cli

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/follow"
	"matomo-audit/data/source"
	"matomo-audit/serve"
	"matomo-audit/serve/keys"
	"matomo-audit/serve/sshtest"
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

// TestServeSharesOnePoll: twenty tails over SSH cost the database one poll
// per interval, not twenty.
func TestServeSharesOnePoll(t *testing.T) {
	src := &counting{Source: demo.New(demo.Options{Seed: 1})}
	hub := follow.NewHub(src, 0, 20*time.Millisecond, nil)
	defer hub.Close()
	bob := sshtest.Key(t)
	kf := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(kf, []byte(`login="bob" `+string(gossh.MarshalAuthorizedKey(bob.PublicKey()))), 0o600); err != nil {
		t.Fatal(err)
	}
	watch, err := keys.Watch(kf, func(error) {})
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()
	host := sshtest.Key(t)
	cfg := serveConfig(&globals{}, &serveFlags{maxSessions: 50, idleTimeout: time.Minute}, src, hub, watch, host,
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
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()

	const tails = 20
	for i := 0; i < tails; i++ {
		s := sshtest.Session(t, ln.Addr().String(), host.PublicKey(), bob)
		s.Stdout = io.Discard
		if err := s.Start("tail -q cat:security"); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for hub.Subscribers() < tails {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d tails subscribed", hub.Subscribers(), tails)
		}
		time.Sleep(5 * time.Millisecond)
	}
	p0, a0 := hub.Polls(), src.after.Load()
	for hub.Polls() < p0+20 {
		if time.Now().After(deadline) {
			t.Fatal("the hub stopped polling")
		}
		time.Sleep(5 * time.Millisecond)
	}
	polls, reads := hub.Polls()-p0, src.after.Load()-a0
	// Each poll is one read of what is new (nothing is: the table is
	// still); one poll may be under way as the counts are taken.
	if reads > int64(polls)+1 {
		t.Fatalf("%d tails made %d reads over %d polls", tails, reads, polls)
	}
}
