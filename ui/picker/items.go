package picker

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/sahilm/fuzzy"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/ui/cell"
)

// preselect selects what the query already says: its positive terms of
// the picker's kind, or when it has none its exclusions (in exclude
// mode). Applying replaces both kinds, which the picker's status says
// when the query has both.
func (m *Model) preselect() {
	var vals []string
	for _, neg := range []bool{false, true} {
		for _, k := range m.keys() {
			for _, v := range m.q.Values(k, neg) {
				vals = append(vals, selKey(k, v))
			}
		}
		if len(vals) > 0 {
			m.exclude = neg
			break
		}
	}
	for _, k := range vals {
		m.selected[k] = true
	}
	m.initial, m.initialExclude = maps.Clone(m.selected), m.exclude
	for _, t := range m.q.Terms {
		if t.Negate != m.exclude && slices.Contains(m.keys(), t.Key) {
			m.others = append(m.others, t.String())
		}
	}
}

// selKey is the selection key of a query value of key k.
func selKey(k query.Key, v string) string {
	if k == query.KeyCategory {
		return "c:" + v
	}
	lit, ok := query.Literal(v)
	switch {
	case !ok:
		return "p:" + v
	case k == query.KeyUser:
		return "u:" + query.FoldLogin(lit)
	}
	return "t:" + query.FoldLogin(lit)
}

// refresh rebuilds the entries from what is known now (counts grow while
// the counting scan runs) and re-applies the search.
func (m *Model) refresh() {
	if m.kind == Users {
		m.items = m.userItems(m.stats.Stats)
	} else {
		m.items = m.typeItems(m.stats.Stats)
	}
	m.filter()
}

