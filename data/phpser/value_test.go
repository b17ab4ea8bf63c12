package phpser

import (
	"math"
	"testing"
)

func mustDecode(t *testing.T, s string) Value {
	t.Helper()
	v, err := DecodeString(s)
	if err != nil {
		t.Fatalf("DecodeString(%q): %v", s, err)
	}
	return v
}

func TestTruthy(t *testing.T) {
	tests := []struct {
		v    Value
		want bool
	}{
		{Null(), false},
		{Bool(false), false},
		{Bool(true), true},
		{Int(0), false},
		{Int(-1), true},
		{Float(0), false},
		{Float(math.Copysign(0, -1)), false},
		{Float(0.1), true},
		{Float(math.NaN()), true},
		{Float(math.Inf(-1)), true},
		{Str(""), false},
		{Str("0"), false},
		{Str("00"), true},
		{Str("0.0"), true},
		{Str(" "), true},
		{Str("false"), true},
		{List(), false},
		{Map(), false},
		{List(Null()), true},
		{Value{Kind: KindObject, Class: "stdClass"}, true},
		{Value{Kind: Kind(99)}, false},
	}
	for _, tt := range tests {
		if got := tt.v.Truthy(); got != tt.want {
			t.Errorf("%v.Truthy() = %v, want %v", tt.v, got, tt.want)
		}
	}
}

func TestInt64(t *testing.T) {
	tests := []struct {
		v    Value
		want int64
		ok   bool
	}{
		{Int(42), 42, true},
		{Int(math.MinInt64), math.MinInt64, true},
		{Str("42"), 42, true},
		{Str("-7"), -7, true},
		{Str("0"), 0, true},
		{Str("9223372036854775807"), math.MaxInt64, true},
		{Str("9223372036854775808"), 0, false},
		{Str("-9223372036854775808"), math.MinInt64, true},
		{Str("042"), 0, false},
		{Str("-0"), 0, false},
		{Str("+1"), 0, false},
		{Str(" 1"), 0, false},
		{Str("1 "), 0, false},
		{Str("1.0"), 0, false},
		{Str(""), 0, false},
		{Float(3), 3, true},
		{Float(-2), -2, true},
		{Float(math.Copysign(0, -1)), 0, true},
		{Float(3.5), 0, false},
		{Float(-9223372036854775808), math.MinInt64, true},
		{Float(9223372036854775808), 0, false},
		{Float(1e300), 0, false},
		{Float(math.NaN()), 0, false},
		{Float(math.Inf(1)), 0, false},
		{Bool(true), 0, false},
		{Null(), 0, false},
		{List(Int(1)), 0, false},
	}
	for _, tt := range tests {
		got, ok := tt.v.Int64()
		if got != tt.want || ok != tt.ok {
			t.Errorf("%v.Int64() = %d, %v; want %d, %v", tt.v, got, ok, tt.want, tt.ok)
		}
	}
}

func TestGet(t *testing.T) {
	v := mustDecode(t, `a:4:{s:4:"name";s:4:"Shop";i:5;s:4:"five";s:2:"05";s:9:"zero-five";i:-3;s:5:"minus";}`)
	tests := []struct {
		key  string
		want string
		ok   bool
	}{
		{"name", "Shop", true},
		{"5", "five", true},
		{"05", "zero-five", true},
		{"-3", "minus", true},
		{"missing", "", false},
		{"Name", "", false},
		{"5.0", "", false},
	}
	for _, tt := range tests {
		got, ok := v.Get(tt.key)
		if ok != tt.ok || got.Str != tt.want {
			t.Errorf("Get(%q) = %v, %v; want %q, %v", tt.key, got, ok, tt.want, tt.ok)
		}
	}
	if got, ok := v.GetInt(5); !ok || got.Str != "five" {
		t.Errorf("GetInt(5) = %v, %v", got, ok)
	}
	if got, ok := v.GetInt(-3); !ok || got.Str != "minus" {
		t.Errorf("GetInt(-3) = %v, %v", got, ok)
	}
	if _, ok := v.GetInt(0); ok {
		t.Error("GetInt(0) found a key")
	}

	// Map keeps a hand-built "7" as a string; Get and GetInt still find it.
	m := Map(Pair("7", Str("seven")))
	if got, ok := m.Get("7"); !ok || got.Str != "seven" {
		t.Errorf("Get on string key \"7\" = %v, %v", got, ok)
	}
	if got, ok := m.GetInt(7); !ok || got.Str != "seven" {
		t.Errorf("GetInt(7) on string key = %v, %v", got, ok)
	}

	obj := mustDecode(t, `O:8:"stdClass":2:{s:2:"id";i:3;i:4;s:4:"four";}`)
	if got, ok := obj.Get("id"); !ok || got.Int != 3 {
		t.Errorf("object Get(id) = %v, %v", got, ok)
	}
	if got, ok := obj.GetInt(4); !ok || got.Str != "four" {
		t.Errorf("object GetInt(4) = %v, %v", got, ok)
	}
	for _, s := range []Value{Null(), Str("name"), Int(5)} {
		if _, ok := s.Get("name"); ok {
			t.Errorf("%v.Get found a key", s)
		}
		if _, ok := s.GetInt(5); ok {
			t.Errorf("%v.GetInt found a key", s)
		}
	}
}

