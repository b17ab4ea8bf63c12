package activity

import "net/netip"

// LightCache makes the events Light makes, straight from the bytes of a
// row's columns. A table repeats a few hundred logins, types and
// countries over millions of rows, so it keeps each once, with what the
// catalog says of each type: reading a row then allocates nothing of its
// own. It is not safe for concurrent use.
type LightCache struct {
	strs  map[string]string    // logins, as stored
	types map[string]lightType // by the type as stored
	cc    map[string]string    // countries, as stored -> as Light has them
}

type lightType struct {
	raw, typ, category string
	severity           Severity
}

// lightCacheMax bounds each of the cache's maps: a table of a million
// distinct logins (a brute force of random names) must not keep them all.
// Past it, values are made afresh for every row, as Light does.
const lightCacheMax = 4096

// Event is Light(Row{ID: id, Login: string(login), Type: string(typ),
// Created: string(created), Country: string(country), HasCountry: country
// != nil, IP: ip}): a nil country or ip is a NULL. Nothing of the
// arguments is kept, so their storage may be reused.
func (c *LightCache) Event(id uint64, login, typ, created, country, ip []byte) Event {
	t := c.typ(typ)
	e := Event{ID: id, Time: ParseTime(string(created)), Login: c.login(login), RawType: t.raw, Type: t.typ,
		Category: t.category, Severity: t.severity, ParamsErr: errNotRead}
	if country != nil {
		e.Country = c.country(country)
	}
	if ip != nil {
		if a, ok := netip.AddrFromSlice(ip); ok {
			e.IP = a
		} else {
			e.BadIP = append([]byte(nil), ip...)
		}
	}
	e.User = PseudoUser(e.Login)
	return e
}

func (c *LightCache) login(b []byte) string {
	if s, ok := c.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if c.strs == nil {
		c.strs = map[string]string{}
	}
	if len(c.strs) < lightCacheMax {
		c.strs[s] = s
	}
	return s
}

func (c *LightCache) typ(b []byte) lightType {
	if t, ok := c.types[string(b)]; ok {
		return t
	}
	// What Light derives from the type, from the row Light would read.
	e := Light(Row{Type: string(b)})
	t := lightType{raw: e.RawType, typ: e.Type, category: e.Category, severity: e.Severity}
	if c.types == nil {
		c.types = map[string]lightType{}
	}
	if len(c.types) < lightCacheMax {
		c.types[t.raw] = t
	}
	return t
}

func (c *LightCache) country(b []byte) string {
	if s, ok := c.cc[string(b)]; ok {
		return s
	}
	s := Light(Row{Country: string(b), HasCountry: true}).Country
	if c.cc == nil {
		c.cc = map[string]string{}
	}
	if len(c.cc) < lightCacheMax {
		c.cc[string(b)] = s
	}
	return s
}
