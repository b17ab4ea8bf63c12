package summary

import (
	"cmp"
	"encoding/binary"
	"math"
	"net/netip"
	"slices"
	"sort"
	"time"

	"matomo-audit/data/activity"
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

// addrTally is what the tally keeps per address. It holds no pointers,
// so that the garbage collector, which runs often while millions of rows
// go by, need not walk a botnet's worth of addresses each time: the
// addresses are keys of 16 bytes (IPv4 as ::ffff:a.b.c.d, which is also
// how ip: takes an address and its mapped form as one), their figures
// rows of a slice, and the countries and logins numbers.
type addrTally struct {
	// index4 and index6 give an address's row in stats: IPv4 ones (and
	// IPv4-mapped IPv6 ones, ip:'s one address) on keys of 4 bytes,
	// whose map stays in the processor's caches longer.
	index4 map[uint32]uint32
	index6 map[[16]byte]uint32
	// seen has a bit set for the hash of every address in stats: a
	// clear bit is an address not tracked.
	seen      *[1 << seenBits / 64]uint64
	stats     []addrStats
	countries map[string]uint16 // a country's number, into countryOf
	countryOf []string
	// many holds the logins of the addresses that tried more than fit
	// in addrStats, by the address's number.
	many     map[uint32]map[uint32]struct{}
	breakIns []SignInAfterFailures
}

func newAddrTally() addrTally {
	return addrTally{index4: map[uint32]uint32{}, index6: map[[16]byte]uint32{}, seen: new([1 << seenBits / 64]uint64), countries: map[string]uint16{}, many: map[uint32]map[uint32]struct{}{}}
}

// seenBits sizes addrTally.seen: 2^22 bits, 512 KiB, one bit set in 16
// at maxAddresses.
const seenBits = 22

// addrLogins is how many logins an address keeps before they go to
// addrTally.many: most addresses see one or two.
const addrLogins = 4

// addrStats is one address's figures.
type addrStats struct {
	key              [16]byte
	events, failures uint64
	// first and last are the times in Unix nanoseconds, noTime for an
	// event without one, which comes before every other as the zero
	// time.Time does.
	first, last int64
	pending     uint64 // failures since the last success
	breakIn     uint32 // into addrTally.breakIns, plus one; 0: none
	nCountries  uint8
	nLogins     uint8
	countries   [maxCountries]uint16
	logins      [addrLogins]uint32 // userTally.id
}

const noTime = math.MinInt64

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return noTime
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == noTime {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// addAddress counts e, by u, for its address (none: nothing to count).
func (t *tally) addAddress(e *activity.Event, u *userTally) {
	if !e.IP.IsValid() {
		return
	}
	at := &t.addrs
	a := e.IP.Unmap()
	var i uint32
	var ok bool
	var v4 uint32
	var bit uint64
	if a.Is4() {
		b := a.As4()
		v4 = uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		bit = uint64(v4)
	} else {
		b := a.As16()
		bit = binary.LittleEndian.Uint64(b[:8]) ^ binary.LittleEndian.Uint64(b[8:])
	}
	bit = (bit * 0x9e3779b97f4a7c15) >> (64 - seenBits)
	full := len(at.stats) >= maxAddresses
	if full && at.seen[bit/64]&(1<<(bit%64)) == 0 {
		// Once the tally is full, most addresses are new ones, which a
		// look in the map, out of the processor's caches, would only
		// find missing: the bit says so from a few cached bytes.
		t.r.AddressesCut = true
		return
	}
	if a.Is4() {
		i, ok = at.index4[v4]
	} else {
		i, ok = at.index6[a.As16()]
	}
	ts := unixNano(e.Time)
	if !ok {
		if full {
			t.r.AddressesCut = true
			return
		}
		i = uint32(len(at.stats))
		at.seen[bit/64] |= 1 << (bit % 64)
		if a.Is4() {
			at.index4[v4] = i
		} else {
			at.index6[a.As16()] = i
		}
		at.stats = append(at.stats, addrStats{key: e.IP.As16(), first: ts, last: ts})
	}
	s := &at.stats[i]
	s.events++
	s.first, s.last = min(s.first, ts), max(s.last, ts)
	if c := e.Country; c != "" && int(s.nCountries) < maxCountries {
		if n, ok := at.country(c); ok && !slices.Contains(s.countries[:s.nCountries], n) {
			s.countries[s.nCountries] = n
			s.nCountries++
		}
	}
	switch e.Type {
	case failedType:
		s.failures++
		s.pending++
		at.tried(i, u.id)
	case signedInType:
		at.tried(i, u.id)
		if s.pending > 0 {
			if s.breakIn == 0 {
				at.breakIns = append(at.breakIns, SignInAfterFailures{Address: e.IP.Unmap().String(), Failures: int(s.pending), Login: e.Login, At: e.Time, ID: e.ID})
				s.breakIn = uint32(len(at.breakIns))
			} else {
				at.breakIns[s.breakIn-1].Again++
			}
		}
		s.pending = 0
	}
}

// country is c's number; past what a number holds (only a table of
// forged countries has that many), none.
func (at *addrTally) country(c string) (uint16, bool) {
	n, ok := at.countries[c]
	if !ok {
		if len(at.countryOf) > math.MaxUint16 {
			return 0, false
		}
		n = uint16(len(at.countryOf))
		at.countries[c] = n
		at.countryOf = append(at.countryOf, c)
	}
	return n, true
}

// tried notes that the user numbered login signed in or tried from the
// address numbered i.
func (at *addrTally) tried(i, login uint32) {
	s := &at.stats[i]
	if many := at.many[i]; many != nil {
		if len(many) < maxLoginsPerAddress {
			many[login] = struct{}{}
		}
		return
	}
	if slices.Contains(s.logins[:s.nLogins], login) {
		return
	}
	if s.nLogins < addrLogins {
		s.logins[s.nLogins] = login
		s.nLogins++
		return
	}
	many := make(map[uint32]struct{}, 2*addrLogins)
	for _, l := range s.logins {
		many[l] = struct{}{}
	}
	many[login] = struct{}{}
	at.many[i] = many
}

func (at *addrTally) loginCount(i uint32) int {
	if many := at.many[i]; many != nil {
		return len(many)
	}
	return int(at.stats[i].nLogins)
}

// finishAddresses fills the report's address lists: the top addresses by
// events, and every address that failed, then signed in, most failures
// first. Each line's query shows the address's events in the window.
func (t *tally) finishAddresses() {
	r := t.r
	at := &t.addrs
	addr := func(s *addrStats) netip.Addr { return netip.AddrFrom16(s.key).Unmap() }
	for i := range at.stats {
		if s := &at.stats[i]; s.breakIn != 0 {
			b := at.breakIns[s.breakIn-1]
			b.Query = t.lines.query(t.lines.ipTerm(addr(s)))
			r.SignInsAfterFailures = append(r.SignInsAfterFailures, b)
		}
	}
	// The top ones only are put in order.
	n := min(t.o.Top, len(at.stats))
	before := func(a, b *addrStats) int {
		if a.events != b.events {
			return cmp.Compare(b.events, a.events)
		}
		return addr(a).Compare(addr(b))
	}
	best := make([]uint32, 0, n+1)
	for i := range at.stats {
		s := &at.stats[i]
		if len(best) == n && (n == 0 || before(s, &at.stats[best[n-1]]) >= 0) {
			continue
		}
		j, _ := slices.BinarySearchFunc(best, s, func(k uint32, s *addrStats) int { return before(&at.stats[k], s) })
		best = slices.Insert(best, j, uint32(i))
		if len(best) > n {
			best = best[:n]
		}
	}
	r.AddressCount = len(at.stats)
	r.Addresses = make([]Address, 0, n)
	for _, i := range best {
		s := &at.stats[i]
		countries := make([]string, 0, s.nCountries)
		for _, c := range s.countries[:s.nCountries] {
			countries = append(countries, at.countryOf[c])
		}
		a := addr(s)
		r.Addresses = append(r.Addresses, Address{Address: a.String(), Events: s.events, Failures: s.failures, Logins: at.loginCount(i),
			Countries: countries, First: fromUnixNano(s.first), Last: fromUnixNano(s.last), Query: t.lines.query(t.lines.ipTerm(a))})
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
