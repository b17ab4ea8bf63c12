package sourcetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/export"
	"matomo-audit/data/follow"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/data/summary"
)

// Hostile is a login made to break a restriction built from text: a
// pattern character, both quotes and an escape sequence.
const Hostile = "we*rd\"'\x1b[31m"

// RestrictUsers is the user table of the restriction fixture: a super
// user, plain users, a pending invite, and the hostile login as an
// account.
func RestrictUsers() []source.User {
	return []source.User{
		{Login: "alice", Email: "alice@example.org", SuperUser: true},
		{Login: "bob", Email: "bob@example.org"},
		{Login: "carol", Email: "carol@example.org"},
		{Login: "judy", Email: "judy@example.org", Invited: true},
		{Login: Hostile, Email: "weird@example.org"},
	}
}

// RestrictRows are events of several logins within the day before Now:
// case variants of bob's login (a failed sign-in typed as "Bob" is bob's,
// as the _ci login column says), "bob " (another login to user:, though a
// PAD SPACE collation calls it equal), the hostile login with a variant
// its * would match as a pattern, and a gap in the ids.
func RestrictRows() []activity.Row {
	none := "a:0:{}"
	at := func(min int) string { return Now.Add(-time.Duration(min) * time.Minute).UTC().Format(time.DateTime) }
	row := func(id uint64, login, typ, ip string, min int) activity.Row {
		r := activity.Row{ID: id, Login: login, Type: typ, Params: none, Created: at(min)}
		if ip != "" {
			r.IP = netip.MustParseAddr(ip).AsSlice()
			r.Country, r.HasCountry = "de", true
		}
		return r
	}
	const in, failed, off = "ActivityLog/UserSignedIn", "ActivityLog/UserSignInFailed", "ActivityLog/UserSignedOff"
	rows := []activity.Row{
		row(1, "alice", in, "198.51.100.7", 600),
		row(2, "bob", in, "10.0.0.5", 590),
		row(3, "Bob", failed, "10.0.0.5", 580),
		row(4, "BOB", failed, "10.0.0.5", 570),
		row(5, "carol", in, "192.0.2.10", 560),
	}
	for i := range 6 {
		rows = append(rows, row(uint64(6+i), "mallory", failed, "203.0.113.66", 500-i))
	}
	rows = append(rows,
		row(12, "bob ", failed, "203.0.113.99", 400),
		row(13, Hostile, failed, "203.0.113.70", 390),
		row(14, strings.Replace(Hostile, "*", "X", 1), failed, "203.0.113.71", 380),
		row(15, strings.ToUpper(Hostile), failed, "10.0.0.70", 370),
		row(16, "Matomo System", "ActivityLog/ScheduledReportSent", "", 360),
		row(17, "alice", off, "198.51.100.7", 300),
		row(100, "bob", off, "10.0.0.5", 200),
		row(101, "dave", failed, "203.0.113.80", 100),
	)
	return rows
}

// LightFull are the types the restriction checks have light streams read
// in full: failed sign-ins, so that some events of a light stream carry
// their user marks and e-mail.
var LightFull = []string{"ActivityLog/UserSignInFailed"}

// Inserter commits rows to the source under test after the fact, as
// Matomo would while a session follows.
type Inserter func(t testing.TB, rows ...activity.Row)

// CheckRestricted runs every read path of a restricted session over src
// (loaded with RestrictRows and RestrictUsers) and checks that nothing of
// another login comes out: events, fields, counts, names, accounts,
// follow, summary and export. It inserts rows (above the newest id) at the end.
func CheckRestricted(t *testing.T, src source.Source, insert Inserter) {
	all := Stream(t, src, nil)
	if len(all) != len(RestrictRows()) {
		t.Fatalf("fixture: %d events, want %d", len(all), len(RestrictRows()))
	}
	for _, own := range []string{"bob", Hostile} {
		t.Run(fmt.Sprintf("as %q", own), func(t *testing.T) {
			checkSession(t, src, source.Restrict(src, own), own, all)
		})
	}
	t.Run("Bob counts as bob", func(t *testing.T) {
		var got []string
		for _, e := range Stream(t, source.Restrict(src, "bob"), nil) {
			got = append(got, e.Login)
		}
		if want := []string{"bob", "Bob", "BOB", "bob"}; !slices.Equal(got, want) {
			t.Errorf("bob's events are by %q, want %q", got, want)
		}
	})
	t.Run("privileges", func(t *testing.T) { checkPrivileges(t, src) })
	t.Run("shared views", func(t *testing.T) { checkViews(t, src, all) })
	t.Run("demoted while open", func(t *testing.T) { checkDemoted(t, src, all) })
	t.Run("concurrent use", func(t *testing.T) { checkConcurrent(t, src) })
	t.Run("follow", func(t *testing.T) { checkFollow(t, src, insert) })
}

