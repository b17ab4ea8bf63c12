package ui

import (
	"image/color"
	"testing"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/theme"
)

// TestBackgroundPicksTheTheme: with AutoTheme the terminal's answer to the
// background query picks dark or light, whatever NO_COLOR says in this
// process's environment: over SSH that is the server's, and whoever set
// AutoTheme has already honoured the client's. Without it the theme
// given stays.
func TestBackgroundPicksTheTheme(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	white := tea.BackgroundColorMsg{Color: color.White}
	black := tea.BackgroundColorMsg{Color: color.Black}
	for _, c := range []struct {
		auto bool
		msgs []tea.Msg
		want string
	}{
		{true, []tea.Msg{white}, theme.Light().Name},
		{true, []tea.Msg{white, black}, theme.Dark().Name},
		{false, []tea.Msg{white}, theme.Dark().Name},
	} {
		m := New(Options{Source: demoSource(), Theme: theme.Dark(), AutoTheme: c.auto, Now: fixedNow})
		send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
		for _, msg := range c.msgs {
			send(t, m, msg)
		}
		if got := m.c.Theme.Name; got != c.want {
			t.Errorf("auto %v after %d answers: theme %q, want %q", c.auto, len(c.msgs), got, c.want)
		}
		m.Close()
	}
}
