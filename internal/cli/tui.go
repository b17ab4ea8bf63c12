package cli

import (
	"context"
	"os"
	"os/user"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/term"

	"matomo-audit/internal/shellword"
	"matomo-audit/theme"
	"matomo-audit/ui"
)

// runTUI opens the source first, so connection problems end with the usual
// one-line error before the screen is taken over.
func runTUI(ctx context.Context, g *globals) error {
	// The root command checked the name (knownTheme).
	th, _ := theme.ByName(g.theme, true)
	src, err := g.open(ctx, true)
	if err != nil {
		return err
	}
	defer src.Close()
	auto := strings.EqualFold(g.theme, "auto") && !theme.NoColorRequested()
	if auto {
		// Ask the terminal once, before Bubble Tea owns it; the program
		// also listens for the answer in case this one times out.
		if lipgloss.HasDarkBackground(os.Stdin, os.Stdout) {
			th = theme.Dark()
		} else {
			th = theme.Light()
		}
	}
	return ui.Run(ctx, ui.Options{Source: src, Query: g.q, Loc: g.loc, Theme: th, AutoTheme: auto,
		Follow: g.ui.follow, Poll: g.ui.poll, Grace: g.ui.grace, Bell: g.ui.bell,
		NoExport: g.noExport, InTmux: os.Getenv("TMUX") != "", BurstMin: g.ui.burstMin, BurstWithin: g.ui.burstWithin,
		At: g.ui.at, ViewCommand: g.localViewCommand(), MarkedBy: osUser()})
}

// osUser is who marks events in a local session (kept in its memory).
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "you"
}

// localViewCommand starts L's command line: the binary with the flags that
// chose the source, so the same view opens on the same data. A --dsn is
// left out (it may hold a password); whoever pastes it uses their own.
func (g *globals) localViewCommand() string {
	line := "matomo-audit"
	switch {
	case g.demo:
		line += " --demo"
	case g.matomo != "":
		line += " --matomo " + shellword.Word(g.matomo)
	}
	if g.prefixSet {
		line += " --prefix " + shellword.Word(g.prefix)
	}
	return line + g.tzFlag()
}

// tzFlag is --tz as given, for a command line that must read the query's
// wall-clock times as this one did; "" for UTC.
func (g *globals) tzFlag() string {
	if g.loc == nil || g.loc == time.UTC {
		return ""
	}
	return " --tz " + shellword.Word(g.tz)
}

// uiFlags are the interactive view's own flags.
type uiFlags struct {
	follow bool
	// at is --at: the event the timeline opens on.
	at    uint64
	poll  time.Duration
	grace time.Duration
	bell  bool
	// The summary's failed-login burst thresholds.
	burstMin    int
	burstWithin time.Duration
}

func isTerminal(f *os.File) bool { return term.IsTerminal(f.Fd()) }
