package summary

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/dbtest"
	"matomo-audit/data/demo"
	"matomo-audit/data/mysqldb"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

// fullOnly hides a source's light stream: the summary reads every event
// with its parameters, as it did before it could read light ones.
type fullOnly struct{ source.Source }

// spy counts how the summary reads.
type spy struct {
	source.Source
	light, full int
}

func (s *spy) Stream(ctx context.Context, f *query.Filter, from, to uint64, fn func(*activity.Event) error) error {
	s.full++
	return s.Source.Stream(ctx, f, from, to, fn)
}

func (s *spy) StreamLight(ctx context.Context, f *query.Filter, full []string, from, to uint64, fn func(*activity.Event) error) error {
	s.light++
	return s.Source.(source.LightStreamer).StreamLight(ctx, f, full, from, to, fn)
}

// lightScenario is the scenario with what a light read could get wrong:
// every type the summary lists, and every type whose severity comes
// from its parameters, several times over with different parameters,
// within the day and within the month, once stored as a PHP class name
// and once with parameters that do not decode.
func lightScenario() []activity.Row {
	rows := scenario()
	var types []string
	types = append(types, itemTypes...)
	for _, typ := range activity.SeverityFromParamsTypes() {
		if !slices.Contains(types, typ) {
			types = append(types, typ)
		}
	}
	at := now.Add(-20 * 24 * time.Hour)
	for i, typ := range types {
		for seed := range uint64(6) {
			r, ok := demo.Sample(typ, seed)
			if !ok {
				r = activity.Row{Params: "a:0:{}"}
			}
			r.Type, r.Created = typ, at.Add(time.Duration(i*6+int(seed))*7*time.Hour).UTC().Format(time.DateTime)
			if seed == 0 {
				r.Created = now.Add(-time.Duration(i+1) * 13 * time.Minute).UTC().Format(time.DateTime)
			}
			r.IP = netip.MustParseAddr(fmt.Sprintf("198.51.100.%d", 100+i)).AsSlice()
			r.Country, r.HasCountry = "de", true
			rows = append(rows, r)
		}
	}
	classy, _ := demo.Sample("ActivityLog/UserSetSuperUserAccess", 9)
	classy.Type, classy.Created = `Piwik\Plugins\ActivityLog\Activity\UserSetSuperUserAccess`, now.Add(-5*time.Hour).UTC().Format(time.DateTime)
	broken := activity.Row{Login: "admin", Type: "ActivityLog/UserSiteAccessChanged", Params: `a:1:{s:6:"access";`,
		Created: now.Add(-4 * time.Hour).UTC().Format(time.DateTime)}
	rows = append(rows, classy, broken)
	for i, typ := range []string{"ActivityLog/PrivacySetDeleteLogsSettings", "ActivityLog/PrivacySetDeleteReportsSettings"} {
		rows = append(rows, activity.Row{Login: "alice", Type: typ, Params: `a:1:{s:6:"enable";s:1:"0";}`,
			Created: now.Add(-time.Duration(i+2) * time.Hour).UTC().Format(time.DateTime)})
	}
	sortRows(rows)
	for i := range rows {
		rows[i].ID = uint64(i + 1)
	}
	return rows
}

// TestLightReportIsFullReport: a summary read light is, to the byte, the
// one read in full, on MariaDB and on the demo sources, restricted or
// not, for every window and a range of queries; those with free text or
// site: are read in full.
func TestLightReportIsFullReport(t *testing.T) {
	rows := lightScenario()
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	if _, err := db.Exec(dbtest.ActivityLogDDL("matomo_")); err != nil {
		t.Fatal(err)
	}
	dbtest.InsertRows(t, db, "matomo_activity_log", dbtest.FromActivity(rows))
	my, err := mysqldb.Open(context.Background(), mysqldb.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { my.Close() })

	// The parameters decide: both severities of every type whose severity
	// comes from them, and admin access among the site access changes.
	sevs := map[string]map[activity.Severity]bool{}
	for _, r := range rows {
		if e := activity.FromRow(r); activity.SeverityFromParams(e.Type) {
			if sevs[e.Type] == nil {
				sevs[e.Type] = map[activity.Severity]bool{}
			}
			sevs[e.Type][e.Severity] = true
		}
	}
	for typ, s := range sevs {
		if len(s) < 2 {
			t.Errorf("fixture: %s only has severity %v", typ, s)
		}
	}

	ctx := context.Background()
	sources := []struct {
		name string
		src  func(source.Source) source.Source
		of   []source.Source
	}{
		{"", func(s source.Source) source.Source { return s }, []source.Source{my, demo.FromRows(rows, nil),
			demo.New(demo.Options{Seed: 5, Now: func() time.Time { return now }})}},
		{"as admin", func(s source.Source) source.Source { return source.Restrict(s, "admin") }, []source.Source{my}},
		{"a view", func(s source.Source) source.Source {
			q, _ := query.Parse(`cat:security,user -user:"Matomo System"`)
			r := source.GuardView(s, query.Compile(q, now, time.UTC), "")
			r.SetAll()
			return r
		}, []source.Source{my}},
	}
	queries := []string{"", `-user:"Matomo System"`, "user:admin", "user:alice,ROOT", "cat:security", "sev:security", "cat:user",
		"-cat:login", "sev:notice", "type:UserSiteAccessChanged", "-type:*Failed", "ip:198.51.100.0/24", "country:de",
		"id:1..300", "since:30h -until:8h", "failed", "granted -user:alice", "site:1", "-site:1"}
	for _, s := range sources {
		for i, base := range s.of {
			for _, w := range Windows {
				for _, qs := range queries {
					q, err := query.Parse(qs)
					if err != nil {
						t.Fatal(err)
					}
					if len(TimeTerms(q)) > 0 && w != All {
						continue
					}
					o := Options{Query: q, Window: w, Now: now, Top: 100}
					if len(TimeTerms(q)) > 0 {
						o.Window = Window{}
					}
					watched := &spy{Source: base}
					light, err := Run(ctx, s.src(watched), o)
					if err != nil {
						t.Fatal(err)
					}
					full, err := Run(ctx, s.src(fullOnly{base}), o)
					if err != nil {
						t.Fatal(err)
					}
					lj, _ := json.Marshal(light)
					fj, _ := json.Marshal(full)
					if string(lj) != string(fj) {
						t.Errorf("%s source %d, %q over %s: the light read's report differs from the full read's:\n%s\n%s", s.name, i, qs, w.Name, lj, fj)
					}
					if f := query.Compile(q, now, time.UTC); f.DecidesLight() == (watched.full > 0) && light.Total > 0 {
						t.Errorf("%s source %d, %q over %s: read %d times light, %d in full", s.name, i, qs, w.Name, watched.light, watched.full)
					}
				}
			}
		}
	}
}

// Every type the summary lists its events of is read in full: a light
// event would have no description, and its rank may come from its
// parameters.
func TestItemTypesAreReadInFull(t *testing.T) {
	for _, spec := range activity.Specs() {
		for seed := range uint64(8) {
			r, ok := demo.Sample(spec.Type, seed)
			if !ok {
				r = activity.Row{Type: spec.Type, Params: "a:0:{}"}
			}
			e := activity.FromRow(r)
			if (privilegeRank(&e) > 0 || isPluginChange(e.Type)) && !slices.Contains(itemTypes, e.Type) {
				t.Errorf("%s is listed by the summary but read light", e.Type)
			}
		}
	}
}
