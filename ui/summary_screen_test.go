package ui

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"matomo-audit/data/activity"
	"matomo-audit/data/demo"
	"matomo-audit/keymap"
	"matomo-audit/theme"
)

func TestSummaryScrollAndSizes(t *testing.T) {
	m := openSummary(t, 80, 24)
	press(t, m, "G")
	v := plainView(m)
	if !strings.Contains(v, "Top categories") || strings.Contains(v, "more lines") {
		t.Errorf("G did not reach the end:\n%s", v)
	}
	lines := strings.Split(v, "\n")
	if last := lines[len(lines)-4]; !strings.HasPrefix(last, ">") {
		t.Errorf("cursor not on the last line: %q", last)
	}
	press(t, m, "g")
	if !strings.Contains(plainView(m), "Privilege changes") {
		t.Error("g did not go back to the top")
	}
	for _, size := range [][2]int{{20, 5}, {40, 8}, {41, 9}, {50, 12}, {80, 24}, {160, 48}, {300, 10}} {
		send(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		for _, k := range []string{"pgdown", "j", "G", "k", "pgup"} {
			press(t, m, k)
			checkFrame(t, m, size[0], size[1])
		}
	}
}

func TestHeaderSparkline(t *testing.T) {
	m := newModel(t, demoSource(), theme.NoColor(), 120, 30)
	head := strings.Split(plainView(m), "\n")[0]
	if !strings.ContainsAny(head, "▁▂▃▄▅▆▇█") || !strings.Contains(head, "on screen") {
		t.Errorf("no sparkline in the header: %q", head)
	}
	press(t, m, "g")
	if again := strings.Split(plainView(m), "\n")[0]; again == head {
		t.Error("sparkline did not follow the view")
	}
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if head := strings.Split(plainView(m), "\n")[0]; strings.Contains(head, "on screen") {
		t.Errorf("sparkline at 80 columns: %q", head)
	}
}

// TestGoldenSummary pins the summary screen.
// Regenerate with: go test ./ui -run TestGoldenSummary -update
func TestGoldenSummary(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, th := range []theme.Theme{theme.Dark(), theme.NoColor()} {
			for _, s := range []struct {
				name string
				keys []string
			}{
				{"summary", []string{"s"}},
				{"scrolled", []string{"s", "pgdown", "j"}},
			} {
				t.Run(fmt.Sprintf("%s-%dx%d-%s", th.Name, size[0], size[1], s.name), func(t *testing.T) {
					m := newModel(t, demoSource(), th, size[0], size[1])
					press(t, m, s.keys...)
					golden.RequireEqual(t, view(m))
				})
			}
		}
	}
}

// TestSummaryBurstThresholds: --burst-min and --burst-within reach the
// summary screen and its heading.
func TestSummaryBurstThresholds(t *testing.T) {
	for _, c := range []struct {
		min    int
		within time.Duration
		want   string
		burst  bool
	}{
		{0, 0, "a burst is 5 or more within 10m", true},
		{31, 0, "a burst is 31 or more within 10m", false},
		{30, 0, "a burst is 30 or more within 10m", true},
		{5, 30 * time.Second, "a burst is 5 or more within 30s", false},
	} {
		m := New(Options{Source: demoSource(), Theme: theme.NoColor(), Now: fixedNow, BurstMin: c.min, BurstWithin: c.within})
		send(t, m, tea.WindowSizeMsg{Width: 160, Height: 48})
		drain(t, m, m.Init())
		press(t, m, "s")
		v := plainView(m)
		found := false
		for _, b := range sumOf(m).Report().Bursts {
			found = found || b.By == "ip" && b.Key == demo.IncidentIP
		}
		if !strings.Contains(v, c.want) || found != c.burst {
			t.Errorf("min %d within %v: incident burst listed %v, screen:\n%s", c.min, c.within, found, v)
		}
		m.Close()
	}
}

// TestSummaryHelp: ? over the summary lists the summary's own keys.
func TestSummaryHelp(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		m := openSummary(t, size[0], size[1])
		press(t, m, "?")
		v := plainView(m)
		for _, group := range keymap.Default().SummaryFullHelp() {
			for _, b := range group {
				if !strings.Contains(v, b.Help().Key+" ") || !strings.Contains(v, b.Help().Desc) {
					t.Errorf("%v: summary help lacks %q %q:\n%s", size, b.Help().Key, b.Help().Desc, v)
				}
			}
		}
		press(t, m, "esc")
		if sumOf(m) == nil || strings.Contains(plainView(m), "line down") {
			t.Errorf("%v: esc did not close just the help", size)
		}
	}
}

// Addresses on the summary screen are whole or absent, never cut: a burst
// key, an address among a login's, and a privilege change's.
func TestSummaryAddressesWhole(t *testing.T) {
	long := "2001:db8:85a3:1234:5678:8a2e:370:7334"
	ip := func(s string) []byte { return netip.MustParseAddr(s).AsSlice() }
	var rows []activity.Row
	for i := 0; i < 8; i++ {
		r := liveRow(uint64(i+1), "ActivityLog/UserSignInFailed", "root", clock.Add(-time.Hour+time.Duration(i)*time.Minute))
		r.IP = ip(long)
		rows = append(rows, r)
	}
	grant := liveRow(9, "ActivityLog/UserSetSuperUserAccess", "alice", clock.Add(-30*time.Minute))
	grant.Params = `a:2:{s:10:"has_access";b:1;s:5:"items";a:1:{i:0;a:2:{s:4:"type";s:4:"user";s:4:"data";a:2:{s:5:"login";s:7:"mallory";s:5:"email";s:0:"";}}}}`
	grant.IP = ip(long)
	rows = append(rows, grant)
	for _, w := range []int{80, 120, 160} {
		m := newModel(t, demo.FromRows(rows, nil), theme.NoColor(), w, 40)
		press(t, m, "s")
		v := plainView(m)
		var burst, login bool
		for _, l := range strings.Split(v, "\n") {
			if strings.Contains(l, "2001:db8:85a3") && !strings.Contains(l, long) {
				t.Errorf("width %d: a cut address: %q", w, l)
			}
			burst = burst || strings.Contains(l, " ip ") && strings.Contains(l, long)
			login = login || strings.Contains(l, " login ") && (strings.Contains(l, long) || strings.Contains(l, "from: 1 address"))
		}
		if !burst || !login && w >= 120 {
			t.Errorf("width %d: the bursts lack the address (ip %v, login %v):\n%s", w, burst, login, v)
		}
	}
}
