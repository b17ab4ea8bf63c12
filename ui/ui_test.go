package ui

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/demo"
	"matomo-audit/data/sourcetest"
	"matomo-audit/internal/numfmt"
	"matomo-audit/keymap"
	"matomo-audit/theme"
	"matomo-audit/ui/cell"
)

func TestStartsAtNewest(t *testing.T) {
	src := demoSource()
	_, hi, _ := src.Bounds(t.Context())
	m := newModel(t, src, theme.Dark(), 80, 24)
	if e := m.current(); e == nil || e.ID != hi {
		t.Fatalf("cursor on %v, want the newest event %d", e, hi)
	}
	lines := strings.Split(plainView(m), "\n")
	// The newest row is the last timeline row, right above the detail pane.
	for i, l := range lines {
		if strings.HasPrefix(l, "─ detail") {
			if !strings.HasPrefix(lines[i-1], ">") {
				t.Fatalf("cursor row is not the bottom row:\n%s", plainView(m))
			}
			break
		}
	}
	if !strings.Contains(plainView(m), "#"+numfmt.Thousands(hi)+" (100%)") {
		t.Errorf("status bar lacks the position:\n%s", plainView(m))
	}
	checkFrame(t, m, 80, 24)
}

func TestMoveKeys(t *testing.T) {
	m := newModel(t, demoSource(), theme.Dark(), 80, 24)
	id := func() uint64 { return m.current().ID }
	top := id()
	press(t, m, "k", "k", "up")
	if id() != top-3 {
		t.Fatalf("3 up: %d, want %d", id(), top-3)
	}
	press(t, m, "j", "down")
	if id() != top-1 {
		t.Fatalf("2 down: %d", id())
	}
	rows := m.timelineRows()
	press(t, m, "pgup")
	if id() != top-1-uint64(rows-1) {
		t.Fatalf("pgup moved to %d, want %d", id(), top-1-uint64(rows-1))
	}
	press(t, m, "ctrl+d")
	if id() != top-1-uint64(rows-1)+uint64(rows/2) {
		t.Fatalf("ctrl+d moved to %d", id())
	}
	press(t, m, "g")
	if id() != 1 || m.tl.offset != 0 {
		t.Fatalf("g: cursor %d offset %d, want the oldest event at the top", id(), m.tl.offset)
	}
	press(t, m, "k")
	if id() != 1 {
		t.Fatal("moving above the oldest event")
	}
	press(t, m, "end")
	if id() != top {
		t.Fatalf("end: %d, want %d", id(), top)
	}
	press(t, m, "home", "G")
	if id() != top {
		t.Fatalf("home then G: %d", id())
	}
}

// TestWalkWholeTable steps through every event one key at a time, up and
// down, with and without a filter: each matching event is visited once, in
// order, while the window stays bounded.
func TestWalkWholeTable(t *testing.T) {
	for _, q := range []string{"", "cat:security", "user:alice -type:UserSignedIn"} {
		src := demoSource()
		all := sourcetest.IDs(sourcetest.Stream(t, src, sourcetest.Filter(t, q)))
		m := New(Options{Source: src, Query: compile(t, q), Theme: theme.NoColor(), Now: fixedNow})
		send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
		drain(t, m, m.Init())
		var seen []uint64
		for i := 0; i < len(all)+5; i++ {
			seen = append(seen, m.current().ID)
			if len(m.tl.events) > m.maxWindow()+m.pageSize() {
				t.Fatalf("%q: window grew to %d events", q, len(m.tl.events))
			}
			press(t, m, "k")
		}
		seen = slices.Compact(seen)
		slices.Reverse(seen)
		if !slices.Equal(seen, all) {
			t.Fatalf("%q: walking up visited %d events, the filter matches %d", q, len(seen), len(all))
		}
		seen = seen[:0]
		for i := 0; i < len(all)+5; i++ {
			seen = append(seen, m.current().ID)
			press(t, m, "j")
		}
		if seen = slices.Compact(seen); !slices.Equal(seen, all) {
			t.Fatalf("%q: walking down visited %d events, want %d", q, len(seen), len(all))
		}
	}
}

// TestHoldPageUp: pages asked for beyond the loaded window are remembered
// and carried out when the page arrives, so a held key never stalls.
func TestHoldPageUp(t *testing.T) {
	m := newModel(t, demoSource(), theme.Dark(), 160, 48)
	prev := m.current().ID
	for i := 0; i < 200 && m.current().ID > 1; i++ {
		press(t, m, "pgup")
		if id := m.current().ID; id >= prev {
			t.Fatalf("pgup %d did not move (at %d)", i, id)
		} else {
			prev = id
		}
	}
	if m.current().ID != 1 {
		t.Fatalf("never reached the oldest event: at %d", m.current().ID)
	}
}

