package termsafe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	cases := []struct{ in, want string }{
		{"alice", "alice"},
		{"caf\u00e9 \u6f22\u5b57 \U0001F600", "caf\u00e9 \u6f22\u5b57 \U0001F600"},
		{"e\u0301", "e\u0301"}, // combining accent stays
		{"\x1b[31mred", `\x1b[31mred`},
		{"\x1b]52;c;aGk=\x07", `\x1b]52;c;aGk=\x07`},
		{"a\x00b", `a\x00b`},
		{"line\nbreak\r\t", `line\nbreak\r\t`},
		{"del\x7f", `del\x7f`},
		{"c1\u009b31m", `c1\u009b31m`},
		{"admin\u202egnp.exe", `admin\u202egnp.exe`},
		{"ad\u200bmin", `ad\u200bmin`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"\u2066iso\u2069", `\u2066iso\u2069`},
	}
	for _, c := range cases {
		if got := Clean(c.in); got != c.want {
			t.Errorf("Clean(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"alice", "\x1b[2J", "\u202e", "\xff\xfe", "\u009d0;title\u009c", "漢字"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Clean(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || unsafeRune(r) {
				t.Fatalf("unsafe rune %U survived in %q", r, out)
			}
		}
		if isClean(s) && out != s {
			t.Fatalf("clean input changed: %q -> %q", s, out)
		}
		if strings.ContainsRune(out, 0x1b) {
			t.Fatal("ESC survived")
		}
	})
}
