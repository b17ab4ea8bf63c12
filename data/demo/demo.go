// Package demo is a built-in event source for trying the tool without a
// database: a month of realistic activity from every type the catalog
// knows, ~10 users and Matomo's pseudo-users, an incident (a burst of failed
// logins from one IP followed by a super-user grant), and new events
// arriving every few seconds. Rows are written exactly as Matomo writes them
// (PHP-serialized parameters, binary IPs, UTC literals) and read back through
// the same decoder, catalog and query evaluator as the MySQL source.
package demo

import (
	"cmp"
	"context"
	"math/rand/v2"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"matomo-audit/data/activity"
	php "matomo-audit/data/phpser"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
)

// Options shape the generated data; the zero value is the interactive demo.
type Options struct {
	Seed  uint64           // same seed and clock, same events
	Now   func() time.Time // clock; time.Now when nil
	Live  bool             // keep adding events as the clock advances
	Span  time.Duration    // history before the start; 30 days when 0
	Count int              // history events; 3000 when 0
}

// Source is the demo event source.
type Source struct {
	mu       sync.Mutex
	now      func() time.Time
	live     bool
	rng      *rand.Rand
	rows     []activity.Row
	events   []activity.Event
	nextLive time.Time
	// frankGone is when the departed colleague's account was removed; he
	// acts only before it, and is "not a current user" now.
	frankGone time.Time
	// userTable replaces Users for sources built by FromRows.
	userTable []User
	// accounts and access are the Matomo tables Privileges reads: the
	// user table with registration dates, and the access rows.
	accounts []User
	access   []Access
	// held is a live event whose id is taken but whose row is not visible
	// yet, as with a PHP process that commits after a later one.
	held *heldEvent
}

type heldEvent struct {
	row   activity.Row
	event activity.Event
}

var (
	_ source.Source        = (*Source)(nil)
	_ source.LightStreamer = (*Source)(nil)
)

// User is a row of the demo's user table.
type User struct {
	Login     string
	Email     string
	SuperUser bool
	Invited   bool // an invitation not yet accepted
	// Registered is date_registered (zero: NULL). Users leaves it zero;
	// the generated demo dates its accounts relative to its clock.
	Registered time.Time
}

// Users are the accounts that exist now. Everyone else seen in the log
// (frank, mallory, typed logins) is "not a current user".
var Users = []User{
	{Login: "alice", Email: "alice@example.org", SuperUser: true},
	{Login: "bob", Email: "bob@example.org"},
	{Login: "carol", Email: "carol@example.org"},
	{Login: "dave.ops", Email: "dave.ops@example.org"},
	{Login: "erin@example.org", Email: "erin.example.org@example.org"},
	{Login: "grace.h", Email: "grace.h@example.org"},
	{Login: "heidi", Email: "heidi@example.org"},
	// Joined a third into the month and made super user in the database:
	// no event of the log grants it (see privileges.go).
	{Login: "ivan.k", Email: "ivan.k@example.org", SuperUser: true},
	// Invited by alice, never accepted: in the table, but not an account.
	{Login: "judy", Email: "judy@example.org", Invited: true},
}

var staff = []string{"alice", "bob", "carol", "dave.ops", "erin@example.org", "grace.h", "heidi"}

// New builds the demo data.
func New(o Options) *Source {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Span == 0 {
		o.Span = 30 * 24 * time.Hour
	}
	if o.Count == 0 {
		o.Count = 3000
	}
	s := &Source{now: o.Now, live: o.Live, rng: rand.New(rand.NewPCG(o.Seed, 0x6d61746f6d6f))}
	s.history(o)
	return s
}

// FromRows is an in-memory source over given rows, with users as the
// user table (nil: every non-pseudo login is a current user). Tests use it
// as the reference the MySQL source must agree with.
func FromRows(rows []activity.Row, users []User) *Source {
	s := &Source{now: time.Now, userTable: users, accounts: users}
	for _, r := range rows {
		e := activity.FromRow(r)
		if users != nil {
			e.User = lookupUser(users, e.Login)
		} else if !e.User.Kind.Pseudo() {
			e.User = activity.UserInfo{Kind: activity.UserCurrent}
		}
		s.rows = append(s.rows, r)
		s.events = append(s.events, e)
	}
	sort.SliceStable(s.events, func(i, j int) bool { return s.events[i].ID < s.events[j].ID })
	sort.SliceStable(s.rows, func(i, j int) bool { return s.rows[i].ID < s.rows[j].ID })
	return s
}

