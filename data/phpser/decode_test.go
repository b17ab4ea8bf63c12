package phpser

import (
	"errors"
	"math"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name, in, json string
	}{
		{"null", `N;`, `null`},
		{"false", `b:0;`, `false`},
		{"true", `b:1;`, `true`},
		{"negative int", `i:-12;`, `-12`},
		{"plus sign", `i:+5;`, `5`},
		{"leading zeros", `i:007;`, `7`},
		{"int max", `i:9223372036854775807;`, `9223372036854775807`},
		{"int min", `i:-9223372036854775808;`, `-9223372036854775808`},
		{"float", `d:0.1;`, `0.1`},
		{"float integral", `d:1;`, `1.0`},
		{"float E notation", `d:-1.5E-7;`, `-1.5e-7`},
		{"float big", `d:1.0E+25;`, `1.0e+25`},
		{"float negative zero", `d:-0;`, `-0.0`},
		{"float leading dot", `d:.5;`, `0.5`},
		{"float trailing dot", `d:5.;`, `5.0`},
		{"float lower e", `d:2e3;`, `2000.0`},
		{"float INF", `d:INF;`, `null`},
		{"float -INF", `d:-INF;`, `null`},
		{"float NAN", `d:NAN;`, `null`},
		{"float overflow", `d:1e400;`, `null`},
		{"float underflow", `d:1e-400;`, `0.0`},
		{"empty string", `s:0:"";`, `""`},
		{"multibyte length", `s:2:"é";`, `"é"`},
		{"quote-semicolon inside", `s:4:"a";b";`, `"a\";b"`},
		{"string length leading zero", `s:01:"x";`, `"x"`},
		{"empty array", `a:0:{}`, `[]`},
		{"list", `a:2:{i:0;s:1:"a";i:1;s:1:"b";}`, `["a","b"]`},
		{"hole", `a:2:{i:0;s:1:"a";i:2;s:1:"b";}`, `{"0":"a","2":"b"}`},
		{"out of order", `a:2:{i:1;s:1:"b";i:0;s:1:"a";}`, `{"1":"b","0":"a"}`},
		{"numeric string keys make a list", `a:2:{s:1:"0";s:1:"x";s:1:"1";s:1:"y";}`, `["x","y"]`},
		{"assoc order kept", `a:3:{s:1:"z";i:1;s:1:"a";i:2;s:1:"m";i:3;}`, `{"z":1,"a":2,"m":3}`},
		{"duplicate keeps first position", `a:3:{s:1:"a";i:1;s:1:"b";i:2;s:1:"a";i:3;}`, `{"a":3,"b":2}`},
		{"duplicate int and numeric string", `a:2:{i:5;s:1:"x";s:1:"5";s:1:"y";}`, `{"5":"y"}`},
		{"nested", `a:1:{s:5:"items";a:1:{i:0;a:1:{s:4:"type";s:4:"goal";}}}`, `{"items":[{"type":"goal"}]}`},
		{"nested empty", `a:1:{i:0;a:0:{}}`, `[[]]`},
		{"count leading zero", `a:01:{i:0;N;}`, `[null]`},
		{"trailing bytes ignored", `i:1;garbage`, `1`},
		{"stdClass", `O:8:"stdClass":2:{s:1:"a";i:1;i:7;b:1;}`, `{"a":1,"7":true}`},
		{"empty object", `O:8:"stdClass":0:{}`, `{}`},
		{"object count sign", `O:8:"stdClass":+1:{s:1:"a";N;}`, `{"a":null}`},
		{"incomplete class, hidden members", "O:3:\"Foo\":3:{s:1:\"a\";d:1;s:4:\"\x00*\x00b\";N;s:6:\"\x00Foo\x00c\";N;}",
			`{"__PHP_Incomplete_Class_Name":"Foo","a":1.0}`},
		{"namespaced class", `O:13:"App\Model\Foo":0:{}`, `{"__PHP_Incomplete_Class_Name":"App\\Model\\Foo"}`},
		{"array keys with NUL are kept", "a:1:{s:2:\"\x00a\";i:1;}", `{"\u0000a":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := DecodeString(tt.in)
			if err != nil {
				t.Fatalf("DecodeString(%q): %v", tt.in, err)
			}
			if got := string(AppendJSON(nil, v)); got != tt.json {
				t.Errorf("DecodeString(%q) as JSON = %s, want %s", tt.in, got, tt.json)
			}
		})
	}
}

func TestDecodeValues(t *testing.T) {
	tests := []struct {
		in   string
		want Value
	}{
		{`d:INF;`, Float(math.Inf(1))},
		{`d:-INF;`, Float(math.Inf(-1))},
		{`d:NAN;`, Float(math.NaN())},
		{`d:-0;`, Float(math.Copysign(0, -1))},
		{`d:1.0E+25;`, Float(1e25)},
		{`d:0.30000000000000004;`, Float(0.30000000000000004)},
		{`a:1:{s:1:"5";b:1;}`, Map(IntPair(5, Bool(true)))},
		{`a:1:{s:2:"-3";b:1;}`, Map(IntPair(-3, Bool(true)))},
		{`a:1:{s:1:"0";b:1;}`, Map(IntPair(0, Bool(true)))},
		{`a:1:{s:2:"05";b:1;}`, Map(Pair("05", Bool(true)))},
		{`a:1:{s:2:"-0";b:1;}`, Map(Pair("-0", Bool(true)))},
		{`a:1:{s:2:"+5";b:1;}`, Map(Pair("+5", Bool(true)))},
		{`a:1:{s:2:" 5";b:1;}`, Map(Pair(" 5", Bool(true)))},
		{`a:1:{s:3:"5.0";b:1;}`, Map(Pair("5.0", Bool(true)))},
		{`a:1:{s:0:"";b:1;}`, Map(Pair("", Bool(true)))},
		{`a:1:{s:1:"-";b:1;}`, Map(Pair("-", Bool(true)))},
		{`a:1:{s:19:"9223372036854775807";b:1;}`, Map(IntPair(math.MaxInt64, Bool(true)))},
		{`a:1:{s:19:"9223372036854775808";b:1;}`, Map(Pair("9223372036854775808", Bool(true)))},
		{`a:1:{s:20:"-9223372036854775808";b:1;}`, Map(IntPair(math.MinInt64, Bool(true)))},
		{`a:1:{s:20:"-9223372036854775809";b:1;}`, Map(Pair("-9223372036854775809", Bool(true)))},
		{`a:1:{s:20:"10000000000000000000";b:1;}`, Map(Pair("10000000000000000000", Bool(true)))},
		// Objects keep numeric strings and turn int keys into strings.
		{`O:8:"stdClass":2:{s:1:"5";N;i:6;N;}`, Value{Kind: KindObject, Class: "stdClass",
			Entries: []Entry{Pair("5", Null()), Pair("6", Null())}}},
		{"O:3:\"Foo\":1:{s:6:\"\x00Foo\x00p\";i:1;}", Value{Kind: KindObject, Class: "Foo",
			Entries: []Entry{Pair("\x00Foo\x00p", Int(1))}}},
		{`a:2:{s:1:"a";N;s:1:"a";i:2;}`, Map(Pair("a", Int(2)))},
	}
	for _, tt := range tests {
		v, err := DecodeString(tt.in)
		if err != nil {
			t.Errorf("DecodeString(%q): %v", tt.in, err)
			continue
		}
		if !equalValue(v, tt.want) {
			t.Errorf("DecodeString(%q) = %v, want %v", tt.in, v, tt.want)
		}
	}
}

// TestDecodeZeroCopy pins the promise that decoded strings alias the input.
func TestDecodeZeroCopy(t *testing.T) {
	in := `a:1:{s:3:"key";s:5:"value";}`
	v, err := DecodeString(in)
	if err != nil {
		t.Fatal(err)
	}
	e := v.Entries[0]
	if !aliases(in, e.Key.Str) || !aliases(in, e.Value.Str) {
		t.Error("decoded strings were copied")
	}
}

// aliases reports whether sub's bytes lie inside s's memory.
func aliases(s, sub string) bool {
	base := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	p := uintptr(unsafe.Pointer(unsafe.StringData(sub)))
	return p >= base && p+uintptr(len(sub)) <= base+uintptr(len(s))
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		in     string
		offset int
		msg    string // substring of the message
	}{
		{``, 0, "end of input"},
		{`x`, 0, "unexpected byte"},
		{`N`, 1, "end of input"},
		{`N:`, 1, `expected ';'`},
		{`b:`, 2, "end of input"},
		{`b:2;`, 2, "0 or 1"},
		{`b:1`, 3, "end of input"},
		{`b:1:`, 3, `expected ';'`},
		{`i:;`, 2, "expected digit"},
		{`i:+;`, 3, "expected digit"},
		{`i:12`, 4, "end of input"},
		{`i:1.5;`, 3, `expected ';'`},
		{`i:9223372036854775808;`, 2, "out of int64 range"},
		{`i:-9223372036854775809;`, 2, "out of int64 range"},
		{`i:123456789012345678901234567890;`, 2, "out of int64 range"},
		{`i 1;`, 1, `expected ':'`},
		{`d:;`, 2, "malformed float"},
		{`d:.;`, 3, "malformed float"},
		{`d:1e;`, 4, "exponent"},
		{`d:1e+;`, 5, "exponent"},
		{`d:0x1p3;`, 3, `expected ';'`},
		{`d:inf;`, 2, "malformed float"},
		{`d:+INF;`, 3, "malformed float"},
		{`d:-NAN;`, 3, "malformed float"},
		{`d:1_0;`, 3, `expected ';'`},
		{`d:1.5`, 5, "end of input"},
		{`s:3:abc";`, 4, `expected '"'`},
		{`s:2:"abc";`, 7, `expected '"'`},
		{`s:3:"abc"`, 9, "end of input"},
		{`s:3:"abc":`, 9, `expected ';'`},
		{`s:9:"abc";`, 2, "exceeds remaining input"},
		{`s:-1:"";`, 2, "expected digit"},
		{`s:99999999999999999999:"a";`, 2, "exceeds input size"},
		{`s::"";`, 2, "expected digit"},
		{`a:1:{i:0;i:1;`, 13, "end of input"},
		{`a:2:{i:0;i:1;}`, 13, "fewer elements"},
		{`a:1:{i:0;i:1;i:1;i:2;}`, 13, `expected '}'`},
		{`a:1:{N;i:1;}`, 5, "key must be int or string"},
		{`a:1:{b:1;i:1;}`, 5, "key must be int or string"},
		{`a:1:{d:1;i:1;}`, 5, "key must be int or string"},
		{`a:1:{a:0:{}i:1;}`, 5, "key must be int or string"},
		{`a:1:{i:0;N;]`, 11, `expected '}'`},
		{`a:1{i:0;N;}`, 3, `expected ':'`},
		{`a:1:(i:0;N;}`, 4, `expected '{'`},
		{`a:-1:{}`, 2, "expected digit"},
		{`a:999999999:{`, 2, "exceeds input"},
		{`a:99:{` + strings.Repeat(" ", 100), 2, "exceeds remaining input"},
		{`a:4:{i:0;N;}`, 2, "exceeds remaining input"},
		{`a:99999999999999999999999:{}`, 2, "exceeds input size"},
		{`a:1:{i:0;r:1;}`, 9, "references"},
		{`a:1:{i:0;R:1;}`, 9, "references"},
		{`R:1;`, 0, "references"},
		{`C:3:"Foo":0:{}`, 0, "custom-serialized"},
		{`E:7:"Foo:Bar";`, 0, "enums"},
		{`S:1:"\61";`, 0, "escaped strings"},
		{`}`, 0, "fewer elements"},
		{`O:0:"":0:{}`, 2, "class name length"},
		{`O:19:"Foo":0:{}`, 2, "class name length"},
		{`O:3:"F-o":0:{}`, 6, "invalid byte"},
		{`O:4:"\Foo":0:{}`, 5, "invalid byte"},
		{"O:3:\"F\x00o\":0:{}", 6, "invalid byte"},
		{`O:3:"Foo":-1:{}`, 10, "bad property count"},
		{`O:3:"Foo":5:{}`, 10, "bad property count"},
		{`O:3:"Foo":1:{N;N;}`, 13, "key must be int or string"},
		{`O:3:"Foo"1:{}`, 9, `expected ':'`},
		{`O:3:"Foo":0{}`, 11, `expected ':'`},
	}
	for _, tt := range tests {
		_, err := DecodeString(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("DecodeString(%q) error = %v, want *SyntaxError", tt.in, err)
			continue
		}
		if se.Offset != tt.offset || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("DecodeString(%q) = %q, want offset %d and message containing %q", tt.in, err, tt.offset, tt.msg)
		}
		want := "php serialize: offset " + strconv.Itoa(se.Offset) + ": " + se.Msg
		if err.Error() != want {
			t.Errorf("Error() = %q, want %q", err.Error(), want)
		}
	}
}

