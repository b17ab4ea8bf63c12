package ui

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/data/query"
	"matomo-audit/data/summary"
	"matomo-audit/theme"
	"matomo-audit/ui/summaryview"
)

func openSummary(t *testing.T, w, h int) *Model {
	t.Helper()
	m := newModel(t, demoSource(), theme.Dark(), w, h)
	press(t, m, "s")
	if s := sumOf(m); s == nil || s.Report() == nil || s.Running() {
		t.Fatalf("no finished summary after s: %+v", s)
	}
	return m
}

// sumOf is the summary screen open in m, nil when none is.
func sumOf(m *Model) *summaryview.Model {
	for _, l := range m.layers {
		if s, ok := l.(*summaryview.Model); ok {
			return s
		}
	}
	return nil
}

// burstIndex is the cursor position of the burst from ip among the
// selectable lines.
func burstIndex(t *testing.T, r *summary.Report, ip string) int {
	t.Helper()
	for i, b := range r.Bursts {
		if b.By == "ip" && b.Key == ip {
			// The selectable lines before it: privileges without a trail,
			// privilege changes, then sign-ins after failures.
			return len(r.Drift.Entries) + len(r.Privileges) + len(r.SignInsAfterFailures) + i
		}
	}
	t.Fatalf("no burst from %s in %+v", ip, r.Bursts)
	return 0
}

func TestSummaryShowsBurstAndSuperUserFirst(t *testing.T) {
	m := openSummary(t, 120, 40)
	r := sumOf(m).Report()
	if r.Window != "24h" {
		t.Errorf("window %q, want the default 24h", r.Window)
	}
	v := plainView(m)
	burst := ""
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, " ip ") && strings.Contains(l, demo.IncidentIP) {
			burst = l
		}
	}
	if !strings.Contains(burst, " 30 failed ") {
		t.Errorf("burst line %q, want %s with 30 failures\n%s", burst, demo.IncidentIP, v)
	}
	lines := strings.Split(v, "\n")
	if !strings.Contains(v, " Privileges without a trail · 1 unexplained") {
		t.Errorf("no privileges without a trail first:\n%s", v)
	}
	for i, l := range lines {
		if strings.Contains(l, "Privileges without a trail") {
			if first := lines[i+1]; !strings.HasPrefix(first, ">! ivan.k ") {
				t.Errorf("first line %q, want ivan.k's super-user access without a grant under the cursor", first)
			}
		}
		if strings.Contains(l, "Privilege changes") {
			if first := lines[i+1]; !strings.Contains(first, "granted super user access") {
				t.Errorf("first privilege line %q, want the super-user grant", first)
			}
			break
		}
	}
	if !strings.Contains(lines[1], "Summary · last 24h · all events") || !strings.Contains(lines[1], "[24h]") {
		t.Errorf("title %q", lines[1])
	}
	if !strings.Contains(v, "▲ peak ") {
		t.Errorf("no peak marked:\n%s", v)
	}
}

