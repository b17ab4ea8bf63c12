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