// patternItems are the query's patterns of key k, kept as entries of
// their own so that applying does not lose them; each counts the groups
// it matches, as the evaluator would.
func (m *Model) patternItems(k query.Key, groups map[string]source.Group, match func(pattern, name string) bool) []Item {
	var out []Item
	for key := range m.initial {
		pat, ok := strings.CutPrefix(key, "p:")
		if !ok {
			continue
		}
		var n source.Group
		for name, c := range groups {
			if match(pat, name) {
				addGroup(&n, c)
			}
		}
		label := "pattern " + cell.Safe(query.Term{Key: k, Values: []string{pat}}.String())
		out = append(out, Item{Key: key, Value: pat, Label: label, Count: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func addGroup(dst *source.Group, g source.Group) {
	dst.Count += g.Count
	if g.Last.After(dst.Last) {
		dst.Last = g.Last
	}
}

// named are the literal values of the query that the picker opened with,
// so a login or type nothing else knows still gets an entry to unselect.
func (m *Model) named(k query.Key) []string {
	var out []string
	for _, v := range m.q.Values(k, m.initialExclude) {
		if lit, ok := query.Literal(v); ok {
			out = append(out, lit)
		}
	}
	return out
}

// userItems are one entry per login as filters see it: spellings that
// differ in case only are one user (query.FoldLogin), shown as the user
// table spells it, else as most of its events do.
func (m *Model) userItems(st source.Stats) []Item {
	type group struct {
		spellings map[string]uint64
		count     source.Group
		account   *source.User
	}
	groups := map[string]*group{}
	get := func(login string) *group {
		k := query.FoldLogin(login)
		g := groups[k]
		if g == nil {
			g = &group{spellings: map[string]uint64{}}
			groups[k] = g
		}
		return g
	}
	for login, c := range st.Users {
		g := get(login)
		g.spellings[login] += c.Count
		addGroup(&g.count, c)
	}
	for i := range m.known {
		get(m.known[i].Login).account = &m.known[i]
	}
	for _, lit := range m.named(query.KeyUser) {
		if g := get(lit); len(g.spellings) == 0 && g.account == nil {
			g.spellings[lit] = 0
		}
	}
	items := m.patternItems(query.KeyUser, st.Users, query.MatchLogin)
	nPat := len(items)
	for fold, g := range groups {
		name := ""
		if g.account != nil {
			name = g.account.Login
		} else {
			var best uint64
			for sp, n := range g.spellings {
				if name == "" || n > best || n == best && sp < name {
					name, best = sp, n
				}
			}
		}
		it := Item{Key: "u:" + fold, Value: query.EscapeLiteral(name), Label: cell.Safe(name), Count: g.count}
		var notes, others []string
		switch info := activity.PseudoUser(name); {
		case info.Kind.Pseudo():
			it.Mark = m.c.Theme.MarkPseudo
		case g.account != nil && g.account.Invited:
			notes = append(notes, activity.UserInvited.Mark())
		case m.known != nil && g.account == nil:
			it.Mark = m.c.Theme.MarkGone
		}
		for sp := range g.spellings {
			if sp != name {
				others = append(others, cell.Safe(sp))
			}
		}
		if len(others) > 0 {
			sort.Strings(others)
			notes = append(notes, "also "+strings.Join(others, ", "))
		}
		it.Note = strings.Join(notes, " · ")
		items = append(items, it)
	}
	rest := items[nPat:]
	sort.SliceStable(rest, func(i, j int) bool {
		a, b := rest[i], rest[j]
		if a.Count.Count != b.Count.Count {
			return a.Count.Count > b.Count.Count
		}
		return a.Label < b.Label
	})
	return items
}

// typeItems are the categories, each followed by its types; a category
// counts what cat: takes in (the security category also every event of
// severity security), a type what type: does.
func (m *Model) typeItems(st source.Stats) []Item {
	type group struct {
		name  string
		cat   string
		count source.Group
	}
	groups := map[string]*group{}
	add := func(typ string) {
		k := query.FoldLogin(typ)
		if groups[k] != nil {
			return
		}
		g := &group{name: typ, cat: activity.CategoryOther}
		if spec, ok := activity.Lookup(typ); ok {
			g.cat = spec.Category
		}
		groups[k] = g
	}
	for _, spec := range activity.Specs() {
		add(spec.Type)
	}
	for typ := range st.Types {
		add(typ)
	}
	for _, lit := range m.named(query.KeyType) {
		add(lit)
	}
	// A type's count is every type its term takes in (query.MatchType):
	// the same id in any case, and for an id without its plugin part
	// every plugin's class of that name. Indexed, since this runs on
	// every counting step.
	byFold, byClass := map[string]source.Group{}, map[string]source.Group{}
	for typ, c := range st.Types {
		g := byFold[query.FoldLogin(typ)]
		addGroup(&g, c)
		byFold[query.FoldLogin(typ)] = g
		if strings.Contains(typ, "/") {
			k := query.FoldLogin(activity.ClassName(typ))
			g := byClass[k]
			addGroup(&g, c)
			byClass[k] = g
		}
	}
	for fold, g := range groups {
		addGroup(&g.count, byFold[fold])
		if !strings.Contains(g.name, "/") {
			addGroup(&g.count, byClass[fold])
		}
	}
	items := m.patternItems(query.KeyType, st.Types, query.MatchType)
	byCat := map[string][]Item{}
	for fold, g := range groups {
		byCat[g.cat] = append(byCat[g.cat], Item{Key: "t:" + fold, Value: query.EscapeLiteral(g.name), Label: cell.Safe(g.name), Count: g.count, Cat: g.cat})
	}
	for _, cat := range activity.Categories() {
		list := byCat[cat]
		if len(list) == 0 {
			continue
		}
		sort.SliceStable(list, func(i, j int) bool { return list[i].Label < list[j].Label })
		items = append(items, Item{Key: "c:" + cat, Value: cat, Label: "category " + cat, Header: true, Cat: cat, Count: st.Cats[cat]})
		items = append(items, list...)
	}
	return items
}

// filter applies the fuzzy search; category rows stay above their types.
func (m *Model) filter() {
	q := strings.TrimSpace(m.input.Value())
	m.shown = m.shown[:0]
	switch {
	case q == "":
		for i := range m.items {
			m.shown = append(m.shown, i)
		}
	case m.kind == Types:
		// Keep catalog order, grouped; show a category when it or any
		// of its types matches.
		hit := map[int]bool{}
		cats := map[string]bool{}
		for _, mt := range fuzzy.Find(q, m.labels()) {
			hit[mt.Index] = true
			cats[m.items[mt.Index].Cat] = true
		}
		for i, it := range m.items {
			if hit[i] || it.Header && cats[it.Cat] {
				m.shown = append(m.shown, i)
			}
		}
	default:
		for _, mt := range fuzzy.Find(q, m.labels()) {
			m.shown = append(m.shown, mt.Index)
		}
	}
	m.cursor = min(m.cursor, max(0, len(m.shown)-1))
}

func (m *Model) labels() []string {
	labels := make([]string, len(m.items))
	for i, it := range m.items {
		labels[i] = it.Label
	}
	return labels
}
