// Package numfmt writes numbers for people.
package numfmt

import "strconv"

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
