package phpser

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const (
	fixtureSQL      = "shared/fixtures/activity_log_sample.sql"
	fixtureExpected = "shared/fixtures/activity_log_sample.expected.ndjson"
)

type fixtureRow struct {
	id           int64
	params       string // raw PHP serialize() output
	parametersOK bool
	want         json.RawMessage // PHP's json_encode(unserialize(params))
}

// findFixture walks up from the test's directory: the shared fixtures live
// beside the module (../../../shared from here), not inside it.
func findFixture(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, fixtureSQL)); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	msg := "!!! FIXTURE NOT FOUND: " + fixtureSQL + " in no parent directory; the PHP ground-truth comparison DID NOT RUN !!!"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func loadFixture(t testing.TB) []fixtureRow {
	t.Helper()
	root := findFixture(t)
	sqlRows := readSQLRows(t, filepath.Join(root, fixtureSQL))

	f, err := os.Open(filepath.Join(root, fixtureExpected))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var rows []fixtureRow
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var exp struct {
			ID           int64           `json:"id"`
			ParametersOK bool            `json:"parameters_ok"`
			Parameters   json.RawMessage `json:"parameters"`
		}
		if err := json.Unmarshal(sc.Bytes(), &exp); err != nil {
			t.Fatalf("expected line %d: %v", len(rows)+1, err)
		}
		if len(rows) >= len(sqlRows) {
			t.Fatalf("expected file has more rows than the %d SQL rows", len(sqlRows))
		}
		r := sqlRows[len(rows)]
		if r.id != exp.ID {
			t.Fatalf("row %d: SQL id %d, expected id %d: files out of step", len(rows)+1, r.id, exp.ID)
		}
		r.parametersOK = exp.ParametersOK
		r.want = exp.Parameters
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(sqlRows) {
		t.Fatalf("%d expected rows for %d SQL rows", len(rows), len(sqlRows))
	}
	if len(rows) == 0 {
		t.Fatal("fixture holds no rows")
	}
	return rows
}

// readSQLRows extracts id and parameters from each activity-log INSERT.
func readSQLRows(t testing.TB, path string) []fixtureRow {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows []fixtureRow
	for n, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "INSERT INTO `matomo_activity_log`") {
			continue
		}
		i := strings.Index(line, "VALUES (")
		if i < 0 {
			t.Fatalf("line %d: no VALUES", n+1)
		}
		vals, err := sqlTuple(line[i+len("VALUES ("):])
		if err != nil || len(vals) < 4 {
			t.Fatalf("line %d: %v (%d values)", n+1, err, len(vals))
		}
		id, err := strconv.ParseInt(vals[0], 10, 64)
		if err != nil {
			t.Fatalf("line %d: id: %v", n+1, err)
		}
		rows = append(rows, fixtureRow{id: id, params: vals[3]})
	}
	return rows
}

// sqlTuple splits the values of one SQL tuple, decoding X'..' hex and
// '..' string literals; it stops at the closing parenthesis.
func sqlTuple(s string) ([]string, error) {
	var vals []string
	for i := 0; i < len(s); {
		switch {
		case s[i] == ' ' || s[i] == ',':
			i++
		case s[i] == ')':
			return vals, nil
		case strings.HasPrefix(s[i:], "X'") || strings.HasPrefix(s[i:], "x'"):
			end := strings.IndexByte(s[i+2:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated hex literal")
			}
			b, err := hex.DecodeString(s[i+2 : i+2+end])
			if err != nil {
				return nil, err
			}
			vals = append(vals, string(b))
			i += 2 + end + 1
		case s[i] == '\'':
			var sb strings.Builder
			j := i + 1
			for ; j < len(s); j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
					sb.WriteByte(s[j])
				} else if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						sb.WriteByte('\'')
						j++
						continue
					}
					break
				} else {
					sb.WriteByte(s[j])
				}
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string literal")
			}
			vals = append(vals, sb.String())
			i = j + 1
		default:
			j := i
			for j < len(s) && s[j] != ',' && s[j] != ')' {
				j++
			}
			vals = append(vals, strings.TrimSpace(s[i:j]))
			i = j
		}
	}
	return nil, fmt.Errorf("tuple not closed")
}

// TestFixture checks every row against PHP's own unserialize+json_encode,
// key order included, and that re-encoding reproduces PHP's bytes.
func TestFixture(t *testing.T) {
	rows := loadFixture(t)
	for _, r := range rows {
		v, err := DecodeString(r.params)
		if !r.parametersOK {
			if err == nil {
				t.Errorf("id %d: PHP could not decode %q but we did: %v", r.id, r.params, v)
			}
			continue
		}
		if err != nil {
			t.Errorf("id %d: %v\n%s", r.id, err, r.params)
			continue
		}
		got := AppendJSON(nil, v)
		if err := sameJSONTokens(got, r.want); err != nil {
			t.Errorf("id %d: JSON differs from PHP: %v\n got: %s\nwant: %s", r.id, err, got, r.want)
		}
		if enc := Encode(v); string(enc) != r.params {
			t.Errorf("id %d: re-encoding differs\n got: %s\nwant: %s", r.id, enc, r.params)
		}
	}
	t.Logf("%d fixture rows checked", len(rows))
}

// TestSameJSONTokensCanFail guards the comparator itself: a checker that
// always agrees would make TestFixture pass vacuously.
func TestSameJSONTokensCanFail(t *testing.T) {
	for _, c := range [][2]string{
		{`{"a":1,"b":2}`, `{"b":2,"a":1}`},
		{`[1,2]`, `{"0":1,"1":2}`},
		{`{"a":"1"}`, `{"a":1}`},
		{`{"a":1}`, `{"a":1,"b":2}`},
		{`[1.5]`, `[1]`},
	} {
		if sameJSONTokens([]byte(c[0]), []byte(c[1])) == nil {
			t.Errorf("%s and %s compared equal", c[0], c[1])
		}
	}
	if err := sameJSONTokens([]byte(`{"a":[1.0,true,null]}`), []byte(`{ "a": [1, true, null] }`)); err != nil {
		t.Errorf("equal documents compared different: %v", err)
	}
}
