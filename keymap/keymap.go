// Package keymap defines every key binding of the terminal UI, with its
// help text. The app matches keys against these bindings and the help
// screens are generated from them, so the two cannot disagree; rebinding a
// key means editing this file only.
package keymap

import "charm.land/bubbles/v2/key"

// KeyMap holds all bindings.
type KeyMap struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	HalfUp   key.Binding
	HalfDown key.Binding
	Oldest   key.Binding
	Newest   key.Binding

	Detail key.Binding // full-screen detail on/off
	Focus  key.Binding // move focus between timeline and detail pane
	Raw    key.Binding // raw parameters on/off

	Query      key.Binding // edit the query
	User       key.Binding // filter to the cursor row's user, or back
	IP         key.Binding // filter to the cursor row's address, or back
	IPNet      key.Binding // widen it to the address's /24 or /64, or back
	Users      key.Binding // user picker
	Types      key.Binding // type picker
	JumpTime   key.Binding // move to a time
	ClearQuery key.Binding
	Follow     key.Binding // follow new events on/off
	Range      key.Binding // start or clear a range selection
	Export     key.Binding // export the selection, or what the query matches
	Copy       key.Binding // the cursor event as JSON to the clipboard
	CopyLine   key.Binding // its one-line description to the clipboard
	CopyView   key.Binding // the command line that opens this view
	Watch      key.Binding // watch another session (served)
	Mark       key.Binding // mark the cursor event for everyone, or unmark it
	Marks      key.Binding // the marked events
	Summary    key.Binding // the summary screen for the query

	// On the summary screen.
	Narrower key.Binding // a shorter window
	Wider    key.Binding // a longer window
	Show     key.Binding // the line's events in the timeline
	// CopyQuery puts the line's query on the clipboard.
	CopyQuery key.Binding

	// Inside prompts and pickers.
	Apply      key.Binding
	HistPrev   key.Binding
	HistNext   key.Binding
	Select     key.Binding
	ExcludeTog key.Binding
	// Moving in a list whose letters go to a search box.
	ListUp       key.Binding
	ListDown     key.Binding
	ListPageUp   key.Binding
	ListPageDown key.Binding

	// In the export dialog.
	Format  key.Binding // the next file format
	Confirm key.Binding // yes to a question (overwrite, quit while writing)
	Deny    key.Binding // no to it
	// Moving in a text field (the prompt, a picker's search, the export
	// path); the fields take these as their own.
	CursorLeft  key.Binding
	CursorRight key.Binding
	LineStart   key.Binding
	LineEnd     key.Binding

	Help key.Binding
	Back key.Binding
	Quit key.Binding
	// ForceQuit quits from anywhere, even where q is typed as text.
	ForceQuit key.Binding
}

// Default is the standard layout: vim keys and arrows.
func Default() KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return KeyMap{
		Up:           b([]string{"k", "up"}, "↑/k", "older"),
		Down:         b([]string{"j", "down"}, "↓/j", "newer"),
		PageUp:       b([]string{"pgup", "b"}, "pgup/b", "page up"),
		PageDown:     b([]string{"pgdown", "space"}, "pgdn/space", "page down"),
		HalfUp:       b([]string{"ctrl+u"}, "ctrl+u", "half page up"),
		HalfDown:     b([]string{"ctrl+d"}, "ctrl+d", "half page down"),
		Oldest:       b([]string{"g", "home"}, "g/home", "oldest"),
		Newest:       b([]string{"G", "end"}, "G/end", "newest"),
		Detail:       b([]string{"enter"}, "enter", "detail"),
		Focus:        b([]string{"tab"}, "tab", "scroll detail pane"),
		Raw:          b([]string{"r"}, "r", "stored text"),
		Query:        b([]string{"/"}, "/", "query"),
		User:         b([]string{"u"}, "u", "only this user / all users"),
		IP:           b([]string{"i"}, "i", "only this address / all"),
		IPNet:        b([]string{"I"}, "I", "its /24 or /64 / all"),
		Users:        b([]string{"U"}, "U", "pick users"),
		Types:        b([]string{"t"}, "t", "pick types"),
		JumpTime:     b([]string{"T"}, "T", "jump to a time"),
		ClearQuery:   b([]string{"ctrl+l"}, "ctrl+l", "clear the query"),
		Follow:       b([]string{"f"}, "f", "follow on/off"),
		Range:        b([]string{"v"}, "v", "select a range"),
		Export:       b([]string{"e"}, "e", "export"),
		Copy:         b([]string{"y"}, "y", "copy as JSON"),
		CopyLine:     b([]string{"Y"}, "Y", "copy the whole line"),
		CopyView:     b([]string{"L"}, "L", "copy a view link"),
		Watch:        b([]string{"W"}, "W", "watch a session"),
		Mark:         b([]string{"m"}, "m", "mark / unmark"),
		Marks:        b([]string{"M"}, "M", "marked events"),
		Summary:      b([]string{"s"}, "s", "summary"),
		Narrower:     b([]string{"["}, "[", "shorter window"),
		Wider:        b([]string{"]"}, "]", "longer window"),
		Show:         b([]string{"enter"}, "enter", "show in the timeline"),
		CopyQuery:    b([]string{"y"}, "y", "copy the line's query"),
		Apply:        b([]string{"enter"}, "enter", "apply"),
		HistPrev:     b([]string{"up", "ctrl+p"}, "↑", "earlier query"),
		HistNext:     b([]string{"down", "ctrl+n"}, "↓", "later query"),
		Select:       b([]string{"space"}, "space", "select"),
		ExcludeTog:   b([]string{"tab"}, "tab", "include/exclude"),
		ListUp:       b([]string{"up", "ctrl+p"}, "↑", "up"),
		ListDown:     b([]string{"down", "ctrl+n"}, "↓", "down"),
		ListPageUp:   b([]string{"pgup"}, "pgup", "page up"),
		ListPageDown: b([]string{"pgdown"}, "pgdn", "page down"),
		Format:       b([]string{"tab"}, "tab", "format"),
		Confirm:      b([]string{"y", "Y"}, "y", "yes"),
		Deny:         b([]string{"n", "N", "esc"}, "n/esc", "no"),
		CursorLeft:   b([]string{"left", "ctrl+b"}, "←", "cursor left"),
		CursorRight:  b([]string{"right", "ctrl+f"}, "→", "cursor right"),
		LineStart:    b([]string{"home", "ctrl+a"}, "ctrl+a", "start of the line"),
		LineEnd:      b([]string{"end", "ctrl+e"}, "ctrl+e", "end of the line"),
		Help:         b([]string{"?"}, "?", "keys"),
		Back:         b([]string{"esc"}, "esc", "back out (innermost first)"),
		Quit:         b([]string{"q", "ctrl+c"}, "q/ctrl+c", "quit"),
		ForceQuit:    b([]string{"ctrl+c"}, "ctrl+c", "quit"),
	}
}

