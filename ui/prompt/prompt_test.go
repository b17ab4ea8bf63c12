package prompt

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"matomo-audit/keymap"
	"matomo-audit/theme"
	"matomo-audit/ui/common"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func newCommon() *common.Common {
	keys := keymap.Default()
	c := common.New(context.Background(), nil, theme.NoColor(), &keys, func() time.Time { return now }, time.UTC)
	c.SetSize(80, 24)
	return c
}

func typeIn(t *testing.T, p *Model, s string) {
	t.Helper()
	for _, r := range s {
		if in, _ := p.Update(tea.KeyPressMsg{Code: r, Text: string(r)}); in != nil {
			t.Fatalf("typing %q handed back %#v", r, in)
		}
	}
}

func TestQueryMistakeBlocksEnter(t *testing.T) {
	p, _ := New(newCommon(), Query, "", nil)
	p.SetSize(80, 2)
	typeIn(t, p, "user:")
	if v := ansi.Strip(p.View()); !strings.Contains(v, "column ") {
		t.Fatalf("no mistake shown:\n%s", v)
	}
	if in, _ := p.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); in != nil {
		t.Fatalf("enter over a mistake handed back %#v", in)
	}
	typeIn(t, p, "alice")
	in, _ := p.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	b, ok := in.(common.Batch)
	if !ok || len(b) != 2 {
		t.Fatalf("enter handed back %#v", in)
	}
	if s, ok := b[1].(Submitted); !ok || s.Query.String() != "user:alice" {
		t.Fatalf("submitted %#v", b[1])
	}
}

func TestHistoryAndDraft(t *testing.T) {
	p, _ := New(newCommon(), Query, "", []string{"user:a", "user:b"})
	typeIn(t, p, "cat:")
	up := tea.KeyPressMsg{Code: tea.KeyUp}
	down := tea.KeyPressMsg{Code: tea.KeyDown}
	p.Update(up)
	p.Update(up)
	if p.Value() != "user:a" {
		t.Fatalf("two ups gave %q", p.Value())
	}
	p.Update(down)
	p.Update(down)
	if p.Value() != "cat:" {
		t.Fatalf("back down gave %q, want the draft", p.Value())
	}
}

func TestTimePrompt(t *testing.T) {
	p, _ := New(newCommon(), Time, "ignored", nil)
	p.SetSize(120, 2)
	if p.Value() != "" {
		t.Fatalf("time prompt starts with %q", p.Value())
	}
	if !strings.Contains(ansi.Strip(p.View()), "times in UTC") {
		t.Fatalf("no zone:\n%s", ansi.Strip(p.View()))
	}
	typeIn(t, p, "-2h")
	in, _ := p.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	b, _ := in.(common.Batch)
	if len(b) != 2 || b[1] != (JumpTo{At: now.Add(-2 * time.Hour)}) {
		t.Fatalf("enter handed back %#v", in)
	}
	if in, _ := p.Update(tea.KeyPressMsg{Code: tea.KeyEscape}); in != (common.Close{}) {
		t.Fatalf("esc handed back %#v", in)
	}
}
