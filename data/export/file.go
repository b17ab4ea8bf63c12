package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrExists is returned when the target exists and overwriting was not
// allowed.
var ErrExists = errors.New("file exists")

// File is an export being written: a temp file beside the target, renamed
// into place on Commit, removed on Abort. Readers never see a half-written
// export, and an aborted one leaves nothing behind.
type File struct {
	*os.File
	target string
	force  bool
	done   bool
}

// Create starts writing path. Unless force is set, an existing path is
// refused now (before any work) and again at Commit (in case it appeared
// meanwhile). The file is created 0600: audit logs hold e-mail addresses
// and IPs.
func Create(path string, force bool) (*File, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(abs); err == nil {
		if st.IsDir() {
			return nil, fmt.Errorf("%s is a folder: give a file name", path)
		}
		if !force {
			return nil, fmt.Errorf("%s: %w (use --force to overwrite)", path, ErrExists)
		}
	}
	f, err := os.CreateTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".*.tmp")
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &File{File: f, target: abs, force: force}, nil
}

// Path is where the export will end up.
func (f *File) Path() string { return f.target }

// Commit makes the export visible under its name.
func (f *File) Commit() error {
	if f.done {
		return errors.New("export file already finished")
	}
	f.done = true
	tmp := f.Name()
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if f.force {
		if err := os.Rename(tmp, f.target); err != nil {
			os.Remove(tmp)
			return err
		}
		return nil
	}
	// A hard link fails if the target exists, so a file that appeared
	// while we were writing is never clobbered.
	if err := os.Link(tmp, f.target); err != nil {
		os.Remove(tmp)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w (use --force to overwrite)", f.target, ErrExists)
		}
		return err
	}
	return os.Remove(tmp)
}

// Abort discards the export. Safe to call after Commit (it does nothing).
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
}
