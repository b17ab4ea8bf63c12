package shellword

import (
	"os/exec"
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

// TestRemote: what a real shell makes of the ssh line is the words, once
// ssh has joined them and the remote side (Split) has split them again.
func TestRemote(t *testing.T) {
	for _, words := range [][]string{
		{"export", "--format", "ndjson"},
		{"export", "-q", `user:o'brien since:2026-11-01`, "--format", "ndjson"},
		{"-q", `cat:security -user:"Matomo System"`, "--at", "2856"},
		{"-q", `it's $HOME and "x" \ !`, "--at", "1"},
		{"-q", "", "--at", "2"},
		{"-q", "=ls ~root *", "--tz", "Europe/Berlin"},
	} {
		line := Remote("ssh -t -p 2222 host", words...)
		rest, ok := strings.CutPrefix(line, "ssh -t -p 2222 host -- ")
		if !ok {
			t.Fatalf("%q", line)
		}
		// The local shell reads the last word; ssh would send it as it is.
		out, err := exec.Command("sh", "-c", "printf %s "+rest).Output()
		if err != nil {
			t.Fatalf("sh: %v (%s)", err, line)
		}
		got, err := Split(string(out))
		if err != nil || !slices.Equal(got, words) {
			t.Errorf("%s\n  reaches the server as %q -> %q (%v), want %q", line, out, got, err, words)
		}
	}
	if got := Remote("ssh host", "-q", "ip:203.0.113.66", "--at", "2856"); got != "ssh host -- '-q ip:203.0.113.66 --at 2856'" {
		t.Errorf("a plain query is quoted more than it needs: %s", got)
	}
	if got := Join("export", "-q", "user:o'brien x"); got != `export -q "user:o'brien x"` {
		t.Errorf("Join = %s", got)
	}
}

// FuzzWord: whatever the text, a shell reads Word(s) back as s.
func FuzzWord(f *testing.F) {
	for _, s := range []string{"", "plain", "o'brien", `"x" $y`, "=ls", "a b", "!x", "\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsRune(s, 0) {
			return // no shell argument can hold a NUL
		}
		got, err := Split(Word(s))
		if err != nil || !slices.Equal(got, []string{s}) {
			t.Fatalf("Word(%q) = %s splits to %q (%v)", s, Word(s), got, err)
		}
	})
}
