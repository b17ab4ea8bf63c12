package demo

import (
	"fmt"
	"net/netip"
	"time"

	"matomo-audit/data/activity"
)

// ProductionWeights is how often the busiest types occur on a production
// table, relative to OtherWeight for every other type of the catalog:
// mostly sign-ins, sign-outs, failed logins and scheduled reports. The
// benchmark seeder and the per-row benchmarks share it, so they measure
// the same mix.
var ProductionWeights = map[string]float64{
	"ActivityLog/UserSignedIn": 34, "ActivityLog/UserSignedOff": 14, "ActivityLog/UserSignInFailed": 10,
	"ActivityLog/ScheduledReportSent": 10, "ActivityLog/ReportsInvalidated": 5, "ActivityLog/SegmentChanged": 2,
	"ActivityLog/GoalChanged": 2,
}

// OtherWeight is the weight of a type ProductionWeights does not list.
const OtherWeight = 1.0 / 6

// ProductionRows is n rows of that mix for benchmarks, deterministic: ids
// from 1, 200 logins, one minute apart from 2024-01-01, IPv4, IPv6 and
// missing addresses, a country on nine rows in ten.
func ProductionRows(n int) []activity.Row {
	// A deck holding every type in proportion to its weight, dealt with a
	// stride so neighbouring rows differ.
	var deck []string
	for _, sp := range activity.Specs() {
		w, ok := ProductionWeights[sp.Type]
		if !ok {
			w = OtherWeight
		}
		for range int(w/OtherWeight + 0.5) {
			deck = append(deck, sp.Type)
		}
	}
	ips := [][]byte{netip.MustParseAddr("203.0.113.7").AsSlice(), netip.MustParseAddr("2001:db8::1").AsSlice(), nil}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := make([]activity.Row, n)
	for i := range rows {
		typ := deck[i*7919%len(deck)]
		r, _ := Sample(typ, uint64(i%64))
		r.ID = uint64(i + 1)
		r.Login = fmt.Sprintf("user%03d", i%200)
		r.Created = start.Add(time.Duration(i) * time.Minute).Format(time.DateTime)
		r.Country, r.HasCountry = "de", i%10 != 0
		r.IP = ips[i%len(ips)]
		rows[i] = r
	}
	return rows
}
