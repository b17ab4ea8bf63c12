package query_test

import (
	"testing"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/query"
	"matomo-audit/data/sourcetest"
)

// A filter that says it decides light events judges every row's light
// event as it judges the decoded one, but for the types whose severity
// comes from their parameters; the others have free text or site:.
func TestDecidesLight(t *testing.T) {
	rows := demo.New(demo.Options{Seed: 7, Now: func() time.Time { return sourcetest.Now }}).Rows()
	for _, tr := range sourcetest.Tricky() {
		rows = append(rows, tr.Row())
	}
	var light, heavy int
	for _, c := range sourcetest.Cases {
		f := sourcetest.Filter(t, c.Query)
		needs := false
		for _, term := range f.Terms() {
			needs = needs || term.Key == query.KeyText || term.Key == query.KeySite
		}
		if f.DecidesLight() == needs {
			t.Errorf("%q: DecidesLight %v", c.Query, f.DecidesLight())
		}
		if needs {
			heavy++
			continue
		}
		light++
		for _, r := range rows {
			full, lean := activity.FromRow(r), activity.Light(r)
			if !activity.SeverityFromParams(full.Type) && f.Match(&full) != f.Match(&lean) {
				t.Errorf("%q: row %d (%s) matches %v in full, %v light", c.Query, r.ID, full.Type, f.Match(&full), f.Match(&lean))
			}
		}
	}
	if light < 50 || heavy < 5 {
		t.Errorf("only %d light and %d heavy queries", light, heavy)
	}
	var none *query.Filter
	if !none.DecidesLight() || !query.OnlyIDs([]uint64{1, 2}).DecidesLight() {
		t.Error("no filter, or ids only, needs the parameters")
	}
}