// Insert adds rows after the fact, at their ids' places, as commits to a
// real table would; an id already present is left as it is.
func (s *Source) Insert(rows ...activity.Row) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range rows {
		i, found := slices.BinarySearchFunc(s.events, r.ID, func(e activity.Event, id uint64) int { return cmp.Compare(e.ID, id) })
		if found {
			continue
		}
		e := activity.FromRow(r)
		if s.userTable != nil {
			e.User = lookupUser(s.userTable, e.Login)
		} else if !e.User.Kind.Pseudo() {
			e.User = activity.UserInfo{Kind: activity.UserCurrent}
		}
		s.events = slices.Insert(s.events, i, e)
		j, _ := slices.BinarySearchFunc(s.rows, r.ID, func(x activity.Row, id uint64) int { return cmp.Compare(x.ID, id) })
		s.rows = slices.Insert(s.rows, j, r)
	}
}

// Label implements source.Source.
func (s *Source) Label() string { return "demo" }

// Close implements source.Source.
func (s *Source) Close() error { return nil }

// Rows returns the raw rows, as they would be stored in activity_log.
func (s *Source) Rows() []activity.Row {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	return slices.Clone(s.rows)
}

type planned struct {
	at    time.Time
	typ   string
	login string
	ip    string // "" = pick from the actor
	p     *php.Value
	hold  bool // commit after the next event (live only)
}

// IncidentIP is where the demo's failed-login burst comes from.
const IncidentIP = "203.0.113.66"

// weights make the mix look like production: mostly sign-ins and reports.
var weights = map[string]int{
	"ActivityLog/UserSignedIn":        40,
	"ActivityLog/UserSignedOff":       15,
	"ActivityLog/UserSignInFailed":    8,
	"ActivityLog/ScheduledReportSent": 14,
	"ActivityLog/ReportsInvalidated":  5,
	"ActivityLog/SegmentChanged":      3,
	"ActivityLog/GoalChanged":         3,
	"ActivityLog/AnnotationAdded":     3,
}

func (s *Source) weightedTypes() ([]string, []int) {
	var types []string
	var cum []int
	total := 0
	for _, sp := range activity.Specs() {
		w := weights[sp.Type]
		if w == 0 {
			w = 1
		}
		total += w
		types = append(types, sp.Type)
		cum = append(cum, total)
	}
	return types, cum
}

func (s *Source) randomType(types []string, cum []int) string {
	n := s.rng.IntN(cum[len(cum)-1])
	return types[sort.SearchInts(cum, n+1)]
}

func (s *Source) history(o Options) {
	end := o.Now().UTC().Truncate(time.Second)
	start := end.Add(-o.Span)
	s.frankGone = start.Add(o.Span * 3 / 5).Truncate(time.Hour).Add(9*time.Hour + 41*time.Minute)
	s.accounts, s.access = registered(start, o.Span), slices.Clone(demoAccess)
	plan := []planned{{at: s.frankGone, typ: "ActivityLog/UserRemoved", login: "alice", ip: homes["alice"].ip,
		p: ptr(php.Map(php.Pair("user_login", php.Str("frank"))))}}
	types, cum := s.weightedTypes()
	// Every type at least once, then a production-like mix.
	all := make([]string, 0, o.Count)
	for _, sp := range activity.Specs() {
		all = append(all, sp.Type)
	}
	for len(all) < o.Count {
		all = append(all, s.randomType(types, cum))
	}
	for _, typ := range all {
		plan = append(plan, planned{at: s.workingTime(start, end.Add(-time.Hour)), typ: typ})
	}
	plan = append(plan, s.incident(end)...)
	sort.SliceStable(plan, func(i, j int) bool { return plan[i].at.Before(plan[j].at) })
	for _, p := range plan {
		s.add(p)
	}
	s.nextLive = end.Add(time.Duration(2+s.rng.IntN(5)) * time.Second)
}