// ShortHelp is the one-line hint under the status bar, most needed first
// (narrow terminals cut it from the right).
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Query, k.User, k.Detail, k.Help, k.Quit, k.Follow, k.Summary, k.Range, k.Export, k.JumpTime, k.Oldest, k.Newest}
}

// FullHelp is the ? screen, in columns: moving, filtering, the event,
// ranges and the rest. Sized so two columns side by side fit 80 cells.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.HalfUp, k.HalfDown, k.Oldest, k.Newest},
		{k.JumpTime, k.Follow, k.Query, k.User, k.IP, k.IPNet, k.Users, k.Types, k.ClearQuery},
		{k.Detail, k.Focus, k.Raw, k.Copy, k.CopyLine, k.CopyView, k.Mark, k.Marks},
		{k.Range, k.Export, k.Summary, k.Watch, k.Help, k.Back, k.Quit},
	}
}

// PromptHelp is the hint while the query prompt is open.
func (k KeyMap) PromptHelp() []key.Binding {
	return []key.Binding{k.Apply, k.Back, k.HistPrev, k.HistNext, k.ClearQuery}
}

// PickerHelp is the hint inside a picker.
func (k KeyMap) PickerHelp() []key.Binding {
	return []key.Binding{k.Select, k.ExcludeTog, k.Apply, k.Back}
}

// SummaryHelp is the hint on the summary screen. Moving gets its own help
// text there: the timeline's "older"/"newer" would mislead. Moving and the
// window's two keys each share an entry, and copying says it briefly, so
// at 80 columns the hint still reaches the window keys.
func (k KeyMap) SummaryHelp() []key.Binding {
	both := func(a, b key.Binding, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(append(a.Keys(), b.Keys()...)...), key.WithHelp(a.Help().Key+" "+b.Help().Key, desc))
	}
	copyQuery := key.NewBinding(key.WithKeys(k.CopyQuery.Keys()...), key.WithHelp(k.CopyQuery.Help().Key, "copy query"))
	return []key.Binding{both(k.Up, k.Down, "move"), k.Show, copyQuery, both(k.Narrower, k.Wider, "window"), k.Back, k.Quit}
}

// SummaryFullHelp is the ? screen over the summary: the same keys as the
// timeline's, described for a list of lines.
func (k KeyMap) SummaryFullHelp() [][]key.Binding {
	return [][]key.Binding{
		{Relabel(k.Up, "line up"), Relabel(k.Down, "line down"), k.PageUp, k.PageDown, Relabel(k.Oldest, "first line"), Relabel(k.Newest, "last line")},
		{k.Show, k.CopyQuery, k.Narrower, k.Wider, k.Help, Relabel(k.Back, "cancel, or back to the timeline"), k.Quit},
	}
}

// EditPath is one hint entry for the text field's moving keys.
func (k KeyMap) EditPath() key.Binding {
	var keys []string
	for _, b := range []key.Binding{k.CursorLeft, k.CursorRight, k.LineStart, k.LineEnd} {
		keys = append(keys, b.Keys()...)
	}
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k.CursorLeft.Help().Key+"/"+k.CursorRight.Help().Key+" "+k.LineStart.Help().Key+" "+k.LineEnd.Help().Key, "edit the path"))
}
