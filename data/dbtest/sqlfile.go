package dbtest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// FixturePath returns the path of shared/fixtures/<name>, looked for in the working
// directory and each of its parents (the shared folder sits beside the repository, and
// tests run from package folders at any depth). A missing fixture skips the test, or fails
// it under CI.
func FixturePath(t testing.TB, name string) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	for dir := wd; ; {
		p := filepath.Join(dir, "shared", "fixtures", name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	msg := fmt.Sprintf("fixture %s not found: no shared/fixtures/%s in %s or any folder above it "+
		"(the shared folder belongs beside the repository, e.g. /work/shared next to /work/main)", name, name, wd)
	if inCI() {
		t.Fatalf("dbtest: %s; CI is set, so this fails instead of skipping", msg)
	}
	t.Skipf("dbtest: SKIPPED, %s", msg)
	return ""
}

// LoadSQLFile runs the statements of a SQL script (as written by hand or by mariadb-dump:
// statements end with ";", comments and quoted strings may hold anything) on one
// connection of db, in one transaction so a large fixture does not pay a disk sync per row.
// The connection is thrown away afterwards because the script may change session state
// (SET NAMES, variables) that must not leak into the pool.
func LoadSQLFile(t testing.TB, db *sql.DB, path string) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	stmts, err := splitSQL(string(src))
	if err != nil {
		t.Fatalf("dbtest: %s: %v", path, err)
	}
	if err := execScript(db, stmts); err != nil {
		t.Fatalf("dbtest: %s: %v", path, err)
	}
}

func execScript(db *sql.DB, stmts []statement) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*adminTimeout)
	defer cancel()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() {
		// Returning ErrBadConn from Raw makes database/sql close the connection instead of
		// returning it to the pool.
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		_ = conn.Close()
	}()
	// DDL still commits implicitly; the rows in between share one commit.
	if _, err := conn.ExecContext(ctx, "SET autocommit = 0"); err != nil {
		return err
	}
	for i, st := range stmts {
		if _, err := conn.ExecContext(ctx, st.text); err != nil {
			return fmt.Errorf("statement %d (line %d): %w\n%s", i+1, st.line, err, abbreviate(st.text, 300))
		}
	}
	_, err = conn.ExecContext(ctx, "COMMIT")
	return err
}

func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("... (%d bytes)", len(s))
}

type statement struct {
	text string
	line int // 1-based line of the statement's first character that is not a comment
}

// splitSQL splits a script at semicolons outside quotes and comments. Comments stay in the
// statement text (the server ignores them, and /*!...*/ ones matter); chunks holding only
// comments and blanks are dropped. DELIMITER is a client command and is refused.
func splitSQL(src string) ([]statement, error) {
	var (
		out     []statement
		start   = 0 // byte offset of the current statement
		line    = 1
		stLine  = 0 // line of the current statement's first code, 0 = no code yet
		hasCode = false
	)
	code := func() {
		if !hasCode {
			hasCode, stLine = true, line
		}
	}
	flush := func(end int) error {
		if hasCode {
			text := strings.TrimSpace(src[start:end])
			if firstWord(stripLeadingComments(text)) == "DELIMITER" {
				return fmt.Errorf("line %d: DELIMITER is a mariadb client command, not SQL; it is not supported", stLine)
			}
			out = append(out, statement{text: text, line: stLine})
		}
		hasCode, stLine = false, 0
		return nil
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\n':
			line++
		case c == ' ' || c == '\t' || c == '\r':
		case c == '\'' || c == '"' || c == '`':
			code()
			open := line
			j, lines, ok := skipQuoted(src, i)
			if !ok {
				return nil, fmt.Errorf("line %d: unterminated %c quote", open, c)
			}
			line += lines
			i = j
		case c == '#' || (c == '-' && strings.HasPrefix(src[i:], "--") && (i+2 == len(src) || isSpace(src[i+2]))):
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				i = len(src)
			} else {
				i += j - 1 // the newline itself is counted on the next round
			}
		case c == '/' && strings.HasPrefix(src[i:], "/*"):
			if strings.HasPrefix(src[i:], "/*!") || strings.HasPrefix(src[i:], "/*M!") {
				code()
			}
			j := strings.Index(src[i+2:], "*/")
			if j < 0 {
				return nil, fmt.Errorf("line %d: unterminated /* comment", line)
			}
			line += strings.Count(src[i:i+2+j], "\n")
			i += 2 + j + 1
		case c == ';':
			if err := flush(i); err != nil {
				return nil, err
			}
			start = i + 1
		default:
			code()
		}
	}
	if err := flush(len(src)); err != nil {
		return nil, err
	}
	return out, nil
}

// skipQuoted returns the index of the closing quote of the string starting at src[i], and
// the newlines inside. Doubled quotes are escapes; so is a backslash in '...' and "..."
// (the server default; scripts written for NO_BACKSLASH_ESCAPES are not supported).
func skipQuoted(src string, i int) (end, lines int, ok bool) {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		switch c := src[j]; {
		case c == '\n':
			lines++
		case c == '\\' && q != '`':
			if j+1 < len(src) && src[j+1] == '\n' {
				lines++
			}
			j++
		case c == q:
			if j+1 < len(src) && src[j+1] == q {
				j++
				continue
			}
			return j, lines, true
		}
	}
	return 0, lines, false
}

// firstWord returns the statement's leading keyword in upper case.
func firstWord(s string) string {
	end := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		end = len(s)
	}
	return strings.ToUpper(s[:end])
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// stripLeadingComments drops the comments a statement's text may start with.
func stripLeadingComments(s string) string {
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		switch {
		case strings.HasPrefix(s, "#"), strings.HasPrefix(s, "--"):
			_, rest, found := strings.Cut(s, "\n")
			if !found {
				return ""
			}
			s = rest
		case strings.HasPrefix(s, "/*") && !strings.HasPrefix(s, "/*!"):
			_, rest, found := strings.Cut(s, "*/")
			if !found {
				return ""
			}
			s = rest
		default:
			return s
		}
	}
}
