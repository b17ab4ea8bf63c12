package ui

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"matomo-audit/data/export"
	"matomo-audit/theme"
)

// These run the model inside a real Bubble Tea program, with its renderer
// and event loop, the way a user's keystrokes arrive.
//
// They wait on the screen the model last drew rather than on the bytes
// the renderer wrote: the renderer sends only the cells that changed, so
// a line that changed in a few places ("selected 3 events" becoming
// "selected 6 events") never appears whole in its output, and whether it
// does depends on how keystrokes fall between frames.

// watched is the model as the program runs it, keeping a copy of each
// screen it draws where the test can read it without racing the program.
type watched struct {
	*Model
	screen *atomic.Pointer[string]
}

func (w watched) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := w.Model.Update(msg)
	return w, cmd
}

func (w watched) View() tea.View {
	v := w.Model.View()
	s := ansi.Strip(v.Content)
	w.screen.Store(&s)
	return v
}

type program struct {
	*teatest.TestModel
	screen *atomic.Pointer[string]
}

func startModel(t *testing.T, m *Model, w, h int) program {
	t.Helper()
	t.Cleanup(m.Close)
	p := program{screen: new(atomic.Pointer[string])}
	p.TestModel = teatest.NewTestModel(t, watched{m, p.screen}, teatest.WithInitialTermSize(w, h))
	return p
}

func startProgram(t *testing.T, w, h int) program {
	t.Helper()
	return startModel(t, New(Options{Source: demoSource(), Theme: theme.NoColor(), Now: fixedNow}), w, h)
}

// waitFor waits until the model's screen shows what.
func (p program) waitFor(t *testing.T, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := p.screen.Load()
		if s != nil && strings.Contains(*s, what) {
			return
		}
		if time.Now().After(deadline) {
			last := "(nothing drawn)"
			if s != nil {
				last = *s
			}
			t.Fatalf("screen never showed %q; last screen:\n%s", what, last)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// final waits for the program to end and returns its model.
func (p program) final(t *testing.T) *Model {
	t.Helper()
	return p.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(watched).Model
}

func TestFlowBrowseToDetailAndQuit(t *testing.T) {
	tm := startProgram(t, 80, 24)
	tm.waitFor(t, "Event #3,046")
	for _, k := range []string{"k", "k", "k"} {
		tm.Send(keyMsg(k))
	}
	tm.Send(keyMsg("enter"))
	// Only the full-screen detail has room for the parameter tree.
	tm.waitFor(t, "parameters")
	tm.Send(keyMsg("q"))
	final := tm.final(t)
	if !final.detail.full || final.current().ID != 3043 {
		t.Fatalf("ended on %d, full detail %v", final.current().ID, final.detail.full)
	}
}

func TestFlowHelpAndJumps(t *testing.T) {
	tm := startProgram(t, 160, 48)
	tm.waitFor(t, "? help")
	tm.Send(keyMsg("?"))
	tm.waitFor(t, "Marks")
	tm.Send(keyMsg("esc"))
	tm.Send(keyMsg("g"))
	tm.waitFor(t, "(0%)")
	tm.Send(keyMsg("G"))
	tm.waitFor(t, "(100%)")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

func TestFlowResizeToTinyAndBack(t *testing.T) {
	tm := startProgram(t, 80, 24)
	tm.waitFor(t, "? help")
	tm.Send(tea.WindowSizeMsg{Width: 20, Height: 5})
	tm.waitFor(t, "Terminal too small")
	tm.Send(tea.WindowSizeMsg{Width: 130, Height: 30})
	tm.waitFor(t, "│") // the side-by-side detail pane
	tm.Send(keyMsg("q"))
	out := tm.final(t)
	if v := plainView(out); !strings.Contains(v, "times UTC") {
		t.Fatalf("final screen:\n%s", v)
	}
}

// Selecting a range and exporting it, with the writing on the runtime's
// own goroutines and the toast drawn by its renderer.
func TestFlowSelectAndExport(t *testing.T) {
	dir := t.TempDir()
	tm := startModel(t, New(Options{Source: demoSource(), Theme: theme.NoColor(), Now: fixedNow, Dir: dir}), 120, 30)
	tm.waitFor(t, "Event #3,046")
	for _, k := range []string{"k", "k", "k", "k", "k", "k", "v", "j", "j", "j", "j", "j"} {
		tm.Send(keyMsg(k))
	}
	tm.waitFor(t, "selected 6 events (id 3,040..3,045)")
	tm.Send(keyMsg("e"))
	tm.waitFor(t, "6 selected events")
	tm.Send(keyMsg("enter"))
	tm.waitFor(t, "wrote 6 events to ./matomo-activity-")
	tm.Send(keyMsg("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("folder holds %v", entries)
	}
	if got := readIDs(t, filepath.Join(dir, entries[0].Name()), export.JSON); !sameIDs(got, idRange(3040, 3045)) {
		t.Fatalf("exported %v", got)
	}
}
