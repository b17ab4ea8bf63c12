//go:build unix

package marks

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

func open(t *testing.T, path string) *Set {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func closeSet(t *testing.T, s *Set) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// writeFile writes a marks file as another program (or an older run)
// would have left it, mode 0600 unless the test says otherwise.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "marks.ndjson")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func sameList(t *testing.T, got, want []Mark) {
	t.Helper()
	if !slices.EqualFunc(got, want, func(a, b Mark) bool {
		return a.ID == b.ID && a.By == b.By && a.At.Equal(b.At) && a.At.Location() == time.UTC
	}) {
		t.Fatalf("marks\n%+v\nwant\n%+v", got, want)
	}
}

func TestFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "marks.ndjson")
	s := open(t, path)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Fatalf("created with mode %v; want 0600", m)
	}
	// Logins as strangers may type them: quotes, a newline, escape
	// sequences, a line separator, invalid UTF-8; and the longest line.
	odd := []string{`al"ice`, "bob\nbob", "\x1b]52;c;aGk=\x07", "line\u2028sep", "\xff\xfe", "漢字 😀", "",
		strings.Repeat("\x00", maxBy)}
	for i, by := range odd {
		if _, err := s.Mark(uint64(100+i), by, t0.Add(time.Duration(i)*time.Nanosecond)); err != nil {
			t.Fatal(err)
		}
	}
	mustMark(t, s, 2856, "alice")
	if _, err := s.Unmark(101, "carol", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Toggle(102, "carol", t0); err != nil {
		t.Fatal(err)
	}
	want := s.List()
	closeSet(t, s)

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != len(odd)+3 {
		t.Fatalf("%d lines for %d changes:\n%s", len(lines), len(odd)+3, data)
	}
	if got, want := lines[len(odd)], `{"op":"mark","id":2856,"by":"alice","at":"2026-12-02T05:10:00Z"}`; got != want {
		t.Fatalf("line %s\nwant %s", got, want)
	}
	if got, want := lines[len(odd)+1], `{"op":"unmark","id":101,"by":"carol","at":"2026-12-02T05:10:00Z"}`; got != want {
		t.Fatalf("line %s\nwant %s", got, want)
	}

	s = open(t, path)
	defer s.Close()
	sameList(t, s.List(), want)
	if s.Version() != 0 {
		t.Fatalf("an opened set starts at version %d; want 0", s.Version())
	}
	// Still appending after the reopen.
	mustMark(t, s, 7, "dave")
	closeSet(t, s)
	s = open(t, path)
	defer s.Close()
	if _, ok := s.Get(7); !ok || s.Len() != len(want)+1 {
		t.Fatal("a mark made after reopening was lost")
	}
}

func TestFileConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "marks.ndjson")
	s := open(t, path)
	testConcurrent(t, s)
	want := s.List()
	closeSet(t, s)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Each mark written once: a shared id that lost the race wrote nothing.
	if n := bytes.Count(data, []byte("\n")); n != len(want) {
		t.Fatalf("%d lines for %d marks", n, len(want))
	}
	s = open(t, path)
	defer s.Close()
	sameList(t, s.List(), want)
}

func TestFileRefused(t *testing.T) {
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660, 0o606, 0o700 | 0o010} {
		path := writeFile(t, "")
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := Open(path)
		if err == nil || !strings.Contains(err.Error(), "chmod 600 "+path) {
			t.Errorf("mode %v: %v; want a refusal saying chmod 600", mode, err)
		}
	}

	dir := t.TempDir()
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a folder: %v", err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(fifo); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a FIFO: %v", err)
	}
	missing := filepath.Join(dir, "no-such-folder", "marks.ndjson")
	if _, err := Open(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("a missing folder: %v; want an error naming the path", err)
	}
}

