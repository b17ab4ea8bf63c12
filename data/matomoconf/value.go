package matomoconf

import (
	"errors"
	"os"
	"strings"
)

// lookupEnv is swapped in tests; ${NAME} references read the environment.
var lookupEnv = os.LookupEnv

// errUnterminated and unsetVarError carry no part of the value, so they are
// safe to show even when the value is a password.
var errUnterminated = errors.New("its opening quote is never closed on that line (values spanning several lines are not supported)")

type unsetVarError struct{ name string }

func (e unsetVarError) Error() string {
	return "it refers to ${" + e.name + "}, which is not set in this environment (it is probably set for the web server only): export it, or pass --dsn"
}

// phpValue decodes one raw value (as ini.v1 hands it over: the text after
// "=", trimmed, quotes kept) the way PHP's parse_ini_string in its normal
// mode does, because that is what Matomo reads its config with:
//   - "double quoted": \" \\ \$ are escapes, any other backslash stays
//     (so the \' of Matomo 4.7-4.12's addslashes reads as \'), a \" that
//     ends the line is a backslash and the closing quote; ${NAME} is
//     expanded;
//   - 'single quoted': taken literally;
//   - unquoted: ends at ";" (an inline comment; "#" is not one since PHP 7),
//     ${NAME} is expanded, and the bare words true/on/yes and
//     false/off/no/none/null become "1" and "".
//
// Adjacent pieces are concatenated as PHP does ("a"b -> ab). PHP's
// constants and expression operators in unquoted values are not emulated.
func phpValue(raw string) (string, error) {
	var b strings.Builder
	quoted := false
	for i := 0; i < len(raw); {
		switch raw[i] {
		case ';':
			return finish(b.String(), quoted), nil
		case '"':
			n, err := doubleQuoted(raw[i+1:], &b)
			if err != nil {
				return "", err
			}
			i += 1 + n
			quoted = true
		case '\'':
			end := strings.IndexByte(raw[i+1:], '\'')
			if end < 0 {
				return "", errUnterminated
			}
			b.WriteString(raw[i+1 : i+1+end])
			i += end + 2
			quoted = true
		default:
			j := i
			for j < len(raw) && !strings.ContainsRune(`"';`, rune(raw[j])) {
				j++
			}
			seg := raw[i:j]
			if j == len(raw) || raw[j] == ';' {
				// Whitespace before a comment or the line end is layout, not value.
				seg = strings.TrimRight(seg, " \t")
			}
			if err := expandVars(seg, &b); err != nil {
				return "", err
			}
			i = j
		}
	}
	return finish(b.String(), quoted), nil
}

func finish(v string, quoted bool) string {
	if quoted {
		return v
	}
	switch strings.ToLower(v) {
	case "true", "on", "yes":
		return "1"
	case "false", "off", "no", "none", "null":
		return ""
	}
	return v
}

// doubleQuoted decodes s up to its closing quote into b and returns how many
// bytes of s it consumed, closing quote included.
func doubleQuoted(s string, b *strings.Builder) (int, error) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return i + 1, nil
		case c == '\\' && i+2 == len(s) && s[i+1] == '"':
			// PHP's special case for Windows paths (key="C:\dir\"): a \" that
			// ends the line is a backslash and the closing quote. Matomo
			// writes a password ending in "\" just so. (PHP would not apply it
			// with blanks after the quote; ini.v1 has trimmed those away.)
			b.WriteByte('\\')
			return i + 2, nil
		case c == '\\' && i+1 < len(s) && strings.IndexByte(`"\$`, s[i+1]) >= 0:
			b.WriteByte(s[i+1])
			i++
		case c == '$' && strings.HasPrefix(s[i:], "${"):
			n, err := expandVar(s[i:], b)
			if err != nil {
				return 0, err
			}
			i += n - 1
		default:
			b.WriteByte(c)
		}
	}
	return 0, errUnterminated
}

func expandVars(s string, b *strings.Builder) error {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return nil
		}
		b.WriteString(s[:i])
		n, err := expandVar(s[i:], b)
		if err != nil {
			return err
		}
		s = s[i+n:]
	}
}

// expandVar expands the ${NAME} that s starts with and returns its length.
// A "${" without a name and closing brace is kept as text.
func expandVar(s string, b *strings.Builder) (int, error) {
	end := strings.IndexByte(s, '}')
	// Same name characters as PHP's ini scanner accepts; this also keeps a
	// brace beyond the closing quote from swallowing it.
	if end < 3 || strings.ContainsAny(s[2:end], "=\n\r\t;&|^$~(){}!\"'[]\x00") {
		b.WriteString("${")
		return 2, nil
	}
	name := s[2:end]
	v, ok := lookupEnv(name)
	if !ok {
		// PHP would silently use "", which here would mean connecting
		// somewhere else than Matomo does; better to say so.
		return 0, unsetVarError{name}
	}
	b.WriteString(v)
	return end + 1, nil
}

// truthy reads a decoded value as a PHP ini flag. Anything non-empty that is
// not a "false" word counts as true, like PHP's own truthiness, except that a
// quoted "false"/"off"/"no" is taken at its word rather than as a non-empty
// (hence true) string.
func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "off", "no", "none", "null":
		return false
	}
	return true
}
