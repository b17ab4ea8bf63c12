package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/export"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/internal/numfmt"
	"matomo-audit/ui/cell"
	"matomo-audit/ui/common"
)

type exportStage uint8

const (
	exportAsk     exportStage = iota // path and format
	exportConfirm                    // the file exists: overwrite?
	exportWriting
)

// exporter is the export dialog (e): what is exported, where, in which
// format, and then the progress of writing it.
type exporter struct {
	stage exportStage
	// What: the selection's id range, or everything the query matches
	// (whole, from = to = 0).
	whole    bool
	from, to uint64
	filter   *query.Filter
	what     string // the query, for the dialog
	// The ends' times name the default file; for a whole export they are
	// looked up when the window does not hold them.
	first, last time.Time
	finding     bool
	empty       bool // nothing matches: nothing to export

	path   textinput.Model
	edited bool // the path is the user's, not the default
	format export.Format
	errMsg string

	cancel  context.CancelFunc
	prog    *exportProgress
	started time.Time
	target  string
	// quitAsked: q was pressed while writing; q or y again quits and
	// drops the file, anything else keeps writing.
	quitAsked bool
}

// exportProgress is shared with the goroutine writing the file.
type exportProgress struct {
	n    atomic.Uint64
	last atomic.Uint64 // id of the last event written
}

type (
	exportEndsMsg struct {
		exp         *exporter
		first, last time.Time
		empty       bool
		err         error
	}
	exportTickMsg struct{ exp *exporter }
	exportDoneMsg struct {
		exp  *exporter
		n    uint64
		path string
		err  error
	}
	toastDoneMsg struct{ seq int }
)

// openExport is e: export the selection, or everything the query matches.
func (m *Model) openExport() tea.Cmd {
	if m.c.NoExport {
		return m.refuseExport()
	}
	x := &exporter{filter: m.filter, what: m.query.String(), format: export.JSON}
	x.path = common.NewInput()
	var cmd tea.Cmd
	if lo, hi, ok := m.span(); ok {
		x.from, x.to = lo, hi
		x.first, x.last = m.spanEnds()
	} else {
		x.whole = true
		cmd = tea.Batch(m.findEnds(x), m.countStep(m.countsFor(m.query.String(), m.query)))
	}
	m.exp = x
	m.setDefaultPath()
	return tea.Batch(cmd, x.path.Focus())
}

func (m *Model) refuseExport() tea.Cmd {
	return m.toast("export and copy are turned off here (--no-export or MATOMO_AUDIT_NO_EXPORT): nothing is written", true)
}

// findEnds gets the times of the first and last matching events, from the
// window when it holds them.
func (m *Model) findEnds(x *exporter) tea.Cmd {
	tl := &m.tl
	if tl.loaded && tl.atOldest && tl.atNewest && !tl.jumping {
		if len(tl.events) == 0 {
			x.empty = true
		} else {
			x.first, x.last = tl.events[0].Time, tl.events[len(tl.events)-1].Time
		}
		return nil
	}
	x.finding = true
	src, ctx, f := m.c.Src, m.c.Ctx, x.filter
	return func() tea.Msg {
		oldest, err := src.Page(ctx, source.Request{Filter: f, Dir: source.Newer, Limit: 1})
		if err != nil {
			return exportEndsMsg{exp: x, err: err}
		}
		if len(oldest.Events) == 0 {
			return exportEndsMsg{exp: x, empty: true}
		}
		newest, err := src.Page(ctx, source.Request{Filter: f, Dir: source.Older, Limit: 1})
		if err != nil || len(newest.Events) == 0 {
			return exportEndsMsg{exp: x, err: err}
		}
		return exportEndsMsg{exp: x, first: oldest.Events[0].Time, last: newest.Events[0].Time}
	}
}

// defaultName is matomo-activity-<first>_<last>.json, times in UTC in the
// compact ISO form (no colons, which some file systems refuse).
func defaultName(first, last time.Time, f export.Format) string {
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return "unknown"
		}
		return t.UTC().Format("20060102T150405Z")
	}
	return "matomo-activity-" + stamp(first) + "_" + stamp(last) + ext(f)
}

// dialogFormats are the formats tab steps through, in the order shown.
var dialogFormats = []export.Format{export.JSON, export.NDJSON, export.CSV}

