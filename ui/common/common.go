// Package common is what every part of the UI shares: the context a
// component is built with (source, theme, keys, clock, zone, size) and the
// small interface every component implements, with the intents a
// component hands back to the root model.
package common

import (
	"context"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/source"
	"matomo-audit/keymap"
	"matomo-audit/theme"
	"matomo-audit/ui/cell"
)

// Common is owned by the root model and shared by pointer: a theme change
// or a resize reaches every component at once.
type Common struct {
	Ctx  context.Context
	Src  source.Source
	Keys *keymap.KeyMap
	Now  func() time.Time
	Loc  *time.Location
	// After delivers msg after d; tests replace it to run time by hand.
	After func(d time.Duration, msg tea.Msg) tea.Cmd
	// NoExport: no files and no clipboard (shared jump hosts).
	NoExport bool

	// Width and Height are the whole screen's.
	Width, Height int

	// Theme is read by everything that draws; change it with SetTheme.
	Theme theme.Theme
	help  help.Model
}

// New builds the shared context.
func New(ctx context.Context, src source.Source, th theme.Theme, keys *keymap.KeyMap, now func() time.Time, loc *time.Location) *Common {
	c := &Common{Ctx: ctx, Src: src, Keys: keys, Now: now, Loc: loc, help: help.New()}
	c.After = func(d time.Duration, msg tea.Msg) tea.Cmd {
		return tea.Tick(d, func(time.Time) tea.Msg { return msg })
	}
	c.SetTheme(th)
	return c
}

// SetTheme changes the theme for everything drawn from now on.
func (c *Common) SetTheme(th theme.Theme) {
	c.Theme = th
	c.help.Styles = help.Styles{
		ShortKey: th.HintKey, ShortDesc: th.Hint, ShortSeparator: th.Hint, Ellipsis: th.Hint,
		FullKey: th.HelpKey, FullDesc: th.HelpDesc, FullSeparator: th.HelpDesc,
	}
	c.help.ShortSeparator = " · "
}

// SetSize records the screen's size.
func (c *Common) SetSize(w, h int) {
	c.Width, c.Height = w, h
	c.help.SetWidth(max(0, w-2))
}

// Zone names the display zone, with its abbreviation now.
func (c *Common) Zone() string {
	if c.Loc.String() == "UTC" {
		return "UTC"
	}
	abbr, _ := c.Now().In(c.Loc).Zone()
	return c.Loc.String() + " (" + abbr + ")"
}

// Hint is a one-line key hint w cells wide, cut at a whole entry, never
// mid-word.
func (c *Common) Hint(keys []key.Binding, w int) string {
	var hint string
	for i := len(keys); i > 0; i-- {
		hint = " " + c.help.ShortHelpView(keys[:i])
		if cell.Width(hint) <= w {
			break
		}
	}
	return cell.PadRight(cell.ClipStyled(hint, w), w)
}

// HelpLine is keys as one styled line of "key desc · key desc".
func (c *Common) HelpLine(keys []key.Binding) string { return c.help.ShortHelpView(keys) }

// InlineHint is a hint written into a line of other text, in one style:
// "enter: apply · esc: cancel".
func InlineHint(keys []key.Binding) string {
	s := ""
	for i, b := range keys {
		if i > 0 {
			s += " · "
		}
		s += b.Help().Key + ": " + b.Help().Desc
	}
	return s
}

// Placement is where a component is drawn.
type Placement uint8

const (
	// Screen replaces the body between the header and the status bar.
	Screen Placement = iota
	// Box is drawn over the body, which stays in sight around it.
	Box
	// Bottom takes the status bar and hint lines.
	Bottom
)

// Component is one part of the UI with its own state. Update hands back
// an intent for the root (nil when none) synchronously, so that a key
// typed right after enter goes to whatever is on top once the intent is
// applied, never to a dialog that is closing.
type Component interface {
	Update(msg tea.Msg) (intent tea.Msg, cmd tea.Cmd)
	// SetSize gives the component the room it is drawn in.
	SetSize(w, h int)
	View() string
	Place() Placement
	// ShortHelp is the one-line hint while the component is on top, and
	// FullHelp the help screen over it; both are the keys it handles.
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// Intents every component may hand back.
type (
	// Close: the component is done; the root takes it off.
	Close struct{}
	// Quit ends the program.
	Quit struct{}
	// Toast is a passing message on the status bar.
	Toast struct {
		Msg  string
		Warn bool
	}
	// Copy puts Data on the clipboard and says Said, or TooLong when it
	// is more than a terminal clipboard takes.
	Copy struct {
		Data          []byte
		Said, TooLong string
	}
	// Error is shown on the status bar until the next one.
	Error struct{ Msg string }
	// Batch is several intents at once, applied in order.
	Batch []tea.Msg
)

// NewInput is a text input used for its editing only: the UI draws the
// text and the cursor itself (marking mistakes), so nothing blinks. Its
// moving keys are the key map's.
func (c *Common) NewInput() textinput.Model {
	in := textinput.New()
	in.KeyMap.CharacterBackward = c.Keys.CursorLeft
	in.KeyMap.CharacterForward = c.Keys.CursorRight
	in.KeyMap.LineStart = c.Keys.LineStart
	in.KeyMap.LineEnd = c.Keys.LineEnd
	in.Prompt = ""
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
	return in
}

// Optional interfaces a component may implement for the root.
type (
	// Busy is a component with work under way: while Busy says what
	// (not ""), the status bar's right side shows it.
	Busy interface{ Busy() string }
	// SparkHider is a component that covers the timeline's rows for as
	// long as it is open: the header's sparkline, which is of those
	// rows, is hidden while HidesSpark says so.
	SparkHider interface{ HidesSpark() bool }
)
