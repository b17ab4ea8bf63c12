package summary

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"matomo-audit/internal/numfmt"
	"matomo-audit/internal/termsafe"
)

// Spark draws counts as a row of bars scaled to the largest.
func Spark(counts []uint64) string {
	var top uint64
	for _, c := range counts {
		top = max(top, c)
	}
	var b strings.Builder
	for _, c := range counts {
		b.WriteString(Bar(c, top))
	}
	return b.String()
}

var barLevels = []rune("▁▂▃▄▅▆▇█")

// Bar is one cell of a sparkline whose tallest is top: blank for nothing,
// at least the lowest bar for anything, so a single event is not lost
// next to a large peak.
func Bar(v, top uint64) string {
	if v == 0 || top == 0 {
		return " "
	}
	i := int((v*uint64(len(barLevels)) - 1) / top)
	return string(barLevels[min(max(i, 0), len(barLevels)-1)])
}

// WriteText prints the report for people (a terminal, a ticket, a cron
// mail). Every string from the database goes through termsafe.
func WriteText(w io.Writer, r *Report, loc *time.Location) error {
	bw := bufio.NewWriter(w)
	ts := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.In(loc).Format("2006-01-02 15:04:05")
	}
	zone := loc.String()
	if loc == time.UTC {
		zone = "UTC"
	}
	filter := r.Query
	if filter == "" {
		filter = "(everything)"
	}
	window := "window " + r.Window
	switch r.WindowSource {
	case FromDefault:
		window += " (the default)"
	case FromQuery:
		window = "window from the query (" + r.Window + ")"
	}
	fmt.Fprintf(bw, "Activity summary, %s: %s to %s %s\n", termsafe.Clean(window), ts(r.Since), ts(r.Until), zone)
	fmt.Fprintf(bw, "filter   %s\n", termsafe.Clean(filter))
	switch {
	case r.Own && r.Total == 0:
		fmt.Fprintln(bw, "events   none that you may see")
	case r.Own:
		fmt.Fprintf(bw, "events   %s that you may see (ids %s..%s)\n", numfmt.Thousands(r.Total), numfmt.Thousands(r.FromID), numfmt.Thousands(r.ToID))
	case r.FromID > r.ToID || r.ToID == 0:
		fmt.Fprintf(bw, "events   %s (no ids in the window)\n", numfmt.Thousands(r.Total))
	default:
		fmt.Fprintf(bw, "events   %s (ids %s..%s read)\n", numfmt.Thousands(r.Total), numfmt.Thousands(r.FromID), numfmt.Thousands(r.ToID))
	}
	if !r.Complete {
		fmt.Fprintln(bw, "INCOMPLETE: stopped before the whole window was read")
	}
	fmt.Fprintf(bw, "activity %s|%s| %s per bar", ts(r.Since)[:16], Spark(r.Buckets), r.BucketSpan)
	if r.Peak >= 0 {
		at := r.Since.Add(time.Duration(r.Peak) * r.BucketWidth)
		fmt.Fprintf(bw, "; peak %s events at %s", numfmt.Thousands(r.Buckets[r.Peak]), ts(at)[:16])
	}
	fmt.Fprintln(bw)

	writeDrift(bw, &r.Drift, ts)
	fmt.Fprintf(bw, "\nPrivilege changes (%s)\n", numfmt.Thousands(uint64(r.PrivilegeCount)))
	for _, it := range r.Privileges {
		writeItem(bw, it, ts)
	}
	if r.PrivilegeCount > len(r.Privileges) {
		fmt.Fprintf(bw, "  ... %s more, newest kept per kind\n", numfmt.Thousands(uint64(r.PrivilegeCount-len(r.Privileges))))
	}
	writeSignIns(bw, r.SignInsAfterFailures, ts)
	fmt.Fprintf(bw, "\nFailed-login bursts (>= %d failures within %s; %s failed logins in all)\n", r.BurstMin, r.BurstWithin, numfmt.Thousands(r.FailedLogins))
	for _, b := range r.Bursts {
		what := "logins tried"
		if b.By == "login" {
			what = "from"
		}
		others := make([]string, len(b.Others))
		for i, o := range b.Others {
			others[i] = termsafe.Clean(o)
		}
		more := ""
		if b.OtherCount > len(b.Others) {
			more = fmt.Sprintf(" and %d more", b.OtherCount-len(b.Others))
		}
		fmt.Fprintf(bw, "  %-5s %s %6s failures  %s .. %s  %s %s%s\n", b.By, column(b.Key, 24), numfmt.Thousands(uint64(b.Count)),
			ts(b.First), ts(b.Last), what, strings.Join(others, ", "), more)
	}
	fmt.Fprintf(bw, "\nPlugins installed, activated or removed (%s)\n", numfmt.Thousands(uint64(r.PluginCount)))
	for _, it := range r.Plugins {
		writeItem(bw, it, ts)
	}
	writeTop(bw, "Top users", r.Users, r.UserCount)
	writeAddresses(bw, r, ts)
	writeTop(bw, "Top categories", r.Categories, r.CategoryCount)
	return bw.Flush()
}