func ext(f export.Format) string {
	switch f {
	case export.NDJSON:
		return ".ndjson"
	case export.CSV:
		return ".csv"
	}
	return ".json"
}

func (m *Model) setDefaultPath() {
	x := m.exp
	if x.edited {
		return
	}
	x.path.SetValue("./" + defaultName(x.first, x.last, x.format))
	x.path.CursorEnd()
}

// resolvePath expands ~ and makes the path absolute from the folder the
// tool was started in.
func (m *Model) resolvePath(p string) (string, error) {
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
		p = filepath.Join(m.dir, p)
	}
	// Shown back in messages: /dir/./file reads as a different file.
	p = filepath.Clean(p)
	dir := filepath.Dir(p)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", fmt.Errorf("no folder %s", dir)
	}
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return "", fmt.Errorf("%s is a folder: give a file name", p)
	}
	return p, nil
}

func (m *Model) exportKey(msg tea.KeyPressMsg) tea.Cmd {
	x, k := m.exp, m.c.Keys
	switch x.stage {
	case exportWriting:
		switch {
		case x.quitAsked && (key.Matches(msg, k.Quit) || msg.String() == "y"):
			x.cancel()
			m.cancel()
			return tea.Quit
		case x.quitAsked:
			x.quitAsked = false
		case key.Matches(msg, k.Back):
			x.cancel()
		case key.Matches(msg, k.Quit):
			// A long export is easy to lose by habit: ask first.
			x.quitAsked = true
		}
		return nil
	case exportConfirm:
		switch msg.String() {
		case "y", "Y":
			return m.startExport(true)
		case "n", "N", "esc":
			x.stage, x.errMsg = exportAsk, ""
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Back):
		m.exp = nil
		return nil
	case msg.String() == "tab":
		x.format = dialogFormats[(slices.Index(dialogFormats, x.format)+1)%len(dialogFormats)]
		if x.edited {
			// Follow the format in the user's name too when it ends in
			// another one's extension.
			v := x.path.Value()
			for _, e := range []string{".json", ".ndjson", ".csv"} {
				if strings.HasSuffix(v, e) {
					x.path.SetValue(strings.TrimSuffix(v, e) + ext(x.format))
					x.path.CursorEnd()
					break
				}
			}
		}
		m.setDefaultPath()
		return nil
	case key.Matches(msg, k.Apply):
		if x.empty {
			return nil
		}
		if x.finding && !x.edited {
			x.errMsg = "still finding the first and last matching event for the name; type a name to go on now"
			return nil
		}
		p, err := m.resolvePath(x.path.Value())
		if err != nil {
			x.errMsg = err.Error()
			return nil
		}
		x.target = p
		if _, err := os.Stat(p); err == nil {
			x.stage, x.errMsg = exportConfirm, ""
			return nil
		}
		return m.startExport(false)
	}
	before := x.path.Value()
	var cmd tea.Cmd
	x.path, cmd = x.path.Update(msg)
	if x.path.Value() != before {
		x.edited, x.errMsg = true, ""
	}
	return cmd
}

// startExport opens the file and streams the events into it from a
// goroutine; ticks redraw the progress.
func (m *Model) startExport(overwrite bool) tea.Cmd {
	x := m.exp
	file, err := export.Create(x.target, overwrite)
	if errors.Is(err, export.ErrExists) {
		x.stage = exportConfirm // it appeared meanwhile
		return nil
	}
	if err != nil {
		x.stage, x.errMsg = exportAsk, err.Error()
		return nil
	}
	ctx, cancel := context.WithCancel(m.c.Ctx)
	x.stage, x.cancel, x.prog, x.started, x.errMsg = exportWriting, cancel, &exportProgress{}, time.Now(), ""
	src, f, from, to, format, prog := m.c.Src, x.filter, x.from, x.to, x.format, x.prog
	m.writers.Add(1)
	write := func() tea.Msg {
		defer m.writers.Done()
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
		return exportDoneMsg{exp: x, n: prog.n.Load(), path: file.Path(), err: err}
	}
	return tea.Batch(write, m.c.After(exportTick, exportTickMsg{exp: x}))
}

// exportTick is how often the progress is redrawn.
const exportTick = 100 * time.Millisecond

