// Package activity turns stored Activity Log rows into events: it decodes the
// columns, normalises type ids, and knows every activity type's category,
// severity and one-line description (the catalog).
package activity

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"matomo-audit/data/phpser"
	"matomo-audit/internal/numfmt"
)

// MaxParamsBytes caps what is decoded per row: the column is LONGTEXT and a
// single pathological row must not stall a scan or blow up memory. Larger
// values are kept raw and shown as such.
const MaxParamsBytes = 1 << 20

// ErrParamsTooLarge is the ParamsErr of rows whose parameters exceed MaxParamsBytes.
// Its text says why, not what: it follows "parameters not decoded:".
var ErrParamsTooLarge = fmt.Errorf("larger than %s bytes", numfmt.Thousands(MaxParamsBytes))

// Row is one activity_log row exactly as the database returned it.
type Row struct {
	ID      uint64
	Login   string
	Type    string
	Params  string
	Created string // ts_created as the literal the server sent: Matomo's UTC wall clock
	Country string
	// HasCountry is false when the column is NULL or absent (plugin < 3.1).
	HasCountry bool
	// IP is the raw VARBINARY; nil when NULL or the column is absent.
	IP []byte
}

// Event is a decoded row plus everything derived from it.
type Event struct {
	ID uint64
	// Time is UTC. It is the zero time when ts_created held no valid date.
	Time    time.Time
	Login   string
	RawType string // as stored, e.g. a fully-qualified PHP class name on old rows
	Type    string // normalised "Plugin/Class"
	Country string // lower case; "" when unknown
	IP      netip.Addr
	// BadIP holds stored ip bytes that are not a 4- or 16-byte address, so
	// they are still shown (as hex) rather than silently dropped.
	BadIP     []byte
	RawParams string
	Params    phpser.Value
	// ParamsErr says why Params is empty: malformed or oversized input.
	ParamsErr   error
	Category    string
	Severity    Severity
	Description string
	User        UserInfo

	haystack string // lower-cased searchable text, built on first use
}

// FromRow decodes a row. It never fails: whatever cannot be decoded is kept
// raw and flagged, because an audit tool must show every row it is given.
func FromRow(r Row) Event {
	e := columns(r)
	e.RawParams = r.Params
	switch {
	case len(r.Params) > MaxParamsBytes:
		e.ParamsErr = ErrParamsTooLarge
	default:
		v, err := phpser.DecodeString(r.Params)
		if err != nil {
			e.ParamsErr = err
		} else {
			e.Params = v
		}
	}
	classify(&e)
	return e
}

// columns decodes everything of a row but its parameters.
func columns(r Row) Event {
	e := Event{ID: r.ID, Time: ParseTime(r.Created), Login: r.Login, RawType: r.Type, Type: NormalizeType(r.Type)}
	if r.HasCountry {
		e.Country = strings.ToLower(strings.TrimSpace(r.Country))
	}
	if r.IP != nil {
		if a, ok := netip.AddrFromSlice(r.IP); ok {
			e.IP = a
		} else {
			e.BadIP = append([]byte(nil), r.IP...)
		}
	}
	e.User = PseudoUser(e.Login)
	return e
}

// IPText is the address as text, "" when unknown. Malformed stored bytes
// come back as "0x..." hex so they stay visible.
func (e *Event) IPText() string {
	if e.IP.IsValid() {
		return e.IP.String()
	}
	if e.BadIP != nil {
		return "0x" + hex.EncodeToString(e.BadIP)
	}
	return ""
}

// ParamsOK reports whether Params holds the decoded parameters.
func (e *Event) ParamsOK() bool { return e.ParamsErr == nil }

