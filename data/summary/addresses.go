package summary

import (
	"net/netip"
	"slices"
	"sort"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
)

// Address is one address's activity in the window, for the top list.
// Address is the address unmapped (::ffff:1.2.3.4 is 1.2.3.4), as ip:
// matches it.
type Address struct {
	Address  string `json:"address"`
	Events   uint64 `json:"events"`
	Failures uint64 `json:"failed_logins"`
	// Logins counts the distinct logins signed in or tried from the
	// address (folded as user: folds them), up to maxLoginsPerAddress.
	Logins    int       `json:"logins_tried"`
	Countries []string  `json:"countries"`
	First     time.Time `json:"first"`
	Last      time.Time `json:"last"`
	Query     string    `json:"query"`
}

// SignInAfterFailures is an address from which sign-ins failed and then
// one succeeded, within the window: Failures failed first (since the
// window's start or the address's previous success), then Login signed in
// (event ID at At). Again counts the later times this happened again
// from the address in the window.
type SignInAfterFailures struct {
	Address  string    `json:"address"`
	Failures int       `json:"failures"`
	Login    string    `json:"login"`
	At       time.Time `json:"at"`
	ID       uint64    `json:"id"`
	Again    int       `json:"again"`
	Query    string    `json:"query"`
}

const (
	signedInType = "ActivityLog/UserSignedIn"
	// maxAddresses bounds the addresses a report tracks, so a window
	// with a botnet's worth of them keeps memory bounded; past it, new
	// addresses are not counted (Report.AddressesCut says so).
	maxAddresses        = 250_000
	maxLoginsPerAddress = 1_000
	maxCountries        = 8
)

// addrStats is what the tally keeps per address.
type addrStats struct {
	events, failures uint64
	// logins are the folded logins tried, a few in a slice: most
	// addresses see one or two, and a map each would cost the memory of
	// a botnet's worth of addresses many times over.
	logins      []string
	manyLogins  map[string]struct{}
	countries   []string
	first, last time.Time
	pending     int // failures since the last success
	breakIn     *SignInAfterFailures
}

// addAddress counts e for its address (none: nothing to count).
func (t *tally) addAddress(e *activity.Event) {
	if !e.IP.IsValid() {
		return
	}
	a := e.IP.Unmap()
	s := t.addrs[a]
	if s == nil {
		if len(t.addrs) >= maxAddresses {
			t.r.AddressesCut = true
			return
		}
		s = &addrStats{first: e.Time, last: e.Time}
		t.addrs[a] = s
	}
	s.events++
	if e.Time.Before(s.first) {
		s.first = e.Time
	}
	if e.Time.After(s.last) {
		s.last = e.Time
	}
	if c := e.Country; c != "" && !slices.Contains(s.countries, c) && len(s.countries) < maxCountries {
		s.countries = append(s.countries, c)
	}
	switch e.Type {
	case failedType:
		s.failures++
		s.pending++
		s.tried(e.Login)
	case signedInType:
		s.tried(e.Login)
		if s.pending > 0 {
			if s.breakIn == nil {
				s.breakIn = &SignInAfterFailures{Address: a.String(), Failures: s.pending, Login: e.Login, At: e.Time, ID: e.ID}
			} else {
				s.breakIn.Again++
			}
		}
		s.pending = 0
	}
}

func (s *addrStats) tried(login string) {
	fold := query.FoldLogin(login)
	switch {
	case s.manyLogins != nil:
		if len(s.manyLogins) < maxLoginsPerAddress {
			s.manyLogins[fold] = struct{}{}
		}
	case slices.Contains(s.logins, fold):
	case len(s.logins) < 16:
		s.logins = append(s.logins, fold)
	default:
		s.manyLogins = make(map[string]struct{}, 2*len(s.logins))
		for _, l := range s.logins {
			s.manyLogins[l] = struct{}{}
		}
		s.manyLogins[fold] = struct{}{}
		s.logins = nil
	}
}

func (s *addrStats) loginCount() int { return len(s.logins) + len(s.manyLogins) }

// finishAddresses fills the report's address lists: the top addresses by
// events, and every address that failed, then signed in, most failures
// first. Each line's query shows the address's events in the window.
func (t *tally) finishAddresses() {
	r := t.r
	type ranked struct {
		a netip.Addr
		s *addrStats
	}
	all := make([]ranked, 0, len(t.addrs))
	for a, s := range t.addrs {
		all = append(all, ranked{a, s})
		if s.breakIn != nil {
			b := *s.breakIn
			b.Query = t.lines.query(t.lines.ipTerm(a))
			r.SignInsAfterFailures = append(r.SignInsAfterFailures, b)
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].s.events != all[j].s.events {
			return all[i].s.events > all[j].s.events
		}
		return all[i].a.Less(all[j].a)
	})
	r.AddressCount = len(all)
	r.Addresses = make([]Address, 0, min(t.o.Top, len(all)))
	for _, x := range all[:min(t.o.Top, len(all))] {
		s := x.s
		countries := slices.Clone(s.countries)
		if countries == nil {
			countries = []string{}
		}
		r.Addresses = append(r.Addresses, Address{Address: x.a.String(), Events: s.events, Failures: s.failures, Logins: s.loginCount(),
			Countries: countries, First: s.first, Last: s.last, Query: t.lines.query(t.lines.ipTerm(x.a))})
	}
	// The longest run of failures first: one failure then a success is
	// a typo; thirty is someone guessing.
	sort.Slice(r.SignInsAfterFailures, func(i, j int) bool {
		a, b := r.SignInsAfterFailures[i], r.SignInsAfterFailures[j]
		if a.Failures != b.Failures {
			return a.Failures > b.Failures
		}
		if !a.At.Equal(b.At) {
			return a.At.Before(b.At)
		}
		return a.ID < b.ID
	})
	if r.SignInsAfterFailures == nil {
		r.SignInsAfterFailures = []SignInAfterFailures{}
	}
}
