package ui

import (
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

// thousands formats n with comma separators: 1234567 -> 1,234,567.
func thousands(n uint64) string {
	s := uitoa(n)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

func uitoa(n uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}
