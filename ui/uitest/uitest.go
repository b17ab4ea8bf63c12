// Package uitest drives a Bubble Tea model without a terminal: it runs
// commands synchronously, the way the runtime would, and builds key
// presses by name. The UI's tests and the benchmark share it so that both
// drive the model as a user's terminal does, and in the same way.
//
// It imports nothing of matomo-audit, so ui's own in-package tests can
// use it.
package uitest

import (
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// maxSteps bounds a drain: a model that keeps asking for more work (a
// poll that schedules the next one) would otherwise never return.
const maxSteps = 10_000

// ErrNeverSettle is what a drain returns when commands are still coming
// after maxSteps.
var ErrNeverSettle = errors.New("commands never settle")

// Drain runs cmd, feeding its messages into m.Update and running the
// commands that returns, until nothing is left. m is updated in place, as
// a pointer model is; what Update returns is not followed.
func Drain(m tea.Model, cmd tea.Cmd) error { return DrainUntil(m, cmd, nil) }

// DrainUntil is Drain that also stops as soon as until (asked before each
// command) says so: while following, a model never runs out of commands.
// A nil until never stops it.
func DrainUntil(m tea.Model, cmd tea.Cmd, until func() bool) error {
	return Run(cmd, until, func(msg tea.Msg) tea.Cmd {
		switch msg.(type) {
		case tea.QuitMsg:
			// There is no program to end: the caller decides when it is over.
			return nil
		}
		if IsTerminalQuery(msg) {
			return nil
		}
		_, next := m.Update(msg)
		return next
	})
}

// Run runs cmd the way the runtime would: every message it brings (batches
// taken apart) goes to handle, and the command handle returns runs next,
// until none is left or until (asked before each command) says to stop.
func Run(cmd tea.Cmd, until func() bool, handle func(tea.Msg) tea.Cmd) error {
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if until != nil && until() {
			return nil
		}
		if steps > maxSteps {
			return ErrNeverSettle
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			queue = append(queue, handle(msg))
		}
	}
	return nil
}

// Collect runs cmd and its batches without feeding anything back, so a
// test decides when (and whether) the messages arrive.
func Collect(cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	Run(cmd, nil, func(msg tea.Msg) tea.Cmd {
		out = append(out, msg)
		return nil
	})
	return out
}

// Send is what the runtime does with one message: Update, then drain
// what it asked for.
func Send(m tea.Model, msg tea.Msg) error {
	_, cmd := m.Update(msg)
	return Drain(m, cmd)
}

// Type sends text as key presses, one per rune, as typing it would.
func Type(m tea.Model, text string) error {
	for _, k := range Runes(text) {
		if err := Send(m, k); err != nil {
			return err
		}
	}
	return nil
}

// Runes are the key presses typing text sends, one per rune: for a real
// program's Send, where Type cannot be used.
func Runes(text string) []tea.KeyPressMsg {
	var keys []tea.KeyPressMsg
	for _, r := range text {
		keys = append(keys, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return keys
}

// IsTerminalQuery spots the runtime's own requests (background colour and
// the like, of unexported types): only a real terminal answers them, so
// without one they are skipped rather than fed to the model.
func IsTerminalQuery(msg tea.Msg) bool {
	name, ok := strings.CutPrefix(fmt.Sprintf("%T", msg), "tea.")
	return ok && (name == "" || name[0] < 'A' || name[0] > 'Z')
}

var special = map[string]rune{
	"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "up": tea.KeyUp, "down": tea.KeyDown,
	"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd, "space": tea.KeySpace,
}

// Key is the key press a name stands for: "enter", "esc", "tab", "up",
// "down", "pgup", "pgdown", "home", "end", "space", or "ctrl+" and a
// letter. Any other name is typed: "k", "G", "?", "/" (its first byte is
// the key, so a letter outside ASCII goes through Type instead).
func Key(name string) tea.KeyPressMsg {
	if code, ok := special[name]; ok {
		return tea.KeyPressMsg{Code: code}
	}
	if rest, ok := strings.CutPrefix(name, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: rune(rest[0]), Mod: tea.ModCtrl}
	}
	return tea.KeyPressMsg{Code: rune(name[0]), Text: name}
}
