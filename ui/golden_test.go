package ui

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"matomo-audit/data/demo"
	"matomo-audit/keymap"
	"matomo-audit/theme"
	"matomo-audit/ui/cell"
)

func TestEmptyAndNoMatch(t *testing.T) {
	m := newModel(t, demo.FromRows(nil, nil), theme.Dark(), 80, 24)
	if v := plainView(m); !strings.Contains(v, "no events in this table") {
		t.Errorf("empty table:\n%s", v)
	}
	press(t, m, "k", "j", "g", "G", "enter", "esc", "pgup")
	m = New(Options{Source: demoSource(), Query: compile(t, "user:nobody"), Theme: theme.Dark(), Now: fixedNow})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	drain(t, m, m.Init())
	if v := plainView(m); !strings.Contains(v, "no events match user:nobody") || !strings.Contains(v, " user:nobody  0 matches") {
		t.Errorf("no match:\n%s", v)
	}
}

// TestGolden pins whole screens at 80x24 and 160x48, dark and no-color.
// Regenerate with: go test ./ui -run TestGolden -update
func TestGolden(t *testing.T) {
	screens := []struct {
		name string
		keys []string
	}{
		{"timeline", nil},
		{"cursor-up", []string{"k", "k", "k", "k", "k"}},
		{"detail-full", []string{"k", "k", "enter"}},
		{"detail-raw", []string{"k", "k", "enter", "r"}},
		{"help", []string{"?"}},
		{"oldest", []string{"g"}},
		{"prompt-error", []string{"/", "u", "s", "e", "r", ":"}},
		{"user-filter", []string{"k", "k", "u"}},
		{"user-picker", []string{"U"}},
		{"type-picker", []string{"t", "s", "u", "p", "e", "r"}},
	}
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, th := range []theme.Theme{theme.Dark(), theme.NoColor()} {
			for _, s := range screens {
				t.Run(fmt.Sprintf("%s-%dx%d-%s", th.Name, size[0], size[1], s.name), func(t *testing.T) {
					m := newModel(t, demoSource(), th, size[0], size[1])
					press(t, m, s.keys...)
					golden.RequireEqual(t, view(m))
				})
			}
		}
	}
	for _, th := range []theme.Theme{theme.Dark(), theme.NoColor()} {
		t.Run("small-30x6-"+th.Name, func(t *testing.T) {
			m := newModel(t, demoSource(), th, 30, 6)
			golden.RequireEqual(t, view(m))
		})
	}
}

// TestHelpSmall: on small terminals the help fits the screen and scrolls,
// and scrolling through it shows every key; the key column is one width,
// so keys of different groups line up.
func TestHelpSmall(t *testing.T) {
	for _, size := range [][2]int{{60, 15}, {50, 12}, {40, 8}, {80, 24}, {160, 48}} {
		w, h := size[0], size[1]
		m := newModel(t, demoSource(), theme.NoColor(), w, h)
		press(t, m, "?")
		seen := map[string]bool{}
		for i := 0; i < 60; i++ {
			checkFrame(t, m, w, h)
			for _, l := range strings.Split(plainView(m), "\n") {
				seen[strings.Join(strings.Fields(l), " ")] = true
			}
			press(t, m, "j")
		}
		all := strings.Join(slices.Collect(maps.Keys(seen)), "\n")
		for _, group := range keymap.Default().FullHelp() {
			for _, b := range group {
				if !strings.Contains(all, b.Help().Key+" ") {
					t.Errorf("%dx%d: scrolling the help never shows %q", w, h, b.Help().Key)
				}
			}
		}
		if !strings.Contains(all, "not a current user") {
			t.Errorf("%dx%d: the marks never show", w, h)
		}
	}
	// Every description starts in the same column within a column of
	// the grid.
	m := newModel(t, demoSource(), theme.NoColor(), 80, 24)
	press(t, m, "?")
	col := -1
	for _, l := range strings.Split(plainView(m), "\n") {
		for _, k := range []string{"↑/k ", "enter ", "Y "} {
			if i := strings.Index(l, "│ "+k); i >= 0 {
				j := i + len("│ ") + len(k)
				d := cell.Width(l[:j+strings.IndexFunc(l[j:], func(r rune) bool { return r != ' ' })])
				if col >= 0 && d != col {
					t.Errorf("descriptions start at %d and %d:\n%s", col, d, plainView(m))
				}
				col = d
			}
		}
	}
}
