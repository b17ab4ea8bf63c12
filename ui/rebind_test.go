package ui

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"matomo-audit/keymap"
	"matomo-audit/theme"
	"matomo-audit/ui/exportdlg"
)

// The key map is the truth: these tests move every binding to a key of its
// own that the default map does not use (F1, F2, ...) and check that
// behaviour and hints follow, and that every key a hint shows does
// something where it is shown.

// rebound is the default map with every binding on its own F key, its help
// naming that key.
func rebound(t *testing.T) keymap.KeyMap {
	t.Helper()
	k := keymap.Default()
	v := reflect.ValueOf(&k).Elem()
	n := 0
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		b, ok := f.Interface().(key.Binding)
		if !ok {
			continue
		}
		n++
		if n > 63 {
			t.Fatal("more bindings than F keys")
		}
		name := fmt.Sprintf("f%d", n)
		f.Set(reflect.ValueOf(key.NewBinding(key.WithKeys(name), key.WithHelp(name, b.Help().Desc))))
	}
	return k
}

// binding is the map's binding of that field name.
func binding(k *keymap.KeyMap, name string) key.Binding {
	f := reflect.ValueOf(k).Elem().FieldByName(name)
	if !f.IsValid() {
		panic("no binding " + name)
	}
	return f.Interface().(key.Binding)
}

// keyFor is a key press of a binding's key name, F keys included.
func keyFor(name string) tea.KeyPressMsg {
	var n int
	if _, err := fmt.Sscanf(name, "f%d", &n); err == nil && n >= 1 && n <= 63 {
		return tea.KeyPressMsg{Code: tea.KeyF1 + rune(n-1)}
	}
	return keyMsg(name)
}

// step is a binding pressed by name, or text typed.
type step struct{ bind, text string }

func b(name string) step      { return step{bind: name} }
func text(s string) step      { return step{text: s} }
func (s step) String() string { return s.bind + s.text }

func rebindModel(t *testing.T, keys keymap.KeyMap, w, h int) *Model {
	t.Helper()
	m := New(Options{Source: demoSource(), Theme: theme.NoColor(), Now: fixedNow, Keys: &keys, Dir: t.TempDir()})
	m.c.After = func(d time.Duration, msg tea.Msg) tea.Cmd { return nil }
	t.Cleanup(m.Close)
	send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	drain(t, m, m.Init())
	return m
}

func (s step) play(t *testing.T, m *Model) tea.Cmd {
	t.Helper()
	if s.text != "" {
		for _, r := range s.text {
			send(t, m, tea.KeyPressMsg{Code: r, Text: string(r)})
		}
		return nil
	}
	_, cmd := m.Update(keyFor(binding(m.c.Keys, s.bind).Keys()[0]))
	drain(t, m, cmd)
	return cmd
}

// fingerprint is the state keys change, without anything that names a
// key.
func fingerprint(m *Model) string {
	var id uint64
	if e := m.current(); e != nil {
		id = e.ID
	}
	top := ""
	for _, l := range m.layers {
		top += fmt.Sprintf("%T,", l)
	}
	if x, ok := m.top().(*exportdlg.Model); ok {
		top += fmt.Sprintf("export=%v %s", x.Asking(), x.Path())
	}
	if p := thePrompt(m); p != nil {
		top += "prompt=" + p.Value()
	}
	if p := openPickerOf(m); p != nil {
		n := 0
		for _, it := range p.Items() {
			if p.Selected(it.Key) {
				n++
			}
		}
		top += fmt.Sprintf("picker=%d selected, %v", n, p.Current())
	}
	return fmt.Sprintf("%s|#%d|q=%s|full=%v focus=%v raw=%v scroll=%d|sel=%v|follow=%d|sum=%v|toast=%v",
		top, id, m.query, m.detail.full, m.detail.focus, m.detail.raw, m.detail.scroll, m.sel.active, m.fol.mode, sumOf(m) != nil, m.status.toast != "")
}

// walk goes through every screen with the keys that lead there.
var walk = []step{
	b("Up"), b("Up"), b("PageUp"), b("HalfDown"), b("Down"), b("Raw"), b("Raw"),
	b("Focus"), b("Down"), b("Down"), b("Newest"), b("Oldest"), b("Back"),
	b("Detail"), b("Down"), b("PageDown"), b("Up"), b("Detail"),
	b("Help"), b("Down"), b("PageDown"), b("Oldest"), b("Help"),
	b("Query"), text("cat:security"), b("Apply"),
	b("Query"), text(" -user:x"), b("HistPrev"), b("HistNext"), b("Back"),
	b("User"), b("User"), b("ClearQuery"), b("Query"), b("HistPrev"), b("Apply"),
	b("Query"), b("ClearQuery"),
	b("Users"), b("ListDown"), b("ListDown"), b("Select"), b("ListUp"), b("ListPageDown"), b("ListPageUp"), b("ExcludeTog"), b("Apply"),
	b("Types"), text("login"), b("ListDown"), b("Select"), b("Apply"), b("ClearQuery"),
	b("Types"), b("Back"),
	b("JumpTime"), text("-2h"), b("Apply"),
	b("Range"), b("Up"), b("Up"), b("Range"),
	b("Follow"), b("Follow"), b("Up"), b("Newest"),
	b("Export"), b("Format"), b("Format"), b("Back"),
	b("Copy"), b("CopyLine"),
	b("Summary"), b("Down"), b("Down"), b("Narrower"), b("Wider"), b("Wider"), b("PageDown"), b("Oldest"), b("Newest"),
	b("Help"), b("Back"), b("CopyQuery"), b("Up"), b("Show"),
	b("Summary"), b("Back"),
}

