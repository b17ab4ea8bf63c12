package shellword

import (
	"slices"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  export  ", []string{"export"}},
		{"export -q ''", []string{"export", "-q", ""}},
		{`export -q 'user:"Matomo System" cat:security'`, []string{"export", "-q", `user:"Matomo System" cat:security`}},
		{`summary -q "it's \"quoted\" \$x \a"`, []string{"summary", "-q", `it's "quoted" $x \a`}},
		{`a\ b c\'d`, []string{"a b", "c'd"}},
		{`-q 'a'"b"c`, []string{"-q", "abc"}},
		{"x\\\ny", []string{"xy"}},
		{"\"\"", []string{""}},
		{"$(rm -rf /) `id` *", []string{"$(rm", "-rf", "/)", "`id`", "*"}},
	} {
		got, err := Split(c.in)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Split(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"'open", `"open`, `a "b\"`} {
		if _, err := Split(bad); err == nil {
			t.Errorf("Split(%q) did not fail", bad)
		}
	}
}

// FuzzSplit: never panics, and quoting every word back in single quotes
// gives the same words.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"export -q ''", `a "b c" 'd'`, `\`, `"\`, "x\\\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ws, err := Split(s)
		if err != nil {
			return
		}
		var q []string
		for _, w := range ws {
			q = append(q, Quote(w))
		}
		again, err := Split(strings.Join(q, " "))
		if err != nil || !slices.Equal(again, ws) {
			t.Fatalf("%q -> %q -> %q (%v)", s, ws, again, err)
		}
	})
}
