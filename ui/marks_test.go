package ui

import (
	"strings"
	"testing"

	"matomo-audit/data/demo"
	"matomo-audit/data/marks"
	"matomo-audit/data/source"
	"matomo-audit/ui/markslist"
)

// TestMarksShared: m in one session marks the cursor event for every
// session sharing the set, which draws it with the mark; M lists what the
// session may see, with who marked it, and goes to it; m again unmarks.
func TestMarksShared(t *testing.T) {
	table := demo.FromRows(liveRows(1, 60, clock), nil)
	set := marks.New()
	alice := newRig(t, table, Options{Marks: set, MarkedBy: "alice", Follow: true})
	alice.run(alice.m.Init())
	root := newRig(t, table, Options{Marks: set, MarkedBy: "root", Follow: true})
	root.run(root.m.Init())
	bob := newRig(t, table, Options{Source: source.Restrict(table, "bob"), Marks: set, MarkedBy: "bob", Follow: true})
	bob.run(bob.m.Init())

	alice.press("k")               // 59, carol's
	root.press("k", "k", "k", "k") // 56, carol's; marked at the same time as alice's
	marked := make(chan struct{}, 2)
	for _, r := range []*liveRig{alice, root} {
		go func() {
			// Each session's m, from goroutines of their own: the set
			// takes both.
			cmd := r.m.toggleMark()
			marked <- struct{}{}
			_ = cmd()
			marked <- struct{}{}
		}()
	}
	for range 4 {
		<-marked
	}
	if got := set.IDs(); len(got) != 2 || got[0] != 56 || got[1] != 59 {
		t.Fatalf("marked %v, want 56 and 59", got)
	}
	alice.press("m")                // 59 again: unmarked
	alice.press("k", "k", "k", "k") // 55, bob's
	alice.press("m")
	if !strings.Contains(alice.statusLine(), "marked #55") {
		t.Errorf("m said %q", alice.statusLine())
	}
	if got := set.IDs(); len(got) != 2 || got[0] != 55 || got[1] != 56 {
		t.Fatalf("marked %v, want 55 and 56", got)
	}

	// Another session draws the marks as they are when it next draws.
	root.send(MarksChanged{})
	rows := plainView(root.m)
	if strings.Count(rows, "⚑") != 2 {
		t.Errorf("root's screen shows %d marks, want 2:\n%s", strings.Count(rows, "⚑"), rows)
	}

	// bob may see 55 only (his); M lists it with who marked it, never 56.
	bob.press("M")
	if _, ok := bob.m.top().(*markslist.Model); !ok {
		t.Fatal("M opened no list")
	}
	v := plainView(bob.m)
	if !strings.Contains(v, "#55") || !strings.Contains(v, "marked by alice") || strings.Contains(v, "#56") || strings.Contains(v, "root") {
		t.Fatalf("bob's marks:\n%s", v)
	}
	bob.press("enter")
	bob.wantCursor(55)
	if bob.m.fol.mode != followPaused {
		t.Error("going to a mark did not pause following")
	}
	if n := strings.Count(plainView(bob.m), "⚑"); n != 1 {
		t.Errorf("bob's timeline shows %d marks, want his 1", n)
	}
}
