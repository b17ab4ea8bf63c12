package ui

import (
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
)

type pickerKind uint8

const (
	pickUsers pickerKind = iota
	pickTypes
)

// picker chooses users (U) or types (t): fuzzy search, each entry with its
// count under the current query and its latest event, several at once,
// to include or to exclude.
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
}

type pickItem struct {
	key    string // login, type id, or "cat:<name>" for a category row
	label  string
	mark   string
	count  source.Group
	header bool
	cat    string
}

type knownUsersMsg struct{ users []source.User }

func (m *Model) openPicker(kind pickerKind) tea.Cmd {
	in := newInput()
	m.picker = &picker{kind: kind, input: in, selected: map[string]bool{}}
	m.picker.refresh(m)
	_, c := m.pickerStats()
	cmds := []tea.Cmd{m.picker.input.Focus(), m.countStep(c)}
	if kind == pickUsers {
		src, ctx := m.src, m.ctx
		cmds = append(cmds, func() tea.Msg {
			u, _ := src.Users(ctx)
			return knownUsersMsg{u}
		})
	}
	return tea.Batch(cmds...)
}

// facet is the query the picker counts under: the current one without its
// own kind of terms, like a faceted search.
func (p *picker) facet(q *query.Query) *query.Query {
	if p.kind == pickUsers {
		return q.Without(query.KeyUser)
	}
	return q.Without(query.KeyType, query.KeyCategory)
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
	p.items = p.items[:0]
	switch p.kind {
	case pickUsers:
		seen := map[string]bool{}
		add := func(login string) {
			if seen[login] {
				return
			}
			seen[login] = true
			it := pickItem{key: login, label: safe(login), count: st.Users[login]}
			switch info := activity.PseudoUser(login); {
			case info.Kind.Pseudo():
				it.mark = m.th.MarkPseudo
			case p.known != nil && !knownLogin(p.known, login):
				it.mark = m.th.MarkGone
			}
			p.items = append(p.items, it)
		}
		for login := range st.Users {
			add(login)
		}
		for _, u := range p.known {
			add(u.Login)
		}
		sort.SliceStable(p.items, func(i, j int) bool {
			a, b := p.items[i], p.items[j]
			if a.count.Count != b.count.Count {
				return a.count.Count > b.count.Count
			}
			return a.key < b.key
		})
	case pickTypes:
		byCat := map[string][]pickItem{}
		seen := map[string]bool{}
		add := func(typ string) {
			if seen[typ] {
				return
			}
			seen[typ] = true
			cat := activity.CategoryOther
			if spec, ok := activity.Lookup(typ); ok {
				cat = spec.Category
				typ = spec.Type
			}
			byCat[cat] = append(byCat[cat], pickItem{key: typ, label: safe(typ), count: st.Types[typ], cat: cat})
		}
		for _, spec := range activity.Specs() {
			add(spec.Type)
		}
		for typ := range st.Types {
			add(typ)
		}
		for _, cat := range activity.Categories() {
			list := byCat[cat]
			if len(list) == 0 {
				continue
			}
			var total source.Group
			for _, it := range list {
				total.Count += it.count.Count
				if it.count.Last.After(total.Last) {
					total.Last = it.count.Last
				}
			}
			sort.SliceStable(list, func(i, j int) bool { return list[i].key < list[j].key })
			p.items = append(p.items, pickItem{key: "cat:" + cat, label: "category " + cat, header: true, cat: cat, count: total})
			p.items = append(p.items, list...)
		}
	}
	p.filter()
}

func knownLogin(users []source.User, login string) bool {
	for _, u := range users {
		if u.Login == login {
			return true
		}
	}
	return false
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
			labels[i] = it.key
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
	p, k := m.picker, m.keys
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
// into a query term.
func (m *Model) applyPicker() tea.Cmd {
	p := m.picker
	keys := make([]string, 0, len(p.selected))
	for k := range p.selected {
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		if it := p.current(); it != nil {
			keys = append(keys, it.key)
		}
	}
	m.picker = nil
	if len(keys) == 0 {
		return nil
	}
	sort.Strings(keys)
	if p.kind == pickUsers {
		return m.setQuery(m.query.WithValues(query.KeyUser, keys, p.exclude))
	}
	var cats, types []string
	for _, k := range keys {
		if c, ok := strings.CutPrefix(k, "cat:"); ok {
			cats = append(cats, c)
		} else {
			types = append(types, k)
		}
	}
	switch {
	case len(types) == 0:
		return m.setQuery(m.query.WithValues(query.KeyCategory, cats, p.exclude))
	case len(cats) > 0:
		// A category and some types together mean "any of these": spell
		// the categories out as their types, since different keys AND.
		for _, it := range p.items {
			if !it.header && contains(cats, it.cat) {
				types = append(types, it.key)
			}
		}
	}
	return m.setQuery(m.query.WithValues(query.KeyType, types, p.exclude))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// pickerView draws the picker as a box over the body.
func (m *Model) pickerView(w, h int) []string {
	p, th := m.picker, m.th
	bw := min(w, max(60, w*3/4))
	inner := bw - 4
	title := "Users"
	if p.kind == pickTypes {
		title = "Types"
	}
	mode := "include"
	if p.exclude {
		mode = "exclude"
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
	var lines []string
	lines = append(lines, th.HelpTitle.Render(clip(title+" · "+mode+" · "+uitoa(uint64(len(p.selected)))+" selected", inner, th.Ellipsis)))
	lines = append(lines, th.HelpDesc.Render(clip(safe(status), inner, th.Ellipsis)))
	search := "search: " + p.input.Value()
	lines = append(lines, th.HelpKey.Render(clip(safe(search), inner-1, th.Ellipsis))+th.Cursor.Render(" "))
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
			cnt = numfmt.Thousands(it.count.Count) + " · last " + it.count.Last.In(m.loc).Format("2006-01-02 15:04")
		}
		left := fit(box+indent+clip(it.label, inner/2, th.Ellipsis)+it.mark, inner-width(cnt)-1, th.Ellipsis)
		line := left + " " + cnt
		switch {
		case i == p.cursor:
			line = th.Cursor.Render(fit(line, inner, ""))
		case it.header:
			line = th.HelpKey.Render(fit(line, inner, ""))
		default:
			line = th.HelpDesc.Render(fit(line, inner, ""))
		}
		lines = append(lines, line)
	}
	if len(p.shown) == 0 {
		lines = append(lines, th.Empty.Render(fit("nothing matches", inner, "")))
	}
	for len(lines) < 3+listH {
		lines = append(lines, strings.Repeat(" ", inner))
	}
	lines = append(lines, th.HelpDesc.Render(fit(m.help.ShortHelpView(m.keys.PickerHelp()), inner, th.Ellipsis)))
	box := th.HelpBox.Render(strings.Join(lines, "\n"))
	return placeBox(box, w, h)
}

func orAll(q string) string {
	if q == "" {
		return "all events"
	}
	return safe(q)
}
