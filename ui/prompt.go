package ui

import (
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/query"
	"matomo-audit/ui/cell"
)

type promptKind uint8

const (
	promptQuery promptKind = iota
	promptTime
)

// prompt is the one-line editor at the bottom: the query (/) or a time to
// jump to (T). It is checked on every keystroke, so a mistake shows with
// its column before enter.
type prompt struct {
	kind   promptKind
	input  textinput.Model
	errMsg string
	errCol int // 1-based column of the mistake, 0 when none
	hist   int // position in the history while browsing it
	draft  string
}

// newInput is a text input used for its editing only: the UI draws the
// text and the cursor itself (marking mistakes), so nothing blinks.
func newInput() textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
	return in
}

func (m *Model) openPrompt(kind promptKind) tea.Cmd {
	in := newInput()
	p := &prompt{kind: kind, input: in, hist: len(m.history)}
	if kind == promptQuery {
		p.input.SetValue(m.query.String())
	}
	p.input.CursorEnd()
	m.prompt = p
	m.check()
	return p.input.Focus()
}

// check validates what is typed so far.
func (m *Model) check() {
	p := m.prompt
	p.errMsg, p.errCol = "", 0
	v := p.input.Value()
	switch p.kind {
	case promptQuery:
		if _, err := query.Parse(v); err != nil {
			var qe *query.Error
			if errors.As(err, &qe) {
				p.errMsg, p.errCol = qe.Msg, qe.Col()
			} else {
				p.errMsg = err.Error()
			}
		}
	case promptTime:
		if strings.TrimSpace(v) == "" {
			return
		}
		if _, err := query.ParseTime(v, m.c.Now(), m.c.Loc); err != nil {
			p.errMsg = err.Error()
		}
	}
}

func (m *Model) promptKey(msg tea.KeyPressMsg) tea.Cmd {
	p, k := m.prompt, m.c.Keys
	switch {
	case key.Matches(msg, k.Back):
		m.prompt = nil
		return nil
	case key.Matches(msg, k.ClearQuery) && p.kind == promptQuery:
		m.prompt = nil
		return m.setQuery(nil)
	case key.Matches(msg, k.Apply):
		if p.errMsg != "" {
			return nil // the error is on screen; enter does nothing until it is fixed
		}
		v := strings.TrimSpace(p.input.Value())
		m.prompt = nil
		if p.kind == promptTime {
			if v == "" {
				return nil
			}
			at, _ := query.ParseTime(v, m.c.Now(), m.c.Loc)
			m.pause()
			return m.jumpToTime(at)
		}
		q, _ := query.Parse(v)
		return m.setQuery(q)
	case p.kind == promptQuery && key.Matches(msg, k.HistPrev):
		if p.hist == len(m.history) {
			p.draft = p.input.Value()
		}
		if p.hist > 0 {
			p.hist--
			p.input.SetValue(m.history[p.hist])
			p.input.CursorEnd()
		}
		m.check()
		return nil
	case p.kind == promptQuery && key.Matches(msg, k.HistNext):
		if p.hist < len(m.history) {
			p.hist++
			if p.hist == len(m.history) {
				p.input.SetValue(p.draft)
			} else {
				p.input.SetValue(m.history[p.hist])
			}
			p.input.CursorEnd()
		}
		m.check()
		return nil
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	m.check()
	return cmd
}

type foundTimeMsg struct {
	at  time.Time
	id  uint64
	err error
}

// jumpToTime moves the cursor to the first event at or after at, keeping
// the filter: the id comes from a bisection on the primary key.
func (m *Model) jumpToTime(at time.Time) tea.Cmd {
	src, ctx := m.c.Src, m.c.Ctx
	m.tl.jumping = true
	return func() tea.Msg {
		id, err := src.FindTime(ctx, at)
		return foundTimeMsg{at: at, id: id, err: err}
	}
}

func (m *Model) applyFoundTime(msg foundTimeMsg) tea.Cmd {
	m.tl.jumping = false
	if msg.err != nil {
		m.status.err = msg.err.Error()
		return nil
	}
	if msg.id == 0 {
		// Everything is older than that: the newest is the closest.
		m.status.note = "no event at or after " + msg.at.In(m.c.Loc).Format("2006-01-02 15:04:05") + ": showing the newest"
		return m.loadJump(loadNewest)
	}
	m.status.note = ""
	return m.loadAround(msg.id, true)
}

// promptLine renders the input with the mistake's character marked and
// the cursor shown; text scrolls sideways when it is wider than the line.
func (m *Model) promptLine(w int) string {
	p, th := m.prompt, m.c.Theme
	label := "/ "
	if p.kind == promptTime {
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

// promptStatus is the line above the prompt: the mistake, or what the
// keys do.
func (m *Model) promptStatus(w int) string {
	p, th := m.prompt, m.c.Theme
	if p.errMsg != "" {
		msg := " " + p.errMsg
		if p.errCol > 0 {
			msg = " column " + cell.Itoa(uint64(p.errCol)) + ": " + p.errMsg
		}
		return th.StatusErr.Render(cell.Fit(msg, w, th.Ellipsis))
	}
	var hint string
	switch p.kind {
	case promptQuery:
		hint = " enter: apply · esc: cancel · ↑/↓: earlier queries · empty or ctrl+l: clear · e.g. user:alice cat:security since:1h -user:\"Matomo System\""
	default:
		hint = " enter: go · esc: cancel · e.g. 2026-11-20 10:00, -2h, yesterday, 10:00 · times in " + zoneName(m)
	}
	return th.Status.Render(cell.Fit(hint, w, th.Ellipsis))
}
