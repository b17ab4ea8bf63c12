package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/dbtest"
	"matomo-audit/data/mysqldb"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/internal/numfmt"
	"matomo-audit/theme"
)

// walkPickers applies every entry of both pickers, alone, under base, and
// checks that the entry's count is what the applied query matches (counted
// independently from the source), what the status bar then says, and that
// excluding it takes out exactly that many.
func walkPickers(t *testing.T, src source.Source, base string) {
	t.Helper()
	ctx := context.Background()
	total := func(q *query.Query) uint64 {
		t.Helper()
		var n uint64
		if err := src.Stream(ctx, query.Compile(q, clock, nil), 0, 0, func(*activity.Event) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	m := newModel(t, src, theme.NoColor(), 160, 48)
	// Toasts and other timers are beside the point here: none fires.
	m.c.After = func(time.Duration, tea.Msg) tea.Cmd { return nil }
	baseQ := compile(t, base)
	for _, kind := range []string{"U", "t"} {
		drain(t, m, m.setQuery(baseQ))
		press(t, m, kind)
		items := openPickerOf(m).Items()
		facet := total(openPickerOf(m).Facet())
		press(t, m, "esc")
		for _, it := range items {
			for _, exclude := range []bool{false, true} {
				drain(t, m, m.setQuery(baseQ))
				press(t, m, kind)
				openPickerOf(m).SetSelection(exclude, it.Key)
				press(t, m, "enter")
				got := total(m.query)
				want := it.Count.Count
				if exclude {
					want = facet - it.Count.Count
				}
				if got != want {
					t.Errorf("%s %q (exclude %v) under %q: the entry says %d, %q shows %d", kind, it.Label, exclude, base, want, m.query.String(), got)
					continue
				}
				if m.query.Empty() {
					continue
				}
				word := " matches"
				if got == 1 {
					word = " match"
				}
				if status := plainView(m); !strings.Contains(status, numfmt.Thousands(got)+word) {
					t.Errorf("%s %q (exclude %v): status bar does not say %d%s:\n%s", kind, it.Label, exclude, got, word, lastLines(status, 2))
				}
			}
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func TestPickerCountsDemo(t *testing.T) {
	for _, base := range []string{"", "cat:security", "-user:alice since:2026-11-21", "user:*@example.org type:*Removed"} {
		walkPickers(t, demoSource(), base)
	}
}

func TestPickerCountsMariaDB(t *testing.T) {
	srv := dbtest.Shared(t)
	dsn, db := srv.NewDatabase(t)
	dbtest.LoadSQLFile(t, db, dbtest.FixturePath(t, "activity_log_sample.sql"))
	// Spellings of one login, hostile bytes, a type in two cases and an
	// IPv4-mapped address, next to the fixture's rows.
	var extra []dbtest.Row
	for _, login := range []string{"Alice", "ALICE", "evil\x1b[31m\a\r\nx\u202e", "bob "} {
		extra = append(extra, dbtest.Row{Login: login, Type: "ActivityLog/UserSignInFailed", Params: "a:0:{}", TS: "2026-11-20 10:00:00"})
	}
	extra = append(extra, dbtest.Row{Login: "carol", Type: "activitylog/usersignedin", Params: "a:0:{}", TS: "2026-11-20 10:00:00"})
	dbtest.InsertRows(t, db, "matomo_activity_log", extra)
	src, err := mysqldb.Open(context.Background(), mysqldb.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	for _, base := range []string{"", "cat:security"} {
		walkPickers(t, src, base)
	}
}
