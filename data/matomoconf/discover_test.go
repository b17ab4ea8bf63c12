package matomoconf

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func setSearchPaths(t *testing.T, paths ...string) {
	t.Helper()
	old := SearchPaths
	SearchPaths = paths
	t.Cleanup(func() { SearchPaths = old })
}

func TestDiscoverWalksUp(t *testing.T) {
	setSearchPaths(t)
	root := installed(t, configIni("username = \"u\"\ndbname = \"d\""))
	nested := filepath.Join(root, "plugins", "ActivityLog", "vue", "src")
	if err := os.MkdirAll(nested, 0o755); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(root, "config", "config.ini.php")
	for _, cwd := range []string{root, filepath.Join(root, "config"), nested} {
		got, err := Discover(cwd)
		if err != nil || got != want {
			t.Errorf("Discover(%s) = %q, %v; want %s", cwd, got, err, want)
		}
	}
}

func TestDiscoverRelativeAndEmptyCwd(t *testing.T) {
	setSearchPaths(t)
	root := installed(t, configIni("username = \"u\"\ndbname = \"d\""))
	if err := os.MkdirAll(filepath.Join(root, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(root, "tmp"))
	want := filepath.Join(root, "config", "config.ini.php")
	for _, cwd := range []string{"", ".", ".."} {
		if got, err := Discover(cwd); err != nil || got != want {
			t.Errorf("Discover(%q) = %q, %v; want %s", cwd, got, err, want)
		}
	}
}

func TestDiscoverFallsBackToSearchPaths(t *testing.T) {
	base := t.TempDir()
	second := filepath.Join(base, "html")
	third := filepath.Join(base, "matomo")
	for _, d := range []string{second, third} {
		if err := os.MkdirAll(filepath.Join(d, "config"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "config", "config.ini.php"), []byte(configIni("")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A config/config.ini.php that is a folder is not a config.
	if err := os.MkdirAll(filepath.Join(base, "odd", "config", "config.ini.php"), 0o755); err != nil {
		t.Fatal(err)
	}
	setSearchPaths(t, filepath.Join(base, "missing"), filepath.Join(base, "odd"), second, third)

	got, err := Discover(t.TempDir())
	if want := filepath.Join(second, "config", "config.ini.php"); err != nil || got != want {
		t.Errorf("Discover = %q, %v; want %s", got, err, want)
	}
}

func TestDiscoverNothing(t *testing.T) {
	base := t.TempDir()
	setSearchPaths(t, "/nonexistent/matomo-a", "/nonexistent/matomo-b", "/nonexistent/matomo-a")
	cwd := filepath.Join(base, "a", "b")
	if err := os.MkdirAll(cwd, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Discover(cwd)
	want := "no Matomo config found: looked for config/config.ini.php in " + cwd +
		" and its parents, /nonexistent/matomo-a, /nonexistent/matomo-b: pass --matomo /path/to/matomo or --dsn"
	var ce *ConfigError
	if !errors.As(err, &ce) || err.Error() != want {
		t.Errorf("Discover error =\n%v\nwant\n%s", err, want)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error does not wrap fs.ErrNotExist")
	}
}

func TestDiscoverSkipsSearchPathsAlreadyWalked(t *testing.T) {
	base := t.TempDir()
	cwd := filepath.Join(base, "www", "html")
	if err := os.MkdirAll(cwd, 0o755); err != nil {
		t.Fatal(err)
	}
	setSearchPaths(t, filepath.Join(base, "www"), "/nonexistent/matomo")
	_, err := Discover(cwd)
	if err == nil || strings.Contains(err.Error(), filepath.Join(base, "www")+",") {
		t.Errorf("error lists a folder already covered by the walk: %v", err)
	}
}

func TestDiscoverUnreadableCountsAsFound(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can look into any folder")
	}
	root := installed(t, configIni("username = \"u\"\ndbname = \"d\""))
	dir := filepath.Join(root, "config")
	if err := os.Chmod(dir, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	setSearchPaths(t, root)

	got, err := Discover(t.TempDir())
	if want := filepath.Join(dir, "config.ini.php"); err != nil || got != want {
		t.Errorf("Discover = %q, %v; want %s", got, err, want)
	}
	_, err = Load(got)
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("Load after Discover: %v", err)
	}
}

func TestDiscoverThenLoad(t *testing.T) {
	noLocalSockets(t)
	setSearchPaths(t)
	root := installed(t, configIni("host = \"db\"\nusername = \"u\"\ndbname = \"d\"\ntables_prefix = \"piwik_\""))
	p, err := Discover(filepath.Join(root, "plugins"))
	if err != nil {
		t.Fatal(err)
	}
	if s := mustLoad(t, p); s.Prefix != "piwik_" || s.File != p {
		t.Errorf("got %#v", s)
	}
}
