package summary

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/internal/numfmt"
	"matomo-audit/internal/termsafe"
)

// Drift is the section "privileges without a trail": rights Matomo
// gives today (super-user access, admin or write on a site, a
// capability; view is no privilege here) that no event of the log
// grants. It is about the install as it is now, so it ignores the
// report's query and window.
type Drift struct {
	// Entries lists first the privileges of accounts registered after
	// the log's first event: with no grant in the log, the database was
	// changed directly or the log lost the event. Then, BeforeLog, those
	// of accounts registered before it (or undated), which may have been
	// granted before the log began.
	Entries []DriftEntry `json:"entries"`
	// Problem says why there are no entries to trust: the tables could
	// not be read (with the grant to add), the session is no super
	// user's, or the run stopped. "" when the section was computed.
	Problem string `json:"problem,omitempty"`
	// LogBegan is the time of the log's first event (null when empty).
	LogBegan *time.Time `json:"log_began"`
	// Checked counts the privileges compared (Truncated: there were more
	// than a source reads, and the rest were not).
	Checked   int  `json:"privileges_checked"`
	Truncated bool `json:"privileges_truncated,omitempty"`
	// GrantsFrom is when the grant events were read from (null when
	// none were read: nobody registered since the log began holds a
	// privilege), GrantEvents how many there were.
	GrantsFrom  *time.Time `json:"grants_read_from"`
	GrantEvents uint64     `json:"grant_events"`
}

// DriftEntry is one privilege held without a grant in the log.
type DriftEntry struct {
	Login string `json:"login"`
	// Privilege is activity.AccessSuperUser ("superuser"), a role
	// (admin, write) or a capability id (tagmanager_write).
	Privilege string `json:"privilege"`
	// SiteID and SiteName are the site it is on; 0 and "" for super-user
	// access, which is on every site.
	SiteID   int64  `json:"site_id"`
	SiteName string `json:"site_name"`
	// Registered is the account's date_registered (null when unknown).
	Registered *time.Time `json:"registered"`
	BeforeLog  bool       `json:"before_log"`
	// Query shows the account's own events.
	Query string `json:"query"`
}

// What is the privilege for people: "super user", `admin on site "Shop"
// (1)`, `capability tagmanager_write on site "Shop" (1)`. The site's
// name is the database's: a caller printing it makes it safe.
func (e DriftEntry) What() string {
	if e.Privilege == activity.AccessSuperUser {
		return "super user"
	}
	on := " on site " + strconv.FormatInt(e.SiteID, 10)
	if e.SiteName != "" {
		on = " on site \"" + e.SiteName + "\" (" + strconv.FormatInt(e.SiteID, 10) + ")"
	}
	switch e.Privilege {
	case "admin", "write":
		return e.Privilege + on
	}
	return "capability " + e.Privilege + on
}

// Unexplained counts the entries not BeforeLog.
func (d *Drift) Unexplained() int {
	n := 0
	for _, e := range d.Entries {
		if !e.BeforeLog {
			n++
		}
	}
	return n
}

// BeforeLogNote heads the entries BeforeLog: what they are, and how far
// back the log was read for them.
func (d *Drift) BeforeLogNote(ts func(time.Time) string) string {
	if d.GrantsFrom == nil {
		return "granted before the log began, maybe (older or undated accounts; the log was not read for them)"
	}
	return "granted before the log began, maybe (older or undated accounts; no grant read since " + ts(*d.GrantsFrom) + ")"
}

// startDrift computes the section alongside the rest of the report, on
// its own goroutine: it reads other tables and other rows than the
// window's, and nothing of the rest of the report depends on it. The
// report's own read may carry the grant events of its id range for it
// (driftRun.decide, driftRun.carry), so that a window as wide as the log
// does not read the table twice. The function it returns waits for it
// (calling waiting first when the rest of the report is done before it)
// and puts it in the report; a report that failed does not wait for a
// scan it will not show.
func startDrift(ctx context.Context, src source.Source, waiting func()) (*driftRun, func(*Report, *error)) {
	ctx, cancel := context.WithCancel(ctx)
	dr := &driftRun{shared: make(chan carriedIDs, 1), done: make(chan *driftState, 1)}
	go func() { dr.done <- readDrift(ctx, src, dr.shared) }()
	return dr, func(r *Report, err *error) {
		dr.decide(carriedIDs{})
		if *err != nil {
			cancel()
		}
		var st *driftState
		select {
		case st = <-dr.done:
		default:
			if *err == nil {
				waiting()
			}
			st = <-dr.done
		}
		cancel()
		if dr.carried.ok && !st.final && st.fromID > 0 {
			if *err != nil || !r.Complete {
				st.fail(ctx, cmp.Or(*err, context.Canceled))
			} else {
				for _, g := range dr.grants {
					if g.id >= st.fromID {
						st.count(g)
					}
					st.note(g)
				}
				st.save()
			}
		}
		r.Drift = st.result()
	}
}

