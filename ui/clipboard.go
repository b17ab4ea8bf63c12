package ui

import (
	"encoding/base64"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/export"
	"matomo-audit/data/query"
	"matomo-audit/internal/numfmt"
	"matomo-audit/internal/shellword"
	"matomo-audit/ui/cell"
)

// clipboardMax is the most a clipboard write may carry, in base64 bytes:
// terminals drop or truncate longer OSC 52 sequences (100,000 is the
// limit several common ones and tmux's defaults work with).
const clipboardMax = 100_000

// osc52 is the escape sequence that asks the terminal to put data on the
// clipboard. Inside tmux it is sent twice: as is, which tmux takes when
// set-clipboard is on, and wrapped in tmux's passthrough (ESC doubled),
// which reaches the outer terminal when allow-passthrough is on.
func osc52(data []byte, tmux bool) string {
	seq := "\x1b]52;c;" + base64.StdEncoding.EncodeToString(data) + "\a"
	if !tmux {
		return seq
	}
	return seq + "\x1bPtmux;" + strings.ReplaceAll(seq, "\x1b", "\x1b\x1b") + "\x1b\\"
}

// copyEvent is y: the cursor event as indented JSON (the export shape).
func (m *Model) copyEvent() tea.Cmd {
	if m.c.NoExport {
		return m.refuseExport()
	}
	e := m.current()
	if e == nil {
		return nil
	}
	data := export.Pretty(e)
	if base64.StdEncoding.EncodedLen(len(data)) > clipboardMax {
		return m.toast("event #"+numfmt.Thousands(e.ID)+" is "+size(len(data))+" as JSON, more than a terminal clipboard takes ("+
			size(clipboardMax*3/4)+"): export it with "+m.exportKeys(), true)
	}
	return tea.Batch(tea.Raw(osc52(data, m.inTmux)),
		m.toast("copied event #"+numfmt.Thousands(e.ID)+" as JSON ("+size(len(data))+") to the clipboard", false))
}

// copyLine is Y: the cursor event's line as the timeline reads it, whole:
// time with its zone, user (with its mark), what happened, address and
// country; control characters escaped as on the screen, so pasting it
// into a terminal or a chat is harmless.
func (m *Model) copyLine() tea.Cmd {
	if m.c.NoExport {
		return m.refuseExport()
	}
	e := m.current()
	if e == nil {
		return nil
	}
	line := m.lineText(e)
	if base64.StdEncoding.EncodedLen(len(line)) > clipboardMax {
		return m.toast("the line is too long for a terminal clipboard: export the event with "+m.exportKeys(), true)
	}
	return tea.Batch(tea.Raw(osc52([]byte(line), m.inTmux)),
		m.toast("copied the line of event #"+numfmt.Thousands(e.ID)+" to the clipboard", false))
}

// lineText is an event's timeline line, uncut, columns two spaces apart.
func (m *Model) lineText(e *activity.Event) string {
	ts := "(no valid time)"
	if !e.Time.IsZero() {
		ts = e.Time.In(m.c.Loc).Format("2006-01-02 15:04:05 MST")
	}
	user := cell.Safe(e.Login)
	switch {
	case e.User.Kind.Pseudo():
		user += m.c.Theme.MarkPseudo
	case e.User.Kind == activity.UserGone:
		user += m.c.Theme.MarkGone
	}
	parts := []string{ts, user, cell.Safe(e.Description)}
	if ip := e.IPText(); ip != "" {
		parts = append(parts, ip)
	}
	if e.Country != "" {
		parts = append(parts, cell.Safe(e.Country))
	}
	return strings.Join(parts, "  ")
}

// size writes a byte count as B, KB or MB.
func size(n int) string {
	switch {
	case n >= 1<<20:
		return cell.Itoa(uint64(n)>>20) + "." + cell.Itoa(uint64(n)*10>>20%10) + " MB"
	case n >= 1<<10:
		return cell.Itoa(uint64(n)>>10) + " KB"
	}
	return cell.Itoa(uint64(n)) + " B"
}

// copyText puts data on the clipboard for a component.
func (m *Model) copyText(data []byte, said, tooLong string) tea.Cmd {
	if m.c.NoExport {
		return m.refuseExport()
	}
	if base64.StdEncoding.EncodedLen(len(data)) > clipboardMax {
		return m.toast(tooLong, true)
	}
	return tea.Batch(tea.Raw(osc52(data, m.inTmux)), m.toast(said, false))
}

// exportKeys says how to export the cursor event: select it, then export.
func (m *Model) exportKeys() string {
	return m.c.Keys.Range.Help().Key + " and " + m.c.Keys.Export.Help().Key
}

// ViewArgs are the arguments that open a view: the query in force and the
// cursor event (0 for none).
func ViewArgs(q *query.Query, cursor uint64) []string {
	var args []string
	if s := q.String(); s != "" {
		args = append(args, "-q", s)
	}
	if cursor != 0 {
		args = append(args, "--at", strconv.FormatUint(cursor, 10))
	}
	return args
}

// viewLine is L's command line, quoted for a POSIX shell so that it can
// go into the incident chat and be pasted back as it is: the local binary
// with its source's flags, or, served, the ssh command with a terminal.
func (m *Model) viewLine(cursor uint64) string {
	args := ViewArgs(m.query, cursor)
	if m.srv.ssh != "" {
		return shellword.Remote(strings.Replace(m.srv.ssh, "ssh ", "ssh -t ", 1), args...)
	}
	if len(args) == 0 {
		return m.viewCommand
	}
	return m.viewCommand + " " + shellword.Join(args...)
}

// copyView is L: the command line that opens what this screen shows, so
// a colleague lands on the same query and the same event.
func (m *Model) copyView() tea.Cmd {
	if m.c.NoExport {
		return m.refuseExport()
	}
	var cursor uint64
	if e := m.current(); e != nil {
		cursor = e.ID
	}
	line := m.viewLine(cursor)
	if base64.StdEncoding.EncodedLen(len(line)) > clipboardMax {
		return m.toast("the query is too long for a terminal clipboard", true)
	}
	return tea.Batch(tea.Raw(osc52([]byte(line), m.inTmux)), m.toast("copied: "+cell.Safe(line), false))
}
