package summaryview

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"matomo-audit/data/summary"
	"matomo-audit/internal/numfmt"
	"matomo-audit/ui/cell"
)

// View is the screen's body: exactly its height in lines of its width.
func (m *Model) View() string { return strings.Join(m.view(m.w, m.h), "\n") }

func (m *Model) view(w, h int) []string {
	th := m.c.Theme
	out := make([]string, 0, h)
	if m.rep == nil {
		out = append(out, m.title(nil, w), "")
		msg := "  computing…"
		if m.run != nil {
			msg = "  " + m.Busy()
		}
		out = append(out, th.Empty.Render(cell.Fit(msg, w, th.Ellipsis)))
		return cell.Lines(out, w, h)
	}
	top := topLines(h)
	out = append(out, m.title(m.rep, w))
	if top >= 2 {
		spark, peak := m.spark(m.rep, w)
		out = append(out, spark)
		if top >= 4 {
			out = append(out, peak, "")
		}
	}
	lines := m.lines()
	sel := selectable(lines)
	cur := -1
	if len(sel) > 0 {
		cur = sel[min(m.cursor, len(sel)-1)]
	}
	rows := scrollRows(h-len(out), len(lines))
	offset := min(max(m.offset, 0), max(0, len(lines)-rows))
	for i := offset; i < len(lines) && i < offset+rows; i++ {
		l := lines[i]
		if i == cur {
			out = append(out, th.Cursor.Render(cell.Fit(th.MarkCursor+l.plain[1:], w, th.Ellipsis)))
			continue
		}
		out = append(out, cell.PadRight(cell.ClipStyled(l.styled, w), w))
	}
	if more := len(lines) - offset - rows; more > 0 && len(out) < h {
		note := fmt.Sprintf("  ↓ %d more lines (%s)", more, m.c.Keys.ScrollKeys())
		out = append(out, th.SumDim.Render(cell.Fit(note, w, th.Ellipsis)))
	}
	return cell.Lines(out, w, h)
}

// progress says how far the run has read.
func (m *Model) progress() string {
	p := m.run.progress.Load()
	name := cell.Safe(m.inForce().Name)
	switch {
	case p == nil:
		return "summary " + name + ": finding the window…"
	case p.Privileges:
		return "summary " + name + ": window read; checking privileges against the log's grants…"
	case p.Hidden:
		// How far through the table's ids would tell how much others did.
		return fmt.Sprintf("summary %s: reading… %s so far", name, numfmt.Many(p.Events, "event"))
	case p.Total == 0:
		return "summary " + name + ": finding the window…"
	}
	return fmt.Sprintf("summary %s: reading ids %s of %s (%d%%)", name, numfmt.Short(p.Done), numfmt.Short(p.Total), p.Done*100/p.Total)
}

// windowName is how the title says the window.
func windowName(name, source string) string {
	switch {
	case source == summary.FromQuery:
		return "window from the query"
	case name == "all":
		return "all time"
	}
	return "last " + name
}

// title: the window, the filter, the total and the period on the left;
// the windows [ and ] step through on the right, the one in force
// bracketed, when there is room for both.
func (m *Model) title(r *summary.Report, w int) string {
	th := m.c.Theme
	q, win := m.query().String(), m.inForce()
	source := summary.FromOption
	if m.window.Name == "" {
		source = summary.FromQuery
	}
	if r != nil {
		q, win.Name, source = r.Query, r.Window, r.WindowSource
	}
	filter := "all events"
	if q != "" {
		filter = cell.Safe(q)
	}
	left := " Summary · " + windowName(win.Name, source) + " · " + filter
	if r != nil {
		left += " · " + numfmt.Many(r.Total, "event")
		if !r.Since.IsZero() {
			left += " · " + m.shortTime(r.Since) + " – " + m.shortTime(r.Until) + " " + m.c.Zone()
		}
	}
	var right strings.Builder
	rw := 1
	right.WriteString(th.SumDim.Render(" "))
	for _, l := range ladder(m.inForce()) {
		if l.inForce {
			right.WriteString(th.SumWindow.Render("[" + l.name + "]"))
		} else {
			right.WriteString(th.SumDim.Render(" " + l.name + " "))
		}
		rw += cell.Width(l.name) + 2
	}
	right.WriteString(th.SumDim.Render(" "))
	rw++
	if w-rw < cell.Width(left) {
		return th.SumTitle.Render(cell.Fit(left, w, th.Ellipsis))
	}
	return th.SumTitle.Render(cell.Fit(left, w-rw, th.Ellipsis)) + right.String()
}