// workingTime picks a moment with office-hours weighting (UTC).
func (s *Source) workingTime(start, end time.Time) time.Time {
	days := int(end.Sub(start)/(24*time.Hour)) + 1
	for {
		day := start.Truncate(24*time.Hour).AddDate(0, 0, s.rng.IntN(days))
		hour := 7 + s.rng.IntN(12)
		if s.rng.IntN(5) == 0 {
			hour = s.rng.IntN(24)
		}
		t := day.Add(time.Duration(hour)*time.Hour + time.Duration(s.rng.IntN(3600))*time.Second)
		if !t.Before(start) && t.Before(end) {
			return t
		}
	}
}

// incident is the story the demo tells: eighteen hours ago, a burst of
// failed logins from one address, then a successful login as alice from
// it, a new super user, a token, a plugin, 2FA off; cleaned up six hours
// later. It lies inside the summary's default window (the last 24 hours).
func (s *Source) incident(end time.Time) []planned {
	t := end.Add(-18 * time.Hour).Truncate(time.Hour).Add(13*time.Minute + 5*time.Second)
	var out []planned
	typed := []string{"admin", "root", "alice", "test", "administrator", "alice", "matomo", "admin"}
	for i := 0; i < 30; i++ {
		out = append(out, planned{at: t, typ: "ActivityLog/UserSignInFailed", login: typed[i%len(typed)], ip: IncidentIP, p: ptr(php.List())})
		t = t.Add(time.Duration(8+s.rng.IntN(14)) * time.Second)
	}
	step := func(d time.Duration, typ, login, ip string, p php.Value) {
		t = t.Add(d)
		out = append(out, planned{at: t, typ: typ, login: login, ip: ip, p: ptr(p)})
	}
	m := time.Minute
	step(m, "ActivityLog/UserSignedIn", "alice", IncidentIP, php.List())
	step(2*m, "ActivityLog/UserCreated", "alice", IncidentIP, php.Map(items(userItem("mallory"))))
	step(m, "ActivityLog/UserSetSuperUserAccess", "alice", IncidentIP, php.Map(php.Pair("has_access", php.Str("1")), items(userItem("mallory"))))
	step(2*m, "ActivityLog/UserSignedIn", "mallory", IncidentIP, php.List())
	step(m, "ActivityLog/UserCreatedAppSpecificTokenAuth", "mallory", IncidentIP, php.Map(php.Pair("description", php.Str("backup")), items(userItem("mallory"))))
	step(2*m, "ActivityLog/PluginInstalled", "mallory", IncidentIP, php.Map(items(pluginItem("ServerMonitor", php.Pair("installed", php.Bool(true))))))
	step(m, "ActivityLog/PluginActivated", "mallory", IncidentIP, php.Map(items(pluginItem("ServerMonitor", php.Pair("active", php.Bool(true))))))
	step(2*m, "ActivityLog/TwoFactorDisabled", "mallory", IncidentIP, php.Map(php.Pair("login", php.Str("alice"))))
	step(m, "ActivityLog/PrivacySetAnonymizeIp", "mallory", IncidentIP, php.Map(php.Pair("enabled", php.Bool(false))))
	step(m, "ActivityLog/UserSignedOff", "mallory", IncidentIP, php.List())
	office := "198.51.100.23"
	step(6*time.Hour, "ActivityLog/UserSignedIn", "alice", office, php.List())
	step(4*m, "ActivityLog/UserSetSuperUserAccess", "alice", office, php.Map(php.Pair("has_access", php.Bool(false)), items(userItem("mallory"))))
	step(m, "ActivityLog/UserRemoved", "alice", office, php.Map(php.Pair("user_login", php.Str("mallory"))))
	step(2*m, "ActivityLog/PluginUninstalled", "alice", office, php.Map(items(pluginItem("ServerMonitor", php.Pair("installed", php.Bool(false))))))
	step(3*m, "ActivityLog/TwoFactorEnabled", "alice", office, php.Map(php.Pair("login", php.Str("alice"))))
	return out
}

