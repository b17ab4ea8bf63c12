package keys

import (
	"fmt"
	"strings"
	"unicode/utf8"

	aquery "matomo-audit/data/query"
)

// Length limits: Matomo's login column is VARCHAR(100), so a longer login
// could never match, and a view name is shown where a login would be. A
// query is a filter someone typed; 4 KiB is far more than one needs.
const (
	maxLogin = 100
	maxView  = 100
	maxQuery = 4096
)

// openSSHValued reports the options with a value that sshd knows and
// serve does not enforce; the error then says that sshd's meaning does not
// carry over, rather than calling the option unknown.
func openSSHValued(name string) bool {
	switch name {
	case "command", "environment", "expiry-time", "from",
		"permitlisten", "permitopen", "principals", "tunnel":
		return true
	}
	return false
}

// setOptions applies the options ParseAuthorizedKey split off the line
// (raw strings such as `login="alice"` or `no-pty`), or says why not.
// Reasons never quote a value: values can be long or hostile, and a
// message is one line for a log.
func (e *Entry) setOptions(options []string) string {
	var login, view, query *string
	for _, raw := range options {
		written, quoted, hasValue := strings.Cut(raw, "=")
		// OpenSSH matches option names without regard to case.
		name := strings.ToLower(written)
		if !validName(name) {
			return fmt.Sprintf("malformed option %s", quoteName(written))
		}
		if !hasValue {
			switch {
			case name == "login" || name == "view" || name == "query" || openSSHValued(name):
				return fmt.Sprintf("option %s needs a value in double quotes, as in %s=\"...\"", name, name)
			case name == "cert-authority":
				return "cert-authority is not supported: the key itself is accepted, never certificates it signs"
			}
			e.Flags = append(e.Flags, name)
			continue
		}
		value, reason := dequote(quoted)
		if reason != "" {
			return fmt.Sprintf("option %s=: %s", name, reason)
		}
		var dst **string
		switch name {
		case "login":
			dst = &login
		case "view":
			dst = &view
		case "query":
			dst = &query
		case "from":
			return "from= is not supported: serve does not check where a key connects from; remove it and limit the address with --listen or a firewall"
		default:
			if openSSHValued(name) {
				return fmt.Sprintf("option %s= is not supported (it would not be enforced); remove it", name)
			}
			return fmt.Sprintf("unknown option %s=", name)
		}
		if *dst != nil {
			return fmt.Sprintf("option %s= is given twice", name)
		}
		*dst = &value
	}

	if login == nil && view == nil {
		return `no login= or view= option: say whose key this is, as in login="alice"`
	}
	if login != nil {
		switch l := *login; {
		case l == "":
			return "empty login="
		case strings.TrimSpace(l) != l:
			// MySQL's PAD SPACE collations compare "alice " equal to
			// "alice", so surrounding spaces would only mislead.
			return "login= starts or ends with a space"
		case !utf8.ValidString(l):
			return "login= is not valid UTF-8"
		case utf8.RuneCountInString(l) > maxLogin:
			return fmt.Sprintf("login= is %d characters long; Matomo logins have at most %d", utf8.RuneCountInString(l), maxLogin)
		}
		e.Login = *login
	}
	if view != nil {
		switch v := *view; {
		case strings.TrimSpace(v) == "":
			return "empty view="
		case !utf8.ValidString(v):
			return "view= is not valid UTF-8"
		case utf8.RuneCountInString(v) > maxView:
			return fmt.Sprintf("view= is %d characters long; at most %d", utf8.RuneCountInString(v), maxView)
		}
		e.View = *view
	}
	if query != nil {
		_, perr := aquery.Parse(*query)
		switch q := *query; {
		case view == nil:
			return "query= is only meaningful with view="
		case strings.TrimSpace(q) == "":
			return "empty query= (leave it out for a view without a filter)"
		case !utf8.ValidString(q):
			return "query= is not valid UTF-8"
		case len(q) > maxQuery:
			return fmt.Sprintf("query= is %d bytes long; at most %d", len(q), maxQuery)
		case perr != nil:
			// The parser names the column and quotes at most a term.
			return "query= does not parse: " + printable(perr.Error())
		}
		e.Query = *query
	}
	return ""
}

// dequote reads an option value as OpenSSH does: it must be one double
// quoted string, in which \" stands for a quote and any other backslash is
// itself.
func dequote(s string) (string, string) {
	if len(s) == 0 || s[0] != '"' {
		return "", "the value must be in double quotes"
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && s[i+1] == '"':
			b.WriteByte('"')
			i++
		case c == '"':
			if i != len(s)-1 {
				return "", "text after the closing quote"
			}
			return b.String(), ""
		default:
			b.WriteByte(c)
		}
	}
	return "", "missing closing quote"
}

// validName accepts what OpenSSH's option names look like (letters,
// digits, hyphens; matched in lower case), so that a stray quote or space is reported as a
// malformed option rather than kept as a flag.
func validName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// quoteName shows an unrecognised option's text, quoted and cut short,
// since it may be anything.
func quoteName(raw string) string {
	const max = 40
	if len(raw) > max {
		return fmt.Sprintf("%q...", raw[:max])
	}
	return fmt.Sprintf("%q", raw)
}
