package ui

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/sahilm/fuzzy"

	"matomo-audit/data/activity"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/internal/numfmt"
	"matomo-audit/ui/cell"
	"matomo-audit/ui/common"
)

type pickerKind uint8

const (
	pickUsers pickerKind = iota
	pickTypes
)

// picker chooses users (U) or types (t): fuzzy search, each entry with its
// count under the current query and its latest event, several at once,
// to include or to exclude. It opens with the query's own terms of its
// kind selected, and applying replaces exactly those terms, so each count
// is what applying that entry shows.
type picker struct {
	kind     pickerKind
	input    textinput.Model
	items    []pickItem
	shown    []int // indexes into items, in display order
	cursor   int
	offset   int
	selected map[string]bool
	exclude  bool
	known    []source.User // <prefix>user, for the user picker
	// initial is the selection the query held when the picker opened,
	// with its mode: enter with both unchanged leaves the query alone.
	initial        map[string]bool
	initialExclude bool
	// others are the query's terms of the picker's kind with the other
	// polarity: applying replaces them too, and the picker says so.
	others []string
}

type pickItem struct {
	key    string // selection key: "u:"/"t:" + fold, "c:" + category, "p:" + pattern
	value  string // what goes into the query, in query syntax
	label  string // as shown (already safe)
	mark   string
	note   string // other spellings, "invited, not accepted"
	count  source.Group
	header bool
	cat    string
}

type knownUsersMsg struct{ users []source.User }

func (m *Model) openPicker(kind pickerKind) tea.Cmd {
	in := common.NewInput()
	p := &picker{kind: kind, input: in, selected: map[string]bool{}}
	p.preselect(m.query)
	m.picker = p
	p.refresh(m)
	_, c := m.pickerStats()
	cmds := []tea.Cmd{m.picker.input.Focus(), m.countStep(c)}
	if kind == pickUsers {
		src, ctx := m.c.Src, m.c.Ctx
		cmds = append(cmds, func() tea.Msg {
			u, _ := src.Users(ctx)
			return knownUsersMsg{u}
		})
	}
	return tea.Batch(cmds...)
}

// keys are the query keys the picker edits.
func (p *picker) keys() []query.Key {
	if p.kind == pickUsers {
		return []query.Key{query.KeyUser}
	}
	return []query.Key{query.KeyType, query.KeyCategory}
}

