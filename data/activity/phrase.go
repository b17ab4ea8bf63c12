package activity

import (
	"html"
	"strconv"
	"strings"

	"matomo-audit/data/phpser"
)

// params gives forgiving access to decoded parameters: rows come from many
// plugin versions, so every lookup tolerates missing keys and odd types and
// falls back to something still worth reading.
type params struct {
	v     phpser.Value
	login string
}

// get walks nested string keys.
func (p params) get(path ...string) phpser.Value {
	v := p.v
	for _, k := range path {
		n, ok := v.Get(k)
		if !ok {
			return phpser.Value{}
		}
		v = n
	}
	return v
}

func (p params) has(path ...string) bool {
	v := p.v
	for _, k := range path {
		n, ok := v.Get(k)
		if !ok {
			return false
		}
		v = n
	}
	return true
}

func (p params) text(path ...string) string { return text(p.get(path...)) }

// items returns the {type, data} entries of the core family's "items" list.
func (p params) items() []phpser.Value {
	it, ok := p.v.Get("items")
	if !ok || it.Kind != phpser.KindArray {
		return nil
	}
	out := make([]phpser.Value, 0, len(it.Entries))
	for _, e := range it.Entries {
		if e.Value.Kind == phpser.KindArray {
			out = append(out, e.Value)
		}
	}
	return out
}

// itemsOf returns the data of every item of the given type, in order.
func (p params) itemsOf(typ string) []phpser.Value {
	var out []phpser.Value
	p.eachItem(typ, func(d phpser.Value) bool {
		out = append(out, d)
		return true
	})
	return out
}

// item returns the data of the first item of the given type.
func (p params) item(typ string) (phpser.Value, bool) {
	var first phpser.Value
	found := false
	p.eachItem(typ, func(d phpser.Value) bool {
		first, found = d, true
		return false
	})
	return first, found
}

// eachItem calls fn with the data of every item of the given type, in
// order, until fn returns false. It allocates nothing: descriptions are
// built for every exported row.
func (p params) eachItem(typ string, fn func(phpser.Value) bool) {
	it, ok := p.v.Get("items")
	if !ok || it.Kind != phpser.KindArray {
		return
	}
	for i := range it.Entries {
		v := &it.Entries[i].Value
		if v.Kind != phpser.KindArray {
			continue
		}
		if t, _ := v.Get("type"); strings.EqualFold(text(t), typ) {
			d, _ := v.Get("data")
			if !fn(d) {
				return
			}
		}
	}
}

func field(v phpser.Value, key string) string {
	f, _ := v.Get(key)
	return text(f)
}

// text renders a scalar for a sentence. Values copied from API requests can
// be HTML-escaped by Matomo, so they are unescaped for reading; lists are
// joined so "idSites: [1, 2]" reads as "1, 2".
func text(v phpser.Value) string {
	switch v.Kind {
	case phpser.KindNull:
		return ""
	case phpser.KindArray, phpser.KindObject:
		parts := make([]string, 0, len(v.Entries))
		for _, e := range v.Entries {
			if s := text(e.Value); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ", ")
	}
	s, _ := v.Scalar()
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	return s
}

// quote wraps a name for a sentence; empty names stay empty so callers can
// fall back to ids. A name holding double quotes gets other quotes, so
// where it starts and ends stays readable.
func quote(s string) string {
	switch {
	case s == "":
		return ""
	case !strings.Contains(s, `"`):
		return `"` + s + `"`
	case !strings.Contains(s, "'"):
		return "'" + s + "'"
	}
	return "\u201c" + s + "\u201d"
}

// entity phrases a named thing: `goal "Signup" (id 3, revenue 5)`, or
// `goal 3` when the name is gone, or just `a goal` when nothing identifies
// it. Empty extras are dropped.
func entity(noun, name, id string, extras ...string) string {
	var inParen []string
	if name != "" && id != "" {
		inParen = append(inParen, "id "+id)
	}
	for _, x := range extras {
		if x != "" {
			inParen = append(inParen, x)
		}
	}
	var d string
	switch {
	case name != "":
		d = noun + " " + quote(name)
	case id != "":
		d = noun + " " + id
	default:
		d = article(noun)
	}
	return d + paren(strings.Join(inParen, ", "))
}

func entityOf(noun string, data phpser.Value, extras ...string) string {
	return entity(noun, field(data, "name"), field(data, "id"), extras...)
}

