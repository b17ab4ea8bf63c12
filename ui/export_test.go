package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/export"
	"matomo-audit/data/query"
	"matomo-audit/theme"
	"matomo-audit/ui/cell"
	"matomo-audit/ui/exportdlg"
)

// exportRig is a model over n rows that exports into a temp folder.
func exportRig(t *testing.T, n int, o Options) (*liveRig, string) {
	t.Helper()
	dir := t.TempDir()
	o.Dir = dir
	r := newRig(t, demo.FromRows(liveRows(1, n, clock), nil), o)
	r.run(r.m.Init())
	return r, dir
}

func (r *liveRig) typeText(s string) {
	for _, ch := range s {
		r.send(tea.KeyPressMsg{Code: ch, Text: string(ch)})
	}
}

// clearPath empties the export dialog's path field.
func (r *liveRig) clearPath() {
	r.press("ctrl+e")
	for range len(r.m.exportDialog().Path()) {
		r.send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
}

// readIDs reads an export file (JSON array or NDJSON) and returns its ids,
// checking it is valid JSON and mode 0600.
func readIDs(t *testing.T, path string, f export.Format) []uint64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, st.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	var evs []struct {
		ID uint64 `json:"id"`
	}
	if f == export.JSON {
		if err := json.Unmarshal(b, &evs); err != nil {
			t.Fatalf("%s is not a JSON array: %v", path, err)
		}
	} else {
		for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			var e struct {
				ID uint64 `json:"id"`
			}
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("%s: line %q is not JSON: %v", path, line, err)
			}
			evs = append(evs, e)
		}
	}
	ids := make([]uint64, len(evs))
	for i, e := range evs {
		ids[i] = e.ID
	}
	return ids
}

func (m *Model) eventAt(id uint64) *activity.Event {
	for i := range m.tl.events {
		if m.tl.events[i].ID == id {
			return &m.tl.events[i]
		}
	}
	panic("no event #" + cell.Itoa(id) + " in the window")
}

func idRange(lo, hi uint64) []uint64 {
	var out []uint64
	for id := lo; id <= hi; id++ {
		out = append(out, id)
	}
	return out
}

func sameIDs(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The issue's own check: v, j x 5, e, enter.
func TestSelectAndExport(t *testing.T) {
	r, dir := exportRig(t, 300, Options{})
	for range 10 {
		r.press("k")
	}
	r.wantCursor(290)
	r.press("v", "j", "j", "j", "j", "j")
	r.wantCursor(295)
	r.wantStatus("selected 6 events (id 290..295)")
	// The selected rows are marked (not the cursor row, which has its own).
	if n := strings.Count(plainView(r.m), r.m.c.Theme.MarkSelected); n != 5 {
		t.Fatalf("%d rows marked selected, want 5:\n%s", n, plainView(r.m))
	}
	r.press("e")
	v := plainView(r.m)
	name := exportdlg.DefaultName(r.m.eventAt(290).Time, r.m.eventAt(295).Time, export.JSON)
	for _, want := range []string{"6 selected events (id 290..295)", "./" + name, "[JSON array]"} {
		if !strings.Contains(v, want) {
			t.Fatalf("dialog lacks %q:\n%s", want, v)
		}
	}
	r.press("enter")
	if r.m.exportDialog() != nil {
		t.Fatalf("dialog still open:\n%s", plainView(r.m))
	}
	path := filepath.Join(dir, name)
	if got := readIDs(t, path, export.JSON); !sameIDs(got, idRange(290, 295)) {
		t.Fatalf("exported %v", got)
	}
	r.wantStatus("wrote 6 events to ./" + name)
	// The toast goes away by itself.
	for _, tm := range r.timers {
		if _, ok := tm.msg.(toastDoneMsg); ok {
			r.send(tm.msg)
		}
	}
	if strings.Contains(r.statusLine(), "wrote") {
		t.Fatal("the toast stayed")
	}
	// v again, or esc, clears the selection.
	r.press("v")
	if strings.Contains(r.statusLine(), "selected") {
		t.Fatal("v did not clear the selection")
	}
	r.press("v", "k", "esc")
	if strings.Contains(r.statusLine(), "selected") || r.m.sel.active {
		t.Fatal("esc did not clear the selection")
	}
}

// The selection keeps to the filter and reaches past the loaded window.
func TestSelectionAcrossPagesAndFilter(t *testing.T) {
	r, dir := exportRig(t, 5000, Options{})
	r.press("v", "g")
	r.wantCursor(1)
	r.wantStatus("selected 5,000 events (id 1..5,000)")
	if len(r.m.tl.events) >= 5000 {
		t.Fatal("the window holds the whole table: this test needs it not to")
	}
	// A filter applied now narrows what the span holds.
	r.press("/")
	r.typeText("user:alice")
	r.press("enter")
	r.wantStatus("selected 1,666 events")
	r.press("e", "tab", "enter")
	var name string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		name = e.Name()
	}
	if len(entries) != 1 || !strings.HasSuffix(name, ".ndjson") {
		t.Fatalf("folder holds %v", entries)
	}
	got := readIDs(t, filepath.Join(dir, name), export.NDJSON)
	var want []uint64
	for id := uint64(1); id <= 5000; id++ {
		if id%3 == 0 { // liveRows: alice at ids divisible by 3
			want = append(want, id)
		}
	}
	lo, hi, _ := r.m.span()
	var inSpan []uint64
	for _, id := range want {
		if id >= lo && id <= hi {
			inSpan = append(inSpan, id)
		}
	}
	if !sameIDs(got, inSpan) {
		t.Fatalf("exported %d ids, want %d (span %d..%d)", len(got), len(inSpan), lo, hi)
	}
}

