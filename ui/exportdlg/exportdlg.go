// Package exportdlg is the export dialog (e): what is exported, where, in
// which format, and then the progress of writing it. It writes from a
// goroutine of its own and hands back Done when the file is written, or
// when no file is.
package exportdlg

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/export"
	"matomo-audit/data/query"
	"matomo-audit/keymap"
	"matomo-audit/ui/common"
)

// Options are what the dialog exports and where it writes.
type Options struct {
	Filter *query.Filter
	Query  string // as typed, for the dialog; "" for every event
	// Whole: everything the query matches; else the selection From..To,
	// whose first and last events are at First and Last.
	Whole       bool
	From, To    uint64
	First, Last time.Time
	// EndsKnown: for a whole export, the root's window holds every match,
	// the first at First and the last at Last (Empty when none match), so
	// they need not be looked up for the default name.
	EndsKnown, Empty bool
	// Dir is the folder the tool was started in: relative paths start
	// there, and paths under it are shown relative to it.
	Dir string
	// Writers is waited for before the program exits, so a file being
	// written removes its temporary file first.
	Writers *sync.WaitGroup
}

// Count is how many events the export writes, as far as the root knows:
// it sends one whenever it may have changed.
type Count struct {
	N    uint64
	Done bool   // N is exact; else a lower bound
	Pct  uint64 // how far counting the selection has come
	// Lo and Hi are the table's id range: while the total is unknown, the
	// progress of a whole export is how far through them the writer is.
	Lo, Hi uint64
	// NoRange: how far through ids the counting or writing is may not be
	// shown (a restricted session, where the ids are mostly other logins'
	// rows); progress is then indeterminate until the total is known.
	NoRange bool
}

// Done: writing ended, with N events in the file at Path, or no file
// (Err, context.Canceled when the user cancelled).
type Done struct {
	N    uint64
	Path string
	Err  error
}

type stage uint8

const (
	asking     stage = iota // path and format
	confirming              // the file exists: overwrite?
	writing
)

// Model is the dialog.
type Model struct {
	c *common.Common
	o Options
	w int

	stage stage
	count Count
	// The ends' times name the default file.
	first, last time.Time
	finding     bool
	empty       bool // nothing matches: nothing to export

	path   textinput.Model
	edited bool // the path is the user's, not the default
	format export.Format
	errMsg string

	cancel  context.CancelFunc
	prog    *progress
	started time.Time
	target  string
	// quitAsked: quit was pressed while writing; quit or yes again quits
	// and drops the file, anything else keeps writing.
	quitAsked bool
}

// New is the dialog for o; Init starts it.
func New(c *common.Common, o Options) *Model {
	m := &Model{c: c, o: o, format: export.JSON, first: o.First, last: o.Last}
	m.path = c.NewInput()
	if o.Whole && o.EndsKnown {
		m.empty = o.Empty
	}
	m.setDefaultPath()
	return m
}

// Init focuses the path and, for a whole export the window does not
// hold, looks up its ends for the default name.
func (m *Model) Init() tea.Cmd {
	var find tea.Cmd
	if m.o.Whole && !m.o.EndsKnown {
		m.finding = true
		find = m.findEnds()
	}
	return tea.Batch(find, m.path.Focus())
}

// Place: a box over the timeline, so the selection being exported stays
// in sight around it.
func (m *Model) Place() common.Placement { return common.Box }

// SetSize: the box is sized from the screen's width.
func (m *Model) SetSize(w, _ int) { m.w = w }

// TakesText in every stage: the path is typed, q while writing asks
// first, and a question is answered by its own keys only.
func (m *Model) TakesText() bool { return true }

// Whole: the export is everything the query matches.
func (m *Model) Whole() bool { return m.o.Whole }

// Query is the query exported, as typed.
func (m *Model) Query() string { return m.o.Query }

// Asking: the path and format are still being chosen.
func (m *Model) Asking() bool { return m.stage == asking }

// Path is the path as typed.
func (m *Model) Path() string { return m.path.Value() }

// QuitAsked: quitting was asked for while writing, and waits for a yes.
func (m *Model) QuitAsked() bool { return m.quitAsked }

// quitKey is Quit without the keys ForceQuit has: those quit at once,
// never asking.
func (m *Model) quitKey(desc string) key.Binding {
	k := m.c.Keys
	var keys []string
	for _, s := range k.Quit.Keys() {
		if !slices.Contains(k.ForceQuit.Keys(), s) {
			keys = append(keys, s)
		}
	}
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(strings.Join(keys, "/"), desc))
}