func ptr[T any](v T) *T { return &v }

type place struct {
	ip      string
	country string
}

var homes = map[string]place{
	"alice":            {"198.51.100.23", "de"},
	"bob":              {"198.51.100.40", "de"},
	"carol":            {"2001:db8:85a3::8a2e:370:7334", "FR"},
	"dave.ops":         {"10.8.0.14", ""},
	"erin@example.org": {"192.0.2.77", "us"},
	"grace.h":          {"2001:db8:1::17", "nl"},
	"heidi":            {"198.51.100.91", "at"},
	"frank":            {"192.0.2.200", "us"},
	"ivan.k":           {"198.51.100.120", "pl"},
}

// staffWeights skews activity the way real teams do: a few people do
// most of the work.
var staffWeights = []int{25, 20, 15, 15, 10, 8, 7}

func (s *Source) actor(at time.Time) string {
	if at.Before(s.frankGone) && s.rng.IntN(10) == 0 {
		return "frank"
	}
	n := s.rng.IntN(100)
	for i, w := range staffWeights {
		if n < w {
			return staff[i]
		}
		n -= w
	}
	return staff[0]
}

// add writes one planned event as a row and decodes it back.
func (s *Source) add(p planned) {
	login := p.login
	var params php.Value
	if p.p != nil {
		params = *p.p
	} else {
		actor := s.actor(p.at)
		ev := generators[p.typ](s.rng, actor)
		params = ev.params
		login = actor
		if ev.login != "" {
			login = ev.login
		}
	}
	r := activity.Row{
		ID:      s.nextID(),
		Login:   login,
		Type:    p.typ,
		Params:  string(php.Encode(params)),
		Created: p.at.UTC().Format(time.DateTime),
	}
	ip, country := p.ip, ""
	if ip == IncidentIP {
		country = "ru"
	}
	if ip == "" {
		h, ok := homes[login]
		switch {
		case ok && s.rng.IntN(10) > 0:
			ip, country = h.ip, h.country
		case login == "Matomo System" || login == "Console Command":
			// scheduled tasks and the CLI have no client address
		default:
			ip, country = "192.0.2."+strconv.Itoa(1+s.rng.IntN(250)), pick(s.rng, []string{"us", "gb", "de"})
		}
	} else if h, ok := homes[login]; ok && h.ip == ip {
		country = h.country
	}
	if ip != "" {
		a := netip.MustParseAddr(ip)
		r.IP = a.AsSlice()
	}
	if country != "" {
		r.Country, r.HasCountry = country, true
	}
	e := activity.FromRow(r)
	e.User = userInfo(login)
	if p.hold {
		s.held = &heldEvent{r, e}
		return
	}
	s.rows = append(s.rows, r)
	s.events = append(s.events, e)
	if h := s.held; h != nil {
		// It commits now, just below the row that overtook it.
		s.held = nil
		s.rows = slices.Insert(s.rows, len(s.rows)-1, h.row)
		s.events = slices.Insert(s.events, len(s.events)-1, h.event)
	}
}

func (s *Source) nextID() uint64 {
	n := uint64(len(s.rows)) + 1
	if s.held != nil {
		n++
	}
	return n
}

func userInfo(login string) activity.UserInfo { return lookupUser(Users, login) }

func lookupUser(users []User, login string) activity.UserInfo {
	info := activity.PseudoUser(login)
	if info.Kind.Pseudo() {
		return info
	}
	// As in Matomo's table, logins compare case-insensitively: "Alice"
	// typed at a failed sign-in is alice's account.
	key := query.FoldLogin(login)
	for _, u := range users {
		if query.FoldLogin(u.Login) != key {
			continue
		}
		info := activity.UserInfo{Kind: activity.UserCurrent, Email: u.Email, SuperUser: u.SuperUser}
		if u.Invited {
			info.Kind = activity.UserInvited
		}
		if u.Login != login {
			info.Account = u.Login
		}
		return info
	}
	return activity.UserInfo{Kind: activity.UserGone}
}

