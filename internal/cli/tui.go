package cli

import (
	"context"
	"os"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/term"

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
		NoExport: g.noExport, InTmux: os.Getenv("TMUX") != "", BurstMin: g.ui.burstMin, BurstWithin: g.ui.burstWithin})
}

// uiFlags are the interactive view's own flags.
type uiFlags struct {
	follow bool
	poll   time.Duration
	grace  time.Duration
	bell   bool
	// The summary's failed-login burst thresholds.
	burstMin    int
	burstWithin time.Duration
}

func isTerminal(f *os.File) bool { return term.IsTerminal(f.Fd()) }
