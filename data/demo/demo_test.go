package demo

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

var start = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func fixed() func() time.Time { return func() time.Time { return start } }

func TestDeterministic(t *testing.T) {
	a := New(Options{Seed: 3, Now: fixed()}).Rows()
	b := New(Options{Seed: 3, Now: fixed()}).Rows()
	c := New(Options{Seed: 4, Now: fixed()}).Rows()
	if !slices.EqualFunc(a, b, rowEqual) {
		t.Fatal("same seed and clock gave different rows")
	}
	if slices.EqualFunc(a, c, rowEqual) {
		t.Fatal("different seeds gave the same rows")
	}
}

func rowEqual(x, y activity.Row) bool {
	return x.ID == y.ID && x.Login == y.Login && x.Type == y.Type && x.Params == y.Params && x.Created == y.Created &&
		x.Country == y.Country && string(x.IP) == string(y.IP)
}

func TestContent(t *testing.T) {
	d := New(Options{Now: fixed()})
	ctx := context.Background()
	var all []activity.Event
	d.Stream(ctx, nil, 0, 0, func(e *activity.Event) error { all = append(all, *e); return nil })
	if len(all) < 3000 {
		t.Fatalf("%d events", len(all))
	}
	types := map[string]bool{}
	users := map[string]bool{}
	var prev time.Time
	for i, e := range all {
		types[e.Type] = true
		users[e.Login] = true
		if e.ID != uint64(i+1) || e.Time.Before(prev) || e.Time.After(start) || e.Time.Before(start.Add(-31*24*time.Hour)) {
			t.Fatalf("event %d: id %d at %v after %v", i, e.ID, e.Time, prev)
		}
		prev = e.Time
		if !e.ParamsOK() {
			t.Fatalf("id %d: %v", e.ID, e.ParamsErr)
		}
	}
	for _, sp := range activity.Specs() {
		if !types[sp.Type] {
			t.Errorf("type %s never appears", sp.Type)
		}
	}
	for _, u := range []string{"Matomo System", "Console Command", "anonymous", "frank", "mallory", "alice"} {
		if !users[u] {
			t.Errorf("user %q never appears", u)
		}
	}
	if n := len(users); n < 10 {
		t.Errorf("only %d distinct logins", n)
	}

	burst := filter(t, d, "ip:203.0.113.66 type:UserSignInFailed")
	if len(burst) != 30 || burst[29].Time.Sub(burst[0].Time) > 10*time.Minute {
		t.Fatalf("burst: %d failures over %v", len(burst), burst[len(burst)-1].Time.Sub(burst[0].Time))
	}
	grant := filter(t, d, `"granted super user access"`)
	if len(grant) != 1 || grant[0].Login != "alice" || grant[0].IPText() != IncidentIP || !grant[0].Time.After(burst[29].Time) {
		t.Fatalf("super-user grant: %+v", grant)
	}
	if m := filter(t, d, "user:mallory"); len(m) == 0 || m[0].User.Kind != activity.UserGone {
		t.Fatalf("mallory should act and be gone now: %+v", m)
	}
	if f := filter(t, d, "user:frank"); len(f) == 0 || f[0].User.Kind != activity.UserGone {
		t.Fatal("frank should be a former user")
	}
	if a := filter(t, d, "user:alice"); a[0].User.Kind != activity.UserCurrent || !a[0].User.SuperUser {
		t.Fatalf("alice: %+v", a[0].User)
	}
}

func filter(t *testing.T, d *Source, q string) []activity.Event {
	t.Helper()
	parsed, err := query.Parse(q)
	if err != nil {
		t.Fatal(err)
	}
	var out []activity.Event
	d.Stream(context.Background(), query.Compile(parsed, start, time.UTC), 0, 0, func(e *activity.Event) error {
		out = append(out, *e)
		return nil
	})
	return out
}

// TestLive: with Live set, events keep arriving as the clock moves, a few
// seconds apart, with ids and times rising.
func TestLive(t *testing.T) {
	var mu sync.Mutex
	now := start
	d := New(Options{Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }, Live: true})
	ctx := context.Background()
	_, hi0, _ := d.Bounds(ctx)
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	_, hi1, _ := d.Bounds(ctx)
	if n := hi1 - hi0; n < 6 || n > 30 {
		t.Fatalf("%d new events in a minute, want one every 2-8 s", n)
	}
	p, _ := d.Page(ctx, source.Request{Dir: source.Newer, Anchor: hi0})
	if len(p.Events) != int(hi1-hi0) || p.Events[len(p.Events)-1].Time.After(now) {
		t.Fatalf("new events %d, last at %v", len(p.Events), p.Events[len(p.Events)-1].Time)
	}
	if still := New(Options{Now: fixed()}); true {
		_, a, _ := still.Bounds(ctx)
		_, b, _ := still.Bounds(ctx)
		if a != b {
			t.Fatal("a non-live demo grew")
		}
	}
}

func TestAccount(t *testing.T) {
	d := New(Options{Now: fixed()})
	ctx := context.Background()
	for login, want := range map[string]source.User{
		"alice": {Login: "alice", Email: "alice@example.org", SuperUser: true},
		"ALICE": {Login: "alice", Email: "alice@example.org", SuperUser: true},
		"Bob":   {Login: "bob", Email: "bob@example.org"},
		"judy":  {Login: "judy", Email: "judy@example.org", Invited: true},
	} {
		if got, found, err := d.Account(ctx, login); err != nil || !found || got != want {
			t.Errorf("Account(%q) = %+v, %v, %v", login, got, found, err)
		}
	}
	for _, login := range []string{"mallory", "", "a*", "Matomo System"} {
		if got, found, err := d.Account(ctx, login); err != nil || found {
			t.Errorf("Account(%q) = %+v, %v, %v; want not found", login, got, found, err)
		}
	}
}