// advance appends the live events that are due by now.
func (s *Source) advance() {
	if !s.live {
		return
	}
	now := s.now().UTC()
	types, cum := s.weightedTypes()
	for !s.nextLive.After(now) {
		// Now and then an insert commits only after the next one: follow
		// mode must still show it, once.
		s.add(planned{at: s.nextLive, typ: s.randomType(types, cum), hold: s.held == nil && s.rng.IntN(5) == 0})
		s.nextLive = s.nextLive.Add(time.Duration(2+s.rng.IntN(7)) * time.Second)
	}
}

// Bounds implements source.Source.
func (s *Source) Bounds(ctx context.Context) (lo, hi uint64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	if len(s.events) == 0 {
		return 0, 0, nil
	}
	return s.events[0].ID, s.events[len(s.events)-1].ID, nil
}

// Page implements source.Source with the same semantics as the MySQL
// source: keyset by id, filter applied per event, MaxScan in ids examined.
func (s *Source) Page(ctx context.Context, r source.Request) (source.Page, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	limit := r.Limit
	if limit <= 0 {
		limit = source.DefaultLimit
	}
	n := len(s.events)
	began := time.Now()
	overBudget := func() bool { return r.Budget > 0 && time.Since(began) >= r.Budget }
	// Walk from the anchor in the page's direction; the walk ends at the
	// table's edge or when the page is full or out of scan allowance.
	step, i := 1, sort.Search(n, func(i int) bool { return s.events[i].ID > r.Anchor })
	if r.Dir == source.Older {
		step, i = -1, n-1
		if r.Anchor != 0 {
			i = sort.Search(n, func(i int) bool { return s.events[i].ID >= r.Anchor }) - 1
		}
	}
	var out []activity.Event
	var scanned uint64
	next := r.Anchor
	for ; i >= 0 && i < n; i += step {
		if err := ctx.Err(); err != nil {
			return source.Page{}, err
		}
		e := &s.events[i]
		next = e.ID
		scanned++
		if r.Filter.Match(e) {
			out = append(out, *e)
		}
		if len(out) == limit || r.MaxScan > 0 && scanned >= r.MaxScan || overBudget() {
			break
		}
	}
	if step < 0 {
		slices.Reverse(out)
	}
	end := i+step < 0 || i+step >= n
	return source.Page{Events: out, Next: next, End: end}, nil
}

