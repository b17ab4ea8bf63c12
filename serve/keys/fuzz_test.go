package keys

import (
	"bytes"
	"errors"
	"testing"
	"unicode"
)

// FuzzParse: whatever the file holds, Parse does not panic; what it
// accepts can be looked up as parsed, and what it refuses it refuses with
// a line of the file and a one-line, printable reason.
func FuzzParse(f *testing.F) {
	alice, bob := testKey(f, 1), testKey(f, 2)
	f.Add([]byte(line(alice, `login="alice"`, "laptop") + "\n# c\n\n" + line(bob, `view="v",query="a \"b\""`, "") + "\r\n"))
	f.Add([]byte(line(alice, `no-pty,login="a\"",from="x"`, "")))
	f.Add([]byte(line(alice, "login=\"\x1b[2J\"", "\u009b")))
	f.Add([]byte(line(alice, `login="a`, "") + "\n" + line(alice, `login="b"`, "")))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if lines := bytes.Count(data, []byte("\n")) + 1; pe.Line < 1 || pe.Line > lines {
				t.Fatalf("line %d of a %d-line file", pe.Line, lines)
			}
			if len(pe.Reason) > 400 {
				t.Fatalf("reason is %d bytes long: %q", len(pe.Reason), pe.Reason)
			}
			for _, r := range pe.Reason {
				if unicode.IsControl(r) || r == unicode.ReplacementChar {
					t.Fatalf("reason %q is not printable", pe.Reason)
				}
			}
			return
		}
		for i, e := range s.entries {
			if e.Login == "" && e.View == "" {
				t.Fatalf("entry %d names no one: %+v", i, e)
			}
			got, ok := s.Lookup(e.Key)
			if !ok || got.Line != e.Line || got.Login != e.Login || got.View != e.View || got.Query != e.Query {
				t.Fatalf("Lookup of entry %d: %+v %v", i, got, ok)
			}
			if i > 0 && e.Line <= s.entries[i-1].Line {
				t.Fatalf("lines out of order: %d after %d", e.Line, s.entries[i-1].Line)
			}
		}
		if s.Len() != len(s.entries) {
			t.Fatalf("Len %d of %d entries", s.Len(), len(s.entries))
		}
	})
}
