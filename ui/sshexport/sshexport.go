// Package sshexport is e in a session served over SSH: a file written
// from there would land on the server, not with the person asking, so a
// box says which command exports from their side instead, and copies it.
package sshexport

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"matomo-audit/keymap"
	"matomo-audit/ui/cell"
	"matomo-audit/ui/common"
)

// Model is the box.
type Model struct {
	c   *common.Common
	cmd string
	w   int
}

// New is the box for cmd, which the caller has made safe to draw: the
// copy is what is shown, so no byte reaches the clipboard unseen.
func New(c *common.Common, cmd string) *Model { return &Model{c: c, cmd: cmd} }

// Place: a box over the timeline.
func (m *Model) Place() common.Placement { return common.Box }

// SetSize: the box is sized from the screen's width.
func (m *Model) SetSize(w, _ int) { m.w = w }

func (m *Model) copyKey() key.Binding { return keymap.Relabel(m.c.Keys.Copy, "copy the command") }

func (m *Model) closeKey() key.Binding { return keymap.Relabel(m.c.Keys.Back, "close") }

// ShortHelp: copying, closing, quitting.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.copyKey(), m.closeKey(), m.c.Keys.Quit}
}

// FullHelp is the box's own keys.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Update copies and closes; copying closes too, the command being all
// the box is for.
func (m *Model) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	switch {
	case key.Matches(kp, m.copyKey()):
		return common.Batch{common.Copy{
			Data:    []byte(m.cmd),
			Said:    "copied the export command to the clipboard",
			TooLong: "the export command is too long for a terminal clipboard: copy it off the screen",
		}, common.Close{}}, nil
	case key.Matches(kp, m.closeKey()):
		return common.Close{}, nil
	}
	return nil, nil
}

// View is the box: why, then the command, wrapped to the room there is.
func (m *Model) View() string {
	th := &m.c.Theme
	inner := max(20, min(m.w-8, 100))
	lines := []string{th.HelpTitle.Render("export over SSH")}
	for _, l := range cell.Wrap("a file written from here would be on the server; run this on your own machine:", inner) {
		lines = append(lines, th.HelpDesc.Render(l))
	}
	lines = append(lines, "")
	for _, l := range cell.Wrap(m.cmd, inner) {
		lines = append(lines, th.DlgValue.Render(l))
	}
	bw := 0
	for _, l := range lines {
		bw = max(bw, cell.Width(l))
	}
	for i, l := range lines {
		lines[i] = cell.PadRight(l, bw)
	}
	return th.HelpBox.Render(strings.Join(lines, "\n"))
}