// driftRun is the section being read beside the report.
type driftRun struct {
	shared  chan carriedIDs // what the report's read carries; sent once
	decided bool
	carried carriedIDs
	grants  []grantEvent // those the report's read carried, when it does
	isGrant map[string]bool
	done    chan *driftState
}

// carriedIDs is an id range [lo, hi]; ok false for none.
type carriedIDs struct {
	lo, hi uint64
	ok     bool
}

// decide tells the section what the report's read carries for it (the
// first call counts): every grant event in r, or nothing.
func (dr *driftRun) decide(r carriedIDs) {
	if dr.decided {
		return
	}
	dr.decided, dr.carried = true, r
	dr.shared <- r
}

// maxTypesKnown bounds carry's memory of types on a table of forged
// ones.
const maxTypesKnown = 4096

// grantEvent is what the section needs of a grant event.
type grantEvent struct {
	id     uint64
	at     time.Time
	grants []activity.Grant
}

func grantOf(e *activity.Event) grantEvent {
	return grantEvent{id: e.ID, at: e.Time, grants: activity.Grants(e)}
}

// take counts a grant event read now, and keeps it for the index.
func (st *driftState) take(e *activity.Event) {
	g := grantOf(e)
	st.count(g)
	st.note(g)
}

// grantFilter takes the grant events, as the section's own read does.
var grantFilter = query.Compile(&query.Query{Terms: []query.Term{grantTypes()}}, time.Time{}, time.UTC)

// carry keeps e for the section when the report's read carries grants.
// The filter is asked once per type, as a type is all it looks at.
func (dr *driftRun) carry(e *activity.Event) {
	if !dr.carried.ok {
		return
	}
	is, ok := dr.isGrant[e.Type]
	if !ok {
		is = grantFilter.Match(e)
		if dr.isGrant == nil {
			dr.isGrant = map[string]bool{}
		}
		if len(dr.isGrant) < maxTypesKnown {
			dr.isGrant[e.Type] = is
		}
	}
	if is {
		dr.grants = append(dr.grants, grantOf(e))
	}
}

// held is one privilege held now, and whether the log grants it.
type held struct {
	login, access string // login folded, access lower case
	site          int64
	registered    time.Time
	entry         DriftEntry
	granted       bool
}

// driftState is the section while it is read.
type driftState struct {
	d     Drift
	hs    []*held
	byKey map[string][]*held
	// fromID is the first id whose grant events count (0: none do);
	// final, that d is the section as it is to be shown.
	fromID uint64
	final  bool
	hides  func() bool
	// index, when the source keeps one, gets span once read: ids up to
	// settled, which are no longer committed out of order.
	index   source.GrantIndex
	span    source.GrantSpan
	settled uint64
}

// count takes a grant event into account.
func (st *driftState) count(g grantEvent) {
	st.d.GrantEvents++
	for _, gr := range g.grants {
		for _, h := range st.byKey[query.FoldLogin(gr.Login)] {
			if h.site == gr.Site && h.access == gr.Access && grantCounts(h, g.at) {
				h.granted = true
			}
		}
	}
}

func (st *driftState) fail(ctx context.Context, err error) {
	st.d = Drift{Entries: []DriftEntry{}, Problem: driftProblem(ctx, err), LogBegan: st.d.LogBegan, Checked: st.d.Checked}
	st.final = true
}

// result is the section once every grant is counted.
func (st *driftState) result() Drift {
	if st.final {
		return st.d
	}
	if st.hides() {
		// The session lost its super-user rights while the section was
		// read: its grant events may have been narrowed to its own.
		return Drift{Entries: []DriftEntry{}, Problem: driftProblem(context.Background(), source.ErrSuperUsersOnly)}
	}
	d := st.d
	for _, h := range st.hs {
		if !h.granted {
			d.Entries = append(d.Entries, h.entry)
		}
	}
	return d
}

