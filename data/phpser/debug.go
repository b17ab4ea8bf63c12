package phpser

import (
	"strconv"
)

// String returns a compact debug form such as
// {items: [{type: "goal", data: {id: 3}}], 7: null}: lists in brackets,
// other arrays in braces, objects prefixed with their class name, simple
// keys bare, everything else Go-quoted. It never panics; nesting beyond
// debugMaxDepth (only reachable with hand-built cyclic slices) prints "…".
func (v Value) String() string {
	return string(appendDebug(nil, v, 0))
}

const debugMaxDepth = 512

func appendDebug(dst []byte, v Value, depth int) []byte {
	if depth > debugMaxDepth {
		return append(dst, "…"...)
	}
	switch v.Kind {
	case KindNull:
		return append(dst, "null"...)
	case KindBool, KindInt, KindFloat:
		s, _ := v.Scalar()
		return append(dst, s...)
	case KindString:
		return strconv.AppendQuote(dst, v.Str)
	case KindArray:
		if v.IsList() {
			dst = append(dst, '[')
			for i := range v.Entries {
				if i > 0 {
					dst = append(dst, ", "...)
				}
				dst = appendDebug(dst, v.Entries[i].Value, depth+1)
			}
			return append(dst, ']')
		}
		return appendDebugEntries(dst, v.Entries, depth)
	case KindObject:
		dst = append(dst, v.Class...)
		return appendDebugEntries(dst, v.Entries, depth)
	}
	dst = append(dst, "<kind "...)
	dst = strconv.AppendUint(dst, uint64(v.Kind), 10)
	return append(dst, '>')
}

func appendDebugEntries(dst []byte, entries []Entry, depth int) []byte {
	dst = append(dst, '{')
	for i := range entries {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		k := entries[i].Key
		switch {
		case k.IsInt:
			dst = strconv.AppendInt(dst, k.Int, 10)
		case bareKey(k.Str):
			dst = append(dst, k.Str...)
		default:
			dst = strconv.AppendQuote(dst, k.Str)
		}
		dst = append(dst, ": "...)
		dst = appendDebug(dst, entries[i].Value, depth+1)
	}
	return append(dst, '}')
}

// bareKey reports whether a string key can be printed unquoted without
// being mistaken for an int key or breaking the layout.
func bareKey(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
