package exportdlg

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/export"
	"matomo-audit/data/source"
)

// progress is shared with the goroutine writing the file.
type progress struct {
	n    atomic.Uint64
	last atomic.Uint64 // id of the last event written
}

// The messages name their dialog: one closed meanwhile, or an earlier
// one, must not take them for its own.
type (
	endsMsg struct {
		m           *Model
		first, last time.Time
		empty       bool
		err         error
	}
	tickMsg struct{ m *Model }
	doneMsg struct {
		m    *Model
		n    uint64
		path string
		err  error
	}
)

// tick is how often the progress is redrawn.
const tick = 100 * time.Millisecond

// findEnds gets the times of the first and last matching events.
func (m *Model) findEnds() tea.Cmd {
	src, ctx, f := m.c.Src, m.c.Ctx, m.o.Filter
	return func() tea.Msg {
		oldest, err := src.Page(ctx, source.Request{Filter: f, Dir: source.Newer, Limit: 1})
		if err != nil {
			return endsMsg{m: m, err: err}
		}
		if len(oldest.Events) == 0 {
			return endsMsg{m: m, empty: true}
		}
		newest, err := src.Page(ctx, source.Request{Filter: f, Dir: source.Older, Limit: 1})
		if err != nil || len(newest.Events) == 0 {
			return endsMsg{m: m, err: err}
		}
		return endsMsg{m: m, first: oldest.Events[0].Time, last: newest.Events[0].Time}
	}
}

func (m *Model) applyEnds(msg endsMsg) {
	m.finding = false
	switch {
	case msg.err != nil:
		if !m.edited {
			m.errMsg = "could not find the ends for the name: " + msg.err.Error()
		}
	case msg.empty:
		m.empty = true
	default:
		m.first, m.last = msg.first, msg.last
		m.setDefaultPath()
		if strings.HasPrefix(m.errMsg, "still finding") {
			m.errMsg = ""
		}
	}
}

// DefaultName is matomo-activity-<first>_<last>.json, times in UTC in the
// compact ISO form (no colons, which some file systems refuse).
func DefaultName(first, last time.Time, f export.Format) string {
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return "unknown"
		}
		return t.UTC().Format("20060102T150405Z")
	}
	return "matomo-activity-" + stamp(first) + "_" + stamp(last) + ext(f)
}

// formats are the formats Format steps through, in the order shown.
func formats() []export.Format { return []export.Format{export.JSON, export.NDJSON, export.CSV} }

func ext(f export.Format) string {
	switch f {
	case export.NDJSON:
		return ".ndjson"
	case export.CSV:
		return ".csv"
	}
	return ".json"
}

// resolvePath expands ~ and makes the path absolute from dir, the folder
// the tool was started in.
func resolvePath(dir, p string) (string, error) {
	p = strings.TrimSpace(p)
	if p == "" {
		return "", errors.New("type a file name")
	}
	if p == "~" || strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("cannot expand ~: %v", err)
		}
		p = filepath.Join(home, p[1:])
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	// Shown back in messages: /dir/./file reads as a different file.
	p = filepath.Clean(p)
	parent := filepath.Dir(p)
	if st, err := os.Stat(parent); err != nil || !st.IsDir() {
		return "", fmt.Errorf("no folder %s", parent)
	}
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return "", fmt.Errorf("%s is a folder: give a file name", p)
	}
	return p, nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// ShortPath shows a path under dir relative to it.
func ShortPath(dir, p string) string {
	if rel, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(rel, "..") {
		return "./" + rel
	}
	return p
}

// start opens the file and streams the events into it from a goroutine;
// ticks redraw the progress.
func (m *Model) start(overwrite bool) tea.Cmd {
	file, err := export.Create(m.target, overwrite)
	if errors.Is(err, export.ErrExists) {
		m.stage = confirming // it appeared meanwhile
		return nil
	}
	if err != nil {
		m.stage, m.errMsg = asking, err.Error()
		return nil
	}
	// From the root's context: quitting, even by force, stops the writer.
	ctx, cancel := context.WithCancel(m.c.Ctx)
	m.stage, m.cancel, m.prog, m.started, m.errMsg = writing, cancel, &progress{}, time.Now(), ""
	src, f, from, to, format, prog, writers := m.c.Src, m.o.Filter, m.o.From, m.o.To, m.format, m.prog, m.o.Writers
	writers.Add(1)
	write := func() tea.Msg {
		defer writers.Done()
		defer cancel()
		w := export.NewWriter(file, format)
		err := src.Stream(ctx, f, from, to, func(e *activity.Event) error {
			if err := w.Write(e); err != nil {
				return err
			}
			prog.n.Add(1)
			prog.last.Store(e.ID)
			return nil
		})
		if err == nil {
			err = w.Close()
		}
		if err == nil {
			err = file.Commit()
		}
		if err != nil {
			file.Abort()
			if ctx.Err() != nil {
				err = context.Canceled
			}
		}
		return doneMsg{m: m, n: prog.n.Load(), path: file.Path(), err: err}
	}
	return tea.Batch(write, m.c.After(tick, tickMsg{m: m}))
}

// fraction is how much is written: by count when the total is known,
// else by how far through the id range the stream is; known is false
// when that range may not be shown.
func (m *Model) fraction() (p float64, known bool) {
	n := m.prog.n.Load()
	if total, ok := m.total(); ok && total > 0 {
		return min(1, float64(n)/float64(total)), true
	}
	if m.count.NoRange {
		return 0, false
	}
	from, to := m.o.From, m.o.To
	if m.o.Whole {
		from, to = m.count.Lo, m.count.Hi
	}
	last := m.prog.last.Load()
	if to <= from || last < from {
		return 0, true
	}
	return min(1, float64(last-from)/float64(to-from)), true
}
