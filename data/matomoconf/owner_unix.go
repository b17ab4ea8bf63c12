//go:build unix

package matomoconf

import (
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// ownerHint names the user to suggest for reading path: the owner of path
// or, when that cannot be looked at, of its nearest visible ancestor (the
// web server usually owns the whole Matomo tree). Root-owned files, or
// anything unknown, get the most common web server user.
func ownerHint(path string) string {
	for p := path; ; p = filepath.Dir(p) {
		if fi, err := os.Stat(p); err == nil {
			st, ok := fi.Sys().(*syscall.Stat_t)
			if !ok || st.Uid == 0 {
				break
			}
			if u, err := user.LookupId(strconv.FormatUint(uint64(st.Uid), 10)); err == nil {
				return u.Username
			}
			break
		}
		if p == filepath.Dir(p) {
			break
		}
	}
	return "www-data"
}
