package cli

import (
	"regexp"
	"runtime/debug"
	"strings"
)

// version is set at build time with
// -ldflags "-X matomo-audit/internal/cli.version=v1.2.3"; without it,
// --version says what the Go toolchain recorded (see versionString).
var version string

// versionString says which build this is: the version given with
// -ldflags, else the module version (go install ...@v1.2.3), and the
// commit, its time and whether the tree had changes, as the Go toolchain
// records them for a build from a clone. A pseudo-version only repeats
// the commit, so the commit is shown instead.
func versionString(ldflags string, bi *debug.BuildInfo) string {
	v := ldflags
	var rev, when string
	modified := false
	if bi != nil {
		if m := bi.Main.Version; v == "" && m != "" && m != "(devel)" && !pseudoVersion.MatchString(m) {
			v = m
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	var details []string
	switch {
	case v != "" && rev != "":
		details = append(details, rev)
	case rev != "":
		v = rev
	case v == "":
		// `go run`, -buildvcs=false, or a git worktree (whose .git is a
		// file, which the go command does not look for): nothing to go by.
		return "matomo-audit (unknown version: the build recorded neither a module version nor a commit)"
	}
	if when != "" {
		details = append(details, when)
	}
	if modified {
		details = append(details, "modified")
	}
	if len(details) > 0 {
		v += " (" + strings.Join(details, ", ") + ")"
	}
	return "matomo-audit " + v
}

// pseudoVersion matches the end of a Go pseudo-version:
// v0.0.0-20261120100000-0123456789ab, possibly +dirty.
var pseudoVersion = regexp.MustCompile(`[.-]\d{14}-[0-9a-f]{12}(\+dirty)?$`)