// owns: the restriction's rule, written out independently of it.
func owns(own, login string) bool { return query.FoldLogin(own) == query.FoldLogin(login) }

func ownOf(own string, events []activity.Event) []activity.Event {
	var out []activity.Event
	for _, e := range events {
		if owns(own, e.Login) {
			out = append(out, e)
		}
	}
	return out
}

func userTerm(login string, negate bool) string {
	return query.Term{Key: query.KeyUser, Negate: negate, Values: []string{query.EscapeLiteral(login)}}.String()
}

func checkSession(t *testing.T, src source.Source, r *source.Restricted, own string, all []activity.Event) {
	ctx := context.Background()
	mine := ownOf(own, all)
	if len(mine) < 2 || len(mine) == len(all) {
		t.Fatalf("fixture: %d own events of %d", len(mine), len(all))
	}
	if r.Login() != own {
		t.Errorf("Login() = %q, want %q", r.Login(), own)
	}
	queries := []string{"", "user:alice", userTerm(own, false), userTerm(strings.ToUpper(own), false),
		"-user:x", userTerm(own, true), "user:alice,bob", "user:*", "user:we*", `user:"bob "`,
		"alice", "mallory", "203.0.113.66", "ip:203.0.113.0/24", "-ip:10.0.0.0/8",
		"id:1..5", "id:6..", "-id:2", "id:12..16 id:1..3", "cat:login", "type:*Failed", "since:1d", "-since:1h"}
	for _, q := range queries {
		f := Filter(t, q)
		want := ownOf(own, Stream(t, src, f))
		got := Stream(t, r, f)
		if err := SameEvents(got, want); err != nil {
			t.Errorf("stream %q: %v", q, err)
			continue
		}
		if err := SameEvents(StreamLight(t, r, f, LightFull), Lightened(want, LightFull, f.DecidesLight())); err != nil {
			t.Errorf("light stream %q: %v", q, err)
		}
		CheckPaging(t, r, f, IDs(want), 2, 0)
		CheckPaging(t, r, f, IDs(want), 3, 4)
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
		if st.Matches != ws.Matches || !sameGroups(st.Users, ws.Users) || !sameGroups(st.Types, ws.Types) || !sameGroups(st.Cats, ws.Cats) {
			t.Errorf("stats %q: %+v, want %+v", q, st, ws)
		}
		for login := range st.Users {
			if !owns(own, login) {
				t.Errorf("stats %q count %q", q, login)
			}
		}
	}

	// Accounts: the own one only, under any spelling.
	var account source.User
	for _, u := range RestrictUsers() {
		if u.Login == own {
			account = u
		}
	}
	if users, err := r.Users(ctx); err != nil || !slices.Equal(users, []source.User{account}) {
		t.Errorf("Users = %+v, %v; want only %+v", users, err, account)
	}
	for _, login := range []string{own, strings.ToUpper(own)} {
		if u, found, err := r.Account(ctx, login); err != nil || !found || u != account {
			t.Errorf("Account(%q) = %+v, %v, %v", login, u, found, err)
		}
	}
	for _, login := range []string{"alice", "carol", "judy", "mallory", "bob", Hostile, "*", ""} {
		if owns(own, login) {
			continue
		}
		if u, found, err := r.Account(ctx, login); err != nil || found || u != (source.User{}) {
			t.Errorf("Account(%q) = %+v, %v, %v; want not found", login, u, found, err)
		}
	}

	// The follower's reads: every id, others' rows redacted.
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
			t.Errorf("%s: ids %v, want every id %v", name, IDs(got), IDs(all))
			continue
		}
		if err := SameEvents(ownOf(own, got), mine); err != nil {
			t.Errorf("%s, own rows: %v", name, err)
		}
		for i := range got {
			if !owns(own, all[i].Login) && !reflect.DeepEqual(got[i], activity.Event{ID: all[i].ID}) {
				t.Errorf("%s: row %d of %q not redacted: %+v", name, all[i].ID, all[i].Login, got[i])
			}
		}
	}
	if ids, err := r.IDs(ctx, 0, 1000); err != nil || !slices.Equal(ids, IDs(all)) {
		t.Errorf("IDs = %v, %v", ids, err)
	}

	// What a session can take away: the summary and an export.
	others := othersOf(own, all)
	rep, err := summary.Run(ctx, r, summary.Options{Now: Now, Window: summary.All})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total != uint64(len(mine)) {
		t.Errorf("summary counts %d events, want %d", rep.Total, len(mine))
	}
	// The window's ids are the table's; the report gives the session's
	// own first and last instead.
	if ids := IDs(mine); !rep.Own || len(ids) > 0 && (rep.FromID != ids[0] || rep.ToID != ids[len(ids)-1]) {
		t.Errorf("summary ids %d..%d (own %v), want the first and last of %v", rep.FromID, rep.ToID, rep.Own, ids)
	}
	js, _ := json.Marshal(rep)
	var text bytes.Buffer
	if err := summary.WriteText(&text, &rep, time.UTC); err != nil {
		t.Fatal(err)
	}
	for _, o := range others {
		q, _ := json.Marshal(o)
		if bytes.Contains(js, q) {
			t.Errorf("summary names %s: %s", q, js)
		}
		if plain := strings.TrimSpace(o); !strings.Contains(own, plain) && !strings.Contains(strings.ToUpper(own), plain) && strings.Contains(text.String(), plain) {
			t.Errorf("summary text names %q:\n%s", o, text.String())
		}
	}
	var nd bytes.Buffer
	w := export.NewWriter(&nd, export.NDJSON)
	if err := r.Stream(ctx, Filter(t, "-user:x"), 0, 0, func(e *activity.Event) error { return w.Write(e) }); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(nd.String()), "\n")
	if len(lines) != len(mine) {
		t.Errorf("export: %d lines, want %d", len(lines), len(mine))
	}
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("export line %q: %v", l, err)
		}
		login, _ := rec["user"].(string)
		if !owns(own, login) {
			t.Errorf("export has %q's event: %s", login, l)
		}
		for _, o := range others {
			if q, _ := json.Marshal(o); strings.Contains(l, string(q)) {
				t.Errorf("export names %s: %s", q, l)
			}
		}
	}
}

