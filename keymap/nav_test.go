package keymap

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

func TestNavMatch(t *testing.T) {
	n := Default().Nav()
	for _, c := range []struct {
		key  tea.KeyPressMsg
		want Move
	}{
		{tea.KeyPressMsg{Code: 'k', Text: "k"}, Move{By: -1}},
		{tea.KeyPressMsg{Code: tea.KeyDown}, Move{By: 1}},
		{tea.KeyPressMsg{Code: tea.KeyPgUp}, Move{By: -10}},
		{tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}, Move{By: 10}},
		{tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}, Move{By: -5}},
		{tea.KeyPressMsg{Code: 'd', Mod: tea.ModCtrl}, Move{By: 5}},
		{tea.KeyPressMsg{Code: 'g', Text: "g"}, Move{First: true}},
		{tea.KeyPressMsg{Code: tea.KeyEnd}, Move{Last: true}},
	} {
		got, ok := n.Match(c.key, 10, 5)
		if !ok || got != c.want {
			t.Errorf("%s: got %+v %v, want %+v", c.key, got, ok, c.want)
		}
	}
	if _, ok := n.Match(tea.KeyPressMsg{Code: 'x', Text: "x"}, 10, 5); ok {
		t.Error("x moves")
	}
	// A list with a search box moves with arrows only: j is typed.
	if _, ok := Default().ListNav().Match(tea.KeyPressMsg{Code: 'j', Text: "j"}, 10, 10); ok {
		t.Error("j moves a searchable list")
	}
}

func TestMoveFromAndTowards(t *testing.T) {
	if got := (Move{By: -3}).From(10); got != 7 {
		t.Errorf("-3 from 10 = %d", got)
	}
	if got := (Move{First: true}).From(10); got != 0 {
		t.Errorf("first from 10 = %d", got)
	}
	if got := (Move{Last: true}).From(10); got < 1<<20 {
		t.Errorf("last from 10 = %d, want far beyond any list", got)
	}
	for _, c := range []struct {
		m    Move
		want int
	}{{Move{By: -1}, -1}, {Move{First: true}, -1}, {Move{By: 2}, 1}, {Move{Last: true}, 1}, {Move{}, 0}} {
		if got := c.m.Towards(); got != c.want {
			t.Errorf("%+v towards %d, want %d", c.m, got, c.want)
		}
	}
}

func TestScrollKeysAndDetailHelp(t *testing.T) {
	k := Default()
	if got := k.ScrollKeys(); got != "j/k pgup/pgdn" {
		t.Errorf("ScrollKeys = %q", got)
	}
	if got := k.EditPath().Help().Key; got != "←/→ ctrl+a ctrl+e" {
		t.Errorf("EditPath = %q", got)
	}
	full := k.DetailFullHelp()
	if len(full) != 4 || full[2].Help().Key != "enter/esc" {
		t.Errorf("DetailFullHelp = %+v", full)
	}
}
