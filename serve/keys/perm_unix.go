//go:build unix

package keys

import (
	"fmt"
	"os"
	"path/filepath"
)

// checkPerm refuses a keys file that someone other than its owner could
// change: with write access to the file, or to a folder it can be renamed
// over in, anyone can grant themselves access. A sticky folder (/tmp) is
// fine, as there only a file's owner may rename over it. This is the core
// of sshd's StrictModes; ownership is not checked, as root or a deploy
// user commonly owns the file the service reads.
func checkPerm(path string, fi os.FileInfo) error {
	if m := fi.Mode(); m.Perm()&0o022 != 0 {
		return fmt.Errorf("keys file %s is writable by group or others (mode %s), and whoever can write it can grant access: chmod go-w %s", path, m.Perm(), path)
	}
	// Both the folder named and, through a symlink, the folder the file
	// really is in: replacing either the link or the file grants access.
	dirs := []string{filepath.Dir(path)}
	if real, err := filepath.EvalSymlinks(path); err == nil && filepath.Dir(real) != dirs[0] {
		dirs = append(dirs, filepath.Dir(real))
	}
	for _, dir := range dirs {
		di, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("keys file folder: %w", err)
		}
		if m := di.Mode(); m.Perm()&0o022 != 0 && m&os.ModeSticky == 0 {
			return fmt.Errorf("keys file %s is in a folder writable by group or others (%s, mode %s), where anyone can replace it and grant access: chmod go-w %s", path, dir, m.Perm(), dir)
		}
	}
	return nil
}