func TestSummaryEnterOnBurstShowsItsEvents(t *testing.T) {
	m := openSummary(t, 120, 40)
	r := sumOf(m).Report()
	i := burstIndex(t, r, demo.IncidentIP)
	for range i {
		press(t, m, "j")
	}
	press(t, m, "enter")
	if sumOf(m) != nil {
		t.Fatal("summary still open after enter")
	}
	if got, want := m.query.String(), r.Bursts[i-len(r.Drift.Entries)-len(r.Privileges)-len(r.SignInsAfterFailures)].Query; got != want {
		t.Errorf("query %q, want %q", got, want)
	}
	if !m.tl.atOldest || !m.tl.atNewest || len(m.tl.events) != 30 {
		t.Fatalf("timeline has %d events (complete %v), want exactly the burst's 30", len(m.tl.events), m.tl.atOldest && m.tl.atNewest)
	}
	for _, e := range m.tl.events {
		if e.IPText() != demo.IncidentIP || e.Type != "ActivityLog/UserSignInFailed" {
			t.Fatalf("event %d from %s of %s in the burst", e.ID, e.IPText(), e.Type)
		}
	}
	v := plainView(m)
	status := strings.Split(v, "\n")[len(strings.Split(v, "\n"))-2]
	if !strings.Contains(status, "type:ActivityLog/UserSignInFailed") || strings.Count(status, "ip:") != 1 {
		t.Errorf("chips for the burst's query: %q", status)
	}

	// Summarised again, the query's since: is the window, the numbers
	// are the same, and the burst's line is exactly the filter: its ip:
	// and type: are not added a second time.
	before := m.query.String()
	press(t, m, "s")
	again := sumOf(m).Report()
	if again.WindowSource != summary.FromQuery || again.Total != 30 || len(again.Bursts) == 0 || again.Bursts[0].Query != before {
		t.Fatalf("summary of the burst: %d events from the %s, bursts %+v; filter %q", again.Total, again.WindowSource, again.Bursts, before)
	}
	for range again.Drift.Entries { // the install's, whatever the query
		press(t, m, "j")
	}
	press(t, m, "enter") // no privilege changes: the cursor is on the burst
	if got := m.query.String(); got != before {
		t.Errorf("enter on the burst again: query %q, was %q", got, before)
	}
	if v := plainView(m); strings.Count(strings.Split(v, "\n")[len(strings.Split(v, "\n"))-2], "ip:") != 1 {
		t.Errorf("ip: twice after enter again:\n%s", v)
	}
}

// TestSummaryQueryWindow: a query's since: is the window s opens with,
// and [ and ] step from the span it is in force for.
func TestSummaryQueryWindow(t *testing.T) {
	m := New(Options{Source: demoSource(), Theme: theme.NoColor(), Now: fixedNow, Query: compile(t, "since:2d -user:bob")})
	t.Cleanup(m.Close)
	send(t, m, tea.WindowSizeMsg{Width: 160, Height: 40})
	drain(t, m, m.Init())
	press(t, m, "s")
	r := sumOf(m).Report()
	if r.WindowSource != summary.FromQuery || r.Window != "since:2d" || r.Query != "since:2d -user:bob" || !r.Since.Equal(clock.Add(-48*time.Hour)) {
		t.Fatalf("report over %q from the %s, query %q, since %v", r.Window, r.WindowSource, r.Query, r.Since)
	}
	title := strings.Split(plainView(m), "\n")[1]
	if !strings.Contains(title, "Summary · window from the query · since:2d -user:bob · ") || !strings.Contains(title, " 24h [2d] 7d ") {
		t.Errorf("title %q", title)
	}
	for _, step := range []struct{ key, want, query string }{
		{"]", "7d", "-user:bob"}, {"[", "24h", "-user:bob"}, {"esc", "", ""}, {"s", "since:2d", "since:2d -user:bob"}, {"[", "24h", "-user:bob"},
	} {
		press(t, m, step.key)
		if step.key == "esc" {
			continue
		}
		if r := sumOf(m).Report(); r.Window != step.want || r.Query != step.query {
			t.Fatalf("after %s: report over %q of %q, want %s of %q", step.key, r.Window, r.Query, step.want, step.query)
		}
		if title := strings.Split(plainView(m), "\n")[1]; step.want != "since:2d" && !strings.Contains(title, "["+step.want+"]") {
			t.Fatalf("after %s: %s not marked: %q", step.key, step.want, title)
		}
	}
	if m.query.String() != "since:2d -user:bob" {
		t.Errorf("the summary changed the timeline's query to %q", m.query.String())
	}

	// A query that starts 90 days back is between 30d and all.
	m2 := New(Options{Source: demoSource(), Theme: theme.NoColor(), Now: fixedNow, Query: compile(t, "since:90d")})
	t.Cleanup(m2.Close)
	send(t, m2, tea.WindowSizeMsg{Width: 160, Height: 40})
	drain(t, m2, m2.Init())
	press(t, m2, "s")
	if title := strings.Split(plainView(m2), "\n")[1]; !strings.Contains(title, " 30d [90d] all ") {
		t.Errorf("title %q", title)
	}
	press(t, m2, "]")
	if r := sumOf(m2).Report(); r.Window != "all" || r.Query != "" {
		t.Errorf("] from since:90d: %q of %q", r.Window, r.Query)
	}
}