// Without a selection, e exports what the query matches: exactly what the
// headless export writes for it.
func TestExportWholeQuery(t *testing.T) {
	r, dir := exportRig(t, 3000, Options{Query: compile(t, "user:bob,carol -id:100..2000")})
	r.press("e")
	r.wantDialog("all 732 events matching user:bob,carol -id:100..2000")
	r.press("enter")
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("folder holds %v", entries)
	}
	got, _ := os.ReadFile(filepath.Join(dir, entries[0].Name()))
	var want bytes.Buffer
	w := export.NewWriter(&want, export.JSON)
	f := query.Compile(compile(t, "user:bob,carol -id:100..2000"), clock, time.UTC)
	if err := r.src.Stream(context.Background(), f, 0, 0, w.Write); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("the dialog wrote %d bytes, the headless export %d", len(got), want.Len())
	}
	if !strings.HasPrefix(entries[0].Name(), "matomo-activity-20261122T") {
		t.Errorf("default name %s", entries[0].Name())
	}
}

func (r *liveRig) wantDialog(sub string) {
	r.t.Helper()
	if v := plainView(r.m); r.m.exportDialog() == nil || !strings.Contains(v, sub) {
		r.t.Fatalf("dialog lacks %q:\n%s", sub, v)
	}
}

func TestExportPathAndOverwrite(t *testing.T) {
	r, dir := exportRig(t, 50, Options{})
	home := t.TempDir()
	t.Setenv("HOME", home)
	r.press("v", "k", "e")
	r.clearPath()
	r.typeText("no/such/folder/x.json")
	r.press("enter")
	r.wantDialog("no folder " + filepath.Join(dir, "no/such/folder"))
	r.clearPath()
	r.press("enter")
	r.wantDialog("type a file name")
	// ~ is the home folder.
	r.typeText("~/a.json")
	r.press("enter")
	if got := readIDs(t, filepath.Join(home, "a.json"), export.JSON); !sameIDs(got, idRange(49, 50)) {
		t.Fatalf("exported %v", got)
	}
	// An existing file is only replaced after a yes.
	os.WriteFile(filepath.Join(dir, "keep.json"), []byte("precious"), 0o600)
	r.press("e")
	r.clearPath()
	r.typeText("keep.json")
	r.press("enter")
	r.wantDialog("keep.json exists. Overwrite it? y / n")
	r.press("n")
	r.wantDialog("enter: write")
	r.press("enter", "n", "esc")
	if b, _ := os.ReadFile(filepath.Join(dir, "keep.json")); string(b) != "precious" {
		t.Fatal("the file was touched without a yes")
	}
	if r.m.exportDialog() != nil {
		t.Fatal("esc did not close the dialog")
	}
	r.press("e")
	r.clearPath()
	r.typeText("keep.json")
	r.press("enter", "y")
	if got := readIDs(t, filepath.Join(dir, "keep.json"), export.JSON); !sameIDs(got, idRange(49, 50)) {
		t.Fatalf("after overwrite: %v", got)
	}
	// tab switches the format, and the extension of a typed name with it.
	r.press("e")
	r.clearPath()
	r.typeText("b.json")
	r.press("tab")
	if v := r.m.exportDialog().Path(); v != "b.ndjson" {
		t.Fatalf("after tab the path is %q", v)
	}
	// The choices stay in their places; only the bracket moves.
	if v := plainView(r.m); !strings.Contains(v, "JSON array   ·  [ndjson (one event per line)]  ·   CSV") {
		t.Fatalf("format line after tab:\n%s", v)
	}
	r.press("tab")
	if v := r.m.exportDialog().Path(); v != "b.csv" || !strings.Contains(plainView(r.m), "JSON array   ·   ndjson (one event per line)   ·  [CSV]") {
		t.Fatalf("after a second tab the path is %q:\n%s", v, plainView(r.m))
	}
	r.press("enter")
	data, err := os.ReadFile(filepath.Join(dir, "b.csv"))
	if err != nil || !strings.HasPrefix(string(data), "id,time,user,type,category,severity,ip,country,description\r\n") {
		t.Fatalf("CSV export: %q %v", data, err)
	}
	r.wantStatus("wrote 2 events to ./b.csv")
	// A path typed with ./ in it is shown cleaned, also outside the
	// start folder.
	other := t.TempDir()
	r.press("e")
	r.clearPath()
	r.typeText(other + "/./c.json")
	r.press("enter")
	r.wantStatus("wrote 2 events to " + other + "/c.json")
	r.press("e")
	r.clearPath()
	r.typeText(other + "/./c.json")
	r.press("enter")
	if v := plainView(r.m); !strings.Contains(v, other+"/c.json exists. Overwrite it?") {
		t.Fatalf("the overwrite question names the file as typed:\n%s", v)
	}
	r.press("esc", "esc")
}

func TestGoldenExport(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, th := range []theme.Theme{theme.Dark(), theme.NoColor()} {
			name := th.Name + "-" + cell.Itoa(uint64(size[0])) + "x" + cell.Itoa(uint64(size[1]))
			t.Run(name+"-selection", func(t *testing.T) {
				m := newModel(t, demoSource(), th, size[0], size[1])
				press(t, m, "k", "k", "k", "v", "k", "k", "k", "k")
				golden.RequireEqual(t, view(m))
			})
			t.Run(name+"-dialog", func(t *testing.T) {
				m := newModel(t, demoSource(), th, size[0], size[1])
				press(t, m, "k", "v", "k", "k", "e")
				golden.RequireEqual(t, view(m))
			})
		}
	}
}
