package phpser

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"testing"
	"unicode/utf8"
)

// FuzzDecode: no input may panic; anything accepted must print as valid
// JSON and survive an Encode/Decode round trip unchanged.
func FuzzDecode(f *testing.F) {
	for _, s := range truncationInputs {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Decode(data)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SyntaxError", err)
			}
			if se.Offset < 0 || se.Offset > len(data) {
				t.Fatalf("offset %d outside input of %d bytes", se.Offset, len(data))
			}
			return
		}
		j := AppendJSON(nil, v)
		if !json.Valid(j) {
			t.Fatalf("invalid JSON %q for %q", j, data)
		}
		if !utf8.Valid(j) {
			t.Fatalf("JSON %q is not UTF-8", j)
		}
		if v.Kind == KindString && utf8.ValidString(v.Str) {
			var back string
			if err := json.Unmarshal(j, &back); err != nil || back != v.Str {
				t.Fatalf("JSON string %s reads back as %q, want %q", j, back, v.Str)
			}
		}
		enc := Encode(v)
		v2, err := Decode(enc)
		if err != nil {
			t.Fatalf("re-decoding %q (from %q): %v", enc, data, err)
		}
		if !equalValue(v, v2) {
			t.Fatalf("round trip changed value:\n in: %q\n v1: %v\nenc: %q\n v2: %v", data, v, enc, v2)
		}
		if enc2 := Encode(v2); !bytes.Equal(enc, enc2) {
			t.Fatalf("Encode not stable: %q then %q", enc, enc2)
		}
		_ = v.String()
		_, _ = v.Scalar()
		_, _ = v.Int64()
		_ = v.Truthy()
		_, _ = v.Get("a")
		_, _ = v.GetInt(0)
	})
}

// FuzzRoundTrip builds values PHP could hold from fuzzed scalars and checks
// Encode/Decode/AppendJSON on them, which mostly exercises float and
// string formatting that FuzzDecode only reaches through text.
func FuzzRoundTrip(f *testing.F) {
	f.Add(0.1, int64(-12), "é\"};", "key")
	f.Add(1e25, int64(math.MinInt64), "", "5")
	f.Add(math.Copysign(0, -1), int64(0), "\xff\x00", "-0")
	f.Add(5e-324, int64(math.MaxInt64), "\u2028", "")
	f.Fuzz(func(t *testing.T, fl float64, i int64, s, k string) {
		key := Pair(k, Str(s))
		if n, ok := canonicalInt(k); ok {
			key = IntPair(n, Str(s)) // PHP would convert it on decode
		}
		var dupKey Entry
		if key.Key.IsInt || key.Key.Str != "f" {
			dupKey = Pair("f", Float(fl))
		} else {
			dupKey = Pair("g", Float(fl))
		}
		v := Map(key, dupKey, IntPair(i, List(Int(i), Bool(i%2 == 0), Null())))
		if key.Key.IsInt && key.Key.Int == i {
			v = Map(key, dupKey)
		}

		enc := Encode(v)
		back, err := Decode(enc)
		if err != nil {
			t.Fatalf("Decode(Encode(%v)) = %v (%q)", v, err, enc)
		}
		if !equalValue(v, back) {
			t.Fatalf("round trip: %v became %v via %q", v, back, enc)
		}
		j := AppendJSON(nil, v)
		if !json.Valid(j) {
			t.Fatalf("invalid JSON %q", j)
		}

		fj := AppendJSON(nil, Float(fl))
		if math.IsNaN(fl) || math.IsInf(fl, 0) {
			if string(fj) != "null" {
				t.Fatalf("AppendJSON(%v) = %s, want null", fl, fj)
			}
			return
		}
		parsed, err := strconv.ParseFloat(string(fj), 64)
		if err != nil || math.Float64bits(parsed) != math.Float64bits(fl) {
			t.Fatalf("AppendJSON(%v) = %s reads back as %v, %v", fl, fj, parsed, err)
		}
		if !bytes.ContainsAny(fj, ".") {
			t.Fatalf("AppendJSON(%v) = %s lost its fraction mark", fl, fj)
		}
	})
}
