// Package picker is the user picker (U) and the type picker (t): fuzzy
// search, each entry with its count under the current query and its latest
// event, several at once, to include or to exclude. It opens with the
// query's own terms of its kind selected, and applying replaces exactly
// those terms, so each count is what applying that entry shows.
//
// The counting itself stays with the root, which shares it with the status
// bar, the selection and the export dialog: the picker names the query it
// counts under (Facet) and the root sends it Stats as they grow.
package picker

import (
	"maps"
	"slices"
	"sort"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/ui/common"
)

// Kind is what a picker chooses.
type Kind uint8

const (
	// Users picks logins (user:).
	Users Kind = iota
	// Types picks event types and categories (type:, cat:).
	Types
)

// Stats are the counts under the picker's facet query, sent by the root
// whenever they change.
type Stats struct {
	Stats source.Stats
	// Done: the counts are final.
	Done bool
	// Err is why counting failed, "" when it did not.
	Err string
}

// Apply asks the root to close the picker and apply Query.
type Apply struct{ Query *query.Query }

// usersMsg carries the user table, read once the user picker opens.
type usersMsg struct{ users []source.User }

// Item is one entry of the list.
type Item struct {
	Key    string // selection key: "u:"/"t:" + fold, "c:" + category, "p:" + pattern
	Value  string // what goes into the query, in query syntax
	Label  string // as shown (already safe)
	Mark   string
	Note   string // other spellings, "invited, not accepted"
	Count  source.Group
	Header bool // a category, above its types
	Cat    string
}

// Model is one open picker.
type Model struct {
	c        *common.Common
	kind     Kind
	q        *query.Query // the query it opened over
	stats    Stats
	input    textinput.Model
	items    []Item
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
	w, h   int
}

// New is a picker of kind over q; the root sends it Stats next.
func New(c *common.Common, kind Kind, q *query.Query) *Model {
	if q == nil {
		q = &query.Query{}
	}
	m := &Model{c: c, kind: kind, q: q, input: c.NewInput(), selected: map[string]bool{}}
	m.preselect()
	m.refresh()
	return m
}

// Init focuses the search and, for the user picker, reads the user table
// so that gone and invited users are marked.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.input.Focus()}
	if m.kind == Users && m.c.Src != nil {
		src, ctx := m.c.Src, m.c.Ctx
		cmds = append(cmds, func() tea.Msg {
			u, _ := src.Users(ctx)
			return usersMsg{u}
		})
	}
	return tea.Batch(cmds...)
}

// Place: the picker takes the body.
func (m *Model) Place() common.Placement { return common.Screen }

// SetSize gives the picker the body's room.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// TakesText: letters go to the search.
func (m *Model) TakesText() bool { return true }

// ShortHelp: moving first, since the box itself shows the rest.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	return append([]key.Binding{k.ListUp, k.ListDown, k.ListPageUp, k.ListPageDown}, append(k.PickerHelp(), k.ForceQuit)...)
}

// FullHelp is the picker's keys.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.ListUp, k.ListDown, k.ListPageUp, k.ListPageDown}, append(k.PickerHelp(), k.ForceQuit)}
}

// Facet is the query the picker counts under: the one it opened over
// without the terms it replaces (all of its kind), like a faceted search.
func (m *Model) Facet() *query.Query { return m.q.Without(m.keys()...) }

// Update takes keys, pastes, the counts and the user table.
func (m *Model) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	switch msg := msg.(type) {
	case Stats:
		m.stats = msg
		m.refresh()
	case usersMsg:
		if m.kind == Users {
			m.known = msg.users
			m.refresh()
		}
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.PasteMsg:
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		m.filter()
		return nil, cmd
	}
	return nil, nil
}

// page is how far the page keys move.
const page = 10

func (m *Model) key(msg tea.KeyPressMsg) (tea.Msg, tea.Cmd) {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Back):
		return common.Close{}, nil
	case key.Matches(msg, k.Apply):
		return m.apply(), nil
	case key.Matches(msg, k.ExcludeTog):
		m.exclude = !m.exclude
		return nil, nil
	case key.Matches(msg, k.Select):
		if it := m.Current(); it != nil {
			m.selected[it.Key] = !m.selected[it.Key]
			if !m.selected[it.Key] {
				delete(m.selected, it.Key)
			}
			m.move(1)
		}
		return nil, nil
	}
	if mv, ok := k.ListNav().Match(msg, page, page); ok {
		m.moveTo(mv.From(m.cursor))
		return nil, nil
	}
	var cmd tea.Cmd
	before := m.input.Value()
	m.input, cmd = m.input.Update(msg)
	if m.input.Value() != before {
		m.cursor, m.offset = 0, 0
		m.filter()
	}
	return nil, cmd
}

func (m *Model) move(d int) { m.moveTo(m.cursor + d) }

func (m *Model) moveTo(pos int) {
	m.cursor = min(max(pos, 0), max(0, len(m.shown)-1))
}

// Current is the highlighted entry, nil when none is shown.
func (m *Model) Current() *Item {
	if len(m.shown) == 0 {
		return nil
	}
	return &m.items[m.shown[m.cursor]]
}

// Items are all entries, shown or not.
func (m *Model) Items() []Item { return slices.Clone(m.items) }

// Selected reports whether the entry of selection key k is selected.
func (m *Model) Selected(k string) bool { return m.selected[k] }

// SetSelection selects exactly keys, to include or to exclude.
func (m *Model) SetSelection(exclude bool, keys ...string) {
	clear(m.selected)
	for _, k := range keys {
		m.selected[k] = true
	}
	m.exclude = exclude
}

// SetSearch replaces the search text.
func (m *Model) SetSearch(s string) {
	m.input.SetValue(s)
	m.filter()
}

// keys are the query keys the picker edits.
func (m *Model) keys() []query.Key {
	if m.kind == Users {
		return []query.Key{query.KeyUser}
	}
	return []query.Key{query.KeyType, query.KeyCategory}
}

// apply turns the selection (or, with none, the highlighted entry) into
// the query's terms of the picker's kind, replacing the ones it opened
// with. Unchanged, it leaves the query as it is.
func (m *Model) apply() tea.Msg {
	if m.exclude == m.initialExclude && maps.Equal(m.selected, m.initial) && len(m.initial) > 0 {
		return common.Close{}
	}
	var chosen []Item
	for _, it := range m.items {
		if m.selected[it.Key] {
			chosen = append(chosen, it)
		}
	}
	if len(chosen) == 0 && len(m.selected) == 0 && len(m.initial) == 0 {
		if it := m.Current(); it != nil {
			chosen = append(chosen, *it)
		}
	}
	replace := func(k query.Key, items []Item) tea.Msg {
		return Apply{Query: m.q.Replace(m.keys(), m.exclude, k, values(items))}
	}
	if m.kind == Users {
		return replace(query.KeyUser, chosen)
	}
	var cats, types []Item
	for _, it := range chosen {
		if it.Header {
			cats = append(cats, it)
		} else {
			types = append(types, it)
		}
	}
	if len(types) == 0 {
		return replace(query.KeyCategory, cats)
	}
	// A category and some types together mean "any of these": spell the
	// categories out as their types, since different keys AND.
	for _, c := range cats {
		for _, it := range m.items {
			if !it.Header && it.Cat == c.Cat && !m.selected[it.Key] {
				types = append(types, it)
			}
		}
	}
	return replace(query.KeyType, types)
}

func values(items []Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Value
	}
	sort.Strings(out)
	return out
}
