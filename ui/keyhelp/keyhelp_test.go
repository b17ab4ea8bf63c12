package keyhelp

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"matomo-audit/keymap"
	"matomo-audit/theme"
	"matomo-audit/ui/cell"
	"matomo-audit/ui/common"
)

func newHelp(t *testing.T, w, h int) *Model {
	t.Helper()
	keys := keymap.Default()
	c := common.New(context.Background(), nil, theme.NoColor(), &keys, time.Now, time.UTC)
	m := New(c, keys.FullHelp())
	m.SetSize(w, h)
	return m
}

func TestHelpListsEveryKeyAndFits(t *testing.T) {
	m := newHelp(t, 160, 45)
	v := ansi.Strip(m.View())
	for _, g := range keymap.Default().FullHelp() {
		for _, b := range g {
			if !strings.Contains(v, b.Help().Desc) {
				t.Errorf("help lacks %q", b.Help().Desc)
			}
		}
	}
	lines := strings.Split(v, "\n")
	if len(lines) != 45 {
		t.Fatalf("%d lines, want 45", len(lines))
	}
	for _, l := range lines {
		if cell.Width(l) != 160 {
			t.Fatalf("a line is %d wide: %q", cell.Width(l), l)
		}
	}
}

func TestHelpScrollsWhenTallerAndCloses(t *testing.T) {
	m := newHelp(t, 60, 10)
	first := ansi.Strip(m.View())
	if !strings.Contains(first, "more ·") {
		t.Fatalf("a short screen does not say there is more:\n%s", first)
	}
	m.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	if ansi.Strip(m.View()) == first {
		t.Fatal("j does not scroll")
	}
	m.Update(tea.KeyPressMsg{Code: 'g', Text: "g"})
	if ansi.Strip(m.View()) != first {
		t.Fatal("g does not go back to the top")
	}
	for _, k := range []tea.KeyPressMsg{{Code: tea.KeyEscape}, {Code: '?', Text: "?"}} {
		if in, _ := m.Update(k); in != (common.Close{}) {
			t.Fatalf("%s hands back %#v, want Close", k, in)
		}
	}
	if in, _ := m.Update(tea.KeyPressMsg{Code: 'x', Text: "x"}); in != nil {
		t.Fatalf("x hands back %#v", in)
	}
}
