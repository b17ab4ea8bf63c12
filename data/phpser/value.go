package phpser

import (
	"math"
	"strconv"
)

// Kind is the PHP type of a Value.
type Kind uint8

// The PHP types serialize() can produce (references and custom objects
// aside).
const (
	KindNull Kind = iota
	KindBool
	KindInt
	KindFloat
	KindString
	KindArray
	KindObject
)

// Value is one decoded PHP value. Only the fields that belong to Kind are set;
// a Value is plain data, safe to copy and to share between goroutines.
type Value struct {
	Kind    Kind
	Bool    bool
	Int     int64
	Float   float64
	Str     string  // KindString: raw bytes as PHP had them (may be invalid UTF-8)
	Class   string  // KindObject: class name
	Entries []Entry // KindArray / KindObject, in serialized order
}

// Key is an array key or object property name. PHP keeps int and string keys
// apart, so we do too.
type Key struct {
	IsInt bool
	Int   int64
	Str   string
}

// Entry is one key/value pair of an array or object.
type Entry struct {
	Key   Key
	Value Value
}

// Get looks key up in an array or object. A canonical decimal key such as
// "5" also finds int key 5, because that is how PHP's $a["5"] behaves.
func (v Value) Get(key string) (Value, bool) {
	if v.Kind != KindArray && v.Kind != KindObject {
		return Value{}, false
	}
	n, numeric := canonicalInt(key)
	for i := range v.Entries {
		k := &v.Entries[i].Key
		if k.IsInt {
			if numeric && k.Int == n {
				return v.Entries[i].Value, true
			}
		} else if k.Str == key {
			return v.Entries[i].Value, true
		}
	}
	return Value{}, false
}

// GetInt looks an int key up in an array or object. Object properties are
// always strings in PHP, so a string key holding the canonical decimal form
// of key matches too.
func (v Value) GetInt(key int64) (Value, bool) {
	if v.Kind != KindArray && v.Kind != KindObject {
		return Value{}, false
	}
	for i := range v.Entries {
		k := &v.Entries[i].Key
		if k.IsInt {
			if k.Int == key {
				return v.Entries[i].Value, true
			}
		} else if n, ok := canonicalInt(k.Str); ok && n == key {
			return v.Entries[i].Value, true
		}
	}
	return Value{}, false
}

// Len is the number of entries of an array or object, 0 for anything else.
func (v Value) Len() int {
	if v.Kind != KindArray && v.Kind != KindObject {
		return 0
	}
	return len(v.Entries)
}

// IsList reports whether v is an array whose keys are exactly the ints
// 0..n-1 in order: the arrays json_encode prints as JSON lists.
func (v Value) IsList() bool {
	if v.Kind != KindArray {
		return false
	}
	for i := range v.Entries {
		k := &v.Entries[i].Key
		if !k.IsInt || k.Int != int64(i) {
			return false
		}
	}
	return true
}

// Truthy is PHP's boolean conversion. Matomo stores flags such as
// has_access as bool, int or "0"/"1" depending on the code path, and PHP
// code reads them with this rule.
func (v Value) Truthy() bool {
	switch v.Kind {
	case KindBool:
		return v.Bool
	case KindInt:
		return v.Int != 0
	case KindFloat:
		return v.Float != 0 // NaN != 0, so NAN is true as in PHP
	case KindString:
		return v.Str != "" && v.Str != "0"
	case KindArray:
		return len(v.Entries) > 0
	case KindObject:
		return true
	}
	return false
}

// Int64 returns v as an integer when it holds one exactly: an int, a string
// in canonical decimal form (ids are often stored as numeric strings), or an
// integral float within int64 range.
func (v Value) Int64() (int64, bool) {
	switch v.Kind {
	case KindInt:
		return v.Int, true
	case KindString:
		return canonicalInt(v.Str)
	case KindFloat:
		f := v.Float
		// -2^63 is exact as a float64; 2^63 is the first value out of range.
		if f == math.Trunc(f) && f >= -9223372036854775808.0 && f < 9223372036854775808.0 {
			return int64(f), true
		}
	}
	return 0, false
}

// Scalar returns the display text of a scalar: strings as-is, ints in
// decimal, floats as AppendJSON prints them (NAN, INF and -INF, which JSON
// cannot carry, by their PHP names), bools as "true"/"false". Null, arrays
// and objects have no scalar text.
func (v Value) Scalar() (string, bool) {
	switch v.Kind {
	case KindString:
		return v.Str, true
	case KindInt:
		return strconv.FormatInt(v.Int, 10), true
	case KindFloat:
		var buf [32]byte
		if b, ok := appendJSONFloat(buf[:0], v.Float); ok {
			return string(b), true
		}
		return phpNonFinite(v.Float), true
	case KindBool:
		if v.Bool {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

// canonicalInt reports whether s is an integer in the exact form PHP turns
// into an int array key: optional '-', no leading zeros, not "-0", within
// int64 (mirrors _zend_handle_numeric_str_ex).
func canonicalInt(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	neg := s[0] == '-'
	d := s
	if neg {
		d = s[1:]
	}
	if len(d) == 0 || len(d) > 19 || (d[0] == '0' && len(s) > 1) {
		return 0, false
	}
	var u uint64 // 19 digits cannot overflow uint64
	for i := 0; i < len(d); i++ {
		c := d[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return int64(-u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}
