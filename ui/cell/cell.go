// Package cell shapes text into terminal cells: display width, cutting
// and padding without splitting a grapheme, and the one door database
// text goes through before it reaches the screen.
package cell

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"matomo-audit/internal/termsafe"
)

// Safe is the single door through which database text enters the screen:
// control characters, escape sequences and bidi tricks become visible
// escapes, so a hostile login can neither drive the terminal nor disguise
// itself.
func Safe(s string) string { return termsafe.Clean(s) }

// Fit truncates (by display width, never inside a grapheme) and pads plain
// text to exactly w cells.
func Fit(s string, w int, ellipsis string) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, ellipsis)
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// Clip truncates without padding.
func Clip(s string, w int, ellipsis string) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, ellipsis)
}

// Width is the display width of (possibly styled) text.
func Width(s string) int { return ansi.StringWidth(s) }

// PadRight pads styled text with spaces to w cells (no truncation).
func PadRight(s string, w int) string {
	if n := w - ansi.StringWidth(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// PadStyled fills styled text to w cells with the style's background.
func PadStyled(s string, w int, st lipgloss.Style) string {
	if n := w - Width(s); n > 0 {
		return s + st.Render(strings.Repeat(" ", n))
	}
	return s
}

// ClipStyled cuts a styled line to w cells, keeping its escape codes
// balanced.
func ClipStyled(s string, w int) string {
	if Width(s) <= w {
		return s
	}
	return lipgloss.NewStyle().MaxWidth(w).Render(s)
}

// Wrap breaks plain text into lines of at most w cells, at spaces where it
// can and anywhere when a word is longer than a line.
func Wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	if s == "" {
		return []string{""}
	}
	return strings.Split(ansi.Hardwrap(ansi.Wrap(s, w, ""), w, true), "\n")
}

// PlaceBox centres a box in a w x h area, exactly h lines of w cells.
func PlaceBox(box string, w, h int) []string {
	placed := lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
	lines := strings.Split(placed, "\n")
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = PadRight(ClipStyled(lines[i], w), w)
		} else {
			out[i] = strings.Repeat(" ", w)
		}
	}
	return out
}

// Lines pads to exactly h lines, each padded to w cells.
func Lines(out []string, w, h int) []string {
	for len(out) < h {
		out = append(out, "")
	}
	for i := range out {
		out[i] = PadRight(out[i], w)
	}
	return out[:h]
}

// Itoa writes an unsigned count.
func Itoa(n uint64) string { return strconv.FormatUint(n, 10) }