// truncationInputs are valid documents covering every value kind.
var truncationInputs = []string{
	`N;`, `b:1;`, `i:-12;`, `d:-1.5E-7;`, `d:NAN;`, `d:-INF;`, `s:2:"é";`, `s:4:"a";b";`,
	`a:0:{}`, `a:2:{i:0;s:1:"a";i:2;a:1:{s:1:"k";d:0.5;}}`,
	"O:8:\"stdClass\":2:{s:1:\"a\";i:1;s:4:\"\x00*\x00b\";O:3:\"Foo\":0:{}}",
	benchRow,
}

func TestDecodeTruncated(t *testing.T) {
	for _, in := range truncationInputs {
		if _, err := DecodeString(in); err != nil {
			t.Fatalf("full input %q: %v", in, err)
		}
		for i := range len(in) {
			v, err := DecodeString(in[:i])
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Errorf("DecodeString(%q) = %v, %v; want *SyntaxError", in[:i], v, err)
				continue
			}
			if se.Offset < 0 || se.Offset > i {
				t.Errorf("DecodeString(%q): offset %d outside input", in[:i], se.Offset)
			}
		}
	}
}

func nested(depth int, inner string) string {
	return strings.Repeat("a:1:{i:0;", depth) + inner + strings.Repeat("}", depth)
}