func TestLayouts(t *testing.T) {
	for _, c := range []struct {
		w, h  int
		where string
	}{
		{80, 24, "below"}, {120, 40, "below"}, {121, 40, "side"}, {160, 48, "side"}, {200, 60, "side"}, {100, 12, "none"},
	} {
		m := newModel(t, demoSource(), theme.Dark(), c.w, c.h)
		l := m.layout()
		got := "none"
		switch {
		case l.side:
			got = "side"
			if l.tlW < 80 {
				t.Errorf("%dx%d: side pane leaves the timeline %d columns", c.w, c.h, l.tlW)
			}
		case l.below:
			got = "below"
		}
		if got != c.where {
			t.Errorf("%dx%d: detail %s, want %s", c.w, c.h, got, c.where)
		}
		checkFrame(t, m, c.w, c.h)
		press(t, m, "enter")
		if !m.layout().full || !strings.Contains(plainView(m), "Event #") {
			t.Errorf("%dx%d: enter does not show the full detail", c.w, c.h)
		}
		checkFrame(t, m, c.w, c.h)
		press(t, m, "esc")
		if m.layout().full {
			t.Errorf("%dx%d: esc does not leave the full detail", c.w, c.h)
		}
	}
}

func TestDetailShowsEveryField(t *testing.T) {
	src := demoSource()
	m := New(Options{Source: src, Query: compile(t, `"granted super user access"`), Theme: theme.NoColor(), Now: fixedNow})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 40})
	drain(t, m, m.Init())
	press(t, m, "enter")
	v := plainView(m)
	e := m.current()
	for _, want := range []string{
		"Event #" + numfmt.Thousands(e.ID), e.Time.Format("2006-01-02 15:04:05") + " UTC · 17 hours ago", "user      alice", "current user · super user · alice@example.org",
		"type      ActivityLog/UserSetSuperUserAccess", "category  user", "severity  security",
		"ip        " + demo.IncidentIP + " · country ru", "what      granted super user access to mallory (mallory@example.org)",
		"parameters", `has_access: 1`, "- type: user", "login: mallory", "email: mallory@example.org",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("full detail lacks %q:\n%s", want, v)
		}
	}
	press(t, m, "r")
	if v := plainView(m); !strings.Contains(v, "stored parameters") || !strings.Contains(v, `a:2:{s:10:"has_access";s:1:"1";`) {
		t.Errorf("r does not show the stored text:\n%s", v)
	}
}

func TestDetailZoneAndMarks(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	m := New(Options{Source: demoSource(), Query: compile(t, "user:frank"), Loc: berlin, Theme: theme.NoColor(), Now: fixedNow})
	send(t, m, tea.WindowSizeMsg{Width: 160, Height: 48})
	drain(t, m, m.Init())
	v := plainView(m)
	for _, want := range []string{"times Europe/Berlin (CET)", "frank†", "CET (Europe/Berlin)", "not a current user"} {
		if !strings.Contains(v, want) {
			t.Errorf("lacks %q:\n%s", want, v)
		}
	}
	e := m.current()
	if !strings.Contains(v, e.Time.In(berlin).Format("2006-01-02 15:04:05")) {
		t.Errorf("timeline times not in Europe/Berlin")
	}
}

func TestScrollDetailPane(t *testing.T) {
	m := newModel(t, demoSource(), theme.Dark(), 80, 24)
	// An event with a long parameter tree.
	for m.current().Type != "ActivityLog/MeasurableSettingsUpdated" {
		press(t, m, "k")
	}
	before := plainView(m)
	if !strings.Contains(before, "more lines") {
		t.Fatalf("no scroll hint:\n%s", before)
	}
	press(t, m, "tab", "j", "j", "j")
	if m.detail.scroll != 3 || plainView(m) == before {
		t.Fatalf("tab then j: scroll %d", m.detail.scroll)
	}
	id := m.current().ID
	press(t, m, "G")
	if m.current().ID != id {
		t.Fatal("keys moved the timeline while the detail pane had focus")
	}
	press(t, m, "esc", "k")
	if m.current().ID == id || m.detail.scroll != 0 {
		t.Fatal("esc did not give the keys back to the timeline")
	}
}

