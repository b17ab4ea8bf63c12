package activity_test

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"matomo-audit/data/activity"
)

// fixtureDir finds ../shared/fixtures from any package directory.
func fixtureDir(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		p := filepath.Join(dir, "shared", "fixtures")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		p = filepath.Join(dir, "..", "shared", "fixtures")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("shared/fixtures not found beside the repository")
	}
	t.Skip("SKIPPED: shared/fixtures not found beside the repository; clone it next to this repo")
	return ""
}

var insertRe = regexp.MustCompile(`^INSERT INTO ` + "`matomo_activity_log`" + ` \(id, user_login, type, parameters, ts_created, country, ip\) VALUES \((\d+), X'([0-9a-f]*)', X'([0-9a-f]*)', X'([0-9a-f]*)', '([^']*)', (NULL|X'[0-9a-f]*'), (NULL|X'[0-9a-f]*')\);$`)

// fixtureRows reads the rows of the SQL fixture the way the database would
// return them, without a database.
func fixtureRows(t *testing.T) []activity.Row {
	t.Helper()
	f, err := os.Open(filepath.Join(fixtureDir(t), "activity_log_sample.sql"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	unhex := func(s string) string {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var rows []activity.Row
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "INSERT INTO `matomo_activity_log`") {
			continue
		}
		m := insertRe.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("unparsed fixture line: %.120s", line)
		}
		id, _ := strconv.ParseUint(m[1], 10, 64)
		r := activity.Row{ID: id, Login: unhex(m[2]), Type: unhex(m[3]), Params: unhex(m[4]), Created: m[5]}
		if m[6] != "NULL" {
			r.Country, r.HasCountry = unhex(m[6][2:len(m[6])-1]), true
		}
		if m[7] != "NULL" {
			r.IP = []byte(unhex(m[7][2 : len(m[7])-1]))
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

type expected struct {
	ID         uint64          `json:"id"`
	Time       string          `json:"time"`
	User       string          `json:"user"`
	Type       string          `json:"type"`
	IP         *string         `json:"ip"`
	Country    *string         `json:"country"`
	ParamsOK   bool            `json:"parameters_ok"`
	Parameters json.RawMessage `json:"parameters"`
}

func expectedRows(t *testing.T) map[uint64]expected {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir(t), "activity_log_sample.expected.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint64]expected{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var e expected
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		out[e.ID] = e
	}
	return out
}

// TestFixtureFieldByField checks every row of PHP's own output against what
// PHP itself decoded from it.
func TestFixtureFieldByField(t *testing.T) {
	rows := fixtureRows(t)
	want := expectedRows(t)
	if len(rows) != 171 || len(want) != 171 {
		t.Fatalf("fixture has %d rows and %d expectations, want 171", len(rows), len(want))
	}
	for _, r := range rows {
		e := activity.FromRow(r)
		w := want[r.ID]
		if got := e.Time.Format("2006-01-02T15:04:05Z07:00"); got != w.Time {
			t.Errorf("id %d: time %s, want %s", r.ID, got, w.Time)
		}
		if e.Login != w.User || e.Type != w.Type {
			t.Errorf("id %d: user/type %q %q, want %q %q", r.ID, e.Login, e.Type, w.User, w.Type)
		}
		wantIP := ""
		if w.IP != nil {
			wantIP = *w.IP
		}
		if e.IPText() != wantIP {
			t.Errorf("id %d: ip %q, want %q", r.ID, e.IPText(), wantIP)
		}
		wantCountry := ""
		if w.Country != nil {
			wantCountry = strings.ToLower(*w.Country)
		}
		if e.Country != wantCountry {
			t.Errorf("id %d: country %q, want %q", r.ID, e.Country, wantCountry)
		}
		if e.ParamsOK() != w.ParamsOK {
			t.Errorf("id %d: parameters decoded=%v, PHP decoded=%v (%v)", r.ID, e.ParamsOK(), w.ParamsOK, e.ParamsErr)
		}
		if e.Description == "" || strings.Contains(e.Description, "%!") {
			t.Errorf("id %d: bad description %q", r.ID, e.Description)
		}
		if _, known := activity.Lookup(e.Type); !known {
			t.Errorf("id %d: fixture type %s is not in the catalog", r.ID, e.Type)
		}
		if testing.Verbose() {
			t.Logf("%3d %-8s %-10s %-18s %s", e.ID, e.Severity, e.Category, e.Login, e.Description)
		}
	}
}
