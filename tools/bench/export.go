package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/internal/numfmt"
	"matomo-audit/theme"
	"matomo-audit/ui"
	"matomo-audit/ui/uitest"
)

// tuiExport exports the newest n events through the TUI (a query for
// their ids, e, enter) and reports the time and how much the process grew
// while writing: the export streams, so that must not depend on n.
func tuiExport(src source.Source, hi, n uint64) error {
	dir, err := os.MkdirTemp("", "matomo-audit-bench-export")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	q, err := query.Parse(fmt.Sprintf("id:%d..", hi-n+1))
	if err != nil {
		return err
	}
	m := ui.New(ui.Options{Source: src, Theme: theme.Dark(), Query: q, Dir: dir})
	defer m.Close()
	if err := uitest.Send(m, tea.WindowSizeMsg{Width: 160, Height: 48}); err != nil {
		return err
	}
	if err := uitest.DrainUntil(m, m.Init(), func() bool { return cursorID(statusBar(screen(m))) != 0 }); err != nil {
		return err
	}
	// The dialog counts the query meanwhile.
	if err := uitest.Send(m, uitest.Key("e")); err != nil {
		return err
	}

	runtime.GC()
	base := rssMB()
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		for {
			if r := uint64(rssMB() * 1024); r > peak.Load() {
				peak.Store(r)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	_, cmd := m.Update(uitest.Key("enter"))
	// Done is when the dialog gives way to the toast saying how it went.
	var bar string
	w := &watched{Model: m}
	err = uitest.DrainUntil(w, cmd, w.until(func() bool {
		bar = statusBar(screen(m))
		return strings.Contains(bar, "wrote ") || strings.Contains(bar, "export failed") || strings.Contains(bar, "export cancelled")
	}))
	took := time.Since(start) - w.spent
	close(stop)
	if err != nil {
		return err
	}
	if !strings.Contains(bar, "wrote ") {
		return fmt.Errorf("the TUI export did not finish: the status bar says %q", strings.TrimSpace(bar))
	}

	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		return fmt.Errorf("the TUI export left %v", files)
	}
	st, _ := os.Stat(files[0])
	fmt.Printf("| export from the TUI (`e`, `enter`) of %s events to a JSON file (%.0f MB) | %s | %s events/s | RSS %.1f MB before, %.1f MB peak while writing |\n",
		numfmt.Thousands(n), float64(st.Size())/1e6, took.Round(10*time.Millisecond), numfmt.Thousands(uint64(float64(n)/took.Seconds())), base, float64(peak.Load())/1024)
	return nil
}
