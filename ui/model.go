// Package ui is the terminal interface: a timeline of events (newest at
// the bottom, like a log), a detail pane, help, and a status bar. It reads
// through source.Source only, a bounded window of pages at a time.
package ui

import (
	"context"
	"os"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/follow"
	"matomo-audit/data/marks"
	"matomo-audit/data/query"
	"matomo-audit/data/summary"
	"matomo-audit/keymap"
	"matomo-audit/serve/watch"
	"matomo-audit/theme"
	"matomo-audit/ui/common"
	"matomo-audit/ui/picker"
	"matomo-audit/ui/prompt"
)

// Model is the root of the UI: the timeline with its detail pane, follow
// and selection, which share the window of rows, and a stack of
// components over it (see top).
type Model struct {
	c      *common.Common
	query  *query.Query
	filter *query.Filter
	auto   bool
	cancel context.CancelFunc
	// layers are the components open over the timeline, the last on top.
	layers []common.Component
	// ended is why a served session was ended (EndSession).
	ended string
	// live makes followers (Options.Live).
	live func() follow.Live
	// at is the event the timeline opens on (Options.At); viewCommand
	// starts L's command line (Options.ViewCommand).
	at          uint64
	viewCommand string
	// share is the session's place on the server (Options.Share);
	// watchers how many watch it; watching the session it mirrors, if
	// any; published the state last told to its watchers.
	share        Share
	watchers     int
	watching     *watching
	published    watch.State
	watchAtStart *watch.Watcher // Options.Watch, until Init
	// marks are the marked events (Options.Marks), markedBy who marks.
	marks    *marks.Set
	markedBy string
	// label names the source in the header (Options.Label).
	label string

	tl     timeline
	detail detailState
	lay    layout // see relayout

	fol followState
	// after delivers msg after d; tests replace it to run time by hand.
	pollEvery time.Duration
	// scanBudget and retryBase: see their defaults.
	scanBudget, retryBase time.Duration
	grace                 time.Duration
	bell                  bool
	// burstMin, burstWithin: the summary's burst thresholds.
	burstMin    int
	burstWithin time.Duration

	sel     selection
	inTmux  bool
	dir     string
	writers sync.WaitGroup     // export goroutines, waited for by Close
	history []string           // queries applied this session, oldest first
	counts  map[string]*counts // counting scans, by query
	status  status
	lo, hi  uint64 // id range of the table, for the position shown
	// userProblem is why events carry no user marks ("" when they do).
	userProblem string

	// sumWindow is the window the summary screen opens with next time.
	sumWindow summary.Window

	srv served
}

type status struct {
	err      string
	retries  int
	retrying bool
	// outage: the error means the database did not answer (refused,
	// unreachable, timed out, dropped), so the status bar says that
	// rather than the setup advice the error carries; nextIn is the pause
	// before the next attempt.
	outage bool
	nextIn time.Duration
	note   string // a passing remark, e.g. about a time jump
	// toast is a message that goes away by itself (toastSeq tells a
	// stale expiry from the current one).
	toast     string
	toastWarn bool
	toastSeq  int
}

