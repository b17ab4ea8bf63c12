package ui

import tea "charm.land/bubbletea/v2"

// SetAccess tells a served session that who it may see has changed (a
// super user demoted in Matomo, or promoted): the badge and the hiding of
// table-wide totals follow, and nothing read under the old access stays.
type SetAccess struct {
	Role       string
	Restricted bool
	// Super is the role as read again: a demoted watcher loses the
	// watches it may no longer have.
	Super bool
}

// EndSession ends a served session (its login is gone, the server stops);
// Reason is for the caller to say after the screen is given back.
type EndSession struct{ Reason string }

// setAccess drops everything read under the old access, the window, the
// counts, whatever is open over it and what follow held back, and reads
// the window again where the cursor was. The source below already shows
// only what the new access allows.
func (m *Model) setAccess(msg SetAccess) tea.Cmd {
	m.srv.role, m.srv.restricted = msg.Role, msg.Restricted
	if m.share != nil {
		m.share.SetSuper(msg.Super)
	}
	m.srv.epoch++
	for t := m.top(); t != nil; t = m.top() {
		m.remove(t)
	}
	atNewest := m.tl.atNewest && (len(m.tl.events) == 0 || m.tl.cursor == len(m.tl.events)-1)
	var anchor uint64
	if e := m.current(); e != nil {
		anchor = e.ID
	}
	m.counts = nil
	m.sel = selection{}
	m.fol.newer, m.fol.rescue, m.fol.flash = nil, nil, nil
	m.tl.events, m.tl.cursor, m.tl.offset, m.tl.loaded = nil, 0, 0, false
	m.detail.cache = detailCache{}
	m.status.toast, m.status.note = "", "" // they may name an event
	var follow tea.Cmd
	if mode := m.fol.mode; mode != followOff {
		// A poll on its way was read under the old access; a new
		// follower makes it land on nothing.
		follow = m.startFollow()
		m.fol.mode = mode
	}
	var load tea.Cmd
	if anchor != 0 && !atNewest {
		load = m.loadAround(anchor, false)
	} else {
		load = m.loadJump(loadNewest)
	}
	return tea.Batch(load, m.loadBounds(), m.checkUsers(), follow)
}

// Ended is why a served session was ended, "" when it was not.
func (m *Model) Ended() string { return m.ended }
