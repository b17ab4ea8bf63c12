package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/mysqldb"
	"matomo-audit/internal/numfmt"
	"matomo-audit/theme"
	"matomo-audit/ui"
	"matomo-audit/ui/uitest"
)

// filters measures issue 4's figures: time jumps, a rare user's scan rate
// against MariaDB's own COUNT(*), keys during a scan, and esc.
func filters(dsn, prefix string, rows uint64) error {
	ctx := context.Background()
	src, err := mysqldb.Open(ctx, mysqldb.Options{DSN: dsn, Prefix: prefix})
	if err != nil {
		return err
	}
	defer src.Close()

	// Time jumps: three years back, one year, a day, an hour.
	var jumps []time.Duration
	for _, back := range []time.Duration{3 * 365 * 24 * time.Hour, 365 * 24 * time.Hour, 24 * time.Hour, time.Hour} {
		for i := 0; i < 10; i++ {
			start := time.Now()
			if _, err := src.FindTime(ctx, time.Now().Add(-back)); err != nil {
				return err
			}
			jumps = append(jumps, time.Since(start))
		}
	}
	row("time jump (T), 3 years / 1 year / 1 day / 1 hour back", jumps, "< 10 ms")

	// The rare user through the UI: from applying the query until the
	// whole table is scanned and its 3 events are on screen. Interleaved
	// with a raw COUNT(*) on another connection, same run.
	cfg, _ := mysql.ParseDSN(dsn)
	raw, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return err
	}
	defer raw.Close()
	var ours, counts []time.Duration
	var found uint64
	for i := 0; i < 3; i++ {
		start := time.Now()
		var want uint64
		if err := raw.QueryRow("SELECT COUNT(*) FROM `"+prefix+"activity_log` WHERE user_login = ?", "rare.user").Scan(&want); err != nil {
			return err
		}
		counts = append(counts, time.Since(start))

		took, n, err := rareScan(src)
		if err != nil {
			return err
		}
		if n != want {
			return fmt.Errorf("the UI found %d events of %s, the database has %d", n, rareQuery, want)
		}
		ours, found = append(ours, took), n
	}
	med := func(d []time.Duration) time.Duration {
		s := append([]time.Duration(nil), d...)
		sortD(s)
		return s[len(s)/2]
	}
	fmt.Printf("| rare user (%d events) found by scanning all %s rows through the UI | %s | | %s | |\n", found, numfmt.Thousands(rows), ms(med(ours)), ms(slicesMax(ours)))
	fmt.Printf("| raw `SELECT COUNT(*) ... WHERE user_login=?`, same run | %s | | %s | |\n", ms(med(counts)), ms(slicesMax(counts)))
	ratio := med(counts).Seconds() / med(ours).Seconds()
	fmt.Printf("| **scan rate / raw count rate** | **%.2fx** | | | >= 0.9x |\n", ratio)

	// Keys during a scan, in a real Bubble Tea program: each key is timed
	// from its sending until Update has handled it and View rendered.
	lat, escUI, escServer, err := keysDuringScan(src, raw)
	if err != nil {
		return err
	}
	row("key during a scan (j/k/pgup/?), sent to handled and rendered", lat, "< 50 ms")
	fmt.Printf("| esc during a scan: scan stopped in the UI | %s | | | < 100 ms |\n", ms(escUI))
	fmt.Printf("| esc during a scan: last scan query gone from the server | %s | | | |\n", ms(escServer))
	return nil
}

// rareQuery matches the seeded user with 3 events in the whole table, so
// the UI has to scan all of it.
const rareQuery = "user:rare.user"

// rareScan types rareQuery at the / prompt of a fresh UI and times enter
// until every command it led to is done, which is when the whole table
// is scanned; it returns the match count the status bar then shows.
func rareScan(src *mysqldb.Source) (time.Duration, uint64, error) {
	m := ui.New(ui.Options{Source: src, Theme: theme.Dark()})
	defer m.Close()
	if err := uitest.Send(m, tea.WindowSizeMsg{Width: 160, Height: 48}); err != nil {
		return 0, 0, err
	}
	if err := uitest.Drain(m, m.Init()); err != nil {
		return 0, 0, err
	}
	if err := uitest.Send(m, uitest.Key("/")); err != nil {
		return 0, 0, err
	}
	if err := uitest.Type(m, rareQuery); err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := uitest.Send(m, uitest.Key("enter")); err != nil {
		return 0, 0, err
	}
	took := time.Since(start)
	bar := statusBar(screen(m))
	n, counted := matches(bar)
	if !counted || scanning(bar) || strings.Contains(bar, "scan stopped") {
		return 0, 0, fmt.Errorf("the rare user's scan did not finish: the status bar says %q", strings.TrimSpace(bar))
	}
	return took, n, nil
}