// readDrift compares the privileges held now with the grant events,
// but for those in the range the report's read carries (shared), which
// the caller counts once that read is done.
//
// Cost: the grants are found by one Stream filtered by type: on the
// types of activity.GrantTypes, which the MySQL source pushes down, so
// the server reads the id range by primary key and sends only grant
// events, which are few; a table of millions of rows is still read in
// full by the server over that range, at about the speed of its own
// COUNT(*) (no index on type). The range starts at the earliest
// registration among the accounts whose missing grant would mean
// tampering, those registered after the log began (less 10 minutes for
// ids committed out of order, found by FindTime in a few primary-key
// lookups): no grant to an account can come before the account. It is
// the whole table only when such an account is as old as the log; with
// none, nothing is read. Older accounts are checked against the same
// range: a grant to them found there takes them off the list, and the
// rest are listed apart, as granted before the log began or before the
// part read.
func readDrift(ctx context.Context, src source.Source, shared <-chan carriedIDs) *driftState {
	st := &driftState{d: Drift{Entries: []DriftEntry{}}, hides: func() bool { return source.Hides(src) }}
	fail := func(err error) *driftState {
		st.d.Problem, st.d.GrantEvents, st.final = driftProblem(ctx, err), 0, true
		return st
	}
	ps, ok := src.(source.Privileges)
	if !ok {
		return fail(source.ErrNoPrivileges)
	}
	set, err := ps.Privileges(ctx)
	if err != nil {
		return fail(err)
	}
	st.d.Truncated = set.Truncated

	oldest, err := source.Oldest(ctx, src, nil, 1)
	if err != nil {
		return fail(err)
	}
	var began time.Time
	var firstID uint64
	if len(oldest.Events) > 0 {
		began, firstID = oldest.Events[0].Time, oldest.Events[0].ID
		if !began.IsZero() {
			st.d.LogBegan = ptr(began)
		}
	}

	st.hs = heldPrivileges(set, began, firstID > 0)
	st.d.Checked = len(st.hs)
	st.byKey = map[string][]*held{}
	var from time.Time // the earliest registration after the log began
	for _, h := range st.hs {
		st.byKey[h.login] = append(st.byKey[h.login], h)
		if !h.entry.BeforeLog && (from.IsZero() || h.registered.Before(from)) {
			from = h.registered
		}
	}
	if from.IsZero() {
		return st
	}
	id, err := src.FindTime(ctx, from.Add(-disorder))
	if err != nil {
		return fail(err)
	}
	if id == 0 {
		return st
	}
	st.d.GrantsFrom, st.fromID = ptr(from.Add(-disorder)), id
	var carried carriedIDs
	select {
	case carried = <-shared:
	case <-ctx.Done():
		return fail(ctx.Err())
	}
	ix, _ := src.(source.GrantIndex)
	if ix != nil {
		// Up to where the ids read are settled: a few rows of the last
		// minutes may still be committed below the newest id.
		_, hi, err := src.Bounds(ctx)
		if err != nil {
			return fail(err)
		}
		st.settled = hi
		if t, err := src.FindTime(ctx, time.Now().Add(-disorder)); err != nil {
			return fail(err)
		} else if t > 0 {
			st.settled = min(hi, t-1)
		}
		st.index = ix
	}
	// What is left to read: from id on, but for what the report's read
	// carries, or else what the index knows. to 0 is the end of the table.
	type span struct{ from, to uint64 }
	spans := []span{{id, 0}}
	var known []source.IndexedGrant // what the index holds from id on
	switch {
	case carried.ok && carried.hi >= id:
		spans = spans[:0]
		if id < carried.lo {
			spans = append(spans, span{id, carried.lo - 1})
		}
		spans = append(spans, span{max(id, carried.hi+1), 0})
		st.span = source.GrantSpan{From: min(id, carried.lo)}
	case ix != nil:
		st.span = source.GrantSpan{From: id}
		if old, ok := ix.LoadGrants(); ok && old.Upto >= id {
			spans = spans[:0]
			if id < old.From {
				spans = append(spans, span{id, old.From - 1})
			}
			spans = append(spans, span{old.Upto + 1, 0})
			st.span.From = min(id, old.From)
			for _, g := range old.Grants {
				if g.ID >= id {
					known = append(known, g)
				} else {
					// Not needed this time, not read again: kept.
					st.span.Grants = append(st.span.Grants, g)
				}
			}
		}
	}
	if err := st.reread(ctx, src, known, id); err != nil {
		return fail(err)
	}
	for _, sp := range spans {
		err = src.Stream(ctx, grantFilter, sp.from, sp.to, func(e *activity.Event) error {
			st.take(e)
			return nil
		})
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			return fail(err)
		}
	}
	if !carried.ok {
		st.save()
	}
	return st
}