func TestFileCorrupt(t *testing.T) {
	const ok = `{"op":"mark","id":1,"by":"alice","at":"2026-12-02T05:10:00Z"}` + "\n"
	for _, c := range []struct{ name, content, want string }{
		{"garbage", ok + "garbage\n" + ok, "line 2: not valid JSON"},
		{"torn in the middle", ok + `{"op":"mark","id":3` + "\n" + ok, "line 2: not valid JSON"},
		{"unknown op", ok + ok + `{"op":"delete","id":1,"by":"a","at":"2026-12-02T05:10:00Z"}` + "\n", `line 3: unknown op "delete"`},
		{"unknown op, last, no newline", ok + `{"op":"Mark","id":1,"by":"a","at":"2026-12-02T05:10:00Z"}`, `line 2: unknown op "Mark"`},
		{"op with escapes", `{"op":"\u001b[2J` + strings.Repeat("x", 100) + `","id":1,"by":"a","at":"2026-12-02T05:10:00Z"}` + "\n", `line 1: unknown op "\x1b[2Jxxx`},
		{"id 0", `{"op":"mark","id":0,"by":"a","at":"2026-12-02T05:10:00Z"}` + "\n", "line 1: id 0"},
		{"negative id", `{"op":"mark","id":-1,"by":"a","at":"2026-12-02T05:10:00Z"}` + "\n", `line 1: "id" is not an event id`},
		{"id over 64 bits", `{"op":"mark","id":18446744073709551616,"by":"a","at":"2026-12-02T05:10:00Z"}` + "\n", `line 1: "id" is not an event id`},
		{"id as a string", `{"op":"mark","id":"1","by":"a","at":"2026-12-02T05:10:00Z"}` + "\n", `line 1: "id" is not an event id`},
		{"by a number", `{"op":"mark","id":1,"by":1,"at":"2026-12-02T05:10:00Z"}` + "\n", `line 1: "by" is not a string`},
		{"by too long", `{"op":"mark","id":1,"by":"` + strings.Repeat("a", maxBy+1) + `","at":"2026-12-02T05:10:00Z"}` + "\n", `line 1: "by" is longer than 4 KiB`},
		{"no at", `{"op":"mark","id":1,"by":"a"}` + "\n", `line 1: no "at"`},
		{"at null", `{"op":"mark","id":1,"by":"a","at":null}` + "\n", `line 1: no "at"`},
		{"no by", `{"op":"unmark","id":1,"at":"2026-12-02T05:10:00Z"}` + "\n", `line 1: no "by"`},
		{"bad time", `{"op":"mark","id":1,"by":"a","at":"yesterday"}` + "\n", `line 1: "at" is not an RFC 3339 time`},
		{"time beyond 9999 in UTC", `{"op":"mark","id":1,"by":"a","at":"9999-12-31T23:59:59-01:00"}` + "\n", `line 1: "at" is outside the years`},
		{"an array", ok + "[1,2]\n", "line 2: not a JSON object"},
		{"empty line", ok + "\n" + ok, "line 2: empty"},
		{"too long", ok + `{"op":"mark","id":1,"by":"` + strings.Repeat("a", maxLine) + `","at":"2026-12-02T05:10:00Z"}` + "\n", "line 2: longer than 64 KiB"},
		{"too long, last", ok + strings.Repeat("a", maxLine+1), "line 2: longer than 64 KiB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, c.content)
			_, err := Open(path)
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			if !strings.Contains(msg, "marks file "+path+": "+c.want) {
				t.Fatalf("%s\nwant it to say: %s", msg, c.want)
			}
			if strings.ContainsAny(msg, "\n\x1b") || len(msg) > len(path)+150 {
				t.Fatalf("not one short, plain line: %q", msg)
			}
			// The file is left for a person to look at, and not locked.
			if data, _ := os.ReadFile(path); string(data) != c.content {
				t.Fatal("a refused file was changed")
			}
			s := open(t, writeFile(t, ""))
			s.Close()
		})
	}
}

// TestFileTornTail: a crash in the middle of an append leaves a line cut
// short at the end; it was never acknowledged, so Open drops it and cuts
// it off, and new marks start on a line of their own.
func TestFileTornTail(t *testing.T) {
	const whole = `{"op":"mark","id":1,"by":"alice","at":"2026-12-02T05:10:00Z"}` + "\n" +
		`{"op":"mark","id":2,"by":"bob","at":"2026-12-02T05:10:00Z"}` + "\n"
	for _, torn := range []string{
		`{"op":"mark","id":3,"by":"car`,
		`{`,
		`{"op":"unmark","id":1,"by":"carol","at":"2026-12-02T05:10:00Z"`, // all but the brace
		"\x00\x00\x00\x00", // a file system's zero fill after a power cut
		`{"op":"mark","id":` + strings.Repeat("9", 200),
	} {
		path := writeFile(t, whole+torn)
		s := open(t, path)
		if got := s.IDs(); !slices.Equal(got, []uint64{1, 2}) {
			t.Fatalf("torn %q: ids %v; want [1 2]", torn, got)
		}
		if data, _ := os.ReadFile(path); string(data) != whole {
			t.Fatalf("torn %q: the file holds %q after Open; want the torn line cut off", torn, data)
		}
		mustMark(t, s, 4, "dave")
		closeSet(t, s)
		data, _ := os.ReadFile(path)
		if want := whole + `{"op":"mark","id":4,"by":"dave","at":"2026-12-02T05:10:00Z"}` + "\n"; string(data) != want {
			t.Fatalf("torn %q: after a mark the file holds\n%s\nwant\n%s", torn, data, want)
		}
		s = open(t, path)
		if got := s.IDs(); !slices.Equal(got, []uint64{1, 2, 4}) {
			t.Fatalf("torn %q: reopened ids %v", torn, got)
		}
		closeSet(t, s)
	}
}

