package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"matomo-audit/ui/common"
	"matomo-audit/ui/exportdlg"
	"matomo-audit/ui/keyhelp"
	"matomo-audit/ui/markslist"
	"matomo-audit/ui/picker"
	"matomo-audit/ui/prompt"
	"matomo-audit/ui/sessionpick"
	"matomo-audit/ui/summaryview"
)

// This file is the one place that decides who gets input: the component
// on top of the stack gets keys and pastes and shows its hints; every
// component sees the other messages, so work it started (a report, a file
// being written) reaches it while another is on top; the root applies the
// intents they hand back. A new dialog is a Component pushed here.

// top is the component on top, nil when the timeline has the keys.
func (m *Model) top() common.Component {
	if len(m.layers) == 0 {
		return nil
	}
	return m.layers[len(m.layers)-1]
}

// push opens a component on top, sized for where it is drawn.
func (m *Model) push(c common.Component) {
	m.layers = append(m.layers, c)
	m.sizeLayer(c)
}

// remove takes a component off the stack, wherever it is.
func (m *Model) remove(c common.Component) {
	for i, l := range m.layers {
		if l == c {
			m.layers = append(m.layers[:i], m.layers[i+1:]...)
			if cl, ok := c.(interface{ Closed() }); ok {
				cl.Closed()
			}
			return
		}
	}
}

func (m *Model) sizeLayer(c common.Component) {
	l := m.layout()
	switch c.Place() {
	case common.Bottom:
		c.SetSize(m.c.Width, 2)
	default:
		c.SetSize(m.c.Width, l.bodyH)
	}
}

// takesText: a component with a text field gets every key, q and ? too.
func takesText(c common.Component) bool {
	t, ok := c.(interface{ TakesText() bool })
	return ok && t.TakesText()
}

// layerKey hands a key to the component on top; ok is false when the
// timeline is to handle it.
func (m *Model) layerKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := m.c.Keys
	top := m.top()
	switch {
	case key.Matches(msg, k.ForceQuit):
		return m.quit(), true
	case top != nil && takesText(top):
		return m.fromLayer(top, msg), true
	case top == nil && m.watching != nil:
		// A mirror takes only the keys that leave it or read it.
		if cmd, ok := m.watchKey(msg); ok {
			return cmd, true
		}
		if key.Matches(msg, k.Help) {
			m.push(keyhelp.New(m.c, m.fullHelp()))
			return nil, true
		}
		return nil, false
	case key.Matches(msg, k.Quit):
		return m.quit(), true
	case key.Matches(msg, k.Help) && !isHelp(top):
		m.push(keyhelp.New(m.c, m.fullHelp()))
		return nil, true
	case top != nil:
		return m.fromLayer(top, msg), true
	}
	return nil, false
}

func isHelp(c common.Component) bool {
	_, ok := c.(*keyhelp.Model)
	return ok
}

// fullHelp is the help screen's content for what is on top.
func (m *Model) fullHelp() [][]key.Binding {
	if t := m.top(); t != nil {
		return t.FullHelp()
	}
	return m.c.Keys.FullHelp()
}

// layerBusy is what the topmost busy component is doing, "" when none is.
func (m *Model) layerBusy() string {
	for i := len(m.layers) - 1; i >= 0; i-- {
		if b, ok := m.layers[i].(common.Busy); ok {
			if s := b.Busy(); s != "" {
				return s
			}
		}
	}
	return ""
}

// sparkHidden: a component open anywhere in the stack covers the rows the
// header's sparkline is of.
func (m *Model) sparkHidden() bool {
	for _, l := range m.layers {
		if h, ok := l.(common.SparkHider); ok && h.HidesSpark() {
			return true
		}
	}
	return false
}

// layerPaste hands a paste to the component on top when it takes text.
func (m *Model) layerPaste(msg tea.PasteMsg) tea.Cmd {
	if t := m.top(); t != nil && takesText(t) {
		return m.fromLayer(t, msg)
	}
	return nil
}

// forward gives a message that is not input to every component.
func (m *Model) forward(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, l := range append([]common.Component(nil), m.layers...) {
		cmds = append(cmds, m.fromLayer(l, msg))
	}
	return tea.Batch(cmds...)
}

// fromLayer runs a component's Update and applies what it hands back.
func (m *Model) fromLayer(c common.Component, msg tea.Msg) tea.Cmd {
	intent, cmd := c.Update(msg)
	return tea.Batch(cmd, m.intent(c, intent))
}

// intent applies what a component asks of the root.
func (m *Model) intent(from common.Component, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case nil:
		return nil
	case common.Batch:
		var cmds []tea.Cmd
		for _, in := range msg {
			cmds = append(cmds, m.intent(from, in))
		}
		return tea.Batch(cmds...)
	case common.Close:
		m.remove(from)
	case common.Quit:
		return m.quit()
	case common.Toast:
		return m.toast(msg.Msg, msg.Warn)
	case common.Copy:
		return m.copyText(msg.Data, msg.Said, msg.TooLong)
	case common.Error:
		m.status.err = msg.Msg
	}
	return m.componentIntent(from, msg)
}

// componentIntent applies the intents of particular components.
func (m *Model) componentIntent(from common.Component, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case prompt.Submitted, prompt.Cleared, prompt.JumpTo:
		return m.promptIntent(msg)
	case picker.Apply:
		return m.pickerIntent(from, msg)
	case exportdlg.Done:
		return m.exportIntent(from.(*exportdlg.Model), msg)
	case summaryview.Show, summaryview.WindowChosen:
		return m.summaryIntent(from, msg)
	case sessionpick.Chosen:
		return m.startWatch(msg.ID)
	case markslist.Jump:
		return m.marksIntent(msg)
	}
	return nil
}

// hintKeys are the keys the hint line shows: those of the component on
// top, else the timeline's or the detail's.
func (m *Model) hintKeys() []key.Binding {
	if t := m.top(); t != nil {
		return t.ShortHelp()
	}
	k := m.c.Keys
	switch {
	case m.watching != nil:
		return m.watchHelp()
	case m.detail.full:
		return k.DetailFullHelp()
	case m.detail.focus:
		return k.DetailFocusHelp()
	}
	return k.ShortHelp()
}

// layerHint is the hint line of the component on top, "" when the
// timeline's applies.
func (m *Model) layerHint() string {
	t := m.top()
	if t == nil || t.Place() == common.Bottom {
		return ""
	}
	return m.c.Hint(t.ShortHelp(), m.c.Width)
}

func (m *Model) quit() tea.Cmd {
	m.cancel()
	return tea.Quit
}