// ParseTime reads Matomo's "YYYY-MM-DD HH:MM:SS" literal as UTC. The server
// returns exactly what Matomo wrote as long as nobody changes the session
// time zone, so the literal is the truth and no zone conversion is applied.
func ParseTime(s string) time.Time {
	if len(s) < 19 {
		return time.Time{}
	}
	num := func(b string) (int, bool) {
		n := 0
		for i := 0; i < len(b); i++ {
			c := b[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	if s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return time.Time{}
	}
	y, ok1 := num(s[0:4])
	mo, ok2 := num(s[5:7])
	d, ok3 := num(s[8:10])
	h, ok4 := num(s[11:13])
	mi, ok5 := num(s[14:16])
	se, ok6 := num(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 {
		return time.Time{}
	}
	nsec := 0
	if len(s) > 20 && s[19] == '.' {
		frac := s[20:]
		if len(frac) > 9 {
			frac = frac[:9]
		}
		if n, ok := num(frac); ok {
			for i := len(frac); i < 9; i++ {
				n *= 10
			}
			nsec = n
		}
	}
	return time.Date(y, time.Month(mo), d, h, mi, se, nsec, time.UTC)
}

// NormalizeType maps the fully-qualified class names some rows hold
// (Piwik\Plugins\X\Activity\Y, also Matomo\... and with a leading
// backslash) to the "X/Y" form the plugin normally stores.
func NormalizeType(t string) string {
	if !strings.Contains(t, `\`) {
		return t
	}
	parts := strings.Split(strings.Trim(t, `\`), `\`)
	for i := 0; i+1 < len(parts); i++ {
		if parts[i] != "Plugins" || len(parts) < i+3 {
			continue
		}
		plugin, class := parts[i+1], parts[len(parts)-1]
		if plugin != "" && class != "" {
			return plugin + "/" + class
		}
	}
	return t
}

// ClassName is the part of a normalised type id after the plugin, e.g.
// "GoalAdded" for "ActivityLog/GoalAdded".
func ClassName(typ string) string {
	if i := strings.LastIndexByte(typ, '/'); i >= 0 {
		return typ[i+1:]
	}
	return typ
}

// Severity ranks how much an event matters to someone auditing access.
type Severity uint8

const (
	Info Severity = iota
	Notice
	Security
)

var severityNames = [...]string{"info", "notice", "security"}

func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return "info"
}

// ParseSeverity accepts the names String returns.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return Info, errors.New("unknown severity " + s + " (expected info, notice or security)")
}

// Severities lists every severity, lowest first.
func Severities() []Severity { return []Severity{Info, Notice, Security} }

// Light decodes a row without its parameters: time, login, type, IP,
// country, category and the type's base severity. Counting scans use it
// when the filter does not look at parameters, to skip the widest column.
func Light(r Row) Event {
	e := columns(r)
	if spec, ok := Lookup(e.Type); ok {
		e.Category, e.Severity = spec.Category, spec.Severity
	} else {
		e.Category = CategoryOther
	}
	e.ParamsErr = errNotRead
	return e
}

var errNotRead = errors.New("parameters not read")

// Lightened is what Light would have made of e's row: an in-memory source
// hands out the same light events as one that never read the parameters.
func (e *Event) Lightened() Event {
	l := Event{ID: e.ID, Time: e.Time, Login: e.Login, RawType: e.RawType, Type: e.Type, Country: e.Country,
		IP: e.IP, BadIP: e.BadIP, User: PseudoUser(e.Login), ParamsErr: errNotRead}
	if spec, ok := Lookup(l.Type); ok {
		l.Category, l.Severity = spec.Category, spec.Severity
	} else {
		l.Category = CategoryOther
	}
	return l
}

// SeverityFromParams reports whether the severity of an event of this
// (normalised) type depends on its parameters, so that Light's, the
// catalog's, may be wrong for it; the category never does.
func SeverityFromParams(typ string) bool {
	spec, ok := Lookup(typ)
	return ok && spec.escalate != nil
}

// SeverityFromParamsTypes lists the type ids, historic aliases included,
// that SeverityFromParams is true of.
func SeverityFromParamsTypes() []string {
	var out []string
	for _, s := range specs {
		if s.escalate != nil {
			out = append(out, s.Type)
			out = append(out, s.Aliases...)
		}
	}
	return out
}