// note keeps g for the index, when there is one and g is settled.
func (st *driftState) note(g grantEvent) {
	if st.index != nil && g.id <= st.settled {
		ig := source.IndexedGrant{ID: g.id}
		for _, gr := range g.grants {
			ig.Keys = append(ig.Keys, grantKey(query.FoldLogin(gr.Login), gr.Site, gr.Access))
		}
		st.span.Grants = append(st.span.Grants, ig)
	}
}

// grantKey is the index's hash of a right given: login folded, site,
// and the right without case or spaces around it, as a privilege held is
// compared with it (coarser only: a row it picks is judged again).
func grantKey(fold string, site int64, access string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(fold))
	h.Write([]byte{0})
	h.Write(strconv.AppendInt(nil, site, 10))
	h.Write([]byte{0})
	h.Write([]byte(strings.ToLower(strings.TrimSpace(access))))
	return h.Sum64()
}

// reread takes in the grant events the index holds from id on: each
// counts, as it did when read, but those that may explain a privilege
// held are read again by id and judged as they are now; one deleted
// since, or no longer a grant, does not count.
func (st *driftState) reread(ctx context.Context, src source.Source, known []source.IndexedGrant, id uint64) error {
	held := map[uint64]bool{}
	for _, h := range st.hs {
		held[grantKey(h.login, h.site, h.access)] = true
	}
	var again []uint64
	for _, g := range known {
		if slices.ContainsFunc(g.Keys, func(k uint64) bool { return held[k] }) {
			again = append(again, g.ID)
			continue
		}
		st.d.GrantEvents++
		st.span.Grants = append(st.span.Grants, g)
	}
	// In parts, so that memory stays flat on a log of many grants.
	const part = 1000
	for len(again) > 0 {
		ids := again[:min(part, len(again))]
		again = again[len(ids):]
		evs, err := src.ByIDs(ctx, ids)
		if err != nil {
			return err
		}
		for i := range evs {
			if e := &evs[i]; e.ID >= id && grantFilter.Match(e) {
				st.take(e)
			}
		}
	}
	return nil
}

// save writes the index, when there is one: what it is for is speed, so
// a folder that cannot be written only costs the next run its time.
func (st *driftState) save() {
	if st.index == nil || st.span.From == 0 || st.settled < st.span.From {
		return
	}
	st.span.Upto = st.settled
	slices.SortFunc(st.span.Grants, func(a, b source.IndexedGrant) int { return cmp.Compare(a.ID, b.ID) })
	st.span.Grants = slices.CompactFunc(st.span.Grants, func(a, b source.IndexedGrant) bool { return a.ID == b.ID })
	_ = st.index.SaveGrants(st.span)
}

// grantCounts: an event at t granting h's privilege explains it unless
// it came before the account did (a login removed and created again: the
// grant was the old account's). Undated accounts and events take any.
func grantCounts(h *held, t time.Time) bool {
	return h.registered.IsZero() || t.IsZero() || !t.Before(h.registered.Add(-disorder))
}

// grantTypes is the type: term of the grant events, written as literals
// so the SQL push-down compares them exactly.
func grantTypes() query.Term {
	t := query.Term{Key: query.KeyType}
	for _, typ := range activity.GrantTypes {
		t.Values = append(t.Values, query.EscapeLiteral(typ))
	}
	return t
}

