package matomoconf

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// realGlobalIni is Matomo's own config/global.ini.php, verbatim (Matomo 5.2,
// matomo-org/matomo commit 3f541c243512ecfd22ab57a927cd90fbc8c1eff3).
func realGlobalIni(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "global.ini.php"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "; <?php exit; ?> DO NOT REMOVE THIS LINE\n") {
		t.Fatal("testdata/global.ini.php is not Matomo's global.ini.php")
	}
	return string(data)
}

// TestReadsGlobalIniAsMatomo: every single-valued key of every section of
// the real global.ini.php reads as Matomo reads it (global.expected.json,
// from gen_matomo_configs.php), not only the database ones.
func TestReadsGlobalIniAsMatomo(t *testing.T) {
	stubEnv(t, nil)
	data, err := os.ReadFile(filepath.Join("testdata", "global.expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		PHP      string
		Sections map[string]map[string]struct{ Type, Value string }
	}
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatal(err)
	}
	root := tree(t, map[string]string{"config/global.ini.php": realGlobalIni(t)})
	ls, err := readLayers(filepath.Join(root, "config", "global.ini.php"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for section, keys := range e.Sections {
		for key, want := range keys {
			got, found, err := ls.value(section, key)
			if err != nil || !found || got != want.Value {
				t.Errorf("[%s] %s = %q (found %v, %v), PHP %s reads %q", section, key, got, found, err, e.PHP, want.Value)
			}
			n++
		}
	}
	if n < 250 {
		t.Errorf("only %d keys compared", n)
	}
}

// TestLoadWithRealGlobalIni: a config.ini.php as Matomo saves it holds only
// what differs from global.ini.php, which fills in the rest.
func TestLoadWithRealGlobalIni(t *testing.T) {
	noLocalSockets(t)
	global := realGlobalIni(t)
	sock := listenUnix(t, t.TempDir(), "my sock & é.sock")
	header := "; <?php exit; ?> DO NOT REMOVE THIS LINE\n" +
		"; file automatically generated or modified by Matomo; you can manually override the default values in global.ini.php by redefining them in this file.\n"
	const pw = `Tr0ub4dor$3&<é>"x`

	t.Run("tcp", func(t *testing.T) {
		root := tree(t, map[string]string{
			"config/global.ini.php": global,
			"config/config.ini.php": header + "[database]\n" + matomoWrites("host", "db.example.org") +
				matomoWrites("username", "mätomo") + matomoWrites("password", pw) + matomoWrites("dbname", "données") +
				"\n[General]\n" + matomoWrites("salt", "0123456789abcdef") + "\n",
		})
		s := mustLoad(t, root)
		want := Settings{
			Host: "db.example.org", Port: 3306, User: "mätomo", Password: pw, DBName: "données",
			Prefix: "", Charset: "utf8", File: filepath.Join(root, "config", "config.ini.php"), Section: "database",
		}
		if s != want {
			t.Errorf("got\n%#v\nwant\n%#v", s, want)
		}
	})

	t.Run("socket in port, reader", func(t *testing.T) {
		root := tree(t, map[string]string{
			"config/global.ini.php": global,
			"config/config.ini.php": header + "[database]\n" + matomoWrites("host", "") + matomoWrites("port", sock) +
				matomoWrites("username", "matomo") + matomoWrites("password", "primary") + matomoWrites("dbname", "matomo") +
				matomoWrites("tables_prefix", "m&a_") + matomoWrites("charset", "utf8mb4") +
				"\n[database_reader]\n" + matomoWrites("host", "replica&1") + matomoWrites("username", "reader") +
				matomoWrites("password", pw) + "\n",
		})
		s := mustLoad(t, root)
		if s.Section != "database_reader" || s.Host != "replica&1" || s.Port != 3306 || s.User != "reader" ||
			s.Password != pw || s.DBName != "matomo" || s.Prefix != "m&a_" || s.Charset != "utf8mb4" {
			t.Errorf("got %#v", s)
		}
		root = tree(t, map[string]string{
			"config/global.ini.php": global,
			"config/config.ini.php": header + "[database]\n" + matomoWrites("host", "") + matomoWrites("port", sock) +
				matomoWrites("username", "matomo") + matomoWrites("password", pw) + matomoWrites("dbname", "matomo") + "\n",
		})
		if s := mustLoad(t, root); s.Socket != sock || s.Host != "" || s.Password != pw {
			t.Errorf("got %#v", s)
		}
	})

	// Matomo decodes the defaults and common.config.ini.php like its own
	// config: neither has entities today, but a value that does must not
	// read differently here.
	t.Run("decoding in every layer", func(t *testing.T) {
		edited := strings.Replace(global, "\ntables_prefix =\n", "\ntables_prefix = \"m&amp;amp;a_\"\n", 1)
		if edited == global {
			t.Fatal("global.ini.php has no empty tables_prefix line any more")
		}
		root := tree(t, map[string]string{
			"config/global.ini.php":        edited,
			"config/common.config.ini.php": "[database]\n" + matomoWrites("charset", "utf8mb4&") + "\n",
			"config/config.ini.php": header + "[database]\n" + matomoWrites("host", "db") +
				matomoWrites("username", "u") + matomoWrites("dbname", "d") + "\n",
		})
		s := mustLoad(t, root)
		if s.Prefix != "m&a_" || s.Charset != "utf8mb4&" {
			t.Errorf("prefix %q, charset %q", s.Prefix, s.Charset)
		}
	})
}
