package keymap

import (
	"fmt"

	"charm.land/bubbles/v2/key"
)

// Nav is one set of moving keys. The timeline, the detail pane, the
// summary, help and the pickers all move through it, so a rebound key
// moves every list alike.
type Nav struct {
	Up, Down         key.Binding
	PageUp, PageDown key.Binding
	HalfUp, HalfDown key.Binding
	First, Last      key.Binding
}

// Move is where a moving key goes: By lines, or to the first or last.
type Move struct {
	By          int
	First, Last bool
}

// Nav is the standard moving keys.
func (k KeyMap) Nav() Nav {
	return Nav{Up: k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown,
		HalfUp: k.HalfUp, HalfDown: k.HalfDown, First: k.Oldest, Last: k.Newest}
}

// ListNav moves in a list whose letters are typed into a search box:
// arrows and page keys only.
func (k KeyMap) ListNav() Nav {
	return Nav{Up: k.ListUp, Down: k.ListDown, PageUp: k.ListPageUp, PageDown: k.ListPageDown}
}

// Match says where msg moves, a page being page lines and half a page
// half lines.
func (n Nav) Match(msg fmt.Stringer, page, half int) (Move, bool) {
	switch {
	case key.Matches(msg, n.Up):
		return Move{By: -1}, true
	case key.Matches(msg, n.Down):
		return Move{By: 1}, true
	case key.Matches(msg, n.PageUp):
		return Move{By: -page}, true
	case key.Matches(msg, n.PageDown):
		return Move{By: page}, true
	case key.Matches(msg, n.HalfUp):
		return Move{By: -half}, true
	case key.Matches(msg, n.HalfDown):
		return Move{By: half}, true
	case key.Matches(msg, n.First):
		return Move{First: true}, true
	case key.Matches(msg, n.Last):
		return Move{Last: true}, true
	}
	return Move{}, false
}

// Towards reports whether the move goes up (towards the first line).
func (mv Move) Towards() int {
	switch {
	case mv.First || mv.By < 0:
		return -1
	case mv.Last || mv.By > 0:
		return 1
	}
	return 0
}

// From is the position the move leads to from pos, unclamped: the first
// is 0 and the last far beyond any list, for the caller to clamp.
func (mv Move) From(pos int) int {
	switch {
	case mv.First:
		return 0
	case mv.Last:
		return 1 << 30
	}
	return pos + mv.By
}