// quitOrYes answers the question asked after quit while writing.
func (m *Model) quitOrYes(sep, desc string) key.Binding {
	q, y := m.quitKey(desc), m.c.Keys.Confirm
	return key.NewBinding(key.WithKeys(append(q.Keys(), y.Keys()...)...), key.WithHelp(q.Help().Key+sep+y.Help().Key, desc))
}

// ShortHelp is the hint under the box, for the stage it is in.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch {
	case m.stage == writing && m.quitAsked:
		return []key.Binding{m.quitOrYes("/", "quit and drop the export"), keymap.Relabel(k.Deny, "keep writing")}
	case m.stage == writing:
		return []key.Binding{keymap.Relabel(k.Back, "cancel the export"), m.quitKey("quit (asks first)"), keymap.Relabel(k.ForceQuit, "cancel and quit")}
	case m.stage == confirming:
		return []key.Binding{keymap.Relabel(k.Confirm, "overwrite"), keymap.Relabel(k.Deny, "choose another name")}
	}
	return []key.Binding{keymap.Relabel(k.Apply, "write"), keymap.Relabel(k.Format, "JSON array / ndjson / CSV"), k.EditPath(), keymap.Relabel(k.Back, "cancel")}
}

// FullHelp is the stage's keys.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Update handles keys, pastes, the count and the writer's progress.
func (m *Model) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	switch msg := msg.(type) {
	case Count:
		m.count = msg
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.PasteMsg:
		if m.stage != asking {
			return nil, nil
		}
		var cmd tea.Cmd
		m.path, cmd = m.path.Update(msg)
		m.edited, m.errMsg = true, ""
		return nil, cmd
	case endsMsg:
		if msg.m == m {
			m.applyEnds(msg)
		}
	case tickMsg:
		if msg.m == m && m.stage == writing {
			return nil, m.c.After(tick, msg)
		}
	case doneMsg:
		if msg.m == m {
			return Done{N: msg.n, Path: msg.path, Err: msg.err}, nil
		}
	}
	return nil, nil
}

func (m *Model) key(msg tea.KeyPressMsg) (tea.Msg, tea.Cmd) {
	k := m.c.Keys
	switch m.stage {
	case writing:
		switch {
		case m.quitAsked && key.Matches(msg, k.Quit, k.Confirm):
			m.cancel()
			return common.Quit{}, nil
		case m.quitAsked:
			m.quitAsked = false
		case key.Matches(msg, k.Back):
			m.cancel()
		case key.Matches(msg, k.Quit):
			// A long export is easy to lose by habit: ask first.
			m.quitAsked = true
		}
		return nil, nil
	case confirming:
		switch {
		case key.Matches(msg, k.Confirm):
			return nil, m.start(true)
		case key.Matches(msg, k.Deny):
			m.stage, m.errMsg = asking, ""
		}
		return nil, nil
	}
	switch {
	case key.Matches(msg, k.Back):
		return common.Close{}, nil
	case key.Matches(msg, k.Format):
		m.nextFormat()
		return nil, nil
	case key.Matches(msg, k.Apply):
		return nil, m.apply()
	}
	before := m.path.Value()
	var cmd tea.Cmd
	m.path, cmd = m.path.Update(msg)
	if m.path.Value() != before {
		m.edited, m.errMsg = true, ""
	}
	return nil, cmd
}

func (m *Model) nextFormat() {
	fs := formats()
	m.format = fs[(slices.Index(fs, m.format)+1)%len(fs)]
	if m.edited {
		// Follow the format in the user's name too when it ends in
		// another one's extension.
		v := m.path.Value()
		for _, f := range fs {
			if e := ext(f); strings.HasSuffix(v, e) {
				m.path.SetValue(strings.TrimSuffix(v, e) + ext(m.format))
				m.path.CursorEnd()
				break
			}
		}
	}
	m.setDefaultPath()
}

// apply is enter: write to the path, asking first when the file exists.
func (m *Model) apply() tea.Cmd {
	if m.empty {
		return nil
	}
	if m.finding && !m.edited {
		m.errMsg = "still finding the first and last matching event for the name; type a name to go on now"
		return nil
	}
	p, err := resolvePath(m.o.Dir, m.path.Value())
	if err != nil {
		m.errMsg = err.Error()
		return nil
	}
	m.target = p
	if exists(p) {
		m.stage, m.errMsg = confirming, ""
		return nil
	}
	return m.start(false)
}

func (m *Model) setDefaultPath() {
	if m.edited {
		return
	}
	m.path.SetValue("./" + DefaultName(m.first, m.last, m.format))
	m.path.CursorEnd()
}

// total is the number of events the export will write, when known.
func (m *Model) total() (uint64, bool) { return m.count.N, m.count.Done }
