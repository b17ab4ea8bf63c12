package phpser

import (
	"encoding/json"
	"math"
	"testing"
)

func TestEncode(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{Null(), `N;`},
		{Bool(true), `b:1;`},
		{Bool(false), `b:0;`},
		{Int(-12), `i:-12;`},
		{Int(math.MinInt64), `i:-9223372036854775808;`},
		{Str(""), `s:0:"";`},
		{Str("é"), `s:2:"é";`},
		{Str(`a";b`), `s:4:"a";b";`},
		{List(), `a:0:{}`},
		{List(Str("a"), Int(1)), `a:2:{i:0;s:1:"a";i:1;i:1;}`},
		{Map(Pair("a", Int(1)), IntPair(3, Str("x"))), `a:2:{s:1:"a";i:1;i:3;s:1:"x";}`},
		// Map keeps what it is given, and so does Encode.
		{Map(Pair("5", Null())), `a:1:{s:1:"5";N;}`},
		{Value{Kind: KindObject, Class: "stdClass", Entries: []Entry{Pair("a", Null()), IntPair(7, Null())}},
			`O:8:"stdClass":2:{s:1:"a";N;s:1:"7";N;}`},
		{Value{Kind: Kind(99)}, `N;`},
	}
	for _, tt := range tests {
		if got := string(Encode(tt.v)); got != tt.want {
			t.Errorf("Encode(%v) = %s, want %s", tt.v, got, tt.want)
		}
	}
	if got := string(AppendEncode([]byte("x"), Int(1))); got != "xi:1;" {
		t.Errorf("AppendEncode did not append: %q", got)
	}
}

// floatCases hold PHP 7.1+ output (serialize_precision=-1) for serialize()
// and json_encode(..., JSON_PRESERVE_ZERO_FRACTION). Plain notation runs up
// to 17 integer digits, so 1e16 prints in full and 1e17 does not.
var floatCases = []struct {
	f         float64
	serialize string
	json      string
}{
	{0, `d:0;`, `0.0`},
	{math.Copysign(0, -1), `d:-0;`, `-0.0`},
	{1, `d:1;`, `1.0`},
	{-1.5, `d:-1.5;`, `-1.5`},
	{0.1, `d:0.1;`, `0.1`},
	{0.30000000000000004, `d:0.30000000000000004;`, `0.30000000000000004`},
	{100, `d:100;`, `100.0`},
	{123.456, `d:123.456;`, `123.456`},
	{0.5, `d:0.5;`, `0.5`},
	{0.05, `d:0.05;`, `0.05`},
	{0.0001, `d:0.0001;`, `0.0001`},
	{0.00001, `d:1.0E-5;`, `1.0e-5`},
	{-1.5e-7, `d:-1.5E-7;`, `-1.5e-7`},
	{1e15, `d:1000000000000000;`, `1000000000000000.0`},
	{1e16, `d:10000000000000000;`, `10000000000000000.0`},
	{1e17, `d:1.0E+17;`, `1.0e+17`},
	{1e25, `d:1.0E+25;`, `1.0e+25`},
	{123456789012345678, `d:1.2345678901234568E+17;`, `1.2345678901234568e+17`},
	{12345678901234567, `d:12345678901234568;`, `12345678901234568.0`},
	{9007199254740993, `d:9007199254740992;`, `9007199254740992.0`},
	{math.MaxFloat64, `d:1.7976931348623157E+308;`, `1.7976931348623157e+308`},
	{5e-324, `d:5.0E-324;`, `5.0e-324`},
	{39528480211503568, `d:39528480211503570;`, `39528480211503570.0`},
	{9223372036854775808, `d:9.223372036854776E+18;`, `9.223372036854776e+18`},
	{1e20, `d:1.0E+20;`, `1.0e+20`},
	{0.6666666666666666, `d:0.6666666666666666;`, `0.6666666666666666`},
	{math.Inf(1), `d:INF;`, `null`},
	{math.Inf(-1), `d:-INF;`, `null`},
	{math.NaN(), `d:NAN;`, `null`},
}

func TestFloatFormat(t *testing.T) {
	for _, tt := range floatCases {
		if got := string(Encode(Float(tt.f))); got != tt.serialize {
			t.Errorf("Encode(%g) = %s, want %s", tt.f, got, tt.serialize)
		}
		if got := string(AppendJSON(nil, Float(tt.f))); got != tt.json {
			t.Errorf("AppendJSON(%g) = %s, want %s", tt.f, got, tt.json)
		}
		v, err := DecodeString(tt.serialize)
		if err != nil || !equalValue(v, Float(tt.f)) {
			t.Errorf("DecodeString(%s) = %v, %v; want %g", tt.serialize, v, err, tt.f)
		}
		if tt.json != "null" && !json.Valid([]byte(tt.json)) {
			t.Errorf("%s is not valid JSON", tt.json)
		}
	}
}
