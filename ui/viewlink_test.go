package ui

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/query"
	"matomo-audit/data/source"
	"matomo-audit/internal/shellword"
)

// TestOpenAt: --at opens the timeline paused on the event asked for, or
// on the nearest the query lets through (the first after it, else the
// last before it); events committed meanwhile are counted, not jumped to.
func TestOpenAt(t *testing.T) {
	for _, c := range []struct {
		q    string
		at   uint64
		want uint64
	}{
		{"", 20, 20},
		{"user:bob", 20, 22}, // 20 is carol's; bob's are 22, 25, ...
		{"user:bob", 9999, 40},
		{"user:alice", 1, 3},
	} {
		r := newRig(t, demo.FromRows(liveRows(1, 40, clock), nil), Options{Query: compile(t, c.q), At: c.at, Follow: true})
		r.run(r.m.Init())
		if got := r.cursorID(); got != c.want {
			t.Errorf("-q %q --at %d: cursor on %d, want %d", c.q, c.at, got, c.want)
		}
		if r.m.fol.mode != followPaused {
			t.Errorf("-q %q --at %d: follow mode %v, want paused", c.q, c.at, r.m.fol.mode)
		}
		r.commit(liveRow(41, "ActivityLog/UserSignedIn", "bob", clock))
		r.tick()
		if got := r.cursorID(); got != c.want {
			t.Errorf("-q %q --at %d: a new event moved the cursor to %d", c.q, c.at, got)
		}
	}
}

// TestCopyView: L copies the command line that opens this view, locally
// and over SSH, and a shell reads it back as the query and the cursor.
func TestCopyView(t *testing.T) {
	rows := liveRows(1, 40, clock)
	rows[20].Login = `o'brien "x"` // id 21
	q := `user:"o'brien \"x\"",bob since:2026-11-01`
	for _, c := range []struct {
		o      Options
		prefix string
	}{
		{Options{ViewCommand: "matomo-audit --demo"}, "matomo-audit --demo "},
		{Options{SSH: "ssh -p 2222 host"}, "ssh -t -p 2222 host -- "},
	} {
		o := c.o
		o.Query = compile(t, q)
		r := newRig(t, demo.FromRows(rows, nil), o)
		r.run(r.m.Init())
		r.press("k", "k")
		at := r.cursorID()
		got := r.clipboardWrites("L")
		if len(got) != 1 {
			t.Fatalf("L wrote %d clipboard sequences", len(got))
		}
		line := decodeOSC52(got[0])
		rest, ok := strings.CutPrefix(line, c.prefix)
		if !ok {
			t.Fatalf("L copied %q, want it to start with %q", line, c.prefix)
		}
		out, err := exec.Command("sh", "-c", `for a in `+rest+`; do printf '%s\0' "$a"; done`).Output()
		if err != nil {
			t.Fatal(err)
		}
		args := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		if c.o.SSH != "" {
			// One word for ssh, which the server splits.
			if args, err = shellword.Split(args[0]); err != nil {
				t.Fatal(err)
			}
		}
		if want := []string{"-q", compile(t, q).String(), "--at", itoa(int(at))}; !slices.Equal(args, want) {
			t.Errorf("%s\n  reads as %q, want %q", line, args, want)
		}
		if !strings.Contains(r.statusLine()+plainView(r.m), "copied") {
			t.Error("L said nothing")
		}
	}
	// An empty timeline: no --at, and no query when none is set.
	r := newRig(t, demo.FromRows([]activity.Row{}, nil), Options{})
	r.run(r.m.Init())
	if got := r.clipboardWrites("L"); len(got) != 1 || decodeOSC52(got[0]) != "matomo-audit" {
		t.Errorf("L on nothing copied %q", got)
	}
}

// TestOpenAtOutsideTheView: --at on an event a shared view does not show
// opens on the nearest one it does, never on the event asked for.
func TestOpenAtOutsideTheView(t *testing.T) {
	table := demo.FromRows(liveRows(1, 40, clock), nil)
	vq, err := query.Parse("user:bob")
	if err != nil {
		t.Fatal(err)
	}
	view := source.GuardView(table, query.Compile(vq, clock, time.UTC), "")
	view.SetAll()
	r := newRig(t, table, Options{Source: view, At: 21, Follow: true}) // 21 is alice's
	r.run(r.m.Init())
	r.wantCursor(22)
	for _, e := range r.m.tl.events {
		if e.Login != "bob" {
			t.Fatalf("the window holds %q's event #%d", e.Login, e.ID)
		}
	}
}
