package sourcetest

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/data/summary"
)

// Views are the shared views CheckViews runs: a view for everyone of an
// address block but one login, and a view that is also bob's (his own
// events within the query).
var Views = []struct {
	Name, Query, Login string
	Super              bool
}{
	{Name: "block", Query: `ip:203.0.113.0/24 -user:dave`},
	{Name: "bob's failures", Query: `type:*Failed`, Login: "bob"},
	{Name: "alice's sign-ins", Query: `cat:login -type:*Failed`, Login: "alice", Super: true},
	// Free text: no event of it can be judged without its parameters.
	{Name: "the block, as text", Query: `203.0.113 -user:dave`},
}

// checkViews runs every read path of a shared-view session over src and
// checks that nothing outside the view (and the login, when the view has
// one) comes out, whatever the session asks: events, counts, accounts,
// the follower's reads, the summary and an export.
func checkViews(t *testing.T, src source.Source, all []activity.Event) {
	ctx := context.Background()
	for _, v := range Views {
		t.Run(v.Name, func(t *testing.T) {
			vf := Filter(t, v.Query)
			r := source.GuardView(src, vf, v.Login)
			switch {
			case v.Login == "" || v.Super:
				r.SetAll()
			default:
				r.SetOnly(v.Login)
			}
			// The rule, written out apart from the Restricted: the view's
			// query evaluated on its own, and the login when not super.
			sees := func(e *activity.Event) bool {
				return vf.Match(e) && (v.Login == "" || v.Super || owns(v.Login, e.Login))
			}
			var visible []activity.Event
			for i := range all {
				if sees(&all[i]) {
					e := all[i]
					if v.Login == "" || !owns(v.Login, e.Login) {
						e.User.Email = "" // the user table's, not the view's
					}
					visible = append(visible, e)
				}
			}
			if len(visible) < 2 || len(visible) == len(all) {
				t.Fatalf("fixture: the view shows %d events of %d", len(visible), len(all))
			}
			if !source.Hides(r) {
				t.Error("a view does not count as hiding events: its session would see table-wide totals")
			}
			queries := []string{"", "-" + v.Query, "user:alice", "user:*", "-user:x", "mallory", "dave", "user:dave",
				"ip:10.0.0.0/8", "-ip:203.0.113.0/24", "id:1..5", "cat:login", "type:*Failed", "-type:*Failed",
				userTerm(Hostile, false), "since:1d", "-since:1h"}
			for _, q := range queries {
				f := Filter(t, q)
				var want []activity.Event
				for i := range visible {
					if f.Match(&visible[i]) {
						want = append(want, visible[i])
					}
				}
				if err := SameEvents(Stream(t, r, f), want); err != nil {
					t.Errorf("stream %q: %v", q, err)
					continue
				}
				light := f.DecidesLight() && vf.DecidesLight()
				if err := SameEvents(StreamLight(t, r, f, LightFull), Lightened(want, LightFull, light)); err != nil {
					t.Errorf("light stream %q: %v", q, err)
				}
				CheckPaging(t, r, f, IDs(want), 2, 0)
				lo, hi, err := r.Bounds(ctx)
				if err != nil {
					t.Fatal(err)
				}
				st, err := r.Stats(ctx, f, lo, hi)
				if err != nil {
					t.Fatal(err)
				}
				var ws source.Stats
				for i := range want {
					ws.Add(&want[i])
				}
				if st.Matches != ws.Matches || !sameGroups(st.Users, ws.Users) || !sameGroups(st.Types, ws.Types) {
					t.Errorf("stats %q: %+v, want %+v", q, st, ws)
				}
			}

			// Accounts: a view without a login reads none (it is for people
			// who may have no Matomo account); with one, its own only.
			users, err := r.Users(ctx)
			if err != nil || v.Login == "" && len(users) != 0 || v.Login != "" && (len(users) != 1 || users[0].Login != v.Login) {
				t.Errorf("Users = %+v, %v", users, err)
			}
			for _, login := range []string{"alice", "bob", "carol", "mallory", Hostile} {
				_, found, err := r.Account(ctx, login)
				if want := v.Login != "" && owns(v.Login, login); err != nil || found != want {
					t.Errorf("Account(%q): found %v, %v; want %v", login, found, err, want)
				}
			}

			// The follower's reads: every id, what the view hides redacted.
			after, err := r.After(ctx, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			byIDs, err := r.ByIDs(ctx, IDs(all))
			if err != nil {
				t.Fatal(err)
			}
			for name, got := range map[string][]activity.Event{"After": after, "ByIDs": byIDs} {
				if !slices.Equal(IDs(got), IDs(all)) {
					t.Errorf("%s: ids %v, want every id", name, IDs(got))
					continue
				}
				for i := range got {
					if !sees(&all[i]) && !reflect.DeepEqual(got[i], activity.Event{ID: all[i].ID}) {
						t.Errorf("%s: row %d outside the view not redacted: %+v", name, all[i].ID, got[i])
					}
				}
			}
			// No e-mail but the view key's own login's: that is the user
			// table's, not what the view shares.
			for name, got := range map[string][]activity.Event{"After": after, "ByIDs": byIDs, "Stream": Stream(t, r, nil),
				"StreamLight": StreamLight(t, r, nil, LightFull)} {
				for _, e := range got {
					if e.User.Email != "" && (v.Login == "" || !owns(v.Login, e.Login)) {
						t.Errorf("%s: event %d of %q carries the e-mail %q", name, e.ID, e.Login, e.User.Email)
					}
				}
			}
			// A follower's own filter narrowed by the view lets nothing
			// else through.
			for i := range all {
				if r.Narrow(nil).Match(&all[i]) != sees(&all[i]) {
					t.Errorf("Narrow: event %d matches %v", all[i].ID, !sees(&all[i]))
				}
			}

			// The summary counts only what the view shows and names nothing
			// else.
			rep, err := summary.Run(ctx, r, summary.Options{Now: Now, Window: summary.All})
			if err != nil {
				t.Fatal(err)
			}
			if ids := IDs(visible); rep.Total != uint64(len(visible)) || !rep.Own || rep.FromID != ids[0] || rep.ToID != ids[len(ids)-1] {
				t.Errorf("summary: %d events ids %d..%d (own %v), want %d, %v", rep.Total, rep.FromID, rep.ToID, rep.Own, len(visible), ids)
			}
			js, _ := json.Marshal(rep)
			for _, e := range all {
				if q, _ := json.Marshal(e.Login); !slices.ContainsFunc(visible, func(x activity.Event) bool { return query.FoldLogin(x.Login) == query.FoldLogin(e.Login) }) && bytes.Contains(js, q) {
					t.Errorf("summary names %s, outside the view", q)
				}
			}
		})
	}
}