func TestLenAndIsList(t *testing.T) {
	tests := []struct {
		in   string
		len  int
		list bool
	}{
		{`a:0:{}`, 0, true},
		{`a:1:{i:0;N;}`, 1, true},
		{`a:2:{i:0;N;i:1;N;}`, 2, true},
		{`a:1:{i:1;N;}`, 1, false},
		{`a:2:{i:1;N;i:0;N;}`, 2, false},
		{`a:2:{i:0;N;i:2;N;}`, 2, false},
		{`a:1:{s:1:"a";N;}`, 1, false},
		{`a:1:{s:1:"0";N;}`, 1, true},
		{`O:8:"stdClass":0:{}`, 0, false},
		{`O:8:"stdClass":1:{i:0;N;}`, 1, false},
		{`s:3:"abc";`, 0, false},
		{`N;`, 0, false},
	}
	for _, tt := range tests {
		v := mustDecode(t, tt.in)
		if v.Len() != tt.len || v.IsList() != tt.list {
			t.Errorf("%s: Len=%d IsList=%v, want %d %v", tt.in, v.Len(), v.IsList(), tt.len, tt.list)
		}
	}
	if !Map(IntPair(0, Null())).IsList() || Map(Pair("0", Null())).IsList() {
		t.Error("IsList must follow the keys as built")
	}
}

func TestScalar(t *testing.T) {
	tests := []struct {
		v    Value
		want string
		ok   bool
	}{
		{Str("a\x00\xff"), "a\x00\xff", true},
		{Str(""), "", true},
		{Int(-12), "-12", true},
		{Float(0.1), "0.1", true},
		{Float(10), "10.0", true},
		{Float(1e25), "1.0e+25", true},
		{Float(-1.5e-7), "-1.5e-7", true},
		{Float(math.NaN()), "NAN", true},
		{Float(math.Inf(1)), "INF", true},
		{Float(math.Inf(-1)), "-INF", true},
		{Bool(true), "true", true},
		{Bool(false), "false", true},
		{Null(), "", false},
		{List(), "", false},
		{Value{Kind: KindObject, Class: "stdClass"}, "", false},
	}
	for _, tt := range tests {
		got, ok := tt.v.Scalar()
		if got != tt.want || ok != tt.ok {
			t.Errorf("%v.Scalar() = %q, %v; want %q, %v", tt.v, got, ok, tt.want, tt.ok)
		}
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{mustDecode(t, `a:1:{s:5:"items";a:1:{i:0;a:2:{s:4:"type";s:4:"goal";s:4:"data";a:1:{s:2:"id";i:3;}}}}`),
			`{items: [{type: "goal", data: {id: 3}}]}`},
		{mustDecode(t, `a:3:{i:0;N;i:2;b:1;s:3:"a b";d:1.5;}`), `{0: null, 2: true, "a b": 1.5}`},
		{Map(Pair("7", Null()), Pair("", Null())), `{"7": null, "": null}`},
		{mustDecode(t, "O:3:\"Foo\":1:{s:4:\"\x00*\x00p\";s:1:\"\xff\";}"), `Foo{"\x00*\x00p": "\xff"}`},
		{List(), `[]`},
		{Float(math.NaN()), `NAN`},
		{Value{Kind: Kind(42)}, `<kind 42>`},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("String() = %s, want %s", got, tt.want)
		}
	}

	// A hand-made cycle must not crash the debug printer.
	cyc := make([]Entry, 1)
	cyc[0] = IntPair(0, Value{Kind: KindArray, Entries: cyc})
	if s := (Value{Kind: KindArray, Entries: cyc}).String(); len(s) == 0 {
		t.Error("empty String() for cyclic value")
	}
}
