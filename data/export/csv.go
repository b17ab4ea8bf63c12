package export

import (
	"bufio"
	"encoding/csv"
	"strconv"
	"strings"

	"matomo-audit/data/activity"
	"matomo-audit/internal/termsafe"
)

// csvHeader is the first row of a CSV export; every row has these cells.
var csvHeader = []string{"id", "time", "user", "type", "category", "severity", "ip", "country", "description"}

// csvWriter writes RFC 4180 CSV (CRLF line ends, quotes where needed)
// for people and spreadsheets: exact values are what the JSON formats are
// for. Every text cell is shown as the screen shows it (termsafe: control
// characters, bidi controls and invalid UTF-8 become visible escapes, so
// one event is one physical line), and a cell a spreadsheet would take
// for a formula gets a leading ' (see defuse).
type csvWriter struct {
	w      *csv.Writer
	header bool
	row    []string
	time   []byte
}

func newCSVWriter(w *bufio.Writer) *csvWriter {
	// csv.NewWriter reuses w, being a large enough *bufio.Writer, instead
	// of buffering a second time.
	c := &csvWriter{w: csv.NewWriter(w), row: make([]string, len(csvHeader))}
	c.w.UseCRLF = true
	return c
}

func (c *csvWriter) writeHeader() error {
	if c.header {
		return nil
	}
	c.header = true
	return c.w.Write(csvHeader)
}

func (c *csvWriter) write(e *activity.Event) error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	r := c.row
	r[0] = strconv.FormatUint(e.ID, 10)
	r[1] = ""
	if !e.Time.IsZero() {
		c.time = appendTime(c.time[:0], e.Time.UTC())
		r[1] = string(c.time)
	}
	r[2] = csvText(e.Login)
	r[3] = csvText(e.Type)
	r[4] = csvText(e.Category)
	r[5] = e.Severity.String()
	r[6] = csvText(e.IPText())
	r[7] = csvText(e.Country)
	r[8] = csvText(e.Description)
	return c.w.Write(r)
}

// close writes the header if no row did, so that an empty export is
// still a table, and flushes.
func (c *csvWriter) close() error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	c.w.Flush()
	return c.w.Error()
}

func csvText(s string) string { return defuse(termsafe.Clean(s)) }

// defuse puts a ' before a cell that starts, after any spaces, with = + -
// or @: spreadsheets run such a cell as a formula on opening (CSV
// injection), and logins typed at a failed sign-in are anyone's text. The
// ' makes them show it as text. Tab and CR, the other characters OWASP
// lists, never start a cell here: termsafe has turned them into \t and \r.
func defuse(s string) string {
	t := strings.TrimLeft(s, " ")
	if t != "" && strings.IndexByte("=+-@", t[0]) >= 0 {
		return "'" + s
	}
	return s
}
