package exportdlg

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"

	"matomo-audit/data/export"
	"matomo-audit/internal/numfmt"
	"matomo-audit/keymap"
	"matomo-audit/ui/cell"
	"matomo-audit/ui/common"
)

func formatName(f export.Format) string {
	switch f {
	case export.NDJSON:
		return "ndjson (one event per line)"
	case export.CSV:
		return "CSV"
	}
	return "JSON array"
}

// View is the dialog box; the root places it over the body.
func (m *Model) View() string {
	th := &m.c.Theme
	k := m.c.Keys
	inner := max(20, min(m.w-8, 100))
	label := func(s string) string { return th.DlgLabel.Render(cell.PadRight(s, 8)) }
	var b strings.Builder
	if m.stage == writing {
		b.WriteString(th.HelpTitle.Render("Writing " + cell.Safe(ShortPath(m.o.Dir, m.target))))
		b.WriteString("\n\n")
		b.WriteString(m.progressBar(inner))
		b.WriteString("\n")
		b.WriteString(th.DlgValue.Render(cell.Fit(m.progressText(), inner, th.Ellipsis)))
		b.WriteString("\n\n")
		if m.quitAsked {
			q := common.InlineHint([]key.Binding{m.quitOrYes(" or ", "quit"), keymap.Relabel(k.Deny, "keep writing")})
			b.WriteString(th.DlgWarn.Render(cell.Fit("Quit and drop this export? "+q, inner, th.Ellipsis)))
		} else {
			b.WriteString(th.DlgLabel.Render(common.InlineHint([]key.Binding{keymap.Relabel(k.Back, "cancel (no file is left behind)"), m.quitKey("quit")})))
		}
		return th.HelpBox.Render(b.String())
	}
	b.WriteString(th.HelpTitle.Render("Export"))
	b.WriteString("\n\n")
	b.WriteString(label("what") + th.DlgValue.Render(cell.Fit(m.what(), inner-8, th.Ellipsis)))
	b.WriteString("\n")
	b.WriteString(label("to") + m.pathLine(inner-8))
	b.WriteString("\n")
	// The choices keep their places; the chosen one is bracketed.
	b.WriteString(label("format"))
	for i, f := range formats() {
		if i > 0 {
			b.WriteString(th.DlgLabel.Render("  ·  "))
		}
		if name := formatName(f); f == m.format {
			b.WriteString(th.HelpKey.Render("[" + name + "]"))
		} else {
			b.WriteString(th.DlgLabel.Render(" " + name + " "))
		}
	}
	b.WriteString("\n\n")
	switch {
	case m.stage == confirming:
		q := " exists. Overwrite it? " + first(k.Confirm) + " / " + first(k.Deny)
		b.WriteString(th.DlgWarn.Render(cell.Fit(cell.Safe(ShortPath(m.o.Dir, m.target))+q, inner, th.Ellipsis)))
	case m.errMsg != "":
		b.WriteString(th.DlgWarn.Render(cell.Fit(cell.Safe(m.errMsg), inner, th.Ellipsis)))
	case m.empty:
		b.WriteString(th.DlgWarn.Render("nothing to export · " + common.InlineHint([]key.Binding{keymap.Relabel(k.Back, "close")})))
	default:
		h := common.InlineHint([]key.Binding{keymap.Relabel(k.Apply, "write"), k.Format, keymap.Relabel(k.Back, "cancel")})
		b.WriteString(th.DlgLabel.Render(cell.Fit(h+" · files are written 0600", inner, th.Ellipsis)))
	}
	return th.HelpBox.Render(b.String())
}

// first is a binding's first key, for a question answered in one letter.
func first(b key.Binding) string {
	if keys := b.Keys(); len(keys) > 0 {
		return keys[0]
	}
	return ""
}

// what says what the dialog exports, with the count when known.
func (m *Model) what() string {
	q := ""
	if m.o.Query != "" {
		q = " matching " + cell.Safe(m.o.Query)
	}
	if !m.o.Whole {
		n, done, pct := m.count.N, m.count.Done, m.count.Pct
		ids := " (id " + numfmt.Thousands(m.o.From) + ".." + numfmt.Thousands(m.o.To) + ")"
		switch {
		case done:
			return numfmt.Many(n, "selected event") + ids + q
		case n == 0:
			return "the selected events" + ids + q + ", counting…"
		case m.count.NoRange:
			return "≥" + numfmt.Many(n, "selected event") + ids + q + ", counting…"
		}
		return "≥" + numfmt.Many(n, "selected event") + ids + q + ", counting " + cell.Itoa(pct) + "%"
	}
	if m.empty {
		if m.o.Query == "" {
			return "nothing: the table is empty"
		}
		return "nothing: no event matches " + cell.Safe(m.o.Query)
	}
	if n, ok := m.total(); ok {
		return "all " + numfmt.Many(n, "event") + q
	}
	if m.o.Query == "" {
		return "all events (counting…)"
	}
	return "all events" + q + " (counting…)"
}

// pathLine draws the path being edited with its cursor, scrolled to keep
// the cursor in view.
func (m *Model) pathLine(w int) string {
	th := &m.c.Theme
	v := []rune(m.path.Value())
	pos := min(m.path.Position(), len(v))
	start := 0
	for cell.Width(string(v[start:pos]))+1 > w && start < pos {
		start++
	}
	var b strings.Builder
	used := 0
	for i := start; i < len(v) && used < w-1; i++ {
		ch := cell.Safe(string(v[i]))
		if i == pos {
			b.WriteString(th.Cursor.Render(ch))
		} else {
			b.WriteString(th.DlgValue.Render(ch))
		}
		used += cell.Width(ch)
	}
	if pos >= len(v) {
		b.WriteString(th.Cursor.Render(" "))
	}
	return b.String()
}

func (m *Model) progressBar(w int) string {
	th := &m.c.Theme
	p, known := m.fraction()
	barW := max(1, w-6)
	if !known {
		// A block sweeping to and fro: work going on, of no known size.
		blockW := max(1, barW/5)
		travel := max(1, barW-blockW)
		at := int(time.Since(m.started)/tick) % (2 * travel)
		if at > travel {
			at = 2*travel - at
		}
		return th.BarTodo.Render(strings.Repeat("░", at)) + th.BarDone.Render(strings.Repeat("█", blockW)) +
			th.BarTodo.Render(strings.Repeat("░", barW-blockW-at)) + th.DlgValue.Render("     ")
	}
	done := int(p * float64(barW))
	return th.BarDone.Render(strings.Repeat("█", done)) + th.BarTodo.Render(strings.Repeat("░", barW-done)) +
		th.DlgValue.Render(fmt.Sprintf(" %3d%%", int(p*100)))
}

func (m *Model) progressText() string {
	n := m.prog.n.Load()
	el := time.Since(m.started)
	s := numfmt.Thousands(n)
	if total, ok := m.total(); ok {
		s += " of " + numfmt.Thousands(total)
	}
	s += " events"
	if secs := el.Seconds(); secs >= 0.2 {
		s += " · " + numfmt.Thousands(uint64(float64(n)/secs)) + " events/s"
	}
	return s + " · " + el.Round(100*time.Millisecond).String()
}
