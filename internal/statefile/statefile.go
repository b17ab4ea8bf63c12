// Package statefile keeps `status --since-last`'s high-water mark: the
// newest event id the previous run saw, per database table and query, in
// a small file of the OS user's own state directory
// ($XDG_STATE_HOME/matomo-audit, else ~/.local/state/matomo-audit).
//
// The folder is made 0700 and each file written 0600, atomically (a
// temporary file beside it, fsynced, then renamed), so a run killed half
// way leaves the previous mark or the new one, never half of either. A
// file that is missing, unreadable as JSON or written for another key
// reads as no mark: the caller then behaves as on a first run, and its
// Save replaces the file.
package statefile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"matomo-audit/internal/statedir"
)

// Dir is the state folder: $XDG_STATE_HOME/matomo-audit, else
// ~/.local/state/matomo-audit.
func Dir() (string, error) {
	dir, err := statedir.Path()
	if err != nil {
		return "", fmt.Errorf("no home folder for the state of --since-last (set XDG_STATE_HOME): %v", err)
	}
	return dir, nil
}

// Mark is what one run leaves for the next.
type Mark struct {
	// Key says which table and query the mark is of; a file whose key
	// differs is not this mark.
	Key string `json:"key"`
	// LastID is the newest id of the table when the run began.
	LastID uint64 `json:"last_id"`
	// At is when the run was.
	At time.Time `json:"at"`
}

// Path is the file of key's mark in dir: named by a hash of the key, so
// a key can hold anything (a query, a socket path) and two keys never
// share a file.
func Path(dir, key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(dir, "status-"+hex.EncodeToString(sum[:12])+".json")
}

// Load reads key's mark from dir. ok is false when there is none to
// trust: no file, a file that does not parse, one of another key or one
// with no id. An error is only a file that exists and cannot be read.
func Load(dir, key string) (m Mark, ok bool, err error) {
	data, err := os.ReadFile(Path(dir, key))
	if errors.Is(err, os.ErrNotExist) {
		return Mark{}, false, nil
	}
	if err != nil {
		return Mark{}, false, fmt.Errorf("state of --since-last: %v", err)
	}
	if json.Unmarshal(data, &m) != nil || m.Key != key || m.LastID == 0 || m.At.IsZero() {
		return Mark{}, false, nil
	}
	return m, true, nil
}

// Save writes m (under m.Key) to dir, creating dir 0700 when missing.
func Save(dir string, m Mark) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := statedir.WriteFile(dir, filepath.Base(Path(dir, m.Key)), append(data, '\n')); err != nil {
		return fmt.Errorf("state of --since-last: %v", err)
	}
	return nil
}