// preselect selects what the query already says: its positive terms of
// the picker's kind, or when it has none its exclusions (in exclude
// mode). Applying replaces both kinds, which the picker's status says
// when the query has both.
func (p *picker) preselect(q *query.Query) {
	var vals []string
	for _, neg := range []bool{false, true} {
		for _, k := range p.keys() {
			for _, v := range q.Values(k, neg) {
				vals = append(vals, selKey(k, v))
			}
		}
		if len(vals) > 0 {
			p.exclude = neg
			break
		}
	}
	for _, k := range vals {
		p.selected[k] = true
	}
	p.initial, p.initialExclude = maps.Clone(p.selected), p.exclude
	for _, t := range q.Terms {
		if t.Negate != p.exclude && slices.Contains(p.keys(), t.Key) {
			p.others = append(p.others, t.String())
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

// facet is the query the picker counts under: the current one without the
// terms it replaces (all of its kind), like a faceted search.
func (p *picker) facet(q *query.Query) *query.Query {
	return q.Without(p.keys()...)
}

// counts behind the picker: the facet query's counting scan, or the
// window itself when it holds every match of that very query.
func (m *Model) pickerStats() (source.Stats, *counts) {
	fq := m.picker.facet(m.query)
	if fq.String() == m.query.String() && m.windowComplete() && !m.query.Empty() {
		return m.windowStats(), &counts{done: true}
	}
	c := m.countsFor(fq.String(), fq)
	return c.stats, c
}

// refresh rebuilds the entries from what is known now (counts grow while
// the counting scan runs) and re-applies the search.
func (p *picker) refresh(m *Model) {
	st, _ := m.pickerStats()
	if p.kind == pickUsers {
		p.items = m.userItems(p, st)
	} else {
		p.items = m.typeItems(p, st)
	}
	p.filter()
}

// patternItems are the query's patterns of key k, kept as entries of
// their own so that applying does not lose them; each counts the groups
// it matches, as the evaluator would.
func (p *picker) patternItems(k query.Key, groups map[string]source.Group, match func(pattern, name string) bool) []pickItem {
	var out []pickItem
	for key := range p.initial {
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
		out = append(out, pickItem{key: key, value: pat, label: label, count: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
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
func (p *picker) named(q *query.Query, k query.Key) []string {
	var out []string
	for _, v := range q.Values(k, p.initialExclude) {
		if lit, ok := query.Literal(v); ok {
			out = append(out, lit)
		}
	}
	return out
}

// userItems are one entry per login as filters see it: spellings that
// differ in case only are one user (query.FoldLogin), shown as the user
// table spells it, else as most of its events do.
func (m *Model) userItems(p *picker, st source.Stats) []pickItem {
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
	for i := range p.known {
		get(p.known[i].Login).account = &p.known[i]
	}
	for _, lit := range p.named(m.query, query.KeyUser) {
		if g := get(lit); len(g.spellings) == 0 && g.account == nil {
			g.spellings[lit] = 0
		}
	}
	items := p.patternItems(query.KeyUser, st.Users, query.MatchLogin)
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
		it := pickItem{key: "u:" + fold, value: query.EscapeLiteral(name), label: cell.Safe(name), count: g.count}
		var notes, others []string
		switch info := activity.PseudoUser(name); {
		case info.Kind.Pseudo():
			it.mark = m.c.Theme.MarkPseudo
		case g.account != nil && g.account.Invited:
			notes = append(notes, activity.UserInvited.Mark())
		case p.known != nil && g.account == nil:
			it.mark = m.c.Theme.MarkGone
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
		it.note = strings.Join(notes, " · ")
		items = append(items, it)
	}
	rest := items[nPat:]
	sort.SliceStable(rest, func(i, j int) bool {
		a, b := rest[i], rest[j]
		if a.count.Count != b.count.Count {
			return a.count.Count > b.count.Count
		}
		return a.label < b.label
	})
	return items
}

// typeItems are the categories, each followed by its types; a category
// counts what cat: takes in (the security category also every event of
// severity security), a type what type: does.
func (m *Model) typeItems(p *picker, st source.Stats) []pickItem {
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
	for _, lit := range p.named(m.query, query.KeyType) {
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
	items := p.patternItems(query.KeyType, st.Types, query.MatchType)
	byCat := map[string][]pickItem{}
	for fold, g := range groups {
		byCat[g.cat] = append(byCat[g.cat], pickItem{key: "t:" + fold, value: query.EscapeLiteral(g.name), label: cell.Safe(g.name), count: g.count, cat: g.cat})
	}
	for _, cat := range activity.Categories() {
		list := byCat[cat]
		if len(list) == 0 {
			continue
		}
		sort.SliceStable(list, func(i, j int) bool { return list[i].label < list[j].label })
		items = append(items, pickItem{key: "c:" + cat, value: cat, label: "category " + cat, header: true, cat: cat, count: st.Cats[cat]})
		items = append(items, list...)
	}
	return items
}

// filter applies the fuzzy search; category rows stay above their types.
func (p *picker) filter() {
	q := strings.TrimSpace(p.input.Value())
	p.shown = p.shown[:0]
	if q == "" {
		for i := range p.items {
			p.shown = append(p.shown, i)
		}
	} else {
		labels := make([]string, len(p.items))
		for i, it := range p.items {
			labels[i] = it.label
		}
		matches := fuzzy.Find(q, labels)
		if p.kind == pickTypes {
			// Keep catalog order, grouped; show a category when it or
			// any of its types matches.
			hit := map[int]bool{}
			cats := map[string]bool{}
			for _, mt := range matches {
				hit[mt.Index] = true
				cats[p.items[mt.Index].cat] = true
			}
			for i, it := range p.items {
				if hit[i] || it.header && cats[it.cat] {
					p.shown = append(p.shown, i)
				}
			}
		} else {
			for _, mt := range matches {
				p.shown = append(p.shown, mt.Index)
			}
		}
	}
	p.cursor = min(p.cursor, max(0, len(p.shown)-1))
}

func (m *Model) pickerKey(msg tea.KeyPressMsg) tea.Cmd {
	p, k := m.picker, m.c.Keys
	switch {
	case key.Matches(msg, k.Back):
		m.picker = nil
		return nil
	case key.Matches(msg, k.Apply):
		return m.applyPicker()
	case key.Matches(msg, k.ExcludeTog):
		p.exclude = !p.exclude
		return nil
	case key.Matches(msg, k.Select):
		if it := p.current(); it != nil {
			p.selected[it.key] = !p.selected[it.key]
			if !p.selected[it.key] {
				delete(p.selected, it.key)
			}
			p.move(1)
		}
		return nil
	case msg.String() == "up" || msg.String() == "ctrl+p":
		p.move(-1)
		return nil
	case msg.String() == "down" || msg.String() == "ctrl+n":
		p.move(1)
		return nil
	case msg.String() == "pgup":
		p.move(-10)
		return nil
	case msg.String() == "pgdown":
		p.move(10)
		return nil
	}
	var cmd tea.Cmd
	before := p.input.Value()
	p.input, cmd = p.input.Update(msg)
	if p.input.Value() != before {
		p.cursor, p.offset = 0, 0
		p.filter()
	}
	return cmd
}

func (p *picker) move(d int) {
	p.cursor = min(max(p.cursor+d, 0), max(0, len(p.shown)-1))
}

func (p *picker) current() *pickItem {
	if len(p.shown) == 0 {
		return nil
	}
	return &p.items[p.shown[p.cursor]]
}

// applyPicker turns the selection (or, with none, the highlighted entry)
// into the query's terms of the picker's kind, replacing the ones it
// opened with. Unchanged, it leaves the query as it is.
func (m *Model) applyPicker() tea.Cmd {
	p := m.picker
	m.picker = nil
	if p.exclude == p.initialExclude && maps.Equal(p.selected, p.initial) && len(p.initial) > 0 {
		return nil
	}
	var chosen []pickItem
	for _, it := range p.items {
		if p.selected[it.key] {
			chosen = append(chosen, it)
		}
	}
	if len(chosen) == 0 && len(p.selected) == 0 && len(p.initial) == 0 {
		if it := p.current(); it != nil {
			chosen = append(chosen, *it)
		}
	}
	if p.kind == pickUsers {
		return m.setQuery(m.query.Replace(p.keys(), p.exclude, query.KeyUser, values(chosen)))
	}
	var cats, types []pickItem
	for _, it := range chosen {
		if it.header {
			cats = append(cats, it)
		} else {
			types = append(types, it)
		}
	}
	if len(types) == 0 {
		return m.setQuery(m.query.Replace(p.keys(), p.exclude, query.KeyCategory, values(cats)))
	}
	// A category and some types together mean "any of these": spell the
	// categories out as their types, since different keys AND.
	for _, c := range cats {
		for _, it := range p.items {
			if !it.header && it.cat == c.cat && !p.selected[it.key] {
				types = append(types, it)
			}
		}
	}
	return m.setQuery(m.query.Replace(p.keys(), p.exclude, query.KeyType, values(types)))
}

func values(items []pickItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.value
	}
	sort.Strings(out)
	return out
}

// pickerView draws the picker as a box over the body.
func (m *Model) pickerView(w, h int) []string {
	p, th := m.picker, m.c.Theme
	bw := min(w, max(60, w*3/4))
	inner := bw - 4
	title := "Users"
	if p.kind == pickTypes {
		title = "Types"
	}
	mode := "include"
	if p.exclude {
		mode = "exclude (counts: what each takes out)"
	}
	_, c := m.pickerStats()
	status := ""
	switch {
	case c.err != "":
		status = "counting failed: " + c.err
	case c.done:
		status = "counts under " + orAll(p.facet(m.query).String())
	default:
		status = "counting under " + orAll(p.facet(m.query).String()) + "…"
	}
	if len(p.others) > 0 {
		status += " · applying also replaces " + strings.Join(p.others, " ")
	}
	var lines []string
	lines = append(lines, th.HelpTitle.Render(cell.Clip(title+" · "+mode+" · "+cell.Itoa(uint64(len(p.selected)))+" selected", inner, th.Ellipsis)))
	lines = append(lines, th.HelpDesc.Render(cell.Clip(cell.Safe(status), inner, th.Ellipsis)))
	search := "search: " + p.input.Value()
	lines = append(lines, th.HelpKey.Render(cell.Clip(cell.Safe(search), inner-1, th.Ellipsis))+th.Cursor.Render(" "))
	listH := max(1, h-2-len(lines)-2)
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+listH {
		p.offset = p.cursor - listH + 1
	}
	for i := p.offset; i < len(p.shown) && i < p.offset+listH; i++ {
		it := p.items[p.shown[i]]
		box := "[ ] "
		if p.selected[it.key] {
			box = "[x] "
		}
		indent := ""
		if p.kind == pickTypes && !it.header {
			indent = "  "
		}
		cnt := "no events"
		if it.count.Count > 0 {
			cnt = numfmt.Thousands(it.count.Count) + " · last " + it.count.Last.In(m.c.Loc).Format("2006-01-02 15:04")
		}
		name := cell.Clip(it.label, inner/2, th.Ellipsis) + it.mark
		if it.note != "" {
			name += " (" + it.note + ")"
		}
		left := cell.Fit(box+indent+name, inner-cell.Width(cnt)-1, th.Ellipsis)
		line := left + " " + cnt
		switch {
		case i == p.cursor:
			line = th.Cursor.Render(cell.Fit(line, inner, ""))
		case it.header:
			line = th.HelpKey.Render(cell.Fit(line, inner, ""))
		default:
			line = th.HelpDesc.Render(cell.Fit(line, inner, ""))
		}
		lines = append(lines, line)
	}
	if len(p.shown) == 0 {
		lines = append(lines, th.Empty.Render(cell.Fit("nothing matches", inner, "")))
	}
	for len(lines) < 3+listH {
		lines = append(lines, strings.Repeat(" ", inner))
	}
	lines = append(lines, th.HelpDesc.Render(cell.Fit(m.c.HelpLine(m.c.Keys.PickerHelp()), inner, th.Ellipsis)))
	box := th.HelpBox.Render(strings.Join(lines, "\n"))
	return cell.PlaceBox(box, w, h)
}

func orAll(q string) string {
	if q == "" {
		return "all events"
	}
	return cell.Safe(q)
}
