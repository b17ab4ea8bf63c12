// Package prompt is the one-line editor at the bottom of the screen: the
// query (/) or a time to jump to (T). What is typed is checked on every
// keystroke, so a mistake shows with its column before enter.
package prompt

import (
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/query"
	"matomo-audit/keymap"
	"matomo-audit/ui/cell"
	"matomo-audit/ui/common"
)

// Kind is what the prompt asks for.
type Kind uint8

const (
	// Query edits the query.
	Query Kind = iota
	// Time asks for a time to jump to.
	Time
)

// Intents handed to the root.
type (
	// Submitted: apply this query.
	Submitted struct{ Query *query.Query }
	// Cleared: the query is to be cleared.
	Cleared struct{}
	// JumpTo: move the cursor to the first event at or after At.
	JumpTo struct{ At time.Time }
)

// Model is one open prompt.
type Model struct {
	c       *common.Common
	kind    Kind
	input   textinput.Model
	history []string // queries applied this session, oldest first
	hist    int      // position in the history while browsing it
	draft   string
	errMsg  string
	errCol  int // 1-based column of the mistake, 0 when none
	w       int
}

// New opens a prompt; a query prompt starts with the query in force and
// browses history with ↑/↓.
func New(c *common.Common, kind Kind, current string, history []string) (*Model, tea.Cmd) {
	p := &Model{c: c, kind: kind, input: c.NewInput(), history: history, hist: len(history)}
	if kind == Query {
		p.input.SetValue(current)
	}
	p.input.CursorEnd()
	p.check()
	return p, p.input.Focus()
}

// Value is what is typed.
func (p *Model) Value() string { return p.input.Value() }

// Place: the prompt takes the status bar and hint lines.
func (p *Model) Place() common.Placement { return common.Bottom }

// TakesText: every key goes to the prompt.
func (p *Model) TakesText() bool { return true }

// SetSize gives the prompt its width.
func (p *Model) SetSize(w, _ int) { p.w = w }

// ShortHelp is the keys the prompt handles besides editing.
func (p *Model) ShortHelp() []key.Binding {
	k := p.c.Keys
	if p.kind == Time {
		return []key.Binding{keymap.Relabel(k.Apply, "go"), keymap.Relabel(k.Back, "cancel")}
	}
	hist := key.NewBinding(key.WithKeys(append(k.HistPrev.Keys(), k.HistNext.Keys()...)...),
		key.WithHelp(k.HistPrev.Help().Key+"/"+k.HistNext.Help().Key, "earlier queries"))
	return []key.Binding{k.Apply, keymap.Relabel(k.Back, "cancel"), hist,
		key.NewBinding(key.WithKeys(k.ClearQuery.Keys()...), key.WithHelp("empty or "+k.ClearQuery.Help().Key, "clear"))}
}

// FullHelp: the prompt's keys (? is typed into it, so help does not open
// over it).
func (p *Model) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// Update edits, browses history and submits.
func (p *Model) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		p.check()
		return nil, cmd
	case tea.KeyPressMsg:
		return p.key(msg)
	}
	return nil, nil
}

func (p *Model) key(msg tea.KeyPressMsg) (tea.Msg, tea.Cmd) {
	k := p.c.Keys
	switch {
	case key.Matches(msg, k.Back):
		return common.Close{}, nil
	case key.Matches(msg, k.ClearQuery) && p.kind == Query:
		return common.Batch{common.Close{}, Cleared{}}, nil
	case key.Matches(msg, k.Apply):
		if p.errMsg != "" {
			return nil, nil // the error is on screen; enter does nothing until it is fixed
		}
		v := strings.TrimSpace(p.input.Value())
		if p.kind == Time {
			if v == "" {
				return common.Close{}, nil
			}
			at, _ := query.ParseTime(v, p.c.Now(), p.c.Loc)
			return common.Batch{common.Close{}, JumpTo{At: at}}, nil
		}
		q, _ := query.Parse(v)
		return common.Batch{common.Close{}, Submitted{Query: q}}, nil
	case p.kind == Query && key.Matches(msg, k.HistPrev):
		if p.hist == len(p.history) {
			p.draft = p.input.Value()
		}
		if p.hist > 0 {
			p.hist--
			p.input.SetValue(p.history[p.hist])
			p.input.CursorEnd()
		}
		p.check()
		return nil, nil
	case p.kind == Query && key.Matches(msg, k.HistNext):
		if p.hist < len(p.history) {
			p.hist++
			if p.hist == len(p.history) {
				p.input.SetValue(p.draft)
			} else {
				p.input.SetValue(p.history[p.hist])
			}
			p.input.CursorEnd()
		}
		p.check()
		return nil, nil
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	p.check()
	return nil, cmd
}

// check validates what is typed so far.
func (p *Model) check() {
	p.errMsg, p.errCol = "", 0
	v := p.input.Value()
	switch p.kind {
	case Query:
		if _, err := query.Parse(v); err != nil {
			var qe *query.Error
			if errors.As(err, &qe) {
				p.errMsg, p.errCol = qe.Msg, qe.Col()
			} else {
				p.errMsg = err.Error()
			}
		}
	case Time:
		if strings.TrimSpace(v) == "" {
			return
		}
		if _, err := query.ParseTime(v, p.c.Now(), p.c.Loc); err != nil {
			p.errMsg = err.Error()
		}
	}
}

// View is two lines: the mistake or what the keys do, then the input.
func (p *Model) View() string { return p.status() + "\n" + p.line() }

// line renders the input with the mistake's character marked and the
// cursor shown; text scrolls sideways when it is wider than the line.
func (p *Model) line() string {
	th, w := &p.c.Theme, p.w
	label := "/ "
	if p.kind == Time {
		label = "jump to time: "
	}
	runes := []rune(p.input.Value())
	pos := p.input.Position()
	avail := max(1, w-cell.Width(label)-1)
	start := 0
	if pos >= avail {
		start = pos - avail + 1
	}
	var b strings.Builder
	b.WriteString(th.HintKey.Render(label))
	used := 0
	for i := start; i < len(runes) && used < avail; i++ {
		ch := cell.Safe(string(runes[i]))
		cw := cell.Width(ch)
		if used+cw > avail {
			break
		}
		switch {
		case i == pos:
			b.WriteString(th.Cursor.Render(ch))
		case p.errCol > 0 && i == p.errCol-1:
			b.WriteString(th.StatusErr.Render(ch))
		default:
			b.WriteString(ch)
		}
		used += cw
	}
	if pos >= len(runes) && used < avail {
		b.WriteString(th.Cursor.Render(" "))
	}
	return cell.PadRight(cell.ClipStyled(b.String(), w), w)
}

// status is the line above the input: the mistake, or what the keys do
// with an example.
func (p *Model) status() string {
	th, w := &p.c.Theme, p.w
	if p.errMsg != "" {
		msg := " " + p.errMsg
		if p.errCol > 0 {
			msg = " column " + cell.Itoa(uint64(p.errCol)) + ": " + p.errMsg
		}
		return th.StatusErr.Render(cell.Fit(msg, w, th.Ellipsis))
	}
	hint := " " + common.InlineHint(p.ShortHelp())
	if p.kind == Query {
		hint += ` · e.g. user:alice cat:security since:1h -user:"Matomo System"`
	} else {
		hint += " · e.g. 2026-11-20 10:00, -2h, yesterday, 10:00 · times in " + p.c.Zone()
	}
	return th.Status.Render(cell.Fit(hint, w, th.Ellipsis))
}
