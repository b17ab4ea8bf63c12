package keymap

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// ScrollKeys names the scrolling keys briefly, "j/k pgup/pgdn": the
// letter of each line key and the name of each page key.
func (k KeyMap) ScrollKeys() string {
	return last(k.Down) + "/" + last(k.Up) + " " + first(k.PageUp) + "/" + first(k.PageDown)
}

func first(b key.Binding) string { s, _, _ := strings.Cut(b.Help().Key, "/"); return s }

func last(b key.Binding) string {
	h := b.Help().Key
	return h[strings.LastIndex(h, "/")+1:]
}

// Relabel is b's keys with another description, for a screen where the
// same keys mean something more particular ("esc: cancel").
func Relabel(b key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, desc))
}

// either is one entry for two bindings: "enter/esc back".
func either(a, b key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(append(a.Keys(), b.Keys()...)...), key.WithHelp(a.Help().Key+"/"+b.Help().Key, desc))
}

func (k KeyMap) scroll(desc string) key.Binding {
	n := k.Nav()
	var keys []string
	for _, b := range []key.Binding{n.Up, n.Down, n.PageUp, n.PageDown, n.HalfUp, n.HalfDown, n.First, n.Last} {
		keys = append(keys, b.Keys()...)
	}
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k.ScrollKeys(), desc))
}

// DetailFullHelp is the hint while the detail is full screen.
func (k KeyMap) DetailFullHelp() []key.Binding {
	return []key.Binding{k.scroll("scroll"), Relabel(k.Raw, "stored text"), either(k.Detail, k.Back, "back"), k.Quit}
}

// DetailFocusHelp is the hint while keys scroll the detail pane.
func (k KeyMap) DetailFocusHelp() []key.Binding {
	return []key.Binding{k.scroll("scroll the detail"), either(k.Focus, k.Back, "back to the timeline"), k.Quit}
}
