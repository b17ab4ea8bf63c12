package marks

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"
)

// The file is one JSON object a line, appended to and never rewritten:
//
//	{"op":"mark","id":2856,"by":"alice","at":"2026-12-02T05:10:00Z"}
//	{"op":"unmark","id":2856,"by":"bob","at":"2026-12-02T05:12:00Z"}
//
// Replaying it in order gives the set. Appending a line is the one write a
// crash can only cut short at the end, never leave half-changed in the
// middle, so the file needs no journal of its own; and it is a plain
// record of who marked and unmarked what, readable with jq.
const (
	opMark   = "mark"
	opUnmark = "unmark"
)

// maxLine bounds a line (without its newline) that Open reads, so that a
// wrong path cannot fill memory. maxBy bounds by, in Mark and in Open
// alike, so that Set never writes a line Open refuses: encoding/json
// writes a byte as at most 6 (\u001b), and the rest of a line is under
// 100 bytes. A Matomo login is at most 100 characters.
const (
	maxLine = 64 << 10
	maxBy   = 4 << 10
)

// record is a line as written.
type record struct {
	Op string    `json:"op"`
	ID uint64    `json:"id"`
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// rawRecord is a line as read: pointers, to tell a missing field from a
// zero one, and at as a string, to say what is wrong with it without
// quoting it.
type rawRecord struct {
	Op *string `json:"op"`
	ID *uint64 `json:"id"`
	By *string `json:"by"`
	At *string `json:"at"`
}

// Open loads the marks file at path (created 0600 when missing, in an
// existing folder) and keeps appending to it.
//
// It refuses a file others than the owner may read or write (as ssh refuses
// such key files: the marks say what an incident team is looking at), a
// path that is not a regular file, and a corrupt line in the middle, naming
// the line number. A last line cut short (a crash mid-write: no trailing
// newline and not valid JSON) is ignored and truncated away, since the
// write was never acknowledged. A last line that is whole but lost only its
// newline is kept, and the newline added.
//
// The file is locked (flock) for as long as the set is open, so that two
// servers cannot append to it at once; Open fails when another holds it.
func Open(path string) (*Set, error) {
	if err := supported(path); err != nil {
		return nil, err
	}
	// Stat before opening, so that a FIFO or device is refused rather than
	// opened; the open file is looked at again below.
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, notRegular(path, fi)
	}
	f, created, err := openOrCreate(path)
	if err != nil {
		return nil, fmt.Errorf("marks file: %w", err)
	}
	s, err := openFile(f, path, created)
	if err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

func openOrCreate(path string) (f *os.File, created bool, err error) {
	// O_APPEND: every write lands at the end, whatever was read or
	// truncated before it.
	const flags = os.O_RDWR | os.O_APPEND
	f, err = os.OpenFile(path, flags|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f, true, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return nil, false, err
	}
	f, err = os.OpenFile(path, flags, 0)
	return f, false, err
}

func openFile(f *os.File, path string, created bool) (*Set, error) {
	// The checks are on the open file, so what is checked is what is read
	// and appended to, even if the path is replaced meanwhile.
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("marks file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, notRegular(path, fi)
	}
	if err := checkPerm(path, fi); err != nil {
		return nil, err
	}
	// Locked before reading, so that what is read is not being appended to.
	if err := lock(f, path); err != nil {
		return nil, err
	}
	marks, good, end, err := load(f, path)
	if err != nil {
		return nil, err
	}
	switch end {
	case endTorn:
		if err := f.Truncate(good); err != nil {
			return nil, fmt.Errorf("marks file %s: cutting off its torn last line: %w", path, err)
		}
	case endUnterminated:
		if _, err := f.Write([]byte{'\n'}); err != nil {
			return nil, fmt.Errorf("marks file: %w", err)
		}
	}
	if end != endClean {
		if err := f.Sync(); err != nil {
			return nil, fmt.Errorf("marks file: %w", err)
		}
	}
	if created {
		// Without it a power cut could lose the file, acknowledged marks
		// and all, though every append was fsynced.
		if err := syncDir(filepath.Dir(path)); err != nil {
			return nil, fmt.Errorf("marks file folder: %w", err)
		}
	}
	s := New()
	s.marks = marks
	s.f = &appender{f: f}
	return s, nil
}

func notRegular(path string, fi fs.FileInfo) error {
	return fmt.Errorf("marks file %s is not a regular file (%s)", path, fi.Mode().Type())
}

// appender writes the lines; it is used with the Set's wmu held, which
// serializes the writes and their fsyncs.
type appender struct {
	f *os.File // its errors name the path
}

func (a *appender) append(op string, m Mark) error {
	// by needs no escaping of ours: encoding/json quotes any string, and
	// escapes control bytes and the line separators, so a login cannot
	// start a line of its own.
	line, err := json.Marshal(record{Op: op, ID: m.ID, By: m.By, At: m.At})
	if err != nil {
		return fmt.Errorf("marks: %w", err)
	}
	// One write, so that a crash leaves the line whole or cut short at the
	// end of the file, which is what Open expects.
	if _, err := a.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("marks file: %w", err)
	}
	if err := a.f.Sync(); err != nil {
		return fmt.Errorf("marks file: %w", err)
	}
	return nil
}