// TestHelpListsEveryKey: the ? screen is generated from the keymap that
// drives the app, so every binding must be on it.
func TestHelpListsEveryKey(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		m := newModel(t, demoSource(), theme.Dark(), size[0], size[1])
		press(t, m, "?")
		v := plainView(m)
		for _, group := range keymap.Default().FullHelp() {
			for _, b := range group {
				if !strings.Contains(v, b.Help().Key+" ") || !strings.Contains(v, b.Help().Desc) {
					t.Errorf("%v: help lacks %q %q:\n%s", size, b.Help().Key, b.Help().Desc, v)
				}
			}
		}
	}
	m := newModel(t, demoSource(), theme.Dark(), 160, 48)
	press(t, m, "?")
	press(t, m, "k") // ignored while help is open
	press(t, m, "esc")
	if isHelp(m.top()) {
		t.Fatal("esc did not close help")
	}
	press(t, m, "?", "?")
	if isHelp(m.top()) {
		t.Fatal("? did not toggle help")
	}
	_, cmd := m.Update(keyMsg("q"))
	if cmd == nil || fmt.Sprintf("%T", cmd()) != "tea.QuitMsg" {
		t.Fatal("q does not quit")
	}
}

// TestHostileStrings feeds escape sequences, OSC 52, bidi overrides, NUL,
// C1 controls and wide text through every column, the detail pane and the
// raw view: nothing but the UI's own colour codes may reach the screen.
func TestHostileStrings(t *testing.T) {
	src := demo.FromRows(hostileRows(), nil)
	forbidden := regexp.MustCompile("[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f\u0080-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
	for _, size := range [][2]int{{80, 24}, {160, 48}, {200, 60}} {
		for _, th := range []theme.Theme{theme.Dark(), theme.NoColor()} {
			m := newModel(t, src, th, size[0], size[1])
			for step := 0; step < 40; step++ {
				for _, mode := range [][]string{nil, {"enter"}, {"r"}, {"enter"}, {"r"}} {
					press(t, m, mode...)
					out := sgr.ReplaceAllString(view(m), "")
					if strings.ContainsRune(out, 0x1b) || forbidden.MatchString(out) {
						i := strings.IndexFunc(out, func(r rune) bool { return r == 0x1b || forbidden.MatchString(string(r)) })
						t.Fatalf("%s %v: raw control reaches the screen near %q", th.Name, size, out[max(0, i-20):min(len(out), i+20)])
					}
					checkFrame(t, m, size[0], size[1])
				}
				press(t, m, "k")
			}
			if v := plainView(m); !strings.Contains(v, `\x1b]52;c;ZXZpbA==\x07\x1b[2Jmallory`) && size[0] >= 160 {
				t.Errorf("the OSC 52 login is not shown as visible escapes:\n%s", v)
			}
		}
	}
}

func TestWideCharactersKeepColumns(t *testing.T) {
	src := demo.FromRows(hostileRows(), nil)
	m := newModel(t, src, theme.NoColor(), 120, 30)
	press(t, m, "g")
	lines := strings.Split(plainView(m), "\n")
	// The time column starts at the same cell on every event row.
	var col = -1
	for _, l := range lines {
		i := strings.Index(l, "2026-11-20")
		if i < 0 || !strings.Contains(l, "added goal") {
			continue
		}
		cell := len([]rune(l[:i]))
		if col >= 0 && cell != col {
			t.Fatalf("time column moved from cell %d to %d:\n%s", col, cell, strings.Join(lines, "\n"))
		}
		col = cell
	}
	for _, l := range lines {
		if w := cell.Width(l); w > 120 {
			t.Fatalf("line of %d cells: %q", w, l)
		}
	}
}

// TestResizeStorm: any sequence of sizes, down to 20x5 and back, with keys
// in between, never panics and always fills the frame exactly.
func TestResizeStorm(t *testing.T) {
	m := newModel(t, demoSource(), theme.Dark(), 80, 24)
	r := rand.New(rand.NewPCG(1, 2))
	keys := []string{"k", "j", "pgup", "enter", "esc", "?", "esc", "tab", "r", "g", "G"}
	for i := 0; i < 400; i++ {
		w, h := 20+r.IntN(230), 5+r.IntN(70)
		if i%50 == 0 {
			w, h = 20, 5
		}
		send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
		press(t, m, keys[r.IntN(len(keys))])
		checkFrame(t, m, w, h)
		if (w < minWidth || h < minHeight) != strings.Contains(plainView(m), "too small") {
			t.Fatalf("%dx%d: too-small note wrong:\n%s", w, h, plainView(m))
		}
	}
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	checkFrame(t, m, 80, 24)
}
