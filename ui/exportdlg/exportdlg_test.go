package exportdlg

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/query"
	"matomo-audit/internal/numfmt"
	"matomo-audit/keymap"
	"matomo-audit/theme"
	"matomo-audit/ui/common"
	"matomo-audit/ui/uitest"
)

var clock = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// rig is a dialog on its own over a demo table, writing into a temp
// folder; timers are held, never fired.
type rig struct {
	t       *testing.T
	d       *Model
	dir     string
	writers sync.WaitGroup
	src     *demo.Source
}

func newRig(t *testing.T, keys keymap.KeyMap, o Options) *rig {
	t.Helper()
	r := &rig{t: t, dir: t.TempDir(), src: demo.New(demo.Options{Seed: 1, Now: func() time.Time { return clock }, Count: 200})}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); r.writers.Wait() })
	c := common.New(ctx, r.src, theme.NoColor(), &keys, func() time.Time { return clock }, time.UTC)
	c.After = func(time.Duration, tea.Msg) tea.Cmd { return nil }
	c.SetSize(100, 30)
	o.Dir, o.Writers, o.Filter = r.dir, &r.writers, query.Compile(&query.Query{}, clock, time.UTC)
	r.d = New(c, o)
	r.d.SetSize(100, 27)
	r.run(r.d.Init())
	return r
}

// run runs cmd and feeds what it brings back into the dialog, returning
// the intents handed back.
func (r *rig) run(cmd tea.Cmd) []tea.Msg {
	var intents []tea.Msg
	uitest.Run(cmd, nil, func(msg tea.Msg) tea.Cmd {
		in, next := r.d.Update(msg)
		if in != nil {
			intents = append(intents, in)
		}
		return next
	})
	return intents
}

func (r *rig) press(k tea.KeyPressMsg) []tea.Msg {
	r.t.Helper()
	in, cmd := r.d.Update(k)
	out := r.run(cmd)
	if in != nil {
		out = append([]tea.Msg{in}, out...)
	}
	return out
}

func (r *rig) typeText(s string) {
	for _, ch := range s {
		r.press(tea.KeyPressMsg{Code: ch, Text: string(ch)})
	}
}

