package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"matomo-audit/data/demo"
	"matomo-audit/theme"
)

func TestFollowShowsNewEventsPinned(t *testing.T) {
	r := newLiveRig(t, 300, Options{})
	r.wantCursor(300)
	r.wantStatus(" FOLLOW ")
	r.commitIDs(301, 302)
	r.tick()
	r.wantCursor(302)
	if v := plainView(r.m); !strings.Contains(v, "#302") {
		t.Fatalf("newest not on screen:\n%s", v)
	}
	// The cursor row is the last timeline row: pinned to the bottom.
	tl := &r.m.tl
	if tl.cursor-tl.offset != r.m.timelineRows()-1 {
		t.Fatalf("cursor at screen row %d of %d", tl.cursor-tl.offset, r.m.timelineRows())
	}
	// A quiet poll changes nothing.
	before := plainView(r.m)
	r.tick()
	if plainView(r.m) != before {
		t.Fatal("a poll with nothing new changed the screen")
	}
}

func TestFollowLateCommitsInIDOrderOnce(t *testing.T) {
	r := newLiveRig(t, 300, Options{})
	// 303 and 305 are taken by transactions still open when 304 and 306
	// commit.
	r.commitIDs(301, 302, 304, 306)
	r.tick()
	r.wantCursor(306)
	r.commitIDs(305)
	r.tick()
	r.commitIDs(303, 307)
	r.tick()
	r.wantCursor(307)
	w := r.window()
	if got := fmt.Sprint(w[len(w)-7:]); got != "[301 302 303 304 305 306 307]" {
		t.Fatalf("window ends %s", got)
	}
	for id := uint64(301); id <= 307; id++ {
		if r.shown[id] != 1 {
			t.Errorf("#%d shown %d times", id, r.shown[id])
		}
	}
	// Polls go on for a while; nothing repeats.
	for range 5 {
		r.tick()
	}
	for id, n := range r.shown {
		if n != 1 {
			t.Errorf("#%d shown %d times", id, n)
		}
	}
}

// An id missing at start (an insert still open) is awaited from the start.
func TestFollowAwaitsIDsOpenAtStart(t *testing.T) {
	rows := liveRows(1, 300, clock)
	rows = append(rows[:294], rows[295:]...) // 295 not committed yet
	r := startRig(t, demo.FromRows(rows, nil), Options{})
	if r.m.tl.events[len(r.m.tl.events)-6].ID != 294 {
		t.Fatalf("window: %v", r.window()[len(r.window())-6:])
	}
	r.commitIDs(295)
	r.tick()
	w := r.window()
	if got := fmt.Sprint(w[len(w)-7:]); got != "[294 295 296 297 298 299 300]" {
		t.Fatalf("late #295 not in its place: %s", got)
	}
	r.wantCursor(300)
}

func TestFollowPauseCountsAndResume(t *testing.T) {
	r := newLiveRig(t, 300, Options{})
	r.press("k")
	r.wantCursor(299)
	r.wantStatus(" PAUSED (G) ")
	tl := &r.m.tl
	cursor, offset, screen := tl.cursor, tl.offset, plainView(r.m)
	r.commitIDs(301, 302, 304)
	r.tick()
	r.wantStatus("PAUSED · 3 newer (G)")
	if tl.cursor != cursor || tl.offset != offset {
		t.Fatal("the view moved while paused")
	}
	// The timeline rows are the same; only the status bar changed.
	if a, b := strings.Split(screen, "\n"), strings.Split(plainView(r.m), "\n"); strings.Join(a[:len(a)-2], "\n") != strings.Join(b[:len(b)-2], "\n") {
		t.Fatalf("screen changed while paused:\n%s", plainView(r.m))
	}
	r.commitIDs(303, 305)
	r.tick()
	r.wantStatus("PAUSED · 5 newer (G)")
	// Scrolling further keeps it paused and the count.
	r.press("k", "k", "pgup")
	r.wantStatus("PAUSED · 5 newer (G)")
	r.press("G")
	r.wantStatus(" FOLLOW ")
	r.wantCursor(305)
	r.commitIDs(306)
	r.tick()
	r.wantCursor(306)
	for id := uint64(280); id <= 306; id++ {
		if r.shown[id] == 0 {
			t.Errorf("#%d never shown", id)
		}
	}
	if got := r.window(); got[len(got)-1] != 306 {
		t.Fatalf("window ends at %d", got[len(got)-1])
	}
	// f resumes a pause too.
	r.press("k")
	r.wantStatus("PAUSED")
	r.press("f")
	r.wantStatus(" FOLLOW ")
	r.wantCursor(306)
}

func TestFollowKeyTogglesOff(t *testing.T) {
	r := newLiveRig(t, 300, Options{})
	r.press("f")
	if s := r.statusLine(); strings.Contains(s, "FOLLOW") || strings.Contains(s, "PAUSED") {
		t.Fatalf("still following: %q", s)
	}
	r.commitIDs(301)
	r.tick()
	r.tick()
	r.wantCursor(300)
	if len(r.timers) != 0 {
		t.Fatalf("still polling when off: %v", r.timers)
	}
	r.press("f")
	r.wantStatus(" FOLLOW ")
	r.wantCursor(301)
	r.commitIDs(302)
	r.tick()
	r.wantCursor(302)
}