// heldPrivileges lists the privileges of set once each, in the order
// the section lists them: the unexplained kind first, super users before
// site rights, then by login, role (admin, write, capabilities) and site. An account registered
// after the log's first event is the unexplained kind; logged says
// whether the log has any event at all.
func heldPrivileges(set source.PrivilegeSet, began time.Time, logged bool) []*held {
	seen := map[[3]string]bool{}
	var out []*held
	add := func(login string, site int64, siteName, access string, reg time.Time) {
		h := &held{login: query.FoldLogin(login), access: strings.ToLower(strings.TrimSpace(access)), site: site, registered: reg}
		k := [3]string{h.login, strconv.FormatInt(site, 10), h.access}
		if h.access == "" || h.access == "view" || seen[k] {
			return
		}
		seen[k] = true
		h.entry = DriftEntry{Login: login, Privilege: h.access, SiteID: site, SiteName: siteName,
			BeforeLog: !logged || reg.IsZero() || !began.IsZero() && !reg.After(began), Query: userTerm(login).String()}
		if !reg.IsZero() {
			h.entry.Registered = ptr(reg.UTC())
		}
		out = append(out, h)
	}
	for _, u := range set.SuperUsers {
		add(u.Login, 0, "", activity.AccessSuperUser, u.Registered)
	}
	for _, a := range set.Access {
		add(a.Login, a.Site, a.SiteName, a.Access, a.Registered)
	}
	rank := func(access string) int {
		switch access {
		case "admin":
			return 1
		case "write":
			return 2
		}
		return 3
	}
	slices.SortStableFunc(out, func(a, b *held) int {
		return cmp.Or(cmp.Compare(btoi(a.entry.BeforeLog), btoi(b.entry.BeforeLog)),
			cmp.Compare(btoi(a.access != activity.AccessSuperUser), btoi(b.access != activity.AccessSuperUser)),
			cmp.Compare(a.login, b.login), cmp.Compare(a.entry.Login, b.entry.Login),
			cmp.Compare(rank(a.access), rank(b.access)), cmp.Compare(a.site, b.site), cmp.Compare(a.access, b.access))
	})
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func ptr[T any](v T) *T { return &v }

// driftProblem says in a line why the section is empty.
func driftProblem(ctx context.Context, err error) string {
	if ctx.Err() != nil {
		return "stopped before it was done"
	}
	if errors.Is(err, source.ErrSuperUsersOnly) || errors.Is(err, source.ErrNoPrivileges) {
		return err.Error()
	}
	if se, ok := errors.AsType[*source.SetupError](err); ok {
		return "skipped: " + se.Msg
	}
	return "skipped: the privileges could not be read: " + err.Error()
}

// writeDrift is the section for people, under its heading: what was
// expected and not found, account by account.
func writeDrift(w io.Writer, d *Drift, ts func(time.Time) string) {
	if d.Problem != "" {
		fmt.Fprintf(w, "\nPrivileges without a trail: %s\n", termsafe.Clean(d.Problem))
		return
	}
	n := d.Unexplained()
	began := "the log is empty"
	if d.LogBegan != nil {
		began = "the log began " + ts(*d.LogBegan)
	}
	if len(d.Entries) == 0 {
		fmt.Fprintf(w, "\nPrivileges without a trail (none: %s checked, %s)\n", numfmt.Many(uint64(d.Checked), "privilege"), began)
	} else {
		fmt.Fprintf(w, "\nPrivileges without a trail (%s unexplained, %s maybe granted before the log began; %s checked, %s)\n",
			numfmt.Thousands(uint64(n)), numfmt.Thousands(uint64(len(d.Entries)-n)), numfmt.Many(uint64(d.Checked), "privilege"), began)
	}
	if d.Truncated {
		fmt.Fprintf(w, "  only the first %s privileges of each kind were read\n", numfmt.Thousands(source.MaxPrivileges))
	}
	lw := 0
	for _, e := range d.Entries {
		lw = max(lw, ansi.StringWidth(termsafe.Clean(e.Login)))
	}
	lw = min(lw, 24)
	registered := func(e DriftEntry) string {
		if e.Registered == nil {
			return "no registration date"
		}
		return "registered " + ts(*e.Registered)
	}
	for i, e := range d.Entries {
		if e.BeforeLog && (i == 0 || !d.Entries[i-1].BeforeLog) {
			fmt.Fprintf(w, "  %s:\n", d.BeforeLogNote(ts))
		}
		line := fmt.Sprintf("  %s %s, %s", column(e.Login, lw), termsafe.Clean(e.What()), registered(e))
		if !e.BeforeLog {
			line += ", no grant in the log"
		}
		fmt.Fprintln(w, line)
	}
}
