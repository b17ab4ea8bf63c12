// Command bench measures matomo-audit against a seeded table (see
// tools/seed and scripts/bench.sh): time from launch to the first screen,
// page fetches at every depth, and memory after scrolling 100k events
// through the real UI model.
//
//	go run ./tools/bench -dsn 'root@tcp(127.0.0.1:3306)/bench_1m'
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"matomo-audit/data/mysqldb"
	"matomo-audit/data/source"
	"matomo-audit/internal/numfmt"
	"matomo-audit/theme"
	"matomo-audit/ui"
	"matomo-audit/ui/uitest"
)

func main() {
	dsn := flag.String("dsn", "root@tcp(127.0.0.1:3306)/bench_1m", "database holding a seeded table")
	prefix := flag.String("prefix", "matomo_", "table prefix")
	scroll := flag.Int("scroll", 100_000, "events to scroll through for the memory figure")
	flag.BoolVar(&summaryAll, "summary-all", true, "also time the summary of the whole table")
	exportN := flag.Uint64("export", 1_000_000, "events to export through the TUI (0: skip)")
	flag.BoolVar(&summaryOnly, "summary-only", false, "time the summary only (against the raw scan)")
	flag.StringVar(&summaryWindows, "summary-windows", "1h,24h,7d,30d,all", "the summary's windows to time")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the summary's runs to this file")
	flag.Parse()
	if err := run(*dsn, *prefix, *scroll, *exportN); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// summaryAll: time the "all" summary too (it reads the whole table).
var summaryAll bool

// summaryOnly: skip everything but the summary's figures.
var summaryOnly bool

// summaryWindows are the windows the summary is timed for.
var summaryWindows string

// cpuProfile is where the summary's CPU profile goes ("": none).
var cpuProfile string

func run(dsn, prefix string, scroll int, exportN uint64) error {
	ctx := context.Background()
	// The summary keeps its index of grant events here, as the command
	// does in the state folder; summaryFigures empties it for the first
	// run of each window.
	state, err := os.MkdirTemp("", "matomo-audit-bench-state")
	if err != nil {
		return err
	}
	defer os.RemoveAll(state)
	opts := mysqldb.Options{DSN: dsn, Prefix: prefix, StateDir: state}
	if summaryOnly {
		src, err := mysqldb.Open(ctx, opts)
		if err != nil {
			return err
		}
		defer src.Close()
		fmt.Printf("| summary | median | p95 | max | target |\n|---|---|---|---|---|\n")
		return summaryFigures(ctx, dsn, prefix, state, src, summaryAll)
	}

	// Launch to first screen: connect, check the schema, read the newest
	// page and the id range, render a 160x48 screen.
	var launches []time.Duration
	for i := 0; i < 15; i++ {
		start := time.Now()
		src, err := mysqldb.Open(ctx, opts)
		if err != nil {
			return err
		}
		// As the binary starts by default: following.
		m := ui.New(ui.Options{Source: src, Theme: theme.Dark(), Follow: true})
		if err := uitest.Send(m, tea.WindowSizeMsg{Width: 160, Height: 48}); err != nil {
			return err
		}
		w := &watched{Model: m}
		if err := uitest.DrainUntil(w, m.Init(), w.until(func() bool { return cursorID(statusBar(screen(m))) != 0 })); err != nil {
			return err
		}
		// This render of the first screen is counted: it is the figure's.
		if frame := screen(m); cursorID(statusBar(frame)) == 0 || !strings.Contains(frame, "│") {
			return fmt.Errorf("first screen has no events")
		}
		launches = append(launches, time.Since(start)-w.spent)
		m.Close()
		src.Close()
	}

	src, err := mysqldb.Open(ctx, opts)
	if err != nil {
		return err
	}
	defer src.Close()
	lo, hi, err := src.Bounds(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("table: %s rows (ids %d..%d), %s\n\n", numfmt.Thousands(hi-lo+1), lo, hi, runtime.GOARCH)
	fmt.Printf("| measure | median | p95 | max | target |\n|---|---|---|---|---|\n")
	row("launch to first screen (connect, schema check, follow start, newest page, render)", launches, "< 100 ms")

	// Jumps: the newest (G) and the oldest (g) screenful x 3.
	for _, j := range []struct {
		name string
		dir  source.Direction
	}{{"newest page (G)", source.Older}, {"oldest page (g)", source.Newer}} {
		var d []time.Duration
		for i := 0; i < 40; i++ {
			start := time.Now()
			if _, err := src.Page(ctx, source.Request{Dir: j.dir, Limit: 144}); err != nil {
				return err
			}
			d = append(d, time.Since(start))
		}
		row(j.name+", 144 events", d, "instant")
	}
	// Page fetches at depths, both directions, as scrolling does.
	for _, depth := range []float64{0.1, 0.5, 0.9} {
		anchor := lo + uint64(float64(hi-lo)*depth)
		var older, newer []time.Duration
		for i := 0; i < 40; i++ {
			for _, dir := range []source.Direction{source.Older, source.Newer} {
				start := time.Now()
				if _, err := src.Page(ctx, source.Request{Dir: dir, Anchor: anchor, Limit: 144}); err != nil {
					return err
				}
				if dir == source.Older {
					older = append(older, time.Since(start))
				} else {
					newer = append(newer, time.Since(start))
				}
			}
		}
		row(fmt.Sprintf("144 older events at %.0f%% depth", depth*100), older, "< 5 ms")
		row(fmt.Sprintf("144 newer events at %.0f%% depth", depth*100), newer, "< 5 ms")
	}

	fmt.Printf("\n| follow | median | p95 | max | target |\n|---|---|---|---|---|\n")
	if err := followFigures(ctx, src, hi); err != nil {
		return err
	}
	fmt.Printf("\n| filters | median | p95 | max | target |\n|---|---|---|---|---|\n")
	if err := filters(dsn, prefix, hi-lo+1); err != nil {
		return err
	}
	fmt.Printf("\n| summary | median | p95 | max | target |\n|---|---|---|---|---|\n")
	if err := summaryFigures(ctx, dsn, prefix, state, src, summaryAll); err != nil {
		return err
	}
	fmt.Printf("\n| scrolling | median | p95 | max | target |\n|---|---|---|---|---|\n")

	// Memory: scroll a 160x48 UI through `scroll` events with pgup, as a
	// user holding the key would, and read the process's RSS.
	m := ui.New(ui.Options{Source: src, Theme: theme.Dark()})
	defer m.Close()
	if err := uitest.Send(m, tea.WindowSizeMsg{Width: 160, Height: 48}); err != nil {
		return err
	}
	if err := uitest.Drain(m, m.Init()); err != nil {
		return err
	}
	first := cursorID(statusBar(screen(m)))
	if first == 0 {
		return fmt.Errorf("the first screen's status bar shows no position")
	}
	// took is the keys' own time: reading the position back off each frame
	// is the benchmark's work, not the UI's.
	at := first
	var keys []time.Duration
	var took time.Duration
	for first-at < uint64(scroll) && at > lo {
		t := time.Now()
		if err := uitest.Send(m, uitest.Key("pgup")); err != nil {
			return err
		}
		frame := m.View()
		d := time.Since(t)
		keys, took = append(keys, d), took+d
		if at = cursorID(statusBar(ansi.Strip(frame.Content))); at == 0 {
			return fmt.Errorf("the status bar shows no position after pgup")
		}
	}
	runtime.GC()
	debug.FreeOSMemory()
	row("pgup key, including any page load and render", keys, "smooth")
	fmt.Printf("\nscrolled %s events in %s (%s events/s); RSS after: %.1f MB (target <= 60 MB)\n",
		numfmt.Thousands(first-at), took.Round(time.Millisecond), numfmt.Thousands(uint64(float64(first-at)/took.Seconds())), rssMB())
	if exportN > 0 {
		fmt.Println()
		if err := tuiExport(src, hi, min(exportN, hi-lo+1)); err != nil {
			return err
		}
	}
	return nil
}

func row(name string, d []time.Duration, target string) {
	slices.Sort(d)
	p := func(q float64) string { return ms(d[min(len(d)-1, int(q*float64(len(d))))]) }
	fmt.Printf("| %s | %s | %s | %s | %s |\n", name, p(0.5), p(0.95), ms(d[len(d)-1]), target)
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + " ms"
}

func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
