package main

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"matomo-audit/ui"
)

// The benchmark reads the UI's state off the screen, as a user does,
// rather than through accessors that would exist only for it. What it
// reads is the status bar, the line above the key hints at the bottom:
// the query's count ("3 matches"), the cursor's position (" · #12,345"),
// and on the right what is going on ("scanning…", "wrote 1,000 events").

// screen is the UI's current frame without its styling.
func screen(m *ui.Model) string { return ansi.Strip(m.View().Content) }

// statusBar is a frame's status bar.
func statusBar(frame string) string {
	lines := strings.Split(frame, "\n")
	if len(lines) < 2 {
		return ""
	}
	return lines[len(lines)-2]
}

var position = regexp.MustCompile(` · #([0-9][0-9,]*)`)

// cursorID is the id of the event under the cursor, as the status bar
// shows it; 0 when it shows none.
func cursorID(bar string) uint64 {
	m := position.FindStringSubmatch(bar)
	if m == nil {
		return 0
	}
	id, _ := strconv.ParseUint(strings.ReplaceAll(m[1], ",", ""), 10, 64)
	return id
}

var matchCount = regexp.MustCompile(`(?:^|\s)([0-9][0-9,]*) match(?:es)?\b`)

// matches is the query's match count once the status bar has it, and
// whether it has: "counting…" and "≥12 matches, counting 40%" are not yet
// a count.
func matches(bar string) (uint64, bool) {
	m := matchCount.FindStringSubmatch(bar)
	if m == nil || strings.Contains(bar, "counting") {
		return 0, false
	}
	n, _ := strconv.ParseUint(strings.ReplaceAll(m[1], ",", ""), 10, 64)
	return n, true
}

// scanning says whether the status bar shows a filtered scan under way.
func scanning(bar string) bool { return strings.Contains(bar, "scanning") }

// watched is the UI model as a drain sees it, for screen checks that cost
// the UI as little as they can: a drain asks its until before every
// command, and each answer renders a frame (the runtime renders at most
// one per frame time). So a check looks only when an Update may have
// changed the screen, and its time is kept to be taken out of a figure.
type watched struct {
	*ui.Model
	updates int
	spent   time.Duration
}

func (w *watched) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	w.updates++
	_, cmd := w.Model.Update(msg)
	return w, cmd
}

// until is check, run once after each Update and timed.
func (w *watched) until(check func() bool) func() bool {
	seen := -1
	return func() bool {
		if w.updates == seen {
			return false
		}
		seen = w.updates
		start := time.Now()
		done := check()
		w.spent += time.Since(start)
		return done
	}
}