type probeKey struct {
	key tea.KeyPressMsg
	at  time.Time
}

type probeEsc struct{ at time.Time }

// timed wraps the UI model to time probe keys inside the event loop; it
// reads the screen there too, as the program's goroutine owns the model.
type timed struct {
	*ui.Model
	mu      sync.Mutex
	lat     []time.Duration
	escUI   time.Duration
	err     error
	stopped chan struct{}
}

func (t *timed) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch p := msg.(type) {
	case probeKey:
		_, cmd := t.Model.Update(p.key)
		_ = t.Model.View()
		t.mu.Lock()
		t.lat = append(t.lat, time.Since(p.at))
		t.mu.Unlock()
		return t, cmd
	case probeEsc:
		check := time.Now()
		if !scanning(statusBar(screen(t.Model))) {
			t.mu.Lock()
			t.err = errors.New("the scan ended before esc: the table is too small to time esc")
			t.mu.Unlock()
			close(t.stopped)
			return t, nil
		}
		// That look is the benchmark's, not the UI's; the one after esc is
		// counted, as the screen saying so is when the scan stopped.
		own := time.Since(check)
		_, cmd := t.Model.Update(uitest.Key("esc"))
		if !scanning(statusBar(screen(t.Model))) {
			t.mu.Lock()
			t.escUI = time.Since(p.at) - own
			t.mu.Unlock()
			close(t.stopped)
		}
		return t, cmd
	}
	_, cmd := t.Model.Update(msg)
	return t, cmd
}

func (t *timed) Init() tea.Cmd { return t.Model.Init() }

func keysDuringScan(src *mysqldb.Source, raw *sql.DB) ([]time.Duration, time.Duration, time.Duration, error) {
	m := ui.New(ui.Options{Source: src, Theme: theme.Dark()})
	defer m.Close()
	tm := &timed{Model: m, stopped: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := tea.NewProgram(tm, tea.WithContext(ctx), tea.WithInput(nil), tea.WithOutput(io.Discard),
		tea.WithWindowSize(160, 48), tea.WithoutSignals())
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	time.Sleep(300 * time.Millisecond)
	p.Send(uitest.Key("/"))
	for _, k := range uitest.Runes(rareQuery) {
		p.Send(k)
	}
	p.Send(uitest.Key("enter"))
	keys := []tea.KeyPressMsg{uitest.Key("k"), uitest.Key("j"), uitest.Key("pgup"), uitest.Key("?"), uitest.Key("?")}
	// Keys every 15 ms for a quarter of a second, then esc: both well
	// inside the scan even of the 1M-row table.
	for i := 0; i < 16; i++ {
		time.Sleep(15 * time.Millisecond)
		p.Send(probeKey{key: keys[i%len(keys)], at: time.Now()})
	}
	p.Send(probeEsc{at: time.Now()})
	var server time.Duration
	select {
	case <-tm.stopped:
		// How long until no query of ours is still running on the server.
		start := time.Now()
		for time.Since(start) < 5*time.Second {
			var n int
			raw.QueryRow("SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'SELECT `id` FROM %rare.user%' AND command = 'Query'").Scan(&n)
			if n == 0 {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		server = time.Since(start)
	case <-time.After(5 * time.Second):
		return nil, 0, 0, fmt.Errorf("esc did not stop the scan")
	}
	p.Quit()
	<-done
	tm.mu.Lock()
	defer tm.mu.Unlock()
	if tm.err != nil {
		return nil, 0, 0, tm.err
	}
	return tm.lat, tm.escUI, server + tm.escUI, nil
}

func sortD(d []time.Duration) { slices.Sort(d) }

func slicesMax(d []time.Duration) time.Duration { return slices.Max(d) }
