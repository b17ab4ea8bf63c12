//go:build unix

package keys

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadRefusesWritableByOthers(t *testing.T) {
	content := line(testKey(t, 1), `login="alice"`, "") + "\n"
	for _, mode := range []os.FileMode{0o620, 0o602, 0o666} {
		path := writeKeys(t, content)
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		if err == nil {
			t.Fatalf("mode %s accepted", mode)
		}
		if msg := err.Error(); !strings.Contains(msg, "writable by group or others") || !strings.Contains(msg, mode.String()) {
			t.Errorf("mode %s: %v", mode, err)
		}
	}
	// Readable by all is fine: the file names keys, which are public.
	path := writeKeys(t, content)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err != nil {
		t.Fatal(err)
	}
}

func TestLoadRefusesWritableFolder(t *testing.T) {
	path := writeKeys(t, line(testKey(t, 1), `login="alice"`, "")+"\n")
	dir := filepath.Dir(path)
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), "folder writable by group or others") || !strings.Contains(err.Error(), "-rwxrwxrwx") {
		t.Fatalf("0777 folder: %v", err)
	}
	// Sticky, as /tmp: only the file's owner may replace it.
	if err := os.Chmod(dir, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err != nil {
		t.Fatalf("sticky folder: %v", err)
	}

	// Through a symlink, the folder the file really is in counts too.
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "keys")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(link); err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("symlink into a 0777 folder: %v", err)
	}
}
