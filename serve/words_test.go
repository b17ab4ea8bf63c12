package serve

import (
	"slices"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
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
		got, err := words(c.in)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("words(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"'open", `"open`, `a "b\"`} {
		if _, err := words(bad); err == nil {
			t.Errorf("words(%q) did not fail", bad)
		}
	}
}

// FuzzWords: never panics, and quoting every word back in single quotes
// gives the same words.
func FuzzWords(f *testing.F) {
	for _, s := range []string{"export -q ''", `a "b c" 'd'`, `\`, `"\`, "x\\\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ws, err := words(s)
		if err != nil {
			return
		}
		var q []string
		for _, w := range ws {
			q = append(q, "'"+strings.ReplaceAll(w, "'", `'\''`)+"'")
		}
		again, err := words(strings.Join(q, " "))
		if err != nil || !slices.Equal(again, ws) {
			t.Fatalf("%q -> %q -> %q (%v)", s, ws, again, err)
		}
	})
}
