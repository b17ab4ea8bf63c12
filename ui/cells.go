package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"matomo-audit/internal/termsafe"
)

// safe is the single door through which database text enters the screen:
// control characters, escape sequences and bidi tricks become visible
// escapes, so a hostile login can neither drive the terminal nor disguise
// itself.
func safe(s string) string { return termsafe.Clean(s) }

// fit truncates (by display width, never inside a grapheme) and pads plain
// text to exactly w cells.
func fit(s string, w int, ellipsis string) string {
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

// clip truncates without padding.
func clip(s string, w int, ellipsis string) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, ellipsis)
}

// width is the display width of (possibly styled) text.
func width(s string) int { return ansi.StringWidth(s) }

// padRight pads styled text with spaces to w cells (no truncation).
func padRight(s string, w int) string {
	if n := w - ansi.StringWidth(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// wrap breaks plain text into lines of at most w cells, at spaces where it
// can and anywhere when a word is longer than a line.
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	if s == "" {
		return []string{""}
	}
	out := strings.Split(ansi.Hardwrap(ansi.Wrap(s, w, ""), w, true), "\n")
	return out
}

func uitoa(n uint64) string { return strconv.FormatUint(n, 10) }
