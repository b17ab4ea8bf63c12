package ui

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/export"
	"matomo-audit/data/query"
	"matomo-audit/ui/cell"
)

// slowSource streams a few events and then waits, like a long export.
type slowSource struct {
	*demo.Source
	sent chan struct{}
}

func (s *slowSource) Stream(ctx context.Context, f *query.Filter, from, to uint64, fn func(*activity.Event) error) error {
	n := 0
	err := s.Source.Stream(ctx, f, from, to, func(e *activity.Event) error {
		if n++; n == 10 {
			close(s.sent)
			<-ctx.Done()
			return ctx.Err()
		}
		return fn(e)
	})
	return err
}

// slowExport starts an export of 300 events whose writer stops after nine
// and waits to be cancelled; done brings its result once it ends.
func slowExport(t *testing.T) (r *liveRig, dir string, done <-chan tea.Msg) {
	table := demo.FromRows(liveRows(1, 300, clock), nil)
	slow := &slowSource{Source: table, sent: make(chan struct{})}
	dir = t.TempDir()
	r = newRig(t, table, Options{Source: slow, Dir: dir})
	r.run(r.m.Init())
	r.press("e")
	_, cmd := r.m.Update(keyMsg("enter"))
	// Run the writer as the runtime would, in its own goroutine.
	var write tea.Cmd
	for _, c := range cmd().(tea.BatchMsg) {
		if c != nil {
			write = c
			break
		}
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- write() }()
	<-slow.sent
	return r, dir, ch
}

func TestExportProgressAndCancel(t *testing.T) {
	r, dir, done := slowExport(t)
	v := plainView(r.m)
	for _, want := range []string{"Writing ./matomo-activity-", "9 of 300 events", "esc: cancel"} {
		if !strings.Contains(v, want) {
			t.Fatalf("progress lacks %q:\n%s", want, v)
		}
	}
	// q asks first; another key keeps writing.
	if _, cmd := r.m.Update(keyMsg("q")); cmd != nil {
		t.Fatal("q quit in the middle of an export without asking")
	}
	if v := plainView(r.m); !strings.Contains(v, "Quit and drop this export? q or y: quit") {
		t.Fatalf("q while writing does not ask:\n%s", v)
	}
	r.press("x")
	if r.m.exportDialog() == nil || r.m.exportDialog().QuitAsked() || strings.Contains(plainView(r.m), "Quit and drop") {
		t.Fatal("another key does not keep writing")
	}
	r.press("esc")
	select {
	case msg := <-done:
		r.send(msg)
	case <-time.After(5 * time.Second):
		t.Fatal("esc did not stop the export")
	}
	r.wantStatus("export cancelled: no file written")
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

// q, then y, while an export is written quits and leaves no file.
func TestQuitDuringExport(t *testing.T) {
	r, dir, done := slowExport(t)
	r.m.Update(keyMsg("q"))
	_, cmd := r.m.Update(keyMsg("y"))
	if cmd == nil || fmt.Sprintf("%T", cmd()) != "tea.QuitMsg" {
		t.Fatal("y after q does not quit")
	}
	<-done
	r.m.Close()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

func TestNoExport(t *testing.T) {
	r, dir := exportRig(t, 50, Options{NoExport: true})
	for _, k := range []string{"e", "y", "Y"} {
		r.bells = 0
		r.press(k)
		if r.m.exportDialog() != nil {
			t.Fatalf("%s opened the dialog", k)
		}
		r.wantStatus("turned off here (--no-export")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("wrote %v", entries)
	}
}

// clipboardWrites runs a key and returns the OSC 52 payloads it sent.
func (r *liveRig) clipboardWrites(k string) []string {
	_, cmd := r.m.Update(keyMsg(k))
	var out []string
	for _, msg := range run(cmd) {
		switch msg := msg.(type) {
		case tea.RawMsg:
			out = append(out, msg.Msg.(string))
		case timerMsg:
			r.timers = append(r.timers, msg)
		}
	}
	return out
}

func TestCopy(t *testing.T) {
	rows := liveRows(1, 20, clock)
	rows[19].Params = `a:1:{s:4:"note";s:9:"` + "\x1b[31mred" + `";}`
	r := newRig(t, demo.FromRows(rows, nil), Options{})
	r.run(r.m.Init())
	raw := r.clipboardWrites("y")
	if len(raw) != 1 || !strings.HasPrefix(raw[0], "\x1b]52;c;") || !strings.HasSuffix(raw[0], "\a") {
		t.Fatalf("y sent %q", raw)
	}
	data, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(raw[0], "\x1b]52;c;"), "\a"))
	if err != nil || !bytes.Equal(data, export.Pretty(r.m.current())) {
		t.Fatalf("clipboard got %q (%v)", data, err)
	}
	if !json.Valid(data) || bytes.Contains(data, []byte{0x1b}) {
		t.Fatalf("not clean JSON: %q", data)
	}
	r.wantStatus("copied event #20 as JSON")

	raw = r.clipboardWrites("Y")
	data, _ = base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(raw[0], "\x1b]52;c;"), "\a"))
	// The whole line as the timeline reads it, with the time's zone.
	e := r.m.current()
	want := e.Time.Format("2006-01-02 15:04:05") + " UTC  " + cell.Safe(e.Login) + "  " + cell.Safe(e.Description)
	if ip := e.IPText(); ip != "" {
		want += "  " + ip
	}
	if e.Country != "" {
		want += "  " + e.Country
	}
	if string(data) != want || bytes.Contains(data, []byte{0x1b}) {
		t.Fatalf("Y copied %q, want %q", data, want)
	}
	if line := plainView(r.m); !strings.Contains(line, cell.Safe(e.Description)) || !strings.Contains(line, e.Time.Format("2006-01-02 15:04:05")) {
		t.Fatalf("the copied line is not the screen's:\n%s", line)
	}

	// Inside tmux: plain and wrapped for passthrough, ESC doubled.
	tm := newRig(t, demo.FromRows(rows, nil), Options{InTmux: true})
	tm.run(tm.m.Init())
	raw = tm.clipboardWrites("y")
	if len(raw) != 1 || !strings.Contains(raw[0], "\x1bPtmux;\x1b\x1b]52;c;") || !strings.HasSuffix(raw[0], "\a\x1b\\") {
		t.Fatalf("in tmux y sent %q", raw)
	}

	// Too big for a terminal clipboard: said, not sent.
	big := liveRows(1, 2, clock)
	big[1].Params = `a:1:{s:4:"blob";s:200000:"` + strings.Repeat("x", 200000) + `";}`
	b := newRig(t, demo.FromRows(big, nil), Options{})
	b.run(b.m.Init())
	if raw := b.clipboardWrites("y"); len(raw) != 0 {
		t.Fatal("sent an oversized clipboard write")
	}
	b.wantStatus("more than a terminal clipboard takes")
}