func (r *rig) clearPath() {
	for range len(r.d.Path()) {
		r.press(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
}

func (r *rig) wantView(sub string) {
	r.t.Helper()
	if v := ansi.Strip(r.d.View()); !strings.Contains(v, sub) {
		r.t.Fatalf("dialog lacks %q:\n%s", sub, v)
	}
}

var (
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	esc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	tab   = tea.KeyPressMsg{Code: tea.KeyTab}
)

func letter(s string) tea.KeyPressMsg { return tea.KeyPressMsg{Code: rune(s[0]), Text: s} }

func TestSelectionCountAndFormat(t *testing.T) {
	first, last := clock.Add(-time.Hour), clock
	r := newRig(t, keymap.Default(), Options{From: 10, To: 15, First: first, Last: last})
	r.wantView("the selected events (id 10..15), counting…")
	r.d.Update(Count{N: 2, Pct: 40})
	r.wantView("≥2 selected events (id 10..15), counting 40%")
	r.d.Update(Count{N: 6, Done: true, Pct: 100})
	r.wantView("6 selected events (id 10..15)")
	if want := "./" + DefaultName(first, last, 0); r.d.Path() != want {
		t.Fatalf("path %q, want %q", r.d.Path(), want)
	}
	r.press(tab)
	if !strings.HasSuffix(r.d.Path(), ".ndjson") {
		t.Fatalf("after tab the path is %q", r.d.Path())
	}
	r.wantView("[ndjson (one event per line)]")
	r.wantView("enter: write · tab: format · esc: cancel")
	if in := r.press(esc); len(in) != 1 || in[0] != (common.Close{}) {
		t.Fatalf("esc handed back %v", in)
	}
}

// A whole export the window does not hold looks its ends up, writes every
// event and says so in Done.
func TestWholeExportWrites(t *testing.T) {
	r := newRig(t, keymap.Default(), Options{Whole: true})
	if !strings.HasPrefix(r.d.Path(), "./matomo-activity-2026") {
		t.Fatalf("the ends were not looked up: %q", r.d.Path())
	}
	r.wantView("all events (counting…)")
	var total uint64
	r.src.Stream(context.Background(), r.d.o.Filter, 0, 0, func(*activity.Event) error { total++; return nil })
	r.d.Update(Count{N: total, Done: true})
	r.wantView("all " + numfmt.Thousands(total) + " events")
	in := r.press(enter)
	if len(in) != 1 {
		t.Fatalf("enter handed back %v", in)
	}
	done, ok := in[0].(Done)
	if !ok || done.Err != nil || done.N != total || filepath.Dir(done.Path) != r.dir {
		t.Fatalf("enter handed back %#v", in[0])
	}
	if _, err := os.Stat(done.Path); err != nil {
		t.Fatal(err)
	}
	// The same name again asks first, and no keeps the file.
	r.d = New(r.d.c, r.d.o)
	r.d.SetSize(100, 27)
	r.d.Update(Count{N: total, Done: true})
	r.run(r.d.Init())
	r.press(enter)
	r.wantView(ShortPath(r.dir, done.Path) + " exists. Overwrite it? y / n")
	if h := common.InlineHint(r.d.ShortHelp()); h != "y: overwrite · n/esc: choose another name" {
		t.Fatalf("hint %q", h)
	}
	r.press(letter("n"))
	if !r.d.Asking() {
		t.Fatal("n did not go back to the path")
	}
}

// Quitting while writing asks first; yes hands back Quit and the writer
// leaves no file.
func TestQuitWhileWriting(t *testing.T) {
	r := newRig(t, keymap.Default(), Options{From: 1, To: 200})
	in, cmd := r.d.Update(enter)
	if in != nil || r.d.stage != writing {
		t.Fatalf("enter: %v, stage %d", in, r.d.stage)
	}
	if h := common.InlineHint(r.d.ShortHelp()); h != "esc: cancel the export · q: quit (asks first) · ctrl+c: cancel and quit" {
		t.Fatalf("hint while writing %q", h)
	}
	if in := r.press(letter("q")); len(in) != 0 || !r.d.QuitAsked() {
		t.Fatalf("q did not ask: %v", in)
	}
	r.wantView("Quit and drop this export? q or y: quit")
	if in := r.press(letter("y")); len(in) != 1 || in[0] != (common.Quit{}) {
		t.Fatalf("y handed back %v", in)
	}
	ended := r.run(cmd)
	if len(ended) != 1 || !errors.Is(ended[0].(Done).Err, context.Canceled) {
		t.Fatalf("the writer ended with %v", ended)
	}
	if entries, _ := os.ReadDir(r.dir); len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

// Rebound keys are the ones matched and shown.
func TestReboundKeys(t *testing.T) {
	k := keymap.Default()
	rebind := func(b *key.Binding, keys ...string) {
		*b = key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], b.Help().Desc))
	}
	rebind(&k.Format, "ctrl+f")
	rebind(&k.Apply, "ctrl+w")
	rebind(&k.Back, "ctrl+x")
	rebind(&k.Confirm, "o")
	rebind(&k.Deny, "ctrl+n")
	r := newRig(t, k, Options{From: 1, To: 2})
	want := "ctrl+w: write · ctrl+f: JSON array / ndjson / CSV · ←/→ ctrl+a ctrl+e: edit the path · ctrl+x: cancel"
	if h := common.InlineHint(r.d.ShortHelp()); h != want {
		t.Fatalf("hint %q, want %q", h, want)
	}
	r.wantView("ctrl+w: write · ctrl+f: format · ctrl+x: cancel")
	r.press(tab)
	if !strings.HasSuffix(r.d.Path(), ".json") {
		t.Fatalf("tab still switched the format: %q", r.d.Path())
	}
	r.press(tea.KeyPressMsg{Code: 'f', Mod: tea.ModCtrl})
	if !strings.HasSuffix(r.d.Path(), ".ndjson") {
		t.Fatalf("ctrl+f did not switch the format: %q", r.d.Path())
	}
	os.WriteFile(filepath.Join(r.dir, "x.ndjson"), nil, 0o600)
	r.clearPath()
	r.typeText("x.ndjson")
	r.press(tea.KeyPressMsg{Code: 'w', Mod: tea.ModCtrl})
	r.wantView("exists. Overwrite it? o / ctrl+n")
	r.press(letter("y"))
	if r.d.stage != confirming {
		t.Fatal("y answered a question bound to o")
	}
	r.press(tea.KeyPressMsg{Code: 'n', Mod: tea.ModCtrl})
	if !r.d.Asking() {
		t.Fatal("ctrl+n did not go back to the path")
	}
	if in := r.press(tea.KeyPressMsg{Code: 'x', Mod: tea.ModCtrl}); len(in) != 1 || in[0] != (common.Close{}) {
		t.Fatalf("ctrl+x handed back %v", in)
	}
}