// othersOf lists what must not reach a session of own: other logins and
// the addresses only other logins' events came from.
func othersOf(own string, all []activity.Event) []string {
	ownIPs := map[string]bool{}
	for _, e := range ownOf(own, all) {
		ownIPs[e.IPText()] = true
	}
	var out []string
	for _, e := range all {
		if owns(own, e.Login) {
			continue
		}
		out = append(out, e.Login)
		if ip := e.IPText(); ip != "" && !ownIPs[ip] {
			out = append(out, ip)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func checkDemoted(t *testing.T, src source.Source, all []activity.Event) {
	ctx := context.Background()
	g := source.Guard(src)
	if got := Stream(t, g, nil); len(got) != 0 {
		t.Errorf("a guard not told whom it serves shows %d events", len(got))
	}
	if got := StreamLight(t, g, nil, LightFull); len(got) != 0 {
		t.Errorf("a guard not told whom it serves shows %d events to a light stream", len(got))
	}
	if users, err := g.Users(ctx); err != nil || len(users) != 0 {
		t.Errorf("a guard not told whom it serves lists users %v, %v", users, err)
	}
	if p, err := g.Page(ctx, source.Request{Dir: source.Older}); err != nil || len(p.Events) != 0 || !p.End {
		t.Errorf("a guard not told whom it serves pages %d events, %v", len(p.Events), err)
	}
	if after, _ := g.After(ctx, 0, 100); len(ownOf("", after)) != len(after) {
		t.Error("a guard not told whom it serves leaks rows to After")
	}

	g.SetAll()
	if g.Scope() != (source.Scope{All: true}) || g.Login() != "" {
		t.Errorf("scope %+v after SetAll", g.Scope())
	}
	if err := SameEvents(Stream(t, g, nil), all); err != nil {
		t.Errorf("super user: %v", err)
	}
	if users, err := g.Users(ctx); err != nil || len(users) != len(RestrictUsers()) {
		t.Errorf("super user sees users %v, %v", users, err)
	}
	if _, found, _ := g.Account(ctx, "carol"); !found {
		t.Error("super user cannot look up carol")
	}
	// The UI keeps its filter and its follower across the change.
	f := Filter(t, "user:alice,bob")
	fol := follow.New(g, time.Hour, func() time.Time { return Now })
	if err := fol.Start(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := g.Page(ctx, source.Request{Filter: f, Dir: source.Older})
	if err != nil || len(p.Events) != 6 {
		t.Errorf("super user's page of alice and bob: %d events, %v", len(p.Events), err)
	}

	g.SetOnly("bob")
	if g.Login() != "bob" || g.Scope() != (source.Scope{Login: "bob"}) {
		t.Errorf("scope %+v after SetOnly", g.Scope())
	}
	p, err = g.Page(ctx, source.Request{Filter: f, Dir: source.Older})
	if err != nil || !slices.Equal(IDs(p.Events), IDs(ownOf("bob", all))) {
		t.Errorf("demoted, the same filter pages %v, %v; want bob's %v", IDs(p.Events), err, IDs(ownOf("bob", all)))
	}
	if users, err := g.Users(ctx); err != nil || len(users) != 1 || users[0].Login != "bob" {
		t.Errorf("demoted, users %v, %v", users, err)
	}
	if _, found, _ := g.Account(ctx, "carol"); found {
		t.Error("demoted, still looks up carol")
	}
	lo, hi, _ := g.Bounds(ctx)
	if st, _ := g.Stats(ctx, nil, lo, hi); st.Matches != uint64(len(ownOf("bob", all))) {
		t.Errorf("demoted, stats count %d", st.Matches)
	}
	if res, err := fol.Poll(ctx, nil); err != nil || len(res.Fresh)+len(res.Late) != 0 {
		t.Errorf("demoted follower: %+v, %v", res, err)
	}

	if got, want := StreamLight(t, g, nil, LightFull), Lightened(ownOf("bob", all), LightFull, true); SameEvents(got, want) != nil {
		t.Errorf("demoted, a light stream gives %v, want bob's %v", IDs(got), IDs(want))
	}

	g.SetNone()
	if got := Stream(t, g, nil); len(got) != 0 {
		t.Errorf("removed account still sees %d events", len(got))
	}
	if got := StreamLight(t, g, nil, LightFull); len(got) != 0 {
		t.Errorf("removed account still sees %d events in a light stream", len(got))
	}
	if _, found, _ := g.Account(ctx, "bob"); found {
		t.Error("removed account still finds itself")
	}
}

// checkConcurrent flips the scope while sessions read: every answer is of
// one scope, and a bob-only answer has nothing of others. Run with -race
// it also checks the scope is read safely.
func checkConcurrent(t *testing.T, src source.Source) {
	ctx := context.Background()
	g := source.Restrict(src, "bob")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				g.SetOnly("bob")
				return
			default:
			}
			if i%2 == 0 {
				g.SetAll()
			} else {
				g.SetOnly("bob")
			}
		}
	})
	var errs sync.Map
	for range 4 {
		wg.Go(func() {
			f := Filter(t, "-user:x")
			for range 30 {
				p, err := g.Page(ctx, source.Request{Filter: f, Dir: source.Older, Limit: 4})
				if err != nil {
					errs.Store(err.Error(), true)
					return
				}
				// A page of one scope: all bob's, or (all scope) the
				// newest four of everyone.
				if bobs := len(ownOf("bob", p.Events)); bobs != len(p.Events) && !slices.Equal(IDs(p.Events), []uint64{16, 17, 100, 101}) {
					errs.Store(fmt.Sprintf("mixed page %v", IDs(p.Events)), true)
				}
				g.Narrow(f)
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	close(stop)
	wg.Wait()
	errs.Range(func(k, _ any) bool {
		t.Error(k)
		return true
	})
}

func checkFollow(t *testing.T, src source.Source, insert Inserter) {
	ctx := context.Background()
	r := source.Restrict(src, "bob")
	clock := func() time.Time { return Now }
	own := follow.New(r, time.Hour, clock)
	other := follow.New(r, time.Hour, clock) // asks for someone else's
	for _, f := range []*follow.Follower{own, other} {
		if err := f.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	ts := Now.UTC().Format(time.DateTime)
	row := func(id uint64, login string) activity.Row {
		return activity.Row{ID: id, Login: login, Type: "ActivityLog/UserSignInFailed", Params: "a:0:{}", Created: ts}
	}
	var got []uint64
	poll := func() {
		t.Helper()
		res, err := own.Poll(ctx, Filter(t, "-user:nobody"))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range append(res.Fresh, res.Late...) {
			if !owns("bob", e.Login) {
				t.Errorf("follower delivered %q's #%d", e.Login, e.ID)
			}
			got = append(got, e.ID)
		}
		res, err = other.Poll(ctx, Filter(t, "user:alice,mallory"))
		if err != nil {
			t.Fatal(err)
		}
		if n := len(res.Fresh) + len(res.Late); n != 0 {
			t.Errorf("follower asking for alice and mallory got %d events", n)
		}
	}
	// Committed out of id order: 1 and 4 arrive after 5.
	b := own.HighWater()
	insert(t, row(b+2, "alice"), row(b+3, "bob"), row(b+5, "carol"))
	poll()
	insert(t, row(b+1, "Bob"), row(b+4, "mallory"), row(b+6, "BOB"), row(b+7, Hostile))
	poll()
	poll()
	slices.Sort(got)
	if want := []uint64{b + 1, b + 3, b + 6}; !slices.Equal(got, want) {
		t.Errorf("follower delivered %v, want bob's %v, each once", got, want)
	}
	if own.Gaps() != 0 || own.HighWater() != b+7 {
		t.Errorf("follower at %d with %d gaps: others' ids must move it too", own.HighWater(), own.Gaps())
	}
}

// checkPrivileges: who holds which rights is Matomo's user and access
// tables, in no login's own events, so a Restricted passes them on only
// to a super user's session that is no view; every other session gets
// ErrSuperUsersOnly and an empty set, and its summary says so.
func checkPrivileges(t *testing.T, src source.Source) {
	ctx := context.Background()
	want, wantErr := source.PrivilegeSet{}, source.ErrNoPrivileges
	if p, ok := src.(source.Privileges); ok {
		want, wantErr = p.Privileges(ctx)
	}
	sessions := map[string]*source.Restricted{"guard": source.Guard(src), "bob": source.Restrict(src, "bob"), "hostile": source.Restrict(src, Hostile)}
	for _, v := range Views {
		r := source.GuardView(src, Filter(t, v.Query), v.Login)
		// Even a super user's view: it shares events, not accounts.
		r.SetAll()
		sessions["view "+v.Name] = r
	}
	demoted := source.Guard(src)
	demoted.SetAll()
	demoted.SetOnly("alice")
	sessions["demoted"] = demoted
	removed := source.Guard(src)
	removed.SetAll()
	removed.SetNone()
	sessions["removed"] = removed
	for name, r := range sessions {
		set, err := r.Privileges(ctx)
		if !errors.Is(err, source.ErrSuperUsersOnly) || !reflect.DeepEqual(set, source.PrivilegeSet{}) {
			t.Errorf("%s: Privileges = %+v, %v; want nothing, ErrSuperUsersOnly", name, set, err)
		}
		rep, err := summary.Run(ctx, r, summary.Options{Now: Now, Window: summary.All})
		if err != nil {
			t.Fatal(err)
		}
		if d := rep.Drift; len(d.Entries) != 0 || d.Checked != 0 || d.GrantEvents != 0 || d.Problem != source.ErrSuperUsersOnly.Error() {
			t.Errorf("%s: the summary's privileges without a trail: %+v", name, d)
		}
	}
	super := source.Guard(src)
	super.SetAll()
	set, err := super.Privileges(ctx)
	if !reflect.DeepEqual(set, want) || fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Errorf("super user: Privileges = %+v, %v; want the source's %+v, %v", set, err, want, wantErr)
	}
}
