// Package keys reads the keys file of matomo-audit serve: OpenSSH
// authorized_keys syntax whose options say who a key is, as in
//
//	login="alice" ssh-ed25519 AAAA... alice@laptop
//	view="oncall",query="cat:security" ssh-ed25519 AAAA... pager
//
// The file is the server's whole access list, so it is read strictly: any
// line it cannot fully understand stops the load with its line number,
// rather than being skipped (ParseAuthorizedKey on its own skips lines it
// cannot parse) or half-honoured (an option such as from= that OpenSSH
// would enforce and we would not). The API is small on purpose: the server
// needs to look a key up and to know the file is loaded; everything else
// (who may see what) is decided elsewhere, from the Entry.
package keys

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/ssh"
)

// Entry is one key of the file and who it stands for.
type Entry struct {
	// Login is the Matomo login the key acts as (login="..."), or empty for
	// a shared view.
	Login string
	// View names a shared view (view="..."), and Query is that view's
	// filter (query="..."); kept for the issue that gives them meaning.
	View, Query string
	// Flags are the option flags without a value (no-pty, restrict, ...),
	// in lower case and in file order. They are not enforced here.
	Flags []string
	Key   ssh.PublicKey
	// Fingerprint is ssh.FingerprintSHA256(Key): what logs and errors name
	// a key by, never the key itself.
	Fingerprint string
	// Comment is the text after the key, as written; it may hold any
	// printable text (and invalid UTF-8), so display it sanitised.
	Comment string
	// Line is the entry's 1-based line in the file.
	Line int
}

// Set is a parsed keys file. It is never changed after Parse, which is
// what makes concurrent Lookups safe while a Watcher swaps in a new Set.
type Set struct {
	entries []Entry
	byKey   map[string]int // marshalled key -> index in entries
}

// ParseError is a line the file cannot be loaded with. Line is 1-based;
// Path is empty when the bytes did not come from a file. Reason is one
// line and never holds a key's base64 blob or an option's value.
type ParseError struct {
	Path   string
	Line   int
	Reason string
}

func (e *ParseError) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Reason)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
}

// maxFileSize bounds what Load reads: a keys file is a few kilobytes, and
// a path pointing at something huge should fail, not fill memory.
const maxFileSize = 4 << 20

// Load reads and parses the keys file at path. A file (or its folder)
// that others than its owner could write is refused: whoever can write
// the keys file can grant themselves access.
func Load(path string) (*Set, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	s, err := Parse(data)
	if pe, ok := err.(*ParseError); ok {
		pe.Path = path
	}
	return s, err
}

func readFile(path string) ([]byte, error) {
	// Stat the path first so that a FIFO or device is refused instead of
	// blocking or streaming forever in Open or ReadAll.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("keys file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("keys file %s is not a regular file (%s)", path, fi.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("keys file: %w", err)
	}
	defer f.Close()
	// The permission check is on the open file, so the mode checked is
	// that of the content read, even if the path is replaced meanwhile.
	if fi, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("keys file: %w", err)
	}
	if err := checkPerm(path, fi); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("keys file: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("keys file %s is larger than %d MiB; is it the right file?", path, maxFileSize>>20)
	}
	return data, nil
}

// Parse reads a keys file's content. Blank lines and lines starting with
// # are ignored; every other line must be one key with a login= or view=
// option, each key listed once.
func Parse(data []byte) (*Set, error) {
	s := &Set{byKey: map[string]int{}}
	// Windows editors may start the file with a byte order mark.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	for n := 1; len(data) > 0; n++ {
		// One line at a time: given several, ParseAuthorizedKey silently
		// skips the lines it cannot parse and returns the next key, and a
		// typo must not quietly remove someone's access (or keep a line
		// one believes active out of the file).
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		e, ok, reason := parseLine(line)
		if reason != "" {
			return nil, &ParseError{Line: n, Reason: reason}
		}
		if !ok {
			continue
		}
		e.Line = n
		k := string(e.Key.Marshal())
		if i, dup := s.byKey[k]; dup {
			return nil, &ParseError{Line: n, Reason: fmt.Sprintf("key %s is already listed on line %d; list each key once", describe(e.Key), s.entries[i].Line)}
		}
		s.byKey[k] = len(s.entries)
		s.entries = append(s.entries, e)
	}
	return s, nil
}

// parseLine reads one line: ok is false for a blank line or a comment,
// reason is set when the line is refused.
func parseLine(line []byte) (e Entry, ok bool, reason string) {
	line = bytes.TrimSuffix(line, []byte("\r"))
	trimmed := bytes.TrimLeft(line, " \t")
	if len(trimmed) == 0 || trimmed[0] == '#' {
		return Entry{}, false, ""
	}
	// ParseAuthorizedKey drops everything after a carriage return, and a
	// control character could hide or rewrite the line when shown in a
	// terminal; no real key line holds either.
	if col, r := controlChar(line); col > 0 {
		return Entry{}, false, fmt.Sprintf("control character %U at column %d; a key line holds printable text only", r, col)
	}
	key, comment, options, _, err := ssh.ParseAuthorizedKey(line)
	if err != nil {
		// x/crypto wraps the line's own failure (bad base64, type
		// mismatch), which names it by position and type, never by the
		// blob; without one, there is nothing more to say.
		inner := errors.Unwrap(err)
		if inner == nil {
			return Entry{}, false, "not a public key in authorized_keys syntax"
		}
		return Entry{}, false, fmt.Sprintf("not a public key in authorized_keys syntax (%s)", printable(strings.TrimPrefix(inner.Error(), "ssh: ")))
	}
	if _, isCert := key.(*ssh.Certificate); isCert {
		return Entry{}, false, fmt.Sprintf("%s is a certificate; list the plain public key instead", describe(key))
	}
	e = Entry{Key: key, Fingerprint: ssh.FingerprintSHA256(key), Comment: comment}
	if reason := e.setOptions(options); reason != "" {
		return Entry{}, false, fmt.Sprintf("key %s: %s", describe(key), reason)
	}
	return e, true, ""
}

// controlChar returns the 1-based column (in bytes) and the rune of the
// first control character other than tab, or 0.
func controlChar(line []byte) (int, rune) {
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRune(line[i:])
		if r != '\t' && unicode.IsControl(r) {
			return i + 1, r
		}
		i += size
	}
	return 0, 0
}

// printable makes an x/crypto message safe to print: some quote bytes
// decoded from the blob (an unknown algorithm's name) as they are, so
// those are escaped and the whole is cut short.
func printable(msg string) string {
	const max = 120
	var b strings.Builder
	for _, r := range msg {
		if b.Len() >= max {
			b.WriteString("...")
			break
		}
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// describe names a key in messages: its type and fingerprint, which
// identify it without printing it.
func describe(k ssh.PublicKey) string {
	return k.Type() + " " + ssh.FingerprintSHA256(k)
}

// Lookup finds the entry of key k, compared by its wire form. A
// certificate never matches: the file lists plain keys only. The entry is
// a copy; changing it changes nothing in the Set.
func (s *Set) Lookup(k ssh.PublicKey) (Entry, bool) {
	if s == nil || k == nil {
		return Entry{}, false
	}
	i, ok := s.byKey[string(k.Marshal())]
	if !ok {
		return Entry{}, false
	}
	e := s.entries[i]
	e.Flags = slices.Clone(e.Flags)
	return e, true
}

// Len is the number of keys in the set.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.entries)
}
