package matomoconf

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

//go:generate php testdata/gen_matomo_configs.php testdata

// phpExpected is testdata/php-written/<writer>/expected.json: for each file
// gen_matomo_configs.php wrote, what Matomo reads from its [database] and
// [database_reader] sections.
type phpExpected struct {
	PHP    string
	Writer string
	Files  map[string]map[string]map[string]struct {
		Type    string // PHP's type after Matomo's reader: string, integer, boolean, NULL
		Value   string // as PHP turns it into a string
		Typed   any    // what was saved (for readers of the fixture)
		Encoded any    // what Matomo's encodeValues made of it
	}
}

func readPHPExpected(t *testing.T, writer string) (dir string, e phpExpected) {
	t.Helper()
	dir = filepath.Join("testdata", "php-written", writer)
	data, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatal(err)
	}
	if len(e.Files) < 10 {
		t.Fatalf("%s: only %d files", dir, len(e.Files))
	}
	return dir, e
}

// TestReadsWhatMatomoReads: every key of both sections of every file PHP
// wrote the way Matomo saves its config reads exactly as PHP reads it back
// the way Matomo does, through the same code Load uses.
func TestReadsWhatMatomoReads(t *testing.T) {
	stubEnv(t, nil) // the files' ${...} are encoded; none may reach the environment
	for _, writer := range []string{"matomo-4.13", "matomo-4.7"} {
		dir, e := readPHPExpected(t, writer)
		for name, sections := range e.Files {
			file, err := filepath.Abs(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			ls, err := readLayers(file)
			if err != nil {
				t.Fatalf("%s/%s: %v", writer, name, err)
			}
			for section, keys := range sections {
				for key, want := range keys {
					got, found, err := ls.value(section, key)
					if err != nil || !found || got != want.Value {
						t.Errorf("%s/%s [%s] %s = %q (found %v, %v), PHP %s reads %q",
							writer, name, section, key, got, found, err, e.PHP, want.Value)
					}
				}
			}
		}
	}
}

// TestLoadWhatMatomoReads: Load's settings come from those values, from
// [database_reader] as its host is set in every file.
func TestLoadWhatMatomoReads(t *testing.T) {
	noLocalSockets(t)
	stubEnv(t, nil)
	for _, writer := range []string{"matomo-4.13", "matomo-4.7"} {
		dir, e := readPHPExpected(t, writer)
		for name, sections := range e.Files {
			s, err := Load(filepath.Join(dir, name))
			if err != nil {
				t.Errorf("%s/%s: %v", writer, name, err)
				continue
			}
			db, reader := sections["database"], sections["database_reader"]
			if s.Section != "database_reader" || s.Password != reader["password"].Value ||
				s.User != reader["username"].Value || s.DBName != reader["dbname"].Value ||
				s.Prefix != db["tables_prefix"].Value || s.Charset != db["charset"].Value {
				t.Errorf("%s/%s: got %#v", writer, name, s)
			}
			if port := reader["port"].Value; strings.HasPrefix(port, "/") && s.Socket != port {
				t.Errorf("%s/%s: socket %q, want %q", writer, name, s.Socket, port)
			}
		}
	}
}

// TestMatomoEncodeIsPHPs keeps the tests' own encoder honest: it must write
// each value exactly as PHP did.
func TestMatomoEncodeIsPHPs(t *testing.T) {
	_, e := readPHPExpected(t, "matomo-4.13")
	n := 0
	for _, sections := range e.Files {
		for _, keys := range sections {
			for _, v := range keys {
				if typed, ok := v.Typed.(string); ok {
					if got := matomoEncode(typed); got != v.Encoded {
						t.Errorf("matomoEncode(%q) = %q, PHP %q", typed, got, v.Encoded)
					}
					n++
				}
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d strings compared", n)
	}
}

// matomoEncode is Matomo's IniFileChain::encodeValues for a string:
// htmlentities($v, ENT_COMPAT, 'UTF-8'), then "$" -> "&#36;". It expects
// valid UTF-8 (htmlentities would return "" otherwise).
func matomoEncode(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '$':
			b.WriteString("&#36;")
		case r == '\'': // ENT_COMPAT
			b.WriteRune(r)
		case html401Names[r] != "":
			b.WriteString("&" + html401Names[r] + ";")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// matomoWrites is a config.ini.php line as Matomo 4.13+ saves a string.
func matomoWrites(key, value string) string {
	return key + ` = "` + strings.ReplaceAll(matomoEncode(value), `"`, `\"`) + `"` + "\n"
}

// html401Names inverts html401Entities, which is one to one.
var html401Names = func() map[rune]string {
	m := make(map[rune]string, len(html401Entities))
	for name, r := range html401Entities {
		m[r] = name
	}
	return m
}()
