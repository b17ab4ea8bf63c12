// Package statedir says where matomo-audit keeps what it remembers
// between runs: a host key, marks, indexes; never the log's contents.
package statedir

import (
	"os"
	"path/filepath"
)

// Path is matomo-audit's folder in the state directory: $XDG_STATE_HOME,
// else ~/.local/state, as the XDG base directory rules have it.
func Path() (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "matomo-audit"), nil
}

// WriteFile puts data in dir/name whole or not at all: a temporary file
// beside it (0600), synced, then renamed over it, in dir made 0700 when
// missing; a run killed half way leaves the old file or the new one.
func WriteFile(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
