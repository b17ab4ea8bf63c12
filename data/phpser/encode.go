package phpser

import (
	"math"
	"strconv"
)

// Encode returns v in PHP's serialize() format.
func Encode(v Value) []byte { return AppendEncode(nil, v) }

// AppendEncode appends v in PHP's serialize() format, byte for byte what
// PHP 7.1+ would write for the same value, so re-encoding a decoded row
// reproduces it exactly. Values of an unknown Kind encode as null.
func AppendEncode(dst []byte, v Value) []byte {
	switch v.Kind {
	case KindNull:
		return append(dst, "N;"...)
	case KindBool:
		if v.Bool {
			return append(dst, "b:1;"...)
		}
		return append(dst, "b:0;"...)
	case KindInt:
		dst = append(dst, "i:"...)
		dst = strconv.AppendInt(dst, v.Int, 10)
		return append(dst, ';')
	case KindFloat:
		dst = append(dst, "d:"...)
		if math.IsNaN(v.Float) || math.IsInf(v.Float, 0) {
			dst = append(dst, phpNonFinite(v.Float)...)
		} else {
			dst = appendPHPFloat(dst, v.Float, 'E')
		}
		return append(dst, ';')
	case KindString:
		return appendSerializedString(dst, v.Str)
	case KindArray:
		dst = append(dst, "a:"...)
		dst = strconv.AppendInt(dst, int64(len(v.Entries)), 10)
		dst = append(dst, ":{"...)
		for i := range v.Entries {
			e := &v.Entries[i]
			if e.Key.IsInt {
				dst = append(dst, "i:"...)
				dst = strconv.AppendInt(dst, e.Key.Int, 10)
				dst = append(dst, ';')
			} else {
				dst = appendSerializedString(dst, e.Key.Str)
			}
			dst = AppendEncode(dst, e.Value)
		}
		return append(dst, '}')
	case KindObject:
		dst = append(dst, "O:"...)
		dst = strconv.AppendInt(dst, int64(len(v.Class)), 10)
		dst = append(dst, ":\""...)
		dst = append(dst, v.Class...)
		dst = append(dst, "\":"...)
		dst = strconv.AppendInt(dst, int64(len(v.Entries)), 10)
		dst = append(dst, ":{"...)
		for i := range v.Entries {
			e := &v.Entries[i]
			// PHP property tables only hold strings, so an int key can only
			// come from a hand-built Value; write it the way PHP would.
			if e.Key.IsInt {
				var buf [20]byte
				dst = appendSerializedString(dst, string(strconv.AppendInt(buf[:0], e.Key.Int, 10)))
			} else {
				dst = appendSerializedString(dst, e.Key.Str)
			}
			dst = AppendEncode(dst, e.Value)
		}
		return append(dst, '}')
	}
	return append(dst, "N;"...)
}

func appendSerializedString(dst []byte, s string) []byte {
	dst = append(dst, "s:"...)
	dst = strconv.AppendInt(dst, int64(len(s)), 10)
	dst = append(dst, ":\""...)
	dst = append(dst, s...)
	return append(dst, "\";"...)
}

// phpNonFinite is PHP's text for NaN and the infinities.
func phpNonFinite(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "INF"
	case math.IsInf(f, -1):
		return "-INF"
	}
	return "NAN"
}

// appendPHPFloat appends a finite f as PHP's zend_gcvt does with
// serialize_precision=-1: the shortest digits that round-trip, plain
// notation when the decimal exponent is in [-4, 17), otherwise mantissa
// "d.ddd" (at least "d.0") and an unpadded signed exponent, e.g. 1.0E+25.
func appendPHPFloat(dst []byte, f float64, expChar byte) []byte {
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0"...)
		}
		return append(dst, '0')
	}
	// strconv's shortest round-trip digits equal zend_dtoa mode 0's.
	var buf [32]byte
	b := strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	if b[0] == '-' {
		dst = append(dst, '-')
		b = b[1:]
	}
	var digits [20]byte
	nd := 0
	i := 0
	for ; b[i] != 'e'; i++ {
		if b[i] != '.' {
			digits[nd] = b[i]
			nd++
		}
	}
	// strconv writes the exponent as e±dd[d]; parsing it by hand avoids
	// an allocation per float.
	exp := 0
	for _, c := range b[i+2:] {
		exp = exp*10 + int(c-'0')
	}
	if b[i+1] == '-' {
		exp = -exp
	}
	decpt := exp + 1 // digits are 0.ddd × 10^decpt

	switch {
	case decpt < -3 || decpt > 17:
		dst = append(dst, digits[0], '.')
		if nd == 1 {
			dst = append(dst, '0')
		} else {
			dst = append(dst, digits[1:nd]...)
		}
		dst = append(dst, expChar)
		if exp < 0 {
			dst = append(dst, '-')
			exp = -exp
		} else {
			dst = append(dst, '+')
		}
		return strconv.AppendInt(dst, int64(exp), 10)
	case decpt <= 0:
		dst = append(dst, '0', '.')
		for range -decpt {
			dst = append(dst, '0')
		}
		return append(dst, digits[:nd]...)
	case nd <= decpt:
		dst = append(dst, digits[:nd]...)
		for range decpt - nd {
			dst = append(dst, '0')
		}
		return dst
	default:
		dst = append(dst, digits[:decpt]...)
		dst = append(dst, '.')
		return append(dst, digits[decpt:nd]...)
	}
}
