package ui

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/theme"
)

// rareRows is a table of n rows where "rare.user" acts exactly at ids.
func rareRows(n int, ids ...uint64) []activity.Row {
	rows := make([]activity.Row, n)
	for i := range rows {
		id := uint64(i + 1)
		login := []string{"alice", "bob", "carol"}[i%3]
		for _, r := range ids {
			if r == id {
				login = "rare.user"
			}
		}
		rows[i] = activity.Row{ID: id, Login: login, Type: "ActivityLog/UserSignedIn", Params: "a:0:{}",
			Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute).Format(time.DateTime)}
	}
	return rows
}

// stepper runs commands one at a time, so a test can press keys while a
// scan is under way, as a user would.
type stepper struct {
	t     *testing.T
	m     *Model
	queue []tea.Cmd
}

func (s *stepper) push(c tea.Cmd) { s.queue = append(s.queue, c) }

// step runs one command; false when there was none.
func (s *stepper) step() bool {
	for len(s.queue) > 0 {
		c := s.queue[0]
		s.queue = s.queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
			continue
		case tea.BatchMsg:
			s.queue = append(append([]tea.Cmd{}, msg...), s.queue...)
			continue
		default:
			if isTerminalQuery(msg) {
				continue
			}
			_, next := s.m.Update(msg)
			s.push(next)
		}
		return true
	}
	return false
}

func (s *stepper) key(k string) {
	_, cmd := s.m.Update(keyMsg(k))
	s.push(cmd)
}

func (s *stepper) settle() {
	for i := 0; s.step(); i++ {
		if i > 100_000 {
			s.t.Fatal("never settles")
		}
	}
}

func newStepper(t *testing.T, rows []activity.Row, q string) *stepper {
	src := demo.FromRows(rows, nil)
	m := New(Options{Source: src, Query: compile(t, q), Theme: theme.NoColor(), Now: fixedNow})
	m.scanBudget = time.Nanosecond // every step is one small read
	t.Cleanup(m.Close)
	s := &stepper{t: t, m: m}
	_, cmd := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	s.push(cmd)
	s.push(m.Init())
	return s
}

func TestScanStopAndResume(t *testing.T) {
	s := newStepper(t, rareRows(30_000, 100, 15_000, 29_000), "user:rare.user")
	// Until the newest match arrives.
	for s.m.current() == nil && s.step() {
	}
	if e := s.m.current(); e == nil || e.ID != 29_000 {
		t.Fatalf("first match %v", e)
	}
	if !s.m.scanning() || !strings.Contains(plainView(s.m), "scanning older") {
		t.Fatalf("no scan progress shown:\n%s", plainView(s.m))
	}
	s.key("esc")
	s.settle()
	v := plainView(s.m)
	if s.m.scanning() || !strings.Contains(v, "scan stopped") || len(s.m.tl.events) != 1 {
		t.Fatalf("esc did not stop the scan (%d events):\n%s", len(s.m.tl.events), v)
	}
	// Moving past the edge goes on, and finds the rest.
	s.key("k")
	s.settle()
	if got := len(s.m.tl.events); got != 3 || !s.m.tl.atOldest {
		t.Fatalf("after resuming: %d events, at oldest %v", got, s.m.tl.atOldest)
	}
	if v := plainView(s.m); strings.Contains(v, "scan stopped") || strings.Contains(v, "scanning") {
		t.Fatalf("status still talks about a scan:\n%s", v)
	}
	if c := s.m.countText(); c != "3 matches" {
		t.Fatalf("count %q, want 3 matches", c)
	}
}

// TestKeysDuringScan: every key is handled at once while pages arrive.
// TestKeysDuringScan: keys answer while a scan runs because handling them
// never reads the source: every read is a command the runtime runs
// elsewhere. (How fast that is gets measured by tools/bench, not here.)
func TestKeysDuringScan(t *testing.T) {
	s := newStepper(t, rareRows(20_000, 5, 19_990), "user:rare.user")
	counted := &countingSource{Source: s.m.c.Src}
	s.m.c.Src = counted
	scanned := false
	for i := 0; i < 50 && s.step(); i++ {
		scanned = scanned || s.m.scanning()
		for _, k := range []string{"k", "j", "?", "esc"} {
			before := counted.calls.Load()
			_, cmd := s.m.Update(keyMsg(k))
			_ = view(s.m)
			if n := counted.calls.Load() - before; n != 0 {
				t.Fatalf("key %q read the source %d times itself during a scan", k, n)
			}
			s.push(cmd)
		}
	}
	if !scanned {
		t.Fatal("no scan was under way while the keys were pressed")
	}
}

// countingSource counts every call that reads the source.
type countingSource struct {
	source.Source
	calls atomic.Int64
}

func (c *countingSource) Page(ctx context.Context, r source.Request) (source.Page, error) {
	c.calls.Add(1)
	return c.Source.Page(ctx, r)
}

func (c *countingSource) Stats(ctx context.Context, f *query.Filter, from, to uint64) (source.Stats, error) {
	c.calls.Add(1)
	return c.Source.Stats(ctx, f, from, to)
}

func (c *countingSource) Bounds(ctx context.Context) (uint64, uint64, error) {
	c.calls.Add(1)
	return c.Source.Bounds(ctx)
}

func (c *countingSource) FindTime(ctx context.Context, at time.Time) (uint64, error) {
	c.calls.Add(1)
	return c.Source.FindTime(ctx, at)
}

func (c *countingSource) UserTableProblem() string {
	c.calls.Add(1)
	return c.Source.UserTableProblem()
}
