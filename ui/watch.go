package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/query"
	"matomo-audit/keymap"
	"matomo-audit/serve/watch"
	"matomo-audit/ui/cell"
	"matomo-audit/ui/sessionpick"
)

// Share is a served session's place among the server's others
// (serve/watch): what it shows is published for whoever watches it, and
// it may watch another session. Whoever implements it delivers what the
// registry says to the program as Watchers, WatchState and WatchEnded
// (PumpWatch, PumpWatchers), each from a goroutine of its own, so that a
// session whose terminal stalls blocks only its own deliveries.
type Share interface {
	Publish(watch.State)
	Targets() []watch.Target
	// Watch starts watching session id, and delivering its states.
	Watch(id uint64) (*watch.Watcher, error)
	// SetSuper tells the server of a role read again from Matomo: a
	// demoted watcher loses the watches it may no longer have.
	SetSuper(bool)
}

// watching is a mirror of another session: its query, its cursor, follow
// or paused, its detail pane, applied to this session's own timeline, so
// the watcher's own size and restriction apply (state, not pixels).
type watching struct {
	w    *watch.Watcher
	name string // who is watched, safe to draw
	// want is the watched cursor: when the timeline's cursor is elsewhere
	// once loaded, that event is not one this session may see.
	want uint64
	// before is the view to go back to when watching stops; nil when the
	// session was opened to watch (ssh HOST watch alice): then stopping
	// ends it.
	before *savedView
}

type savedView struct {
	q      *query.Query
	cursor uint64
	mode   followMode
}

type (
	// Watchers is how many watch this session now.
	Watchers struct{ N int }
	// WatchState is the newest state of the session W watches.
	WatchState struct {
		W     *watch.Watcher
		State watch.State
	}
	// WatchEnded: the watch W ended for Why (the session left, the
	// access was lost).
	WatchEnded struct {
		W   *watch.Watcher
		Why string
	}
)

// PumpWatch sends w's states, then its end, until the watch ends; Stop
// ends it without a word. Run it in a goroutine of its own per watch.
func PumpWatch(w *watch.Watcher, send func(tea.Msg)) {
	for {
		select {
		case st := <-w.Updates():
			send(WatchState{w, st})
		case why, ok := <-w.Ended():
			if ok {
				send(WatchEnded{w, why})
			}
			return
		}
	}
}

// PumpWatchers sends every new count of watchers until the session has
// left the registry (the channel closes).
func PumpWatchers(ch <-chan int, send func(tea.Msg)) {
	for n := range ch {
		send(Watchers{n})
	}
}

// watchName is how the status bar names a watched session.
func watchName(t watch.Target) string {
	if t.Who.Login == "" {
		return cell.Safe("view " + t.Who.View)
	}
	return cell.Safe(t.Who.Login)
}

// openWatch is W: the sessions one may watch.
func (m *Model) openWatch() tea.Cmd {
	if m.share == nil {
		return m.toast("watching is for sessions of matomo-audit serve", true)
	}
	m.push(sessionpick.New(m.c, m.share.Targets()))
	return nil
}

// startWatch mirrors session id, keeping the view to come back to.
func (m *Model) startWatch(id uint64) tea.Cmd {
	w, err := m.share.Watch(id)
	if err != nil {
		return m.toast(err.Error(), true)
	}
	before := &savedView{q: m.query, mode: m.fol.mode}
	if e := m.current(); e != nil {
		before.cursor = e.ID
	}
	m.stopWatch()
	m.watching = &watching{w: w, name: watchName(w.Target()), before: before}
	return nil
}

// stopWatch ends the watch, if any, and leaves the timeline as it is.
func (m *Model) stopWatch() {
	if m.watching != nil {
		m.watching.w.Stop()
		m.watching = nil
	}
}

// leaveWatch is esc or q while watching: back to one's own view, or out of
// a session that was opened to watch.
func (m *Model) leaveWatch() tea.Cmd {
	before := m.watching.before
	m.stopWatch()
	if before == nil {
		return m.quit()
	}
	m.query = before.q
	m.filter = query.Compile(before.q, m.c.Now(), m.c.Loc)
	switch {
	case before.mode == following:
		return tea.Batch(m.resume(), m.maybeCount())
	case before.mode == followOff && m.fol.mode != followOff:
		m.stopFollow()
	case before.mode == followPaused:
		m.pause()
	}
	if before.cursor == 0 {
		return tea.Batch(m.loadJump(loadNewest), m.maybeCount())
	}
	return tea.Batch(m.loadAround(before.cursor, true), m.maybeCount())
}

