//go:build unix

package marks

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad: whatever a marks file holds, Open does not panic; what it
// refuses it refuses in one short line, leaving the file as it was; and
// what it accepts it leaves as whole lines that open to the same marks,
// which, marked afresh into a new file, open to the same marks again.
func FuzzLoad(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		in := filepath.Join(dir, "in.ndjson")
		if err := os.WriteFile(in, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Open(in)
		after, rerr := os.ReadFile(in)
		if rerr != nil {
			t.Fatal(rerr)
		}
		if err != nil {
			if msg := err.Error(); strings.ContainsAny(msg, "\n\r\x1b") || len(msg) > len(in)+150 {
				t.Fatalf("not one short, plain line: %q", msg)
			}
			if !bytes.Equal(after, data) {
				t.Fatal("a refused file was changed")
			}
			return
		}
		got := s.List()
		closeSet(t, s)

		switch {
		case bytes.Equal(after, data): // whole lines already
		case bytes.Equal(after, append(bytes.Clone(data), '\n')): // the last one's newline added
		case len(after) < len(data) && bytes.HasPrefix(data, after) &&
			(len(after) == 0 || after[len(after)-1] == '\n'): // a torn last line cut off
		default:
			t.Fatalf("Open left %q of %q", after, data)
		}
		s = open(t, in)
		sameList(t, s.List(), got)
		closeSet(t, s)

		out := filepath.Join(dir, "out.ndjson")
		s = open(t, out)
		for _, m := range got {
			if added, err := s.Mark(m.ID, m.By, m.At); err != nil || !added {
				t.Fatalf("marking %+v afresh: %v, %v", m, added, err)
			}
		}
		closeSet(t, s)
		s = open(t, out)
		defer s.Close()
		sameList(t, s.List(), got)
	})
}