// TestRebindBehaviour: every binding moved to another key does exactly
// what it did, step by step through every screen.
func TestRebindBehaviour(t *testing.T) {
	def, alt := rebindModel(t, keymap.Default(), 160, 48), rebindModel(t, rebound(t), 160, 48)
	for i, s := range walk {
		s.play(t, def)
		s.play(t, alt)
		if a, b := fingerprint(def), fingerprint(alt); a != b {
			t.Fatalf("step %d (%s): default keys and rebound keys part ways:\n default %s\n rebound %s", i, s, a, b)
		}
	}
}

// TestReboundOldKeysDoNothing: once every binding has moved, the keys of
// the default map are free: pressing them on the timeline changes nothing.
func TestReboundOldKeysDoNothing(t *testing.T) {
	m := rebindModel(t, rebound(t), 160, 48)
	b("Up").play(t, m)
	before := fingerprint(m)
	def := keymap.Default()
	v := reflect.ValueOf(def)
	for i := 0; i < v.NumField(); i++ {
		bd, ok := v.Field(i).Interface().(key.Binding)
		if !ok {
			continue
		}
		for _, k := range bd.Keys() {
			_, cmd := m.Update(keyFor(k))
			if cmd != nil {
				if msg := cmd(); fmt.Sprintf("%T", msg) == "tea.QuitMsg" {
					t.Fatalf("%s (the default %s) still quits", k, v.Type().Field(i).Name)
				}
			}
			drain(t, m, cmd)
			if got := fingerprint(m); got != before {
				t.Fatalf("%s (the default %s) still acts: %s -> %s", k, v.Type().Field(i).Name, before, got)
			}
		}
	}
}

// hintLines are the header and the two bottom lines, where keys are
// named.
func hintLines(m *Model) string {
	lines := strings.Split(ansi.Strip(view(m)), "\n")
	return lines[0] + "\n" + strings.Join(lines[len(lines)-2:], "\n")
}

// TestRebindHints: on every screen of the walk, the hint names the
// rebound keys of the bindings it shows and none of the default keys.
func TestRebindHints(t *testing.T) {
	m := rebindModel(t, rebound(t), 400, 48)
	def := keymap.Default()
	var defaults []string
	v := reflect.ValueOf(def)
	for i := 0; i < v.NumField(); i++ {
		if bd, ok := v.Field(i).Interface().(key.Binding); ok {
			defaults = append(defaults, bd.Help().Key)
		}
	}
	for i, s := range walk {
		s.play(t, m)
		hint := hintLines(m)
		keysOnly := hint
		for _, bd := range m.hintKeys() {
			if !strings.Contains(hint, bd.Help().Key) {
				t.Fatalf("step %d (%s): the hint lacks %q (%s):\n%s", i, s, bd.Help().Key, bd.Help().Desc, hint)
			}
			keysOnly = strings.ReplaceAll(keysOnly, bd.Help().Desc, "")
		}
		for _, word := range strings.FieldsFunc(keysOnly, func(r rune) bool { return r == ' ' || r == '·' || r == ':' || r == '(' || r == ')' || r == ',' }) {
			for _, d := range defaults {
				if word == d && !strings.HasPrefix(d, "f") {
					t.Fatalf("step %d (%s): the hint still names the default key %q:\n%s", i, s, d, hint)
				}
			}
		}
	}
}

// screens are states to check hints in, each reached from the timeline;
// moving keys are given room to move.
var screens = []struct {
	name  string
	w, h  int
	steps []step
}{
	{"timeline", 160, 48, []step{b("Up"), b("Up"), b("Up")}},
	{"detail full", 100, 14, []step{b("Up"), b("Detail"), b("Down"), b("Down")}},
	{"detail focus", 160, 10, []step{b("Up"), b("Focus"), b("Down"), b("Down")}},
	{"help", 100, 14, []step{b("Help"), b("Down"), b("Down")}},
	{"query prompt", 160, 48, []step{b("Query"), text("user:x"), b("Apply"), b("Query"), text(" cat:security")}},
	{"time prompt", 160, 48, []step{b("JumpTime"), text("-1h")}},
	{"user picker", 160, 48, []step{b("Users"), b("ListDown"), b("ListDown")}},
	{"type picker", 160, 48, []step{b("Types"), b("ListDown"), b("ListDown")}},
	{"export", 160, 48, []step{b("Export")}},
	{"summary", 160, 48, []step{b("Summary"), b("Down"), b("Down")}},
	{"help over the summary", 100, 14, []step{b("Summary"), b("Help"), b("Down")}},
}

// TestHintKeysAct: every binding a hint shows does something on the
// screen that shows it (moves, opens, closes, answers, or asks for work).
func TestHintKeysAct(t *testing.T) {
	for _, keys := range []keymap.KeyMap{keymap.Default(), rebound(t)} {
		for _, sc := range screens {
			setup := func() *Model {
				m := rebindModel(t, keys, sc.w, sc.h)
				for _, s := range sc.steps {
					s.play(t, m)
				}
				return m
			}
			m := setup()
			hint := hintLines(m)
			for _, bd := range m.hintKeys() {
				if !strings.Contains(hint, bd.Help().Key) {
					continue // cut for width
				}
				acted := false
				for _, k := range bd.Keys() {
					m := setup()
					before, screen := fingerprint(m), view(m)
					_, cmd := m.Update(keyFor(k))
					acted = cmd != nil || fingerprint(m) != before || view(m) != screen
					// Run what the key started (a file being written is
					// waited for when the model closes).
					drain(t, m, cmd)
					if acted {
						break
					}
				}
				if !acted {
					t.Errorf("%s: the hint shows %q (%s), but none of its keys %v does anything there",
						sc.name, bd.Help().Key, bd.Help().Desc, bd.Keys())
				}
			}
		}
	}
}
