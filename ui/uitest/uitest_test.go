package uitest

import (
	"errors"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// recorder keeps every message it is sent; each "again" asks for one more.
type recorder struct {
	got []tea.Msg
}

type again struct{}

func (r *recorder) Init() tea.Cmd { return nil }

func (r *recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	r.got = append(r.got, msg)
	if _, ok := msg.(again); ok {
		return r, func() tea.Msg { return again{} }
	}
	return r, nil
}

func (r *recorder) View() tea.View { return tea.NewView("") }

func msgOf(m tea.Msg) tea.Cmd { return func() tea.Msg { return m } }

func TestDrain(t *testing.T) {
	r := &recorder{}
	a, b := tea.KeyPressMsg{Code: 'a', Text: "a"}, tea.KeyPressMsg{Code: 'b', Text: "b"}
	cmd := tea.Batch(msgOf(a), nil, tea.Quit, tea.RequestBackgroundColor, tea.Batch(msgOf(b)))
	if err := Drain(r, cmd); err != nil {
		t.Fatal(err)
	}
	// Batches opened, nil skipped, quit and the terminal query dropped.
	if len(r.got) != 2 || r.got[0] != a || r.got[1] != b {
		t.Fatalf("got %#v", r.got)
	}
}

func TestDrainNeverSettles(t *testing.T) {
	r := &recorder{}
	if err := Send(r, again{}); !errors.Is(err, ErrNeverSettle) || err.Error() != "commands never settle" {
		t.Fatalf("err %v", err)
	}
	r = &recorder{}
	if err := DrainUntil(r, msgOf(again{}), func() bool { return len(r.got) == 3 }); err != nil || len(r.got) != 3 {
		t.Fatalf("until: err %v after %d messages", err, len(r.got))
	}
}

func TestType(t *testing.T) {
	r := &recorder{}
	if err := Type(r, "a:é"); err != nil {
		t.Fatal(err)
	}
	want := []tea.Msg{tea.KeyPressMsg{Code: 'a', Text: "a"}, tea.KeyPressMsg{Code: ':', Text: ":"}, tea.KeyPressMsg{Code: 'é', Text: "é"}}
	if len(r.got) != len(want) {
		t.Fatalf("got %#v", r.got)
	}
	for i := range want {
		if r.got[i] != want[i] {
			t.Errorf("rune %d: %#v, want %#v", i, r.got[i], want[i])
		}
	}
}

func TestKey(t *testing.T) {
	for name, want := range map[string]tea.KeyPressMsg{
		"k":      {Code: 'k', Text: "k"},
		"G":      {Code: 'G', Text: "G"},
		"/":      {Code: '/', Text: "/"},
		"enter":  {Code: tea.KeyEnter},
		"esc":    {Code: tea.KeyEscape},
		"tab":    {Code: tea.KeyTab},
		"up":     {Code: tea.KeyUp},
		"down":   {Code: tea.KeyDown},
		"pgup":   {Code: tea.KeyPgUp},
		"pgdown": {Code: tea.KeyPgDown},
		"home":   {Code: tea.KeyHome},
		"end":    {Code: tea.KeyEnd},
		"space":  {Code: tea.KeySpace},
		"ctrl+x": {Code: 'x', Mod: tea.ModCtrl},
	} {
		if got := Key(name); got.Code != want.Code || got.Text != want.Text || got.Mod != want.Mod {
			t.Errorf("Key(%q) = %#v, want %#v", name, got, want)
		}
		if got := Key(name); got.String() != name {
			t.Errorf("Key(%q) reads as %q", name, got.String())
		}
	}
}
