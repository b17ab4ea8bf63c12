// Package shellword quotes and splits command lines as a POSIX shell
// does, without expanding anything: the commands shown to people (an ssh
// export line, a hint) and the SSH command lines serve receives.
package shellword

import (
	"errors"
	"strings"
)

// Split splits a command line into arguments as a POSIX shell splits
// words, without expanding anything (no shell runs here): single quotes
// keep everything, double quotes keep all but the escapes \" \\ \$ \` and
// a backslash-newline, a backslash outside quotes escapes the next
// character. An empty quoted word is an argument of its own, so
// `export -q ”` asks for the empty query (the SSH library's own split
// drops it).
func Split(s string) ([]string, error) {
	var out []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				out = append(out, w.String())
				w.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("unterminated ' in the command")
			}
			w.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			inWord = true
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`\n", s[i+1]) >= 0 {
					i++
					if s[i] == '\n' {
						continue
					}
				}
				w.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New(`unterminated " in the command`)
			}
		case c == '\\':
			if i+1 < len(s) {
				i++
				if s[i] == '\n' {
					continue
				}
				w.WriteByte(s[i])
			}
			inWord = true
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		out = append(out, w.String())
	}
	return out, nil
}

// Quote makes s one word for a POSIX shell: inside single quotes nothing
// is special but the quote itself, which is closed, escaped and reopened.
func Quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Word makes s one word for a POSIX shell, quoted only as much as it
// needs, so a line people read stays readable: as it is when no character
// is special, in double quotes when it holds a single quote but nothing a
// shell expands between double quotes (or bash's history !), otherwise
// as Quote.
func Word(s string) string {
	switch {
	case s != "" && strings.Trim(s, plain) == "" && !strings.HasPrefix(s, "="): // zsh expands =word
		return s
	case strings.ContainsRune(s, '\'') && !strings.ContainsAny(s, "$`\\\"!"):
		return `"` + s + `"`
	}
	return Quote(s)
}

// plain are the characters no POSIX shell treats specially inside a word.
const plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-"

// Join is words as one command line: each a Word, a space apart.
func Join(words ...string) string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = Word(w)
	}
	return strings.Join(out, " ")
}

// Remote is the ssh command line that runs words on the remote side. ssh
// joins its arguments with spaces and the remote side splits them again,
// so the words are quoted for that split and the whole once more for the
// local shell; "--" ends ssh's own options, which it also reads after the
// host, so a command starting with a dash is not taken for one.
func Remote(ssh string, words ...string) string {
	return ssh + " -- " + Word(Join(words...))
}
