// Package numfmt writes numbers for people.
package numfmt

import (
	"strconv"
	"time"
)

// Thousands writes n with comma separators: 1234567 -> 1,234,567.
func Thousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	b := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	return string(b)
}

// Duration writes d the way people say it, in its two largest units
// without zero parts: 10m, 3h, 1h30m, 45s, 1d9h, 18d7h.
func Duration(d time.Duration) string {
	d = d.Round(time.Second)
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h, mi, s := d/time.Hour, d%time.Hour/time.Minute, d%time.Minute/time.Second
	var b []byte
	parts := 0
	for _, p := range []struct {
		n    time.Duration
		unit byte
	}{{days, 'd'}, {h, 'h'}, {mi, 'm'}, {s, 's'}} {
		if parts > 0 {
			parts++ // the unit after the largest is the last one written
		}
		if p.n > 0 && parts <= 2 {
			b = append(strconv.AppendInt(b, int64(p.n), 10), p.unit)
			parts = max(parts, 1)
		}
	}
	if len(b) == 0 {
		return "0s"
	}
	return string(b)
}

// Many writes a count with its noun: "1 event", "12,345 events".
func Many(n uint64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return Thousands(n) + " " + word + "s"
}

// Short writes large counts like 4.1M, 10M, 830k.
func Short(n uint64) string {
	switch {
	case n >= 10_000_000:
		return strconv.FormatUint(n/1_000_000, 10) + "M"
	case n >= 1_000_000:
		return strconv.FormatUint(n/1_000_000, 10) + "." + strconv.FormatUint(n/100_000%10, 10) + "M"
	case n >= 10_000:
		return strconv.FormatUint(n/1000, 10) + "k"
	}
	return Thousands(n)
}