func article(noun string) string {
	if noun == "" {
		return "something"
	}
	switch noun[0] {
	case 'a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U':
		return "an " + noun
	}
	return "a " + noun
}

type site struct{ id, name, kind string }

// sites collects the measurables an event names, without repeats (the
// plugin sometimes lists the same site twice).
func (p params) sites() []site {
	var out []site
	// A short list is searched; a map only pays off for the rare event
	// that names many sites.
	var seen map[site]bool
	add := func(s site) {
		if s.id == "" && s.name == "" {
			return
		}
		k := site{id: s.id, name: s.name}
		if seen != nil {
			if seen[k] {
				return
			}
			seen[k] = true
		} else {
			for _, o := range out {
				if o.id == s.id && o.name == s.name {
					return
				}
			}
			if len(out) == 8 {
				seen = make(map[site]bool, 16)
				for _, o := range out {
					seen[site{id: o.id, name: o.name}] = true
				}
				seen[k] = true
			}
		}
		out = append(out, s)
	}
	p.eachItem("measurable", func(m phpser.Value) bool {
		add(site{id: field(m, "id"), name: field(m, "name"), kind: field(m, "type")})
		return true
	})
	if s, ok := p.v.Get("site"); ok {
		add(site{id: field(s, "site_id"), name: field(s, "site_name")})
	}
	return out
}

func (s site) phrase() string {
	switch {
	case s.name != "" && s.id != "":
		return quote(s.name) + " (" + s.id + ")"
	case s.name != "":
		return quote(s.name)
	}
	return s.id
}

// sitePhrase reads "site "Shop" (1)" or "sites "Shop" (1), "Blog" (2)", and
// names how many more there are past a handful.
func sitePhrase(list []site) string {
	if len(list) == 0 {
		return ""
	}
	noun := "site"
	if len(list) == 1 {
		switch list[0].kind {
		case "intranet":
			noun = "intranet site"
		case "mobileapp":
			noun = "mobile app"
		}
		return noun + " " + list[0].phrase()
	}
	const show = 3
	parts := make([]string, 0, show+1)
	for i, s := range list {
		if i == show {
			parts = append(parts, "and "+strconv.Itoa(len(list)-show)+" more")
			break
		}
		parts = append(parts, s.phrase())
	}
	return "sites " + strings.Join(parts, ", ")
}

// onSites appends " <prep> site ..." when the event names any site.
func (p params) onSites(prep string) string {
	if s := sitePhrase(p.sites()); s != "" {
		return " " + prep + " " + s
	}
	return ""
}

// settingNames lists the names of the "setting" items, which is what a
// reader needs in one line; the values are in the detail view.
func (p params) settingNames() string {
	var names []string
	for _, s := range p.itemsOf("setting") {
		if n := field(s, "name"); n != "" {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

// settingValues lists "name=value" for scalar settings, for the few events
// whose point is the values (privacy switches).
func (p params) settingValues() string {
	var parts []string
	for _, s := range p.itemsOf("setting") {
		n := field(s, "name")
		if n == "" {
			continue
		}
		v, _ := s.Get("value")
		if sc, ok := v.Scalar(); ok {
			parts = append(parts, n+"="+sc)
		} else {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, ", ")
}

func (p params) setting(name string) (phpser.Value, bool) {
	for _, s := range p.itemsOf("setting") {
		if field(s, "name") == name {
			v, ok := s.Get("value")
			return v, ok
		}
	}
	return phpser.Value{}, false
}

// userPhrase names the user an event is about: "carol (carol@example.org)".
func userPhrase(u phpser.Value) string {
	login, email := field(u, "login"), field(u, "email")
	switch {
	case login != "" && email != "" && email != login:
		return login + " (" + email + ")"
	case login != "":
		return login
	case email != "":
		return email
	}
	return "a user"
}

func (p params) subjectUser() (string, bool) {
	u, ok := p.item("user")
	if !ok {
		return "", false
	}
	return userPhrase(u), true
}

// pluginName is the plugin an item-based event is about.
func (p params) pluginName() string {
	if pl, ok := p.item("plugin"); ok {
		if n := field(pl, "name"); n != "" {
			return n
		}
	}
	return ""
}

// pctDecode undoes the %XX escaping goal names can carry. Unlike PHP's
// urldecode it leaves '+' alone, so "C++ course" is not mangled.
func pctDecode(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			n, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(n))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// listPhrase joins non-empty parts as "a, b".
func listPhrase(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}