func writeItem(w io.Writer, it Item, ts func(time.Time) string) {
	fmt.Fprintf(w, "  %s  #%-9d %s %s", ts(it.Time), it.ID, column(it.User, 24), termsafe.Clean(it.Description))
	if it.IP != "" {
		fmt.Fprintf(w, "  from %s", termsafe.Clean(it.IP))
	}
	fmt.Fprintln(w)
}

func writeTop(w io.Writer, title string, counts []Count, distinct int) {
	fmt.Fprintf(w, "\n%s (%d of %d)\n", title, len(counts), distinct)
	var top uint64
	for _, c := range counts {
		top = max(top, c.Count)
	}
	for _, c := range counts {
		bar := int((c.Count*30 + top - 1) / top)
		fmt.Fprintf(w, "  %s %9s %s\n", column(c.Name, 24), numfmt.Thousands(c.Count), strings.Repeat("█", bar))
	}
}

// writeSignIns is the addresses that failed, then signed in: the one
// question after who gained rights.
func writeSignIns(w io.Writer, list []SignInAfterFailures, ts func(time.Time) string) {
	fmt.Fprintf(w, "\nSigned in after failing (%s)\n", numfmt.Thousands(uint64(len(list))))
	aw := 0
	for _, b := range list {
		aw = max(aw, ansi.StringWidth(b.Address))
	}
	for _, b := range list {
		again := ""
		switch {
		case b.Again == 1:
			again = " (and once more)"
		case b.Again > 1:
			again = fmt.Sprintf(" (and %s more times)", numfmt.Thousands(uint64(b.Again)))
		}
		fmt.Fprintf(w, "  %s %6s failed, then %s signed in at %s  #%d%s\n", column(b.Address, aw), numfmt.Thousands(uint64(b.Failures)),
			column(b.Login, 24), ts(b.At), b.ID, again)
	}
}

// writeAddresses is the top addresses: events, failed sign-ins, logins
// tried, countries, first and last time, under a header.
func writeAddresses(w io.Writer, r *Report, ts func(time.Time) string) {
	cut := ""
	if r.AddressesCut {
		cut = fmt.Sprintf("; only the first %s addresses seen were counted", numfmt.Thousands(maxAddresses))
	}
	fmt.Fprintf(w, "\nTop addresses (%d of %d%s)\n", len(r.Addresses), r.AddressCount, cut)
	if len(r.Addresses) == 0 {
		return
	}
	aw, cw := len("address"), len("countries")
	for _, a := range r.Addresses {
		aw = max(aw, ansi.StringWidth(a.Address))
		cw = max(cw, ansi.StringWidth(termsafe.Clean(strings.Join(a.Countries, ","))))
	}
	fmt.Fprintf(w, "  %s %9s %7s %6s  %s %-19s .. %s\n", column("address", aw), "events", "failed", "logins", column("countries", cw), "first", "last")
	for _, a := range r.Addresses {
		fmt.Fprintf(w, "  %s %9s %7s %6s  %s %s .. %s\n", column(a.Address, aw), numfmt.Thousands(a.Events),
			numfmt.Thousands(a.Failures), numfmt.Thousands(uint64(a.Logins)), column(strings.Join(a.Countries, ","), cw), ts(a.First), ts(a.Last))
	}
}

// column is s made safe for a terminal and exactly w cells wide on
// screen: padded, or cut with "…" when wider. Widths are display widths,
// not bytes or runes (a CJK character or an emoji takes two cells), so
// the columns after a login line up whatever it holds.
func column(s string, w int) string {
	s = termsafe.Clean(s)
	if ansi.StringWidth(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
}

// WriteJSON prints the report as one JSON document.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
