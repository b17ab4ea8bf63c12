package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"

	"matomo-audit/data/source"
	"matomo-audit/data/summary"
	"matomo-audit/internal/numfmt"
)

// fullOnly hides a source's StreamLight, so the summary reads every row
// with its parameters, as it did before it could read light ones. It
// keeps the source's privileges, so that the two reports can be compared
// whole.
type fullOnly struct{ source.Source }

func (f fullOnly) Privileges(ctx context.Context) (source.PrivilegeSet, error) {
	if ps, ok := f.Source.(source.Privileges); ok {
		return ps.Privileges(ctx)
	}
	return source.PrivilegeSet{}, source.ErrNoPrivileges
}

// summaryFigures times the incident summary for each window as the `s`
// screen and the summary command compute it (bisection to the window's
// first id, then the id range read in chunks), side by side with
// MariaDB's own full scan of the same table (COUNT(*) for a rare login,
// which reads every row and hands out nothing): one scan before each
// window, and one before each run of the whole table, so that a noisy
// machine weighs on both alike. Each window is also read once the old
// way, with every row's parameters, and the two reports must be the same
// to the byte. The memory figures are the process's peak RSS during the
// runs of a window (reset before them) and the Go heap's largest sample.
// The first run of each window starts without the index of grant events
// (state emptied), as the first summary on a machine does: it reads the
// grants of the table for privileges without a trail, unless the window
// is the whole log, whose read carries them; the others read the index's
// rows by id and the table after it.
func summaryFigures(ctx context.Context, dsn, prefix, state string, src source.Source, all bool) error {
	cfg, _ := mysql.ParseDSN(dsn)
	raw, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return err
	}
	defer raw.Close()
	scan := func() (time.Duration, error) {
		start := time.Now()
		var n uint64
		err := raw.QueryRowContext(ctx, "SELECT COUNT(*) FROM `"+prefix+"activity_log` WHERE user_login = ?", "rare.user").Scan(&n)
		return time.Since(start), err
	}
	report := func(s source.Source, w summary.Window, now time.Time) (summary.Report, time.Duration, error) {
		start := time.Now()
		r, err := summary.Run(ctx, s, summary.Options{Window: w, Now: now})
		return r, time.Since(start), err
	}

	var scans []time.Duration
	type figures struct {
		w          summary.Window
		light      []time.Duration
		cold       time.Duration
		full       time.Duration
		events     uint64
		rss, heap  float64
		privileges int
		drift      summary.Drift
	}
	var out []figures
	for _, w := range summary.Windows {
		runs := 15
		switch {
		case !slices.Contains(strings.Split(summaryWindows, ","), w.Name):
			continue
		case w.Span == 0 && !all:
			continue
		case w.Span == 0:
			runs = 3
		case w.Span > 7*24*time.Hour:
			runs = 5
		}
		fg := figures{w: w}
		resetPeak()
		peak := watchHeap()
		var light summary.Report
		now := time.Now()
		stopProfile, err := profile(cpuProfile + "." + w.Name)
		if err != nil {
			return err
		}
		if err := emptyDir(state); err != nil {
			return err
		}
		for i := range runs {
			if w.Span == 0 || i == 0 {
				d, err := scan()
				if err != nil {
					return err
				}
				scans = append(scans, d)
			}
			r, d, err := report(src, w, now)
			if err != nil {
				return err
			}
			if i == 0 {
				fg.cold = d
			}
			fg.light, light = append(fg.light, d), r
		}
		fg.heap = peak()
		fg.rss = peakRSSMB()
		stopProfile()
		full, d, err := report(fullOnly{src}, w, now)
		if err != nil {
			return err
		}
		fg.full = d
		lj, _ := json.Marshal(light)
		fj, _ := json.Marshal(full)
		if !bytes.Equal(lj, fj) {
			return fmt.Errorf("summary %s: the light read's report differs from the full read's:\n%s\n%s", w.Name, lj, fj)
		}
		fg.events, fg.privileges, fg.drift = light.Total, light.PrivilegeCount, light.Drift
		out = append(out, fg)
	}

	rawMed := median(scans)
	fmt.Printf("| raw `SELECT COUNT(*) ... WHERE user_login = ?` (whole table), interleaved | %s | %s | %s | |\n",
		ms(rawMed), ms(pct(scans, 0.95)), ms(slices.Max(scans)))
	for _, fg := range out {
		target := ""
		switch fg.w.Name {
		case "all":
			target = "<= 2x raw"
		case "30d":
			target = "< 1 s"
		case "24h":
			target = "< 1 s"
		}
		med := median(fg.light)
		fmt.Printf("| summary, window %s (%s events, %d privilege changes), %d runs | %s | %s | %s | %s |\n",
			fg.w.Name, numfmt.Thousands(fg.events), fg.privileges, len(fg.light), ms(med), ms(pct(fg.light, 0.95)), ms(slices.Max(fg.light)), target)
		fmt.Printf("| ... against the raw scan | **%.2fx** | | | |\n", med.Seconds()/rawMed.Seconds())
		fmt.Printf("| ... its first run, without the index of grant events | %s | | | %.2fx the raw scan |\n", ms(fg.cold), fg.cold.Seconds()/rawMed.Seconds())
		fmt.Printf("| ... privileges without a trail: %d checked, %d unexplained, %s grant events read from %s | | | | |\n",
			fg.drift.Checked, fg.drift.Unexplained(), numfmt.Thousands(fg.drift.GrantEvents), grantsFrom(fg.drift))
		fmt.Printf("| ... the same report read in full (parameters decoded), once | %s | | | %.1fx the light read |\n", ms(fg.full), fg.full.Seconds()/med.Seconds())
		fmt.Printf("| ... peak RSS / largest Go heap sample while the light runs read | %.1f MB / %.1f MB | | | flat |\n", fg.rss, fg.heap)
	}
	return nil
}

// emptyDir removes what dir holds.
func emptyDir(dir string) error {
	files, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := os.RemoveAll(filepath.Join(dir, f.Name())); err != nil {
			return err
		}
	}
	return nil
}

func grantsFrom(d summary.Drift) string {
	switch {
	case d.Problem != "":
		return "(" + d.Problem + ")"
	case d.GrantsFrom == nil:
		return "(none needed)"
	}
	return d.GrantsFrom.UTC().Format(time.DateOnly)
}

// profile writes a CPU profile to path until the returned function is
// called; nothing when cpuProfile is not set.
func profile(path string) (func(), error) {
	if cpuProfile == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

func median(d []time.Duration) time.Duration { return pct(d, 0.5) }

func pct(d []time.Duration, q float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// resetPeak starts the kernel's peak RSS (VmHWM) afresh from now.
func resetPeak() {
	runtime.GC()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// watchHeap samples the live heap every 10 ms until the returned function
// is called, which gives the largest sample in MB.
func watchHeap() func() float64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	stop := make(chan struct{})
	var mu sync.Mutex
	var most uint64
	go func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				metrics.Read(sample)
				mu.Lock()
				most = max(most, sample[0].Value.Uint64())
				mu.Unlock()
			}
		}
	}()
	return func() float64 {
		close(stop)
		mu.Lock()
		defer mu.Unlock()
		return float64(most) / (1 << 20)
	}
}