// Stream implements source.Source.
func (s *Source) Stream(ctx context.Context, f *query.Filter, from, to uint64, fn func(*activity.Event) error) error {
	s.mu.Lock()
	s.advance()
	events := s.events // appends never change existing elements
	s.mu.Unlock()
	for i := range events {
		e := &events[i]
		if e.ID < from || to != 0 && e.ID > to {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !f.Match(e) {
			continue
		}
		if err := fn(e); err != nil {
			if err == source.ErrStop {
				return nil
			}
			return err
		}
	}
	return nil
}

// StreamLight implements source.LightStreamer: the events Stream would
// give, lightened but for those of the types asked for in full and those
// whose severity comes from their parameters.
func (s *Source) StreamLight(ctx context.Context, f *query.Filter, full []string, from, to uint64, fn func(*activity.Event) error) error {
	if !f.DecidesLight() {
		return s.Stream(ctx, f, from, to, fn)
	}
	whole := map[string]bool{}
	for _, t := range full {
		whole[t] = true
	}
	return s.Stream(ctx, f, from, to, func(e *activity.Event) error {
		if whole[e.Type] || activity.SeverityFromParams(e.Type) {
			return fn(e)
		}
		l := e.Lightened()
		return fn(&l)
	})
}

// Sample returns a realistic row of the given type, as the demo would
// write it; false when the type has no generator. The catalog's tests use
// it to run every description on real-shaped parameters.
func Sample(typ string, seed uint64) (activity.Row, bool) {
	g, ok := generators[typ]
	if !ok {
		return activity.Row{}, false
	}
	r := rand.New(rand.NewPCG(seed, 1))
	actor := staff[r.IntN(len(staff))]
	ev := g(r, actor)
	if ev.login != "" {
		actor = ev.login
	}
	return activity.Row{ID: seed + 1, Login: actor, Type: typ, Params: string(php.Encode(ev.params)), Created: "2026-11-20 10:00:00"}, true
}

// Stats implements source.Source.
func (s *Source) Stats(ctx context.Context, f *query.Filter, from, to uint64) (source.Stats, error) {
	s.mu.Lock()
	s.advance()
	events := s.events
	s.mu.Unlock()
	var st source.Stats
	i := sort.Search(len(events), func(i int) bool { return events[i].ID >= from })
	for ; i < len(events) && events[i].ID <= to; i++ {
		if f.Match(&events[i]) {
			st.Add(&events[i])
		}
	}
	return st, ctx.Err()
}

// FindTime implements source.Source with the same bisection as MySQL.
func (s *Source) FindTime(ctx context.Context, t time.Time) (uint64, error) {
	s.mu.Lock()
	s.advance()
	events := s.events
	s.mu.Unlock()
	if len(events) == 0 {
		return 0, nil
	}
	at := func(from uint64) int {
		return sort.Search(len(events), func(i int) bool { return events[i].ID >= from })
	}
	probe := func(from uint64) (uint64, time.Time, bool, error) {
		i := at(from)
		if i == len(events) {
			return 0, time.Time{}, false, nil
		}
		return events[i].ID, events[i].Time, true, nil
	}
	window := func(from, to uint64) ([]source.IDTime, error) {
		var out []source.IDTime
		for i := at(from); i < len(events) && events[i].ID <= to; i++ {
			out = append(out, source.IDTime{ID: events[i].ID, Time: events[i].Time})
		}
		return out, nil
	}
	return source.FindTime(events[0].ID, events[len(events)-1].ID, t, probe, window)
}

// Users implements source.Source.
func (s *Source) Users(ctx context.Context) ([]source.User, error) {
	users := s.userTable
	if users == nil {
		users = Users
	}
	out := make([]source.User, len(users))
	for i, u := range users {
		out[i] = source.User{Login: u.Login, Email: u.Email, SuperUser: u.SuperUser, Invited: u.Invited}
	}
	return out, nil
}

// Account implements source.Source, comparing logins as the demo's
// marks do (query.FoldLogin), which is what a _ci column does for the
// logins the demo has.
func (s *Source) Account(ctx context.Context, login string) (source.User, bool, error) {
	users, err := s.Users(ctx)
	if err != nil {
		return source.User{}, false, err
	}
	key := query.FoldLogin(login)
	for _, u := range users {
		if query.FoldLogin(u.Login) == key {
			return u, true, nil
		}
	}
	return source.User{}, false, ctx.Err()
}

// UserTableProblem implements source.Source: the demo's user table is
// always there.
func (s *Source) UserTableProblem() string { return "" }

// After implements source.Source.
func (s *Source) After(ctx context.Context, after uint64, limit int) ([]activity.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	i := sort.Search(len(s.events), func(i int) bool { return s.events[i].ID > after })
	end := min(len(s.events), i+max(limit, 1))
	return slices.Clone(s.events[i:end]), ctx.Err()
}

// IDs implements source.Source.
func (s *Source) IDs(ctx context.Context, lo, hi uint64) ([]uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	var out []uint64
	for i := sort.Search(len(s.events), func(i int) bool { return s.events[i].ID >= lo }); i < len(s.events) && s.events[i].ID <= hi; i++ {
		out = append(out, s.events[i].ID)
	}
	return out, ctx.Err()
}

// ByIDs implements source.Source.
func (s *Source) ByIDs(ctx context.Context, ids []uint64) ([]activity.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	ids = slices.Clone(ids)
	slices.Sort(ids)
	var out []activity.Event
	for _, id := range slices.Compact(ids) {
		i := sort.Search(len(s.events), func(i int) bool { return s.events[i].ID >= id })
		if i < len(s.events) && s.events[i].ID == id {
			out = append(out, s.events[i])
		}
	}
	return out, ctx.Err()
}
