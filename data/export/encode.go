// Package export writes events as JSON (the stable shape documented in the
// README, as a JSON array or as NDJSON), as CSV or as text lines, streamed
// with constant memory, and files written atomically with owner-only
// permissions.
package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"matomo-audit/data/activity"
	"matomo-audit/data/phpser"
)

// Format is an output format.
type Format uint8

const (
	JSON   Format = iota // one JSON array, one event per line
	NDJSON               // one JSON object per line
	CSV                  // RFC 4180: a header row, then one row per event
	Text                 // one AppendText line per event
)

var formatNames = map[string]Format{"json": JSON, "ndjson": NDJSON, "jsonl": NDJSON, "csv": CSV, "text": Text}

// ParseFormat reads a format name, accepting only the allowed formats
// (all of them when none are given).
func ParseFormat(s string, allowed ...Format) (Format, error) {
	f, ok := formatNames[strings.ToLower(s)]
	if ok && (len(allowed) == 0 || slices.Contains(allowed, f)) {
		return f, nil
	}
	if len(allowed) == 0 {
		allowed = []Format{JSON, NDJSON, CSV, Text}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = a.String()
	}
	list := names[0]
	if n := len(names); n > 1 {
		list = strings.Join(names[:n-1], ", ") + " or " + names[n-1]
	}
	return 0, fmt.Errorf("unknown format %q: expected %s", s, list)
}

func (f Format) String() string {
	switch f {
	case NDJSON:
		return "ndjson"
	case CSV:
		return "csv"
	case Text:
		return "text"
	}
	return "json"
}

// AppendEvent appends one event in the export shape:
//
//	{"id":…,"time":…,"user":…,"type":…,"category":…,"severity":…,
//	 "description":…,"ip":…,"country":…,"parameters":…}
//
// with "parameters":null and "parameters_raw" added when the stored value
// could not be decoded. Hand-written because exports run to millions of
// rows and this is their hot path.
func AppendEvent(dst []byte, e *activity.Event) []byte {
	dst = append(dst, `{"id":`...)
	dst = strconv.AppendUint(dst, e.ID, 10)
	dst = append(dst, `,"time":`...)
	if e.Time.IsZero() {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '"')
		dst = appendTime(dst, e.Time.UTC())
		dst = append(dst, '"')
	}
	dst = append(dst, `,"user":`...)
	dst = appendString(dst, e.Login)
	dst = append(dst, `,"type":`...)
	dst = appendString(dst, e.Type)
	dst = append(dst, `,"category":`...)
	dst = appendString(dst, e.Category)
	dst = append(dst, `,"severity":`...)
	dst = appendString(dst, e.Severity.String())
	dst = append(dst, `,"description":`...)
	dst = appendString(dst, e.Description)
	dst = append(dst, `,"ip":`...)
	switch {
	case e.IP.IsValid():
		// An address's text needs no escaping.
		dst = append(dst, '"')
		dst = e.IP.AppendTo(dst)
		dst = append(dst, '"')
	case e.BadIP != nil:
		dst = appendString(dst, e.IPText())
	default:
		dst = append(dst, "null"...)
	}
	dst = append(dst, `,"country":`...)
	if e.Country == "" {
		dst = append(dst, "null"...)
	} else {
		dst = appendString(dst, e.Country)
	}
	dst = append(dst, `,"parameters":`...)
	if e.ParamsOK() {
		dst = phpser.AppendJSON(dst, e.Params)
	} else {
		dst = append(dst, `null,"parameters_raw":`...)
		dst = appendString(dst, e.RawParams)
	}
	return append(dst, '}')
}

// appendTime writes t (UTC) as time.RFC3339 does, without its general
// layout interpreter for the years Matomo can store.
func appendTime(dst []byte, t time.Time) []byte {
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(dst, time.RFC3339)
	}
	hour, minute, sec := t.Clock()
	return append(dst,
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+month/10), byte('0'+month%10), '-',
		byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':',
		byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), 'Z')
}

// appendString writes a JSON string. Invalid UTF-8 becomes U+FFFD, and
// control characters are escaped, so the output is always valid JSON.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"':
				dst = append(dst, `\"`...)
			case '\\':
				dst = append(dst, `\\`...)
			case '\n':
				dst = append(dst, `\n`...)
			case '\r':
				dst = append(dst, `\r`...)
			case '\t':
				dst = append(dst, `\t`...)
			default:
				dst = append(dst, `\u00`...)
				dst = append(dst, hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\u202`...)
			dst = append(dst, hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// Pretty renders one event as indented JSON, for the clipboard and for
// people.
func Pretty(e *activity.Event) []byte {
	raw := AppendEvent(nil, e)
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return raw
	}
	return b.Bytes()
}

// Writer streams events in a format. Close must be called to finish a JSON
// array; an array with no events is "[]", still a valid document, and a
// CSV export with no events is its header row.
type Writer struct {
	w      *bufio.Writer
	format Format
	n      int
	buf    []byte
	csv    *csvWriter
	// Loc is the zone Text shows times in; UTC when nil. The other formats
	// always write UTC.
	Loc *time.Location
}

// NewWriter starts a stream.
func NewWriter(w io.Writer, f Format) *Writer {
	out := &Writer{w: bufio.NewWriterSize(w, 256<<10), format: f, buf: make([]byte, 0, 4096)}
	if f == CSV {
		out.csv = newCSVWriter(out.w)
	}
	return out
}

// Write adds one event.
func (w *Writer) Write(e *activity.Event) error {
	w.n++
	if w.format == CSV {
		return w.csv.write(e)
	}
	b := w.buf[:0]
	switch w.format {
	case JSON:
		if w.n == 1 {
			b = append(b, "[\n"...)
		} else {
			b = append(b, ",\n"...)
		}
		b = AppendEvent(b, e)
	case NDJSON:
		b = append(AppendEvent(b, e), '\n')
	case Text:
		b = append(AppendText(b, e, w.Loc), '\n')
	}
	w.buf = b
	_, err := w.w.Write(b)
	return err
}

// Count is how many events were written.
func (w *Writer) Count() int { return w.n }

// Flush pushes buffered output to the underlying writer (for tail -f style
// consumers).
func (w *Writer) Flush() error { return w.w.Flush() }

// Close finishes the document and flushes; it does not close the
// underlying writer.
func (w *Writer) Close() error {
	switch w.format {
	case JSON:
		if w.n == 0 {
			if _, err := w.w.WriteString("[]\n"); err != nil {
				return err
			}
		} else if _, err := w.w.WriteString("\n]\n"); err != nil {
			return err
		}
	case CSV:
		if err := w.csv.close(); err != nil {
			return err
		}
	}
	return w.w.Flush()
}