func TestDecodeDepth(t *testing.T) {
	if _, err := DecodeString(nested(256, "N;")); err != nil {
		t.Errorf("depth 256: %v", err)
	}
	// PHP only counts non-empty arrays, so an empty one may sit below the limit.
	if _, err := DecodeString(nested(256, "a:0:{}")); err != nil {
		t.Errorf("depth 256 + empty array: %v", err)
	}
	_, err := DecodeString(nested(257, "N;"))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Offset != 256*len("a:1:{i:0;") || !strings.Contains(se.Msg, "nesting") {
		t.Errorf("depth 257: %v, want nesting error at offset %d", err, 256*len("a:1:{i:0;"))
	}
	// Objects count even when empty.
	if _, err := DecodeString(nested(256, `O:8:"stdClass":0:{}`)); err == nil {
		t.Error("depth 256 + empty object: want error")
	}
	if _, err := DecodeString(nested(100000, "N;")); err == nil {
		t.Error("depth 100000: want error")
	}
}

// TestDecodeHugeCounts checks that declared counts never size allocations.
func TestDecodeHugeCounts(t *testing.T) {
	// A count the input could in theory hold, followed by junk: a decoder
	// that pre-allocated 1e6 entries would allocate over 100 MB here.
	junk := "a:1000000:{" + strings.Repeat("x", 2_100_000)
	nestedClaims := strings.Repeat("a:100000:{i:0;", 200) + strings.Repeat("x", 200_000)
	// Small counts are reserved up front; the depth limit bounds how many
	// can be open at once, however many terminators pad the input.
	smallClaims := strings.Repeat("a:16:{i:0;", 256) + strings.Repeat(";", 2_000_000)
	for _, in := range []string{junk, nestedClaims, smallClaims, `a:999999999:{`, `O:8:"stdClass":999999999:{`} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := DecodeString(in)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("DecodeString(%.40q...): want error", in)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
			t.Errorf("DecodeString(%.40q...) allocated %d bytes", in, n)
		}
	}
}

