package summary

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
)

// TestTextAlignment: logins of CJK characters, emoji and 100 bytes of
// hostile text keep every column of the text report where it belongs:
// what follows a login or an address starts at the same display column
// on every line of a section. Golden: testdata/TestTextAlignment.golden.
func TestTextAlignment(t *testing.T) {
	hostile := "\x1b]52;c;cm0gLXJmIH4=\a" + strings.Repeat("x\u202e\u200b", 26) // OSC 52, bidi, zero-width: 100+ bytes
	logins := []string{"alice", "山田太郎", "用户管理员账号非常长的名字", "🦊🦊🦊fox", "Ŝtéphane", hostile}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	var rows []activity.Row
	id := uint64(0)
	row := func(login, typ, ip string, d time.Duration, n int) {
		for range n {
			id++
			r := activity.Row{ID: id, Login: login, Type: typ, Params: "a:0:{}", Created: at.Add(d + time.Duration(id)*time.Second).Format(time.DateTime)}
			if ip != "" {
				r.IP = netip.MustParseAddr(ip).AsSlice()
				r.Country, r.HasCountry = "jp", true
			}
			rows = append(rows, r)
		}
	}
	for i, l := range logins {
		row(l, failedType, "203.0.113.7", time.Duration(i)*time.Minute, 6)
		row(l, signedInType, "2001:db8::"+string(rune('a'+i)), time.Hour, i+1)
		row(l, failedType, "2001:db8::"+string(rune('a'+i)), 90*time.Minute, i+1)
		row(l, signedInType, "2001:db8::"+string(rune('a'+i)), 95*time.Minute, 1)
	}
	row(hostile, "ActivityLog/UserSetSuperUserAccess", "198.51.100.1", 2*time.Hour, 1)
	src := demo.FromRows(rows, nil)
	r, err := Run(t.Context(), src, Options{Window: All, Now: at.Add(3 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := WriteText(&out, &r, time.UTC); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if strings.ContainsAny(text, "\x1b\a\u202e\u200b") {
		t.Fatalf("the text holds control or bidi characters:\n%q", text)
	}
	// Within each section, the field after the login or address column
	// sits at the same display column on every line: its end when it is
	// a right-aligned count, its start when it is text.
	checked := 0
	for _, sec := range strings.Split(text, "\n\n") {
		lines := strings.Split(strings.TrimRight(sec, "\n"), "\n")
		field, atEnd, ok := sectionColumn(lines[0])
		if !ok || len(lines) < 3 {
			continue
		}
		col := -1
		for _, l := range lines[1:] {
			if strings.HasPrefix(l, "  address ") {
				continue // the header
			}
			c := fieldAt(l, field, atEnd)
			if col < 0 {
				col = c
			} else if c != col {
				t.Errorf("section %q: a column is at %d, not %d, on\n%s", lines[0], c, col, l)
			}
		}
		checked++
	}
	if checked < 5 {
		t.Errorf("only %d sections checked:\n%s", checked, text)
	}
	golden.RequireEqual(t, out.Bytes())
}

// sectionColumn is, per section, which space-separated field (from 0,
// after the indent) follows the login or address column, and whether its
// end (a right-aligned count) or its start is what must line up.
func sectionColumn(title string) (field int, atEnd, ok bool) {
	switch {
	case strings.HasPrefix(title, "Privilege changes"), strings.HasPrefix(title, "Plugins"):
		return 4, false, true // time (2 fields), id, user, then the description
	case strings.HasPrefix(title, "Failed-login"):
		return 2, true, true // by, key, count
	case strings.HasPrefix(title, "Signed in after"):
		return 5, false, true // address, count, "failed,", "then", login, then "signed"
	case strings.HasPrefix(title, "Top"):
		return 1, true, true // name or address, count
	}
	return 0, false, false
}

// fieldAt is the display column where field n starts, or ends.
func fieldAt(line string, n int, atEnd bool) int {
	pos := 0
	for i, f := range strings.Fields(line) {
		j := strings.Index(line[pos:], f) + pos
		if i == n {
			if atEnd {
				return ansi.StringWidth(line[:j+len(f)])
			}
			return ansi.StringWidth(line[:j])
		}
		pos = j + len(f)
	}
	return -1
}
