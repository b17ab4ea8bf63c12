package phpser

import (
	"math"
	"strconv"
	"strings"
)

// AppendJSON appends v as PHP's json_encode() prints it with the flags
// JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE |
// JSON_INVALID_UTF8_SUBSTITUTE | JSON_PRESERVE_ZERO_FRACTION: readable
// output that never fails and keeps 1.0 distinct from 1.
//
// Where json_encode would fail instead (NaN, ±Inf) the value is written as
// null. Objects show their public properties only, like json_encode; an
// object of a class other than stdClass starts with
// "__PHP_Incomplete_Class_Name", because that is what PHP holds after
// unserializing a class it does not know.
func AppendJSON(dst []byte, v Value) []byte {
	switch v.Kind {
	case KindBool:
		if v.Bool {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case KindInt:
		return strconv.AppendInt(dst, v.Int, 10)
	case KindFloat:
		if b, ok := appendJSONFloat(dst, v.Float); ok {
			return b
		}
		return append(dst, "null"...)
	case KindString:
		return appendJSONString(dst, v.Str)
	case KindArray:
		if v.IsList() {
			dst = append(dst, '[')
			for i := range v.Entries {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = AppendJSON(dst, v.Entries[i].Value)
			}
			return append(dst, ']')
		}
		dst = append(dst, '{')
		for i := range v.Entries {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONKey(dst, v.Entries[i].Key)
			dst = AppendJSON(dst, v.Entries[i].Value)
		}
		return append(dst, '}')
	case KindObject:
		return appendJSONObject(dst, v)
	}
	return append(dst, "null"...)
}

const incompleteClassName = "__PHP_Incomplete_Class_Name"

func appendJSONObject(dst []byte, v Value) []byte {
	dst = append(dst, '{')
	first := true
	incomplete := !strings.EqualFold(v.Class, "stdClass")
	if incomplete {
		// PHP stores the name as the first property; a serialized property of
		// the same name overwrites its value but not its position.
		name := Str(v.Class)
		if p, ok := v.Get(incompleteClassName); ok {
			name = p
		}
		dst = appendJSONString(dst, incompleteClassName)
		dst = append(dst, ':')
		dst = AppendJSON(dst, name)
		first = false
	}
	for i := range v.Entries {
		k := v.Entries[i].Key
		// A leading NUL marks a private or protected property.
		if !k.IsInt && strings.HasPrefix(k.Str, "\x00") {
			continue
		}
		if incomplete && !k.IsInt && k.Str == incompleteClassName {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendJSONKey(dst, k)
		dst = AppendJSON(dst, v.Entries[i].Value)
	}
	return append(dst, '}')
}

func appendJSONKey(dst []byte, k Key) []byte {
	if k.IsInt {
		dst = append(dst, '"')
		dst = strconv.AppendInt(dst, k.Int, 10)
		dst = append(dst, '"', ':')
		return dst
	}
	dst = appendJSONString(dst, k.Str)
	return append(dst, ':')
}

// appendJSONFloat writes a finite float in PHP's notation with a ".0" added
// to integral values; ok is false for NaN and ±Inf, which JSON cannot carry.
func appendJSONFloat(dst []byte, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return dst, false
	}
	start := len(dst)
	dst = appendPHPFloat(dst, f, 'e')
	for _, c := range dst[start:] {
		if c == '.' {
			return dst, true
		}
	}
	return append(dst, ".0"...), true
}

// jsonSafe marks the ASCII bytes that are copied through unescaped.
var jsonSafe = func() (t [128]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendJSONString escapes like PHP's json encoder with the flags above:
// quotes, backslashes and control characters are escaped (\u00XX in lower
// case), U+2028/U+2029 are escaped because JavaScript treats them as line
// ends, and each invalid UTF-8 sequence becomes one U+FFFD, split the way
// PHP's php_next_utf8_char splits it.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			if jsonSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"':
				dst = append(dst, '\\', '"')
			case '\\':
				dst = append(dst, '\\', '\\')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size, ok := phpNextUTF8(s[i:])
		switch {
		case !ok:
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\uFFFD"...)
		case r == 0x2028 || r == 0x2029:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\u202`...)
			dst = append(dst, hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func utf8Lead(c byte) bool  { return c < 0x80 || c >= 0xC2 && c <= 0xF4 }
func utf8Trail(c byte) bool { return c >= 0x80 && c <= 0xBF }

// phpNextUTF8 decodes the sequence at the start of s (s[0] >= 0x80). On
// invalid input it reports how many bytes PHP's php_next_utf8_char skips,
// so invalid text turns into the same number of U+FFFD as in PHP. That
// differs from Go's decoder, which always skips one byte.
func phpNextUTF8(s string) (r rune, size int, ok bool) {
	c := s[0]
	n := len(s)
	switch {
	case c < 0xC2:
		return 0, 1, false
	case c < 0xE0:
		if n < 2 {
			return 0, 1, false
		}
		if !utf8Trail(s[1]) {
			if utf8Lead(s[1]) {
				return 0, 1, false
			}
			return 0, 2, false
		}
		return rune(c&0x1F)<<6 | rune(s[1]&0x3F), 2, true
	case c < 0xF0:
		if n < 3 || !utf8Trail(s[1]) || !utf8Trail(s[2]) {
			switch {
			case n < 2 || utf8Lead(s[1]):
				return 0, 1, false
			case n < 3 || utf8Lead(s[2]):
				return 0, 2, false
			}
			return 0, 3, false
		}
		r = rune(c&0x0F)<<12 | rune(s[1]&0x3F)<<6 | rune(s[2]&0x3F)
		if r < 0x800 || r >= 0xD800 && r <= 0xDFFF {
			return 0, 3, false
		}
		return r, 3, true
	case c < 0xF5:
		if n < 4 || !utf8Trail(s[1]) || !utf8Trail(s[2]) || !utf8Trail(s[3]) {
			switch {
			case n < 2 || utf8Lead(s[1]):
				return 0, 1, false
			case n < 3 || utf8Lead(s[2]):
				return 0, 2, false
			case n < 4 || utf8Lead(s[3]):
				return 0, 3, false
			}
			return 0, 4, false
		}
		r = rune(c&0x07)<<18 | rune(s[1]&0x3F)<<12 | rune(s[2]&0x3F)<<6 | rune(s[3]&0x3F)
		if r < 0x10000 || r > 0x10FFFF {
			return 0, 4, false
		}
		return r, 4, true
	}
	return 0, 1, false
}