// TestDecodeLargeArrays exercises the map-based duplicate detection.
func TestDecodeLargeArrays(t *testing.T) {
	const n = 50000
	var b strings.Builder
	b.WriteString("a:" + strconv.Itoa(n) + ":{")
	for i := range n {
		// Every third entry repeats an earlier key.
		k := i
		if i%3 == 2 {
			k = i / 2
		}
		b.WriteString("s:" + strconv.Itoa(len(strconv.Itoa(k))+1) + `:"k` + strconv.Itoa(k) + `";i:` + strconv.Itoa(i) + ";")
	}
	b.WriteString("}")
	v, err := DecodeString(b.String())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	var order []string
	for i := range n {
		k := i
		if i%3 == 2 {
			k = i / 2
		}
		key := "k" + strconv.Itoa(k)
		if _, ok := want[key]; !ok {
			order = append(order, key)
		}
		want[key] = int64(i)
	}
	if v.Len() != len(order) {
		t.Fatalf("Len = %d, want %d", v.Len(), len(order))
	}
	for i, e := range v.Entries {
		if e.Key.Str != order[i] || e.Value.Int != want[order[i]] {
			t.Fatalf("entry %d = %v: %v, want %s: %d", i, e.Key.Str, e.Value, order[i], want[order[i]])
		}
	}
}

