package export

import (
	"fmt"
	"net/netip"
	"testing"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
)

// productionRows is a mix shaped like cmd/seed's tables: mostly sign-ins,
// sign-outs, failed logins and scheduled reports, every other type now and
// then, IPv4, IPv6 and missing addresses.
func productionRows(n int) []activity.Row {
	weights := map[string]int{
		"ActivityLog/UserSignedIn": 34, "ActivityLog/UserSignedOff": 14, "ActivityLog/UserSignInFailed": 10,
		"ActivityLog/ScheduledReportSent": 10, "ActivityLog/ReportsInvalidated": 5, "ActivityLog/SegmentChanged": 2,
		"ActivityLog/GoalChanged": 2,
	}
	var deck []string
	for _, sp := range activity.Specs() {
		deck = append(deck, sp.Type) // the long tail, a quarter of the rows
		for range weights[sp.Type] * 6 {
			deck = append(deck, sp.Type)
		}
	}
	ips := [][]byte{netip.MustParseAddr("203.0.113.7").AsSlice(), netip.MustParseAddr("2001:db8::1").AsSlice(), nil}
	rows := make([]activity.Row, n)
	for i := range rows {
		typ := deck[i*7919%len(deck)]
		r, _ := demo.Sample(typ, uint64(i%64))
		r.ID = uint64(i + 1)
		r.Login = fmt.Sprintf("user%03d", i%200)
		r.Created = "2026-11-20 10:00:00"
		r.Country, r.HasCountry = "de", i%10 != 0
		r.IP = ips[i%len(ips)]
		rows[i] = r
	}
	return rows
}

// BenchmarkRowToJSON is what export costs per row after the driver: decode
// the row (parameters, description) and write its JSON line.
func BenchmarkRowToJSON(b *testing.B) {
	rows := productionRows(4096)
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e := activity.FromRow(rows[i%len(rows)])
		buf = AppendEvent(buf[:0], &e)
		i++
	}
}

// BenchmarkFromRow is the decoding half of BenchmarkRowToJSON.
func BenchmarkFromRow(b *testing.B) {
	rows := productionRows(4096)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = activity.FromRow(rows[i%len(rows)])
		i++
	}
}

// BenchmarkAppendEventMix is the encoding half of BenchmarkRowToJSON.
func BenchmarkAppendEventMix(b *testing.B) {
	rows := productionRows(4096)
	events := make([]activity.Event, len(rows))
	for i := range rows {
		events[i] = activity.FromRow(rows[i])
	}
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		buf = AppendEvent(buf[:0], &events[i%len(events)])
		i++
	}
}
