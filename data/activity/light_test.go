package activity

import (
	"fmt"
	"net/netip"
	"reflect"
	"testing"
)

// The cache gives exactly the event Light gives for the same row, NULLs,
// odd bytes and more distinct values than it keeps included, and keeps
// nothing of the bytes it was given.
func TestLightCacheIsLight(t *testing.T) {
	logins := []string{"alice", "Alice", "Matomo System", "Console Command", "anonymous", "", "we*rd\"'\x1b[31m", "a\xff"}
	types := []string{"ActivityLog/UserSignedIn", "ActivityLog/UserSiteAccessChanged", `Piwik\Plugins\ActivityLog\Activity\UserSignedIn`,
		`\Matomo\Plugins\TagManager\Activity\TagAdded`, "Custom/ThingHappened", "", "ActivityLog/usersignedin", "NoSlash"}
	created := []string{"2026-11-22 10:00:00", "2026-11-22 10:00:00.123456", "0000-00-00 00:00:00", "", "garbage", "2026-13-01 00:00:00"}
	countries := [][]byte{nil, []byte("de"), []byte("DE "), []byte(""), []byte("Ru"), []byte(" x ")}
	ips := [][]byte{nil, netip.MustParseAddr("203.0.113.9").AsSlice(), netip.MustParseAddr("2001:db8::1").AsSlice(),
		netip.MustParseAddr("::ffff:198.51.100.9").AsSlice(), {}, {1, 2, 3}}
	var c LightCache
	n := 0
	check := func(id uint64, login, typ, ts string, country, ip []byte) {
		t.Helper()
		n++
		r := Row{ID: id, Login: login, Type: typ, Created: ts, Country: string(country), HasCountry: country != nil, IP: ip}
		want := Light(r)
		// Buffers a reader reuses: the event must not keep them.
		lb, tb, cb := []byte(login), []byte(typ), []byte(ts)
		var kb, ib []byte
		if country != nil {
			kb = append([]byte{}, country...)
		}
		if ip != nil {
			ib = append([]byte{}, ip...)
		}
		got := c.Event(id, lb, tb, cb, kb, ib)
		for _, b := range [][]byte{lb, tb, cb, kb, ib} {
			for i := range b {
				b[i] = '#'
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("row %+v:\n got %+v\nwant %+v", r, got, want)
		}
	}
	for i, login := range logins {
		for j, typ := range types {
			for k, ts := range created {
				check(uint64(i*100+j*10+k), login, typ, ts, countries[(i+k)%len(countries)], ips[(j+k)%len(ips)])
			}
		}
	}
	for i := range 2 * lightCacheMax {
		s := fmt.Sprint("user", i)
		check(uint64(i), s, "Type/"+s, created[0], []byte(s[:3]), ips[1])
	}
	if len(c.strs) > lightCacheMax || len(c.types) > lightCacheMax || len(c.cc) > lightCacheMax {
		t.Errorf("the cache keeps %d logins, %d types, %d countries", len(c.strs), len(c.types), len(c.cc))
	}
	if n < 300 {
		t.Fatalf("only %d rows checked", n)
	}
}