type rung struct {
	name    string
	inForce bool
}

// ladder is the usual windows with the one in force marked; a window
// between them (a query's since:2d) is put in its place by its span.
func ladder(cur summary.Window) []rung {
	var out []rung
	placed := false
	for _, w := range summary.Windows {
		same := w.Span == cur.Span
		if !placed && !same && (w.Span == 0 || cur.Span != 0 && w.Span > cur.Span) {
			out = append(out, rung{numfmt.Duration(max(cur.Span, 0)), true})
			placed = true
		}
		out = append(out, rung{w.Name, same})
		placed = placed || same
	}
	return out
}

// shortTime is a time in the display zone without seconds.
func (m *Model) shortTime(t time.Time) string {
	if t.IsZero() {
		return "(no time)"
	}
	return t.In(m.c.Loc).Format("01-02 15:04")
}

// spark is the activity over the window, and below it the peak: a mark
// under its bar (a character, so it survives NO_COLOR) with its time and
// count.
func (m *Model) spark(r *summary.Report, w int) (string, string) {
	th := m.c.Theme
	buckets := r.Buckets
	if r.BucketWidth > 0 && r.Until.After(r.Since) {
		// Whole minutes leave the last bars after the window's end: they
		// would read as a quiet stretch that has not happened yet.
		n := int((r.Until.Sub(r.Since) + r.BucketWidth - 1) / r.BucketWidth)
		buckets = buckets[:min(max(n, r.Peak+1, 1), len(buckets))]
	}
	cells := max(1, min(len(buckets), w-2))
	vals, peakCell := resample(buckets, cells, r.Peak)
	var b strings.Builder
	b.WriteString(" ")
	top := slices.Max(vals)
	for i, v := range vals {
		bar := summary.Bar(v, top)
		if i == peakCell {
			b.WriteString(th.SparkPeak.Render(bar))
		} else {
			b.WriteString(th.Spark.Render(bar))
		}
	}
	spark := cell.PadRight(b.String(), w)
	if r.Peak < 0 || peakCell < 0 {
		return spark, th.SumDim.Render(cell.Fit("  no events in this window", w, th.Ellipsis))
	}
	at := r.Since.Add(time.Duration(r.Peak) * r.BucketWidth)
	note := fmt.Sprintf("peak %s in %s from %s", numfmt.Many(r.Buckets[r.Peak], "event"), numfmt.Duration(r.BucketWidth), m.shortTime(at))
	pos := 1 + peakCell
	var line string
	if pos+2+cell.Width(note) <= w || pos < cell.Width(note)+2 {
		line = strings.Repeat(" ", pos) + th.SparkPeak.Render(th.MarkPeak) + th.SumDim.Render(cell.Clip(" "+note, max(0, w-pos-1), th.Ellipsis))
	} else {
		line = th.SumDim.Render(cell.Fit(note+" ", pos, th.Ellipsis)) + th.SparkPeak.Render(th.MarkPeak)
	}
	return spark, cell.PadRight(line, w)
}

// resample merges buckets into cells sums and says which cell holds the
// peak bucket (-1 when none).
func resample(b []uint64, cells, peak int) ([]uint64, int) {
	if len(b) == 0 {
		return nil, -1
	}
	cells = min(cells, len(b))
	out := make([]uint64, cells)
	cellOf := -1
	for i, v := range b {
		c := i * cells / len(b)
		out[c] += v
		if i == peak {
			cellOf = c
		}
	}
	return out, cellOf
}
