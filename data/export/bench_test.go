package export

import (
	"testing"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
)

// BenchmarkRowToJSON is what export costs per row after the driver: decode
// the row (parameters, description) and write its JSON line.
func BenchmarkRowToJSON(b *testing.B) {
	rows := demo.ProductionRows(4096)
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
	rows := demo.ProductionRows(4096)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = activity.FromRow(rows[i%len(rows)])
		i++
	}
}

// BenchmarkAppendEventMix is the encoding half of BenchmarkRowToJSON.
func BenchmarkAppendEventMix(b *testing.B) {
	rows := demo.ProductionRows(4096)
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