// TestFileUnterminated: a whole last line that only lost its newline (an
// editor, or a file put together by hand) is kept, and the newline added
// so the next mark does not run into it.
func TestFileUnterminated(t *testing.T) {
	const last = `{"op":"mark","id":2,"by":"bob","at":"2026-12-02T05:10:00Z"}`
	path := writeFile(t, `{"op":"mark","id":1,"by":"alice","at":"2026-12-02T05:10:00Z"}`+"\n"+last)
	s := open(t, path)
	mustMark(t, s, 3, "carol")
	closeSet(t, s)
	s = open(t, path)
	defer s.Close()
	if got := s.IDs(); !slices.Equal(got, []uint64{1, 2, 3}) {
		t.Fatalf("ids %v; want [1 2 3]", got)
	}
}

// TestFileReplay: duplicate marks and unmarks of what is not marked, which
// Set never writes, replay as Mark and Unmark would have done them.
func TestFileReplay(t *testing.T) {
	path := writeFile(t, `{"op":"unmark","id":5,"by":"x","at":"2026-12-02T05:10:00Z"}
{"op":"mark","id":5,"by":"alice","at":"2026-12-02T05:10:00Z"}
{"op":"mark","id":5,"by":"bob","at":"2026-12-02T06:10:00Z"}
{"op":"mark","id":6,"by":"bob","at":"2026-12-02T07:10:00+02:00"}
{"op":"unmark","id":6,"by":"bob","at":"2026-12-02T05:10:00Z"}
{"op":"mark","id":6,"by":"carol","at":"2026-12-02T07:10:00+02:00"}`+"\r\n")
	s := open(t, path)
	defer s.Close()
	sameList(t, s.List(), []Mark{{5, "alice", t0}, {6, "carol", t0}})
}

func TestFileLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "marks.ndjson")
	s := open(t, path)
	mustMark(t, s, 1, "alice")
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "another process holds it") {
		t.Fatalf("a second Open: %v; want it refused as locked", err)
	}
	// The refused Open changed nothing, and the first goes on.
	mustMark(t, s, 2, "alice")
	closeSet(t, s)
	s = open(t, path)
	defer s.Close()
	if s.Len() != 2 {
		t.Fatalf("%d marks after the lock was released; want 2", s.Len())
	}
}

func TestFileWriteFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "marks.ndjson")
	s := open(t, path)
	defer s.Close()
	mustMark(t, s, 1, "alice")

	// A by too long is refused before anything is written, and the set
	// goes on.
	if _, err := s.Mark(2, strings.Repeat("a", maxBy+1), t0); err == nil {
		t.Fatal("a by over the limit was accepted")
	}
	mustMark(t, s, 3, "alice")

	// A failed write is not applied, and no write follows it: it may have
	// left half a line, which only Open can clean up.
	s.f.f.Close()
	if added, err := s.Mark(4, "alice", t0); err == nil || added {
		t.Fatalf("a mark that could not be written: %v, %v; want false and an error", added, err)
	}
	if _, ok := s.Get(4); ok || s.Version() != 2 {
		t.Fatal("a mark that could not be written was applied")
	}
	if removed, err := s.Unmark(1, "alice", t0); removed || err == nil || !strings.Contains(err.Error(), "no change is written until the file is opened again") {
		t.Fatalf("a change after a failed write: %v; want it refused until Open", err)
	}
	if marked, err := s.Toggle(1, "alice", t0); !marked || err == nil {
		t.Fatalf("a toggle after a failed write: %v, %v; want true (still marked) and an error", marked, err)
	}
}
