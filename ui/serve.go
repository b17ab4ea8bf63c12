package ui

import "matomo-audit/ui/cell"

// served is what a session served over SSH adds: who it is, whether it
// may see table-wide totals, and how it exports. The restriction itself is
// applied by the source below the UI; the UI only leaves out what the
// source cannot hide (the table's id range it walks for counting scans).
type served struct {
	role       string
	restricted bool
	sshExport  string
}

// roleBadge is the status bar's word on who the session is, at most w
// cells (the login comes first, so a cut keeps it).
func (m *Model) roleBadge(w int) string {
	if m.srv.role == "" || w < 3 {
		return ""
	}
	th := m.c.Theme
	return th.Status.Render(" ") + th.StatusKey.Render(" "+cell.Clip(cell.Safe(m.srv.role), w-3, th.Ellipsis)+" ")
}