func TestFollowWithoutFlagStartsOff(t *testing.T) {
	src := demo.FromRows(liveRows(1, 50, clock), nil)
	m := newModel(t, src, theme.NoColor(), 100, 20)
	if strings.Contains(plainView(m), "FOLLOW") {
		t.Fatal("following without Options.Follow")
	}
}

func TestFollowAppliesFilter(t *testing.T) {
	r := newLiveRig(t, 300, Options{Query: compile(t, "user:alice")})
	r.commitIDs(301, 302, 303, 304, 305, 306)
	r.tick()
	for _, id := range []uint64{301, 302, 304, 305} {
		for _, e := range r.m.tl.events {
			if e.ID == id {
				t.Errorf("#%d (not alice) shown", id)
			}
		}
	}
	r.wantCursor(306)
	// A new filter applies to what comes next, and nothing is lost in
	// between.
	r.press("ctrl+l", "/")
	typeText(t, r.m, "user:bob")
	r.press("enter")
	r.run(nil)
	r.commitIDs(307, 308, 309, 310)
	r.tick()
	r.wantCursor(310)
	w := r.window()
	if got := fmt.Sprint(w[len(w)-3:]); got != "[304 307 310]" {
		t.Fatalf("bob's newest: %s", got)
	}
}

func TestFollowFlashesAndRingsForSecurity(t *testing.T) {
	r := newLiveRig(t, 300, Options{Bell: true, Theme: theme.Dark()})
	r.commitIDs(301)
	r.tick()
	if r.bells != 0 {
		t.Fatal("bell for an ordinary sign-in")
	}
	r.commit(liveRow(302, "ActivityLog/UserSignInFailed", "mallory", r.now))
	r.tick()
	if r.bells != 1 {
		t.Fatalf("%d bells for a failed sign-in", r.bells)
	}
	flash, _, _ := strings.Cut(r.m.c.Theme.Flash.Render("X"), "X")
	flash += "failed to sign in"
	r.press("k") // the flash shows off the cursor row
	if !strings.Contains(view(r.m), flash) {
		t.Fatalf("new security event not highlighted:\n%q", view(r.m))
	}
	r.now = r.now.Add(flashFor + time.Second)
	due := r.timers
	r.timers = nil
	for _, tm := range due {
		if _, ok := tm.msg.(flashDoneMsg); ok {
			r.send(tm.msg)
		} else {
			r.timers = append(r.timers, tm)
		}
	}
	if strings.Contains(view(r.m), flash) {
		t.Fatal("still highlighted after the flash")
	}
	if !strings.Contains(plainView(r.m), "failed to sign in") {
		t.Fatal("the event itself went away")
	}

	// Without --bell: highlight only.
	q := newLiveRig(t, 300, Options{Theme: theme.Dark()})
	q.commit(liveRow(301, "ActivityLog/UserSignInFailed", "mallory", q.now))
	q.tick()
	if q.bells != 0 {
		t.Fatal("bell without Bell")
	}
}

func TestFollowWindowStaysBounded(t *testing.T) {
	r := newLiveRig(t, 300, Options{})
	for batch := 0; batch < 10; batch++ {
		from := 301 + batch*500
		r.commit(liveRows(from, from+499, r.now)...)
		r.tick()
	}
	r.wantCursor(5300)
	if n := len(r.m.tl.events); n > r.m.maxWindow() {
		t.Fatalf("window holds %d events, cap %d", n, r.m.maxWindow())
	}
	// Scrolling up from a trimmed window loads what was trimmed.
	r.press("g")
	r.wantCursor(1)
}

func TestFollowDemoLive(t *testing.T) {
	now := clock
	src := demo.New(demo.Options{Seed: 1, Now: func() time.Time { return now }, Live: true})
	r := startRig(t, src, Options{})
	first := r.cursorID()
	for range 120 {
		now = now.Add(time.Second)
		r.tick()
	}
	if r.cursorID() <= first {
		t.Fatalf("no demo event arrived in two minutes: cursor #%d", r.cursorID())
	}
	w := r.window()
	for i := 1; i < len(w); i++ {
		if w[i] != w[i-1]+1 {
			t.Fatalf("demo ids not contiguous in the window at %d: %d then %d", i, w[i-1], w[i])
		}
	}
	for id, n := range r.shown {
		if n != 1 {
			t.Errorf("#%d shown %d times", id, n)
		}
	}
}

func TestGoldenFollow(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, th := range []theme.Theme{theme.Dark(), theme.NoColor()} {
			name := fmt.Sprintf("%s-%dx%d", th.Name, size[0], size[1])
			t.Run(name+"-following", func(t *testing.T) {
				r := newLiveRig(t, 300, Options{Theme: th})
				r.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				r.commitIDs(301)
				r.commit(liveRow(302, "ActivityLog/UserSignInFailed", "mallory", r.now))
				r.tick() // 302 is highlighted as a new security event
				golden.RequireEqual(t, view(r.m))
			})
			t.Run(name+"-paused", func(t *testing.T) {
				r := newLiveRig(t, 300, Options{Theme: th})
				r.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				r.press("k", "k")
				r.commitIDs(301, 302)
				r.tick()
				golden.RequireEqual(t, view(r.m))
			})
		}
	}
}
