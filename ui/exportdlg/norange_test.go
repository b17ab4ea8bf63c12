package exportdlg

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"matomo-audit/keymap"
)

// TestNoRange: when the ids may not be shown, counting gives no
// percentage and writing an export of unknown size sweeps instead of
// filling a bar by the table's range.
func TestNoRange(t *testing.T) {
	r := newRig(t, keymap.Default(), Options{From: 10, To: 15})
	r.d.Update(Count{N: 2, Pct: 40, NoRange: true})
	r.wantView("≥2 selected events (id 10..15), counting…")

	r = newRig(t, keymap.Default(), Options{Whole: true})
	r.d.Update(Count{Lo: 1, Hi: 1000, NoRange: true})
	r.d.stage, r.d.prog, r.d.started = writing, &progress{}, time.Now().Add(-3*tick)
	r.d.prog.last.Store(500)
	if _, known := r.d.fraction(); known {
		t.Fatal("a fraction of the table's range while it may not be shown")
	}
	v := ansi.Strip(r.d.View())
	if strings.Contains(v, "%") || !strings.Contains(v, "█") {
		t.Fatalf("no sweeping bar, or a percentage:\n%s", v)
	}
	// Once the total is known, the bar is by count again.
	r.d.Update(Count{N: 1000, Done: true, NoRange: true})
	r.d.prog.n.Store(250)
	if v := ansi.Strip(r.d.View()); !strings.Contains(v, " 25%") {
		t.Fatalf("known total, no percentage:\n%s", v)
	}
}
