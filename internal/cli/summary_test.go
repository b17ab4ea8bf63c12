package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

type summaryJSON struct {
	Query        string    `json:"query"`
	Window       string    `json:"window"`
	WindowSource string    `json:"window_source"`
	BaseQuery    string    `json:"base_query"`
	Since        time.Time `json:"since"`
	Until        time.Time `json:"until"`
	Events       int       `json:"events"`
}

func summaryOf(t *testing.T, args ...string) summaryJSON {
	t.Helper()
	r := runBin(t, nil, append([]string{"summary", "--demo", "--format", "json"}, args...)...)
	var rep summaryJSON
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != 0 || r.stderr != "" {
		t.Fatalf("summary %v: exit %d, %v, stderr %q\n%s", args, r.code, err, r.stderr, r.stdout)
	}
	return rep
}

// TestSummaryWindow: the query's since:/until: are the window, --window
// takes any duration, and both together are refused.
func TestSummaryWindow(t *testing.T) {
	all := summaryOf(t, "-w", "all")
	// The demo spans the last 30 days.
	since := time.Now().UTC().AddDate(0, 0, -40).Format(time.DateOnly)
	r := summaryOf(t, "-q", "since:"+since)
	if r.Events != all.Events || r.Query != "since:"+since || r.Window != "since:"+since || r.WindowSource != "query" ||
		r.Since.Format(time.DateOnly) != since || !strings.Contains(r.BaseQuery, "since:"+since+"T00:00:00Z") {
		t.Errorf("since:%s: %+v, want all %d events", since, r, all.Events)
	}
	r = summaryOf(t, "-w", "48h", "-q", "user:alice")
	if r.Window != "48h" || r.WindowSource != "option" || r.Query != "user:alice" || r.Until.Sub(r.Since) != 48*time.Hour || r.Events == 0 {
		t.Errorf("-w 48h: %+v", r)
	}
	if r := summaryOf(t); r.Window != "24h" || r.WindowSource != "default" || r.Until.Sub(r.Since) != 24*time.Hour {
		t.Errorf("no window: %+v", r)
	}
	until := summaryOf(t, "-q", "until:"+since)
	if until.Events != 0 || until.WindowSource != "query" {
		t.Errorf("until:%s: %+v, want nothing before the demo", since, until)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-w", "48h", "-q", "since:1h"}, "--window 48h and since:1h in --query both set the window: use one"},
		{[]string{"--window", "24h", "-q", "user:bob until:2026-11-01"}, "--window 24h and until:2026-11-01 in --query both set the window: use one"},
		{[]string{"-w", "1.5h"}, `--window: unknown window "1.5h"`},
		{[]string{"-w", "0d"}, `--window: window "0d" is empty`},
	} {
		r := runBin(t, nil, append([]string{"summary", "--demo"}, c.args...)...)
		if r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and one line containing %q", c.args, r.code, r.stderr, c.want)
		}
	}
}