// New builds the model; Init starts loading the newest events.
func New(o Options) *Model {
	if o.Loc == nil {
		o.Loc = time.UTC
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	keys := keymap.Default()
	if o.Keys != nil {
		keys = *o.Keys
	}
	if o.Theme.Name == "" {
		o.Theme = theme.Dark()
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Model{c: common.New(ctx, o.Source, o.Theme, &keys, o.Now, o.Loc), auto: o.AutoTheme, cancel: cancel}
	if o.Query == nil {
		o.Query = &query.Query{}
	}
	m.query = o.Query
	m.filter = query.Compile(o.Query, o.Now(), o.Loc)
	if !o.Query.Empty() {
		// A -q query is one the user typed: / and ↑ bring it back.
		m.history = []string{o.Query.String()}
	}
	m.pollEvery, m.grace, m.bell = o.Poll, o.Grace, o.Bell
	m.scanBudget, m.retryBase = defaultScanBudget, defaultRetryBase
	m.burstMin, m.burstWithin = o.BurstMin, o.BurstWithin
	if m.pollEvery <= 0 {
		m.pollEvery = follow.DefaultPoll
	}
	if o.Follow {
		m.fol.mode = following
	}
	m.at, m.viewCommand = o.At, o.ViewCommand
	m.share, m.watchAtStart = o.Share, o.Watch
	m.marks, m.markedBy = o.Marks, o.MarkedBy
	if m.marks == nil {
		m.marks = marks.New()
	}
	if m.markedBy == "" {
		m.markedBy = "you"
	}
	if m.viewCommand == "" {
		m.viewCommand = "matomo-audit"
	}
	m.c.NoExport, m.inTmux, m.dir = o.NoExport, o.InTmux, o.Dir
	if m.dir == "" {
		m.dir, _ = os.Getwd()
	}
	m.srv = served{role: o.Role, restricted: o.Restricted, ssh: o.SSH}
	m.live, m.label = o.Live, o.Label
	m.newGen()
	return m
}

// Init loads the newest page and the table's id range.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.loadBounds(), m.checkUsers()}
	switch {
	case m.at != 0 && m.fol.mode == following:
		// Following starts (new events are counted from now), paused at
		// the event asked for.
		cmds = append(cmds, m.startFollow(), m.loadAround(m.at, true))
		m.fol.mode = followPaused
	case m.at != 0:
		cmds = append(cmds, m.loadAround(m.at, true))
	case m.fol.mode == following:
		// The newest page comes once the follower has its mark.
		cmds = append(cmds, m.startFollow())
	default:
		cmds = append(cmds, m.loadJump(loadNewest))
	}
	if m.auto {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	if m.watchAtStart != nil {
		w := m.watchAtStart
		m.watching, m.watchAtStart = &watching{w: w, name: watchName(w.Target())}, nil
	}
	return tea.Batch(cmds...)
}

type userProblemMsg struct{ why string }

// checkUsers asks whether the user table can be read, off the UI's path
// (the first look is a query).
func (m *Model) checkUsers() tea.Cmd {
	src := m.c.Src
	return func() tea.Msg { return userProblemMsg{src.UserTableProblem()} }
}

type boundsMsg struct {
	lo, hi uint64
	err    error
}

func (m *Model) loadBounds() tea.Cmd {
	src, ctx := m.c.Src, m.c.Ctx
	return func() tea.Msg {
		lo, hi, err := src.Bounds(ctx)
		return boundsMsg{lo, hi, err}
	}
}

// Update handles one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	switch msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg:
	default:
		cmd = tea.Batch(cmd, m.forward(msg))
	}
	m.syncDetail()
	if m.sel.active {
		// The span may have moved: count it when the window cannot.
		cmd = tea.Batch(cmd, m.countSelection())
	}
	m.sendExportCount()
	m.publish()
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.SetSize(msg.Width, msg.Height)
		m.relayout()
		m.tl.clamp(m.timelineRows())
		return m.prefetch()
	case tea.BackgroundColorMsg:
		// Whoever set AutoTheme has ruled out NO_COLOR: the process's
		// own, or a served client's. theme.ByName would read the
		// process's environment, which over SSH is the server's.
		if m.auto && msg.IsDark() {
			m.c.SetTheme(theme.Dark())
		} else if m.auto {
			m.c.SetTheme(theme.Light())
		}
		return nil
	case pageMsg:
		return m.applyPage(msg)
	case retryMsg:
		if msg.gen != m.tl.gen {
			return nil
		}
		m.status.retrying = false
		return m.retry(msg.kind)
	case boundsMsg:
		if msg.err == nil {
			m.lo, m.hi = msg.lo, msg.hi
		}
		return m.maybeCount()
	case countMsg:
		return m.applyCount(msg)
	case userProblemMsg:
		m.userProblem = msg.why
		return nil
	case followStartedMsg, pollTickMsg, polledMsg, flashDoneMsg:
		return m.followUpdate(msg)
	case toastDoneMsg:
		m.toastDone(msg)
		return nil
	case foundTimeMsg:
		return m.applyFoundTime(msg)
	case SetAccess:
		return m.setAccess(msg)
	case Watchers, WatchState, WatchEnded:
		return m.watchUpdate(msg)
	case MarksChanged:
		return nil // drawn again with the marks as they are
	case markedMsg:
		return m.markedDone(msg)
	case EndSession:
		m.ended = msg.Reason
		return m.quit()
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.PasteMsg:
		return m.layerPaste(msg)
	}
	return nil
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.Keys
	if cmd, ok := m.layerKey(msg); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, k.Back):
		// The innermost thing first: detail, then a running scan, then
		// the query itself.
		switch {
		case m.sel.active:
			m.clearRange()
		case m.detail.full:
			m.detail.full = false
			m.relayout()
		case m.detail.focus:
			m.detail.focus = false
		case m.stopScan():
		case !m.query.Empty():
			return m.setQuery(nil)
		}
		return nil
	case key.Matches(msg, k.Query):
		return m.openPrompt(prompt.Query)
	case key.Matches(msg, k.JumpTime):
		return m.openPrompt(prompt.Time)
	case key.Matches(msg, k.Follow):
		if m.fol.mode == following {
			m.stopFollow()
			return nil
		}
		return m.resume()
	case key.Matches(msg, k.Summary):
		return m.openSummary()
	case key.Matches(msg, k.Range):
		return m.toggleRange()
	case key.Matches(msg, k.Export):
		return m.openExport()
	case key.Matches(msg, k.Copy):
		return m.copyEvent()
	case key.Matches(msg, k.CopyLine):
		return m.copyLine()
	case key.Matches(msg, k.CopyView):
		return m.copyView()
	case key.Matches(msg, k.Watch):
		return m.openWatch()
	case key.Matches(msg, k.Mark):
		return m.toggleMark()
	case key.Matches(msg, k.Marks):
		return m.openMarks()
	case key.Matches(msg, k.ClearQuery):
		if m.query.Empty() {
			return nil
		}
		return m.setQuery(nil)
	case key.Matches(msg, k.User):
		if e := m.current(); e != nil {
			return m.setQuery(m.query.ToggleUser(e.Login))
		}
		return nil
	case key.Matches(msg, k.IP), key.Matches(msg, k.IPNet):
		return m.toggleIP(key.Matches(msg, k.IPNet))
	case key.Matches(msg, k.Users):
		return m.openPicker(picker.Users)
	case key.Matches(msg, k.Types):
		return m.openPicker(picker.Types)
	case key.Matches(msg, k.Detail):
		m.detail.full = !m.detail.full
		m.detail.focus = false
		m.relayout()
		m.detail.scroll = 0
		return nil
	case key.Matches(msg, k.Focus):
		if !m.detail.full && m.detailVisible() {
			m.detail.focus = !m.detail.focus
		}
		return nil
	case key.Matches(msg, k.Raw):
		m.detail.raw = !m.detail.raw
		return nil
	}
	if m.detail.full || m.detail.focus {
		return m.scrollDetail(msg)
	}
	rows := m.timelineRows()
	mv, ok := k.Nav().Match(msg, max(1, rows-1), max(1, rows/2))
	switch {
	case !ok:
		return nil
	case mv.Towards() < 0:
		// Any move towards older events leaves the newest: follow pauses.
		m.pause()
	}
	switch {
	case mv.First:
		return tea.Batch(m.loadJump(loadOldest), m.loadBounds())
	case mv.Last && m.fol.mode == followPaused:
		return m.resume()
	case mv.Last:
		return tea.Batch(m.loadJump(loadNewest), m.loadBounds())
	}
	return m.move(mv.By)
}

func (m *Model) scrollDetail(msg tea.KeyPressMsg) tea.Cmd {
	page := max(1, m.detail.height-1)
	if mv, ok := m.c.Keys.Nav().Match(msg, page, page/2); ok {
		m.detail.scroll = mv.From(m.detail.scroll)
		m.detail.clampScroll()
	}
	return nil
}

// Close stops background work and waits for an export being written to
// remove its temporary file.
func (m *Model) Close() {
	m.stopWatch()
	m.cancel()
	m.dropFollower()
	m.writers.Wait()
}

// Run starts the interactive program and blocks until the user quits.
func Run(ctx context.Context, o Options) error {
	m := New(o)
	defer m.Close()
	_, err := tea.NewProgram(m, tea.WithContext(ctx)).Run()
	return err
}