// watchUpdate handles what the registry tells a watcher.
func (m *Model) watchUpdate(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case Watchers:
		m.watchers = msg.N
	case WatchState:
		if m.watching != nil && msg.W == m.watching.w {
			return m.mirror(msg.State)
		}
	case WatchEnded:
		if m.watching == nil || msg.W != m.watching.w {
			return nil
		}
		name := m.watching.name
		m.watching = nil
		why := "stopped watching " + name
		if msg.Why != "" {
			why += ": " + cell.Safe(msg.Why)
		}
		return m.toast(why, true)
	}
	return nil
}

// mirror applies a watched session's state to this timeline.
func (m *Model) mirror(st watch.State) tea.Cmd {
	m.watching.want = st.Cursor
	var cmds []tea.Cmd
	changed := st.Query != m.query.String()
	if changed {
		q, err := query.Parse(st.Query)
		if err != nil {
			// It was published from a parsed query; nothing to mirror.
			q = &query.Query{}
		}
		m.query = q
		m.filter = query.Compile(q, m.c.Now(), m.c.Loc)
		cmds = append(cmds, m.maybeCount())
	}
	if st.Detail != m.detail.full {
		m.detail.full, m.detail.focus = st.Detail, false
		m.relayout()
	}
	switch {
	case st.Following && m.fol.mode != following:
		cmds = append(cmds, m.resume())
	case st.Following && changed:
		cmds = append(cmds, m.loadJump(loadNewest))
	case st.Following:
	case st.Cursor == 0:
		m.pause()
		cmds = append(cmds, m.loadJump(loadNewest))
	default:
		m.pause()
		if e := m.current(); changed || e == nil || e.ID != st.Cursor {
			cmds = append(cmds, m.loadAround(st.Cursor, true))
		}
	}
	return tea.Batch(cmds...)
}

// watchKey is a key while watching: esc and q stop, f takes the view over
// to drive it, help and the copies work as ever, and anything else would
// only be undone by the next state, so it says how to take over instead.
// handled is false for the keys the timeline handles as usual.
func (m *Model) watchKey(msg tea.KeyPressMsg) (cmd tea.Cmd, handled bool) {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Quit):
		return m.leaveWatch(), true
	case key.Matches(msg, k.Follow):
		name := m.watching.name
		m.stopWatch()
		return m.toast("took over "+name+"'s view: it is yours to drive", false), true
	case key.Matches(msg, k.Help), key.Matches(msg, k.Copy), key.Matches(msg, k.CopyLine), key.Matches(msg, k.CopyView),
		key.Matches(msg, k.Mark), key.Matches(msg, k.Marks):
		return nil, false
	}
	var says []string
	for _, b := range m.watchHelp()[:2] {
		says = append(says, b.Help().Key+" "+b.Help().Desc)
	}
	return m.toast("watching "+m.watching.name+": "+strings.Join(says, " · "), false), true
}

// watchHelp is the hint line while watching.
func (m *Model) watchHelp() []key.Binding {
	k := m.c.Keys
	// ctrl+c still quits (ForceQuit); q stops watching like esc.
	var quit []string
	for _, q := range k.Quit.Keys() {
		if !slices.Contains(k.ForceQuit.Keys(), q) {
			quit = append(quit, q)
		}
	}
	stop := key.NewBinding(key.WithKeys(append(slices.Clone(k.Back.Keys()), quit...)...), key.WithHelp(strings.Join(append([]string{k.Back.Help().Key}, quit...), "/"), "stop watching"))
	return []key.Binding{stop, keymap.Relabel(k.Follow, "take over"), k.CopyView, k.Help}
}

// publish tells whoever watches this session what it shows now, when
// that changed.
func (m *Model) publish() {
	if m.share == nil {
		return
	}
	st := watch.State{Query: m.query.String(), Following: m.fol.mode == following, Detail: m.detail.full}
	if e := m.current(); e != nil {
		st.Cursor = e.ID
	}
	if st != m.published {
		m.published = st
		m.share.Publish(st)
	}
}

// watchNote is the status bar's word while watching: whose view, and,
// when the watched cursor is on an event this session may not see, that
// there is nothing to see there.
func (m *Model) watchNote() string {
	w := m.watching
	if w == nil {
		return ""
	}
	note := "WATCHING " + w.name
	if e := m.current(); w.want != 0 && !m.tl.jumping && m.tl.loaded && (e == nil || e.ID != w.want) && m.fol.mode != following {
		note += " · nothing you may see here"
	}
	return note
}