// TestDecodeResultsIndependent guards the pooled decoder and shared slab:
// results of separate and concurrent decodes must not share or clobber
// entries.
func TestDecodeResultsIndependent(t *testing.T) {
	a, err := DecodeString(`a:2:{i:0;a:1:{i:0;i:1;}i:1;a:1:{i:0;i:2;}}`)
	if err != nil {
		t.Fatal(err)
	}
	b, err := DecodeString(`a:2:{i:0;a:1:{i:0;i:3;}i:1;a:1:{i:0;i:4;}}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(AppendJSON(nil, a)); got != `[[1],[2]]` {
		t.Errorf("first result changed to %s", got)
	}
	if got := string(AppendJSON(nil, b)); got != `[[3],[4]]` {
		t.Errorf("second result = %s", got)
	}
	// Appending to one entry list must not overwrite its neighbour.
	first := a.Entries[0].Value
	first.Entries = append(first.Entries, IntPair(1, Int(99)))
	if got := string(AppendJSON(nil, a)); got != `[[1],[2]]` {
		t.Errorf("append leaked into sibling: %s", got)
	}

	done := make(chan error)
	for g := range 8 {
		go func() {
			in := `a:1:{s:1:"k";i:` + strconv.Itoa(g) + `;}`
			for range 500 {
				v, err := DecodeString(in)
				if err != nil {
					done <- err
					return
				}
				if got, _ := v.Get("k"); got.Int != int64(g) {
					done <- errors.New("cross-talk between goroutines: " + v.String())
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func TestDecodeBytes(t *testing.T) {
	b := []byte(`s:3:"abc";`)
	v, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	copy(b, "xxxxxxxxxx")
	if v.Str != "abc" {
		t.Errorf("Decode result changed with its input: %q", v.Str)
	}
}