func (m *Model) exportUpdate(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case exportEndsMsg:
		x := msg.exp
		x.finding = false
		switch {
		case msg.err != nil:
			if m.exp == x && !x.edited {
				x.errMsg = "could not find the ends for the name: " + msg.err.Error()
			}
		case msg.empty:
			x.empty = true
		default:
			x.first, x.last = msg.first, msg.last
			if m.exp == x {
				m.setDefaultPath()
				if strings.HasPrefix(x.errMsg, "still finding") {
					x.errMsg = ""
				}
			}
		}
		return nil
	case exportTickMsg:
		if m.exp == msg.exp && msg.exp.stage == exportWriting {
			return m.c.After(exportTick, msg)
		}
		return nil
	case exportDoneMsg:
		if m.exp == msg.exp {
			m.exp = nil
		}
		switch {
		case errors.Is(msg.err, context.Canceled):
			if m.c.Ctx.Err() != nil {
				return nil
			}
			return m.toast("export cancelled: no file written", true)
		case msg.err != nil:
			return m.toast("export failed, no file written: "+msg.err.Error(), true)
		}
		return m.toast("wrote "+many(msg.n, "event")+" to "+m.shortPath(msg.path), false)
	case toastDoneMsg:
		if msg.seq == m.status.toastSeq {
			m.status.toast = ""
		}
		return nil
	}
	return nil
}

// shortPath shows a path under the start folder relative to it.
func (m *Model) shortPath(p string) string {
	if rel, err := filepath.Rel(m.dir, p); err == nil && !strings.HasPrefix(rel, "..") {
		return "./" + rel
	}
	return p
}

// many writes a count with its noun: "1 event", "12,345 events".
func many(n uint64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return numfmt.Thousands(n) + " " + word + "s"
}

// toastFor is how long a toast stays.
const toastFor = 6 * time.Second

// toast shows a passing message on the status bar's right.
func (m *Model) toast(msg string, warn bool) tea.Cmd {
	m.status.toastSeq++
	m.status.toast, m.status.toastWarn = msg, warn
	return m.c.After(toastFor, toastDoneMsg{seq: m.status.toastSeq})
}

// exportWhat says what the dialog exports, with the count when known.
func (m *Model) exportWhat() string {
	x := m.exp
	q := ""
	if x.what != "" {
		q = " matching " + cell.Safe(x.what)
	}
	if !x.whole {
		n, done, pct := m.selectionCount()
		ids := " (id " + numfmt.Thousands(x.from) + ".." + numfmt.Thousands(x.to) + ")"
		switch {
		case done:
			return many(n, "selected event") + ids + q
		case n == 0:
			return "the selected events" + ids + q + ", counting…"
		}
		return "≥" + many(n, "selected event") + ids + q + ", counting " + cell.Itoa(pct) + "%"
	}
	if x.empty {
		if x.what == "" {
			return "nothing: the table is empty"
		}
		return "nothing: no event matches " + cell.Safe(x.what)
	}
	if n, ok := m.exportTotal(); ok {
		if x.what == "" {
			return "all " + many(n, "event")
		}
		return "all " + many(n, "event") + q
	}
	if x.what == "" {
		return "all events (counting…)"
	}
	return "all events" + q + " (counting…)"
}

// exportTotal is the number of events the export will write, when known.
func (m *Model) exportTotal() (uint64, bool) {
	x := m.exp
	if !x.whole {
		n, done, _ := m.selectionCount()
		return n, done
	}
	if m.windowComplete() {
		return uint64(len(m.tl.events)), true
	}
	c, ok := m.counts[x.what]
	if ok && c.done {
		return c.stats.Matches, true
	}
	return 0, false
}

