//go:build unix

package marks

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

func supported(string) error { return nil }

// checkPerm refuses a file that others than its owner may read or write:
// the marks say what an incident team is looking at, and whoever can write
// the file can add or remove marks behind the server's back. Any bit for
// group or others is refused, as ssh refuses private keys. Ownership is
// not checked, as with the keys file: root or a deploy user may own it.
func checkPerm(path string, fi fs.FileInfo) error {
	if m := fi.Mode().Perm(); m&0o077 != 0 {
		return fmt.Errorf("marks file %s is open to others than its owner (mode %s): chmod 600 %s", path, m, path)
	}
	return nil
}

// lock takes the file's flock, released when the file is closed (also by
// a crash), so a server killed with -9 leaves no stale lock behind. The
// lock belongs to the open file, so a second Open in the same process is
// refused too.
func lock(f *os.File, path string) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return fmt.Errorf("marks file: %w", err)
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) {
		for {
			ferr = syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB)
			if ferr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return fmt.Errorf("marks file: %w", err)
	}
	if errors.Is(ferr, syscall.EWOULDBLOCK) {
		return fmt.Errorf("marks file %s is locked: another process holds it (another matomo-audit serve keeping its marks there?)", path)
	}
	if ferr != nil {
		return fmt.Errorf("marks file %s: lock: %w", path, ferr)
	}
	return nil
}

// syncDir makes a new file's name durable in its folder.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	// Some file systems cannot sync a folder; there is nothing more to do.
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return err
	}
	return nil
}
