package ui

import (
	"strconv"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/internal/shellword"
	"matomo-audit/ui/cell"
	"matomo-audit/ui/sshexport"
)

// served is what a session served over SSH adds: who it is, whether it
// may see table-wide totals, and how it exports. The restriction itself is
// applied by the source below the UI; the UI only leaves out what the
// source cannot hide (the table's id range it walks for counting scans).
type served struct {
	role       string
	restricted bool
	ssh        string // Options.SSH
	// epoch is bumped by every change of access: counts on their way were
	// read under the access before and are dropped when they land.
	epoch int
}

// roleBadge is the status bar's word on who the session is, at most w
// cells (the login comes first, so a cut keeps it).
func (m *Model) roleBadge(w int) string {
	if m.srv.role == "" || w < 3 {
		return ""
	}
	th := m.c.Theme
	role := cell.Safe(m.srv.role)
	if m.watchers > 0 {
		// Said after the role: a cut keeps the login first.
		role += " · " + strconv.Itoa(m.watchers) + " watching"
	}
	return th.Status.Render(" ") + th.StatusKey.Render(" "+cell.Clip(role, w-3, th.Ellipsis)+" ")
}

// sshExportCommand is the headless export of what e would export here:
// the query, and the selection's ids when there is one.
func (m *Model) sshExportCommand() string {
	words := []string{"export"}
	if q := m.query.String(); q != "" {
		words = append(words, "-q", q)
	}
	if lo, hi, ok := m.span(); ok {
		words = append(words, "--from-id", cell.Itoa(lo), "--to-id", cell.Itoa(hi))
	}
	return shellword.Remote(m.srv.ssh, append(words, "--format", "ndjson")...) + " > events.ndjson"
}

// openSSHExport is e in a served session: a file written from here would
// be on the server, so say how to export from the client's side instead.
func (m *Model) openSSHExport() tea.Cmd {
	m.push(sshexport.New(m.c, cell.Safe(m.sshExportCommand())))
	return nil
}
