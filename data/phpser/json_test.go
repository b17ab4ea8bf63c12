package phpser

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

func TestAppendJSONString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "hello", `"hello"`},
		{"not escaped", `/<>&'`, `"/<>&'"`},
		{"quote and backslash", `a"b\c`, `"a\"b\\c"`},
		{"short escapes", "\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"other controls", "\x00\x01\x1f\x7f", `"\u0000\u0001\u001f` + "\x7f\""},
		{"unicode kept", "é€😀", `"é€😀"`},
		{"line separators", "a\u2028b\u2029c", `"a\u2028b\u2029c"`},
		{"lone continuation", "a\x80b", "\"a\uFFFDb\""},
		{"invalid lead", "\xff", "\"\uFFFD\""},
		{"overlong two-byte", "\xc0\xaf", "\"\uFFFD\uFFFD\""},
		{"truncated two-byte at end", "a\xc3", "\"a\uFFFD\""},
		{"two-byte lead then ASCII", "\xc3a", "\"\uFFFDa\""},
		// PHP swallows a following byte that can start nothing (0xC0, 0xC1, 0xF5+).
		{"two-byte lead then 0xff", "\xc3\xffa", "\"\uFFFDa\""},
		{"truncated three-byte", "\xe2\x82", "\"\uFFFD\""},
		{"three-byte cut by ASCII", "\xe2\x82a", "\"\uFFFDa\""},
		{"three-byte cut by lead", "\xe2\xc3\xa9", "\"\uFFFDé\""},
		{"three-byte overlong", "\xe0\x80\xaf", "\"\uFFFD\""},
		{"surrogate", "\xed\xa0\x80", "\"\uFFFD\""},
		{"four-byte above U+10FFFF", "\xf4\x90\x80\x80", "\"\uFFFD\""},
		{"truncated four-byte", "\xf0\x9f\x98", "\"\uFFFD\""},
		{"four-byte cut after two", "\xf0\x9f!", "\"\uFFFD!\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(AppendJSON(nil, Str(tt.in)))
			if got != tt.want {
				t.Errorf("AppendJSON(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !json.Valid([]byte(got)) || !utf8.ValidString(got) {
				t.Errorf("AppendJSON(%q) = %q is not valid UTF-8 JSON", tt.in, got)
			}
		})
	}
}

func TestAppendJSONStringRoundTrip(t *testing.T) {
	for _, s := range []string{"", "a\"\\\x00\x1f/\u2028 é😀", "\t\r\n<script>&amp;</script>"} {
		var back string
		if err := json.Unmarshal(AppendJSON(nil, Str(s)), &back); err != nil || back != s {
			t.Errorf("round trip of %q gave %q, %v", s, back, err)
		}
	}
}

func TestAppendJSONValues(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{Null(), `null`},
		{Value{Kind: Kind(99)}, `null`},
		{List(Int(1), Float(2), Str("x"), Bool(false), Null()), `[1,2.0,"x",false,null]`},
		{Map(IntPair(1, Int(1)), IntPair(0, Int(0))), `{"1":1,"0":0}`},
		{Map(Pair("0", Int(0))), `{"0":0}`},
		{Map(IntPair(-1, Null())), `{"-1":null}`},
		{Map(Pair("a\"b", Null())), `{"a\"b":null}`},
		{Value{Kind: KindObject, Class: "STDCLASS", Entries: []Entry{Pair("a", Null())}}, `{"a":null}`},
		{Value{Kind: KindObject, Class: "Foo", Entries: []Entry{IntPair(3, Null())}},
			`{"__PHP_Incomplete_Class_Name":"Foo","3":null}`},
		{Value{Kind: KindObject, Class: "Foo", Entries: []Entry{Pair("x", Null()), Pair("__PHP_Incomplete_Class_Name", Str("Bar"))}},
			`{"__PHP_Incomplete_Class_Name":"Bar","x":null}`},
	}
	for _, tt := range tests {
		if got := string(AppendJSON(nil, tt.v)); got != tt.want {
			t.Errorf("AppendJSON(%v) = %s, want %s", tt.v, got, tt.want)
		}
	}
	if got := string(AppendJSON([]byte("x="), Int(1))); got != "x=1" {
		t.Errorf("AppendJSON did not append: %q", got)
	}
}