func (a *appender) close() error {
	// Closing the file also releases the lock.
	if err := a.f.Close(); err != nil {
		return fmt.Errorf("marks file: %w", err)
	}
	return nil
}

// end is how the file's last line ended.
type end int

const (
	endClean        end = iota // with a newline, or the file is empty
	endTorn                    // cut short: to be truncated away
	endUnterminated            // whole, without its newline: one to add
)

// load replays the lines of r. good is the length of the whole lines, where
// a torn last line starts.
func load(r io.Reader, path string) (marks map[uint64]Mark, good int64, e end, err error) {
	marks = map[uint64]Mark{}
	br := bufio.NewReaderSize(r, maxLine+1)
	for n := 1; ; n++ {
		line, err := br.ReadSlice('\n')
		switch {
		case err == nil:
			if reason := apply(marks, line[:len(line)-1]); reason != "" {
				return nil, 0, 0, lineError(path, n, reason)
			}
			good += int64(len(line))
		case errors.Is(err, bufio.ErrBufferFull):
			return nil, 0, 0, lineError(path, n, fmt.Sprintf("longer than %d KiB", maxLine>>10))
		case err == io.EOF:
			if len(line) == 0 {
				return marks, good, endClean, nil
			}
			// A proper prefix of a JSON object is never valid JSON, so a
			// valid last line was written whole and only its newline is
			// missing; anything else there is a write cut short.
			if !json.Valid(line) {
				return marks, good, endTorn, nil
			}
			if reason := apply(marks, line); reason != "" {
				return nil, 0, 0, lineError(path, n, reason)
			}
			return marks, good, endUnterminated, nil
		default:
			return nil, 0, 0, fmt.Errorf("marks file: %w", err)
		}
	}
}

// lineError is one line, naming the file and the line, and never quoting
// the line: it may be long, or hold escape sequences.
func lineError(path string, n int, reason string) error {
	return fmt.Errorf("marks file %s: line %d: %s", path, n, reason)
}

// apply replays one line, as Mark and Unmark would have: a mark of an id
// already marked keeps the first, an unmark of one not marked is nothing.
// Neither is written by Set, but they are harmless, and a file put
// together by hand (or cat) may hold them. It returns why the line is
// refused, or "".
func apply(marks map[uint64]Mark, line []byte) string {
	if len(bytes.TrimSpace(line)) == 0 {
		return "empty"
	}
	var r rawRecord
	if err := json.Unmarshal(line, &r); err != nil {
		return jsonReason(err)
	}
	switch {
	case r.Op == nil:
		return `no "op"`
	case r.ID == nil:
		return `no "id"`
	case r.By == nil:
		return `no "by"`
	case r.At == nil:
		return `no "at"`
	case *r.ID == 0:
		return "id 0 is not an event"
	case len(*r.By) > maxBy:
		return fmt.Sprintf(`"by" is longer than %d KiB`, maxBy>>10)
	}
	var at time.Time
	if err := at.UnmarshalText([]byte(*r.At)); err != nil {
		return `"at" is not an RFC 3339 time`
	}
	at = at.UTC()
	if y := at.Year(); y < 0 || y > 9999 {
		// It could not be written back.
		return `"at" is outside the years 0 to 9999 in UTC`
	}
	switch *r.Op {
	case opMark:
		if _, ok := marks[*r.ID]; !ok {
			marks[*r.ID] = Mark{ID: *r.ID, By: *r.By, At: at}
		}
	case opUnmark:
		delete(marks, *r.ID)
	default:
		return "unknown op " + quoteShort(*r.Op)
	}
	return ""
}

// jsonReason says what encoding/json found wrong without its message,
// which can quote a value of any length.
func jsonReason(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ) && typ.Type == reflect.TypeFor[uint64]():
		return `"id" is not an event id (a whole number from 1 to 18446744073709551615)`
	case errors.As(err, &typ) && typ.Type == reflect.TypeFor[string]():
		return quoteShort(typ.Field) + " is not a string"
	}
	return "not a JSON object with op, id, by and at"
}

// quoteShort quotes s for a message: escaped, so it holds no control or
// invalid bytes, and cut short.
func quoteShort(s string) string {
	const max = 32
	if len(s) <= max {
		return strconv.QuoteToASCII(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.QuoteToASCII(s[:cut]) + "..."
}