// exportBox is the dialog box.
func (m *Model) exportBox(w int) string {
	th, x := m.c.Theme, m.exp
	inner := max(20, min(w-8, 100))
	label := func(s string) string { return th.DlgLabel.Render(cell.PadRight(s, 8)) }
	var b strings.Builder
	if x.stage == exportWriting {
		b.WriteString(th.HelpTitle.Render("Writing " + cell.Safe(m.shortPath(x.target))))
		b.WriteString("\n\n")
		b.WriteString(m.progressBar(inner))
		b.WriteString("\n")
		b.WriteString(th.DlgValue.Render(cell.Fit(m.progressText(), inner, th.Ellipsis)))
		b.WriteString("\n\n")
		if x.quitAsked {
			b.WriteString(th.DlgWarn.Render(cell.Fit("Quit and drop this export? q or y: quit · any other key: keep writing", inner, th.Ellipsis)))
		} else {
			b.WriteString(th.DlgLabel.Render("esc: cancel (no file is left behind) · q: quit"))
		}
		return th.HelpBox.Render(b.String())
	}
	b.WriteString(th.HelpTitle.Render("Export"))
	b.WriteString("\n\n")
	b.WriteString(label("what") + th.DlgValue.Render(cell.Fit(m.exportWhat(), inner-8, th.Ellipsis)))
	b.WriteString("\n")
	b.WriteString(label("to") + m.pathLine(inner-8))
	b.WriteString("\n")
	// The choices keep their places; the chosen one is bracketed.
	b.WriteString(label("format"))
	for i, f := range dialogFormats {
		if i > 0 {
			b.WriteString(th.DlgLabel.Render("  ·  "))
		}
		name := map[export.Format]string{export.JSON: "JSON array", export.NDJSON: "ndjson (one event per line)", export.CSV: "CSV"}[f]
		if f == x.format {
			b.WriteString(th.HelpKey.Render("[" + name + "]"))
		} else {
			b.WriteString(th.DlgLabel.Render(" " + name + " "))
		}
	}
	b.WriteString("\n\n")
	switch {
	case x.stage == exportConfirm:
		b.WriteString(th.DlgWarn.Render(cell.Fit(cell.Safe(m.shortPath(x.target))+" exists. Overwrite it? y / n", inner, th.Ellipsis)))
	case x.errMsg != "":
		b.WriteString(th.DlgWarn.Render(cell.Fit(cell.Safe(x.errMsg), inner, th.Ellipsis)))
	case x.empty:
		b.WriteString(th.DlgWarn.Render("nothing to export · esc: close"))
	default:
		b.WriteString(th.DlgLabel.Render(cell.Fit("enter: write · tab: format · esc: cancel · files are written 0600", inner, th.Ellipsis)))
	}
	return th.HelpBox.Render(b.String())
}

// pathLine draws the path being edited with its cursor, scrolled to keep
// the cursor in view.
func (m *Model) pathLine(w int) string {
	x := m.exp
	v := []rune(x.path.Value())
	pos := min(x.path.Position(), len(v))
	start := 0
	for cell.Width(string(v[start:pos]))+1 > w && start < pos {
		start++
	}
	var b strings.Builder
	used := 0
	for i := start; i < len(v) && used < w-1; i++ {
		ch := cell.Safe(string(v[i]))
		if i == pos {
			b.WriteString(m.c.Theme.Cursor.Render(ch))
		} else {
			b.WriteString(m.c.Theme.DlgValue.Render(ch))
		}
		used += cell.Width(ch)
	}
	if pos >= len(v) {
		b.WriteString(m.c.Theme.Cursor.Render(" "))
	}
	return b.String()
}

// progress is the fraction written: by count when the total is known,
// else by how far through the id range the stream is.
func (m *Model) progress() float64 {
	x := m.exp
	n := x.prog.n.Load()
	if total, ok := m.exportTotal(); ok && total > 0 {
		return min(1, float64(n)/float64(total))
	}
	from, to := x.from, x.to
	if x.whole {
		from, to = m.lo, m.hi
	}
	last := x.prog.last.Load()
	if to <= from || last < from {
		return 0
	}
	return min(1, float64(last-from)/float64(to-from))
}

func (m *Model) progressBar(w int) string {
	p := m.progress()
	barW := max(1, w-6)
	done := int(p * float64(barW))
	return m.c.Theme.BarDone.Render(strings.Repeat("█", done)) + m.c.Theme.BarTodo.Render(strings.Repeat("░", barW-done)) +
		m.c.Theme.DlgValue.Render(fmt.Sprintf(" %3d%%", int(p*100)))
}

func (m *Model) progressText() string {
	x := m.exp
	n := x.prog.n.Load()
	el := time.Since(x.started)
	s := numfmt.Thousands(n)
	if total, ok := m.exportTotal(); ok {
		s += " of " + numfmt.Thousands(total)
	}
	s += " events"
	if secs := el.Seconds(); secs >= 0.2 {
		s += " · " + numfmt.Thousands(uint64(float64(n)/secs)) + " events/s"
	}
	return s + " · " + el.Round(100*time.Millisecond).String()
}
