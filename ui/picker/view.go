package picker

import (
	"strings"

	"matomo-audit/internal/numfmt"
	"matomo-audit/ui/cell"
)

// View is the picker's box, centred in the body.
func (m *Model) View() string {
	th := &m.c.Theme
	w, h := m.w, m.h
	bw := min(w, max(60, w*3/4))
	inner := bw - 4
	title := "Users"
	if m.kind == Types {
		title = "Types"
	}
	mode := "include"
	if m.exclude {
		mode = "exclude (counts: what each takes out)"
	}
	status := ""
	switch {
	case m.stats.Err != "":
		status = "counting failed: " + m.stats.Err
	case m.stats.Done:
		status = "counts under " + orAll(m.Facet().String())
	default:
		status = "counting under " + orAll(m.Facet().String()) + "…"
	}
	if len(m.others) > 0 {
		status += " · applying also replaces " + strings.Join(m.others, " ")
	}
	var lines []string
	lines = append(lines, th.HelpTitle.Render(cell.Clip(title+" · "+mode+" · "+cell.Itoa(uint64(len(m.selected)))+" selected", inner, th.Ellipsis)))
	lines = append(lines, th.HelpDesc.Render(cell.Clip(cell.Safe(status), inner, th.Ellipsis)))
	search := "search: " + m.input.Value()
	lines = append(lines, th.HelpKey.Render(cell.Clip(cell.Safe(search), inner-1, th.Ellipsis))+th.Cursor.Render(" "))
	listH := max(1, h-2-len(lines)-2)
	// The list scrolls only as far as keeps the cursor in sight.
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+listH {
		m.offset = m.cursor - listH + 1
	}
	for i := m.offset; i < len(m.shown) && i < m.offset+listH; i++ {
		lines = append(lines, m.row(i, inner))
	}
	if len(m.shown) == 0 {
		lines = append(lines, th.Empty.Render(cell.Fit("nothing matches", inner, "")))
	}
	for len(lines) < 3+listH {
		lines = append(lines, strings.Repeat(" ", inner))
	}
	lines = append(lines, th.HelpDesc.Render(cell.Fit(m.c.HelpLine(m.c.Keys.PickerHelp()), inner, th.Ellipsis)))
	box := th.HelpBox.Render(strings.Join(lines, "\n"))
	return strings.Join(cell.PlaceBox(box, w, h), "\n")
}

// row is the i-th entry shown, inner cells wide.
func (m *Model) row(i, inner int) string {
	th := &m.c.Theme
	it := m.items[m.shown[i]]
	box := "[ ] "
	if m.selected[it.Key] {
		box = "[x] "
	}
	indent := ""
	if m.kind == Types && !it.Header {
		indent = "  "
	}
	cnt := "no events"
	if it.Count.Count > 0 {
		cnt = numfmt.Thousands(it.Count.Count) + " · last " + it.Count.Last.In(m.c.Loc).Format("2006-01-02 15:04")
	}
	name := cell.Clip(it.Label, inner/2, th.Ellipsis) + it.Mark
	if it.Note != "" {
		name += " (" + it.Note + ")"
	}
	left := cell.Fit(box+indent+name, inner-cell.Width(cnt)-1, th.Ellipsis)
	line := left + " " + cnt
	switch {
	case i == m.cursor:
		return th.Cursor.Render(cell.Fit(line, inner, ""))
	case it.Header:
		return th.HelpKey.Render(cell.Fit(line, inner, ""))
	}
	return th.HelpDesc.Render(cell.Fit(line, inner, ""))
}

func orAll(q string) string {
	if q == "" {
		return "all events"
	}
	return cell.Safe(q)
}
