package matomoconf

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// SearchPaths are the usual Matomo install folders, tried after the current
// directory and its parents. Tests override it.
var SearchPaths = []string{
	"/var/www/matomo",
	"/var/www/html",
	"/var/www/html/matomo",
	"/usr/share/matomo",
	"/var/www/piwik",
	"/var/www/html/piwik",
	"/srv/matomo",
	"/opt/matomo",
}

// Discover returns the first config/config.ini.php found in cwd, its
// parents, then SearchPaths. A file that exists but cannot even be looked at
// for lack of permission counts as found: it is most likely the one meant,
// and Load then explains how to read it.
func Discover(cwd string) (string, error) {
	if cwd == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", &ConfigError{Err: err, Msg: "cannot tell the current directory: pass --matomo /path/to/matomo or --dsn"}
		}
		cwd = wd
	}
	cwd, err := filepath.Abs(cwd)
	if err != nil {
		return "", &ConfigError{Path: cwd, Err: err, Msg: "cannot tell the current directory: pass --matomo /path/to/matomo or --dsn"}
	}

	seen := map[string]bool{}
	for dir := cwd; ; dir = filepath.Dir(dir) {
		seen[dir] = true
		if p, ok := candidate(dir); ok {
			return p, nil
		}
		if dir == filepath.Dir(dir) {
			break
		}
	}
	places := []string{cwd}
	if filepath.Dir(cwd) != cwd {
		places[0] = cwd + " and its parents"
	}
	for _, dir := range SearchPaths {
		dir = filepath.Clean(dir)
		if seen[dir] {
			continue
		}
		seen[dir] = true
		places = append(places, dir)
		if p, ok := candidate(dir); ok {
			return p, nil
		}
	}
	return "", &ConfigError{Path: cwd, Err: fs.ErrNotExist, Msg: "no Matomo config found: looked for config/config.ini.php in " +
		strings.Join(places, ", ") + ": pass --matomo /path/to/matomo or --dsn"}
}

func candidate(dir string) (string, bool) {
	p := filepath.Join(dir, "config", "config.ini.php")
	fi, err := os.Stat(p)
	if err == nil {
		return p, !fi.IsDir()
	}
	return p, errors.Is(err, fs.ErrPermission)
}