// TestSummaryCopy: y puts the line's query on the clipboard, written with
// the escapes the screen shows, so a hostile login reads back as its
// bytes; --no-export refuses.
func TestSummaryCopy(t *testing.T) {
	const evil = "\x1b]52;c;ZXZpbA==\x07ev\u202eil\r\nroot"
	var rows []activity.Row
	for i := range 8 {
		rows = append(rows, activity.Row{ID: uint64(i + 1), Login: evil, Type: "ActivityLog/UserSignInFailed", Params: "a:0:{}",
			Created: clock.Add(-time.Hour + time.Duration(i)*time.Minute).Format(time.DateTime), IP: []byte{192, 0, 2, 7}})
	}
	for _, tmux := range []bool{false, true} {
		r := newRig(t, demo.FromRows(rows, nil), Options{InTmux: tmux})
		r.run(r.m.Init())
		r.press("s")
		rep := sumOf(r.m).Report()
		if len(rep.Bursts) != 2 {
			t.Fatalf("bursts %+v", rep.Bursts)
		}
		r.press("j") // the login's burst
		raw := r.clipboardWrites("y")
		seq := raw[0]
		if tmux {
			if !strings.Contains(seq, "\x1bPtmux;\x1b\x1b]52;c;") {
				t.Fatalf("in tmux y sent %q", raw)
			}
			seq = seq[:strings.Index(seq, "\x1bPtmux;")]
		}
		data, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(seq, "\x1b]52;c;"), "\a"))
		if len(raw) != 1 || err != nil || string(data) != rep.Bursts[1].Query || strings.ContainsAny(string(data), "\x1b\x07\r\n\u202e") {
			t.Fatalf("y sent %q: %q (%v), want %q", raw, data, err, rep.Bursts[1].Query)
		}
		q, err := query.Parse(string(data))
		if err != nil || !slices.ContainsFunc(q.Terms, func(t query.Term) bool {
			return t.Key == query.KeyUser && len(t.Values) == 1 && t.Values[0] == evil
		}) {
			t.Fatalf("the copied query %q does not read back as the login (%v)", data, err)
		}
		r.wantStatus("copied the line's query to the clipboard: ")
		// enter applies the same text.
		r.press("enter")
		if got := r.m.query.String(); got != string(data) || len(r.m.tl.events) != 8 {
			t.Errorf("enter applied %q (%d events), y copied %q", got, len(r.m.tl.events), data)
		}
	}

	r := newRig(t, demo.FromRows(rows, nil), Options{NoExport: true})
	r.run(r.m.Init())
	r.press("s")
	if raw := r.clipboardWrites("y"); len(raw) != 0 {
		t.Fatalf("--no-export: y sent %q", raw)
	}
	r.wantStatus("turned off here (--no-export")
	if v := plainView(r.m); !strings.Contains(v, "y copy query · [ ] window") {
		t.Errorf("the hint does not list y:\n%s", v)
	}
}

func TestSummaryEnterOnItemPutsCursorOnIt(t *testing.T) {
	m := openSummary(t, 120, 40)
	want := sumOf(m).Report().Privileges[0]
	for range sumOf(m).Report().Drift.Entries {
		press(t, m, "j")
	}
	press(t, m, "enter")
	if e := m.current(); e == nil || e.ID != want.ID {
		t.Fatalf("cursor on %v, want event %d", e, want.ID)
	}
}

func TestSummaryWindowKeys(t *testing.T) {
	m := openSummary(t, 120, 40)
	for _, step := range []struct{ key, want string }{
		{"]", "7d"}, {"]", "30d"}, {"]", "all"}, {"]", "all"}, {"[", "30d"}, {"[", "7d"}, {"[", "24h"}, {"[", "1h"}, {"[", "1h"},
	} {
		press(t, m, step.key)
		if sumOf(m).Report().Window != step.want || sumOf(m).Window().Name != step.want {
			t.Fatalf("after %s: report %q, window %q, want %s", step.key, sumOf(m).Report().Window, sumOf(m).Window().Name, step.want)
		}
		if !strings.Contains(plainView(m), "["+step.want+"]") {
			t.Fatalf("after %s: %s not marked:\n%s", step.key, step.want, plainView(m))
		}
	}
	press(t, m, "esc", "s")
	if sumOf(m).Report().Window != "1h" {
		t.Errorf("reopened with %q, want the last window chosen", sumOf(m).Report().Window)
	}
}

