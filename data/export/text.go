package export

import (
	"strconv"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/internal/termsafe"
)

// AppendText appends one event as a line for a terminal or a log file:
//
//	2026-11-20 10:00:00Z  #1234  alice  security  failed to sign in  203.0.113.7 ru
//
// Every value from the database goes through termsafe, so the line holds
// no control characters whatever the row contains.
func AppendText(dst []byte, e *activity.Event, loc *time.Location) []byte {
	if loc == nil {
		loc = time.UTC
	}
	if e.Time.IsZero() {
		dst = append(dst, "(no valid time)     "...)
	} else {
		t := e.Time.In(loc)
		dst = t.AppendFormat(dst, "2006-01-02 15:04:05")
		if loc == time.UTC {
			dst = append(dst, 'Z')
		} else {
			dst = t.AppendFormat(dst, "-07:00")
		}
	}
	dst = append(dst, "  #"...)
	dst = strconv.AppendUint(dst, e.ID, 10)
	dst = append(dst, "  "...)
	dst = append(dst, termsafe.Clean(e.Login)...)
	if m := e.User.Kind.Mark(); m != "" {
		dst = append(dst, " ("...)
		dst = append(dst, m...)
		dst = append(dst, ')')
	}
	dst = append(dst, "  "...)
	dst = append(dst, e.Severity.String()...)
	dst = append(dst, "  "...)
	dst = append(dst, termsafe.Clean(e.Description)...)
	if ip := e.IPText(); ip != "" {
		dst = append(dst, "  "...)
		dst = append(dst, ip...)
		if e.Country != "" {
			dst = append(dst, ' ')
			dst = append(dst, termsafe.Clean(e.Country)...)
		}
	}
	return dst
}
