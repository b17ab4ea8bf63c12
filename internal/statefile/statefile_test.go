package statefile

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSaveLoad(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir, err := Dir()
	if err != nil || filepath.Base(dir) != "matomo-audit" {
		t.Fatalf("Dir: %q %v", dir, err)
	}
	if _, ok, err := Load(dir, "k"); ok || err != nil {
		t.Fatalf("no file: ok %v, %v", ok, err)
	}
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	for _, id := range []uint64{7, 9} {
		if err := Save(dir, Mark{Key: "k", LastID: id, At: at}); err != nil {
			t.Fatal(err)
		}
		m, ok, err := Load(dir, "k")
		if !ok || err != nil || m.LastID != id || !m.At.Equal(at) {
			t.Fatalf("after saving %d: %+v %v %v", id, m, ok, err)
		}
	}
	// One file per key, 0600 in a 0700 folder, no temporary file left.
	if err := Save(dir, Mark{Key: "other\x00key", LastID: 1, At: at}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 || Path(dir, "k") == Path(dir, "other\x00key") {
		t.Errorf("files %v", entries)
	}
	for _, e := range entries {
		fi, _ := e.Info()
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v", e.Name(), fi.Mode())
		}
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("folder: %v", fi.Mode())
	}
	// What cannot be trusted reads as no mark.
	for _, bad := range []string{"", "{", `{"key":"x","last_id":3,"at":"2026-12-02T10:00:00Z"}`, `{"key":"k","last_id":0,"at":"2026-12-02T10:00:00Z"}`, `{"key":"k","last_id":3}`} {
		if err := os.WriteFile(Path(dir, "k"), []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if m, ok, err := Load(dir, "k"); ok || err != nil {
			t.Errorf("%q: %+v %v %v", bad, m, ok, err)
		}
	}
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "/home/someone")
	if dir, _ := Dir(); dir != "/home/someone/.local/state/matomo-audit" {
		t.Errorf("default: %q", dir)
	}
}