func TestSummaryEscCancels(t *testing.T) {
	m := newModel(t, demoSource(), theme.Dark(), 120, 40)
	_, cmd := m.Update(keyMsg("s"))
	if sumOf(m) == nil || !sumOf(m).Running() {
		t.Fatal("s did not start a summary")
	}
	if v := plainView(m); !strings.Contains(v, "summary 24h: finding the window") || !strings.Contains(v, "esc cancels") {
		t.Errorf("no progress while running:\n%s", v)
	}
	press(t, m, "j") // keys answer while it runs
	press(t, m, "esc")
	if sumOf(m) != nil {
		t.Fatal("esc left the summary open")
	}
	for _, msg := range run(cmd) {
		send(t, m, msg)
	}
	if sumOf(m) != nil || m.status.err != "" {
		t.Fatalf("cancelled run came back: %+v, error %q", sumOf(m), m.status.err)
	}

	// With a report on screen, esc stops the run and keeps the report.
	press(t, m, "s")
	_, cmd = m.Update(keyMsg("]"))
	if !sumOf(m).Running() || sumOf(m).Window().Name != "7d" {
		t.Fatal("] did not start the 7d run")
	}
	press(t, m, "esc")
	if sumOf(m) == nil || sumOf(m).Running() || sumOf(m).Window().Name != "24h" || sumOf(m).Report().Window != "24h" {
		t.Fatalf("esc while running: %+v", sumOf(m))
	}
	for _, msg := range run(cmd) {
		send(t, m, msg)
	}
	if sumOf(m).Report().Window != "24h" {
		t.Errorf("the cancelled 7d run replaced the report")
	}
	press(t, m, "esc")
	if sumOf(m) != nil {
		t.Error("second esc did not close the summary")
	}
}

func TestSummaryDropsStaleResult(t *testing.T) {
	m := openSummary(t, 120, 40)
	_, stale := m.Update(keyMsg("]"))
	// The 7d run finishes, its result held back until after the next.
	staleMsgs := run(stale)
	press(t, m, "]")
	if sumOf(m).Report().Window != "30d" {
		t.Fatalf("window %q, want 30d", sumOf(m).Report().Window)
	}
	for _, msg := range staleMsgs {
		send(t, m, msg)
	}
	if sumOf(m).Report().Window != "30d" || sumOf(m).Window().Name != "30d" || m.status.err != "" {
		t.Errorf("stale result taken: report %q, window %q, error %q", sumOf(m).Report().Window, sumOf(m).Window().Name, m.status.err)
	}

	// Nor is a run of an earlier opening taken by the next one.
	_, old := m.Update(keyMsg("]"))
	oldMsgs := run(old)
	press(t, m, "esc", "esc", "s")
	if r := sumOf(m).Report(); r == nil || r.Window != "30d" {
		t.Fatalf("reopened with %+v, want 30d", r)
	}
	for _, msg := range oldMsgs {
		send(t, m, msg)
	}
	if sumOf(m).Report().Window != "30d" || sumOf(m).Window().Name != "30d" || m.status.err != "" {
		t.Errorf("an earlier opening's result taken: report %q, window %q, error %q", sumOf(m).Report().Window, sumOf(m).Window().Name, m.status.err)
	}
}

func TestSummaryError(t *testing.T) {
	f := &flaky{Source: demoSource()}
	m := newModel(t, f, theme.Dark(), 100, 30)
	f.setDown(true)
	press(t, m, "s")
	if sumOf(m) != nil {
		t.Error("summary open without a report")
	}
	if v := plainView(m); !strings.Contains(v, "summary: ") || !strings.Contains(v, "connection refused") {
		t.Errorf("error not in the status bar:\n%s", v)
	}
}
