package matomoconf

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"gopkg.in/ini.v1"
)

// iniOptions make ini.v1 a structure-only reader (sections, keys, comment
// lines, last duplicate wins, case-sensitive names as in PHP) and hand over
// each value raw, so that phpValue can decode it with PHP's rules:
//   - IgnoreInlineComment: ini.v1 would cut at "#" or ";" even inside a
//     quoted password; PHP cuts unquoted values at ";" only.
//   - PreserveSurroundedQuote: quoted and unquoted values differ in PHP
//     (escapes, "true" vs true), so the quotes must reach phpValue.
//     UnescapeValueDoubleQuotes is not used: it knows \" but not \\.
//   - IgnoreContinuation: PHP has no "\" line continuation; a Windows path
//     or password ending in "\" must not swallow the next line.
//   - SkipUnrecognizableLines: PHP accepts a bare name without "=", and the
//     later lines of a multi-line quoted value (valid PHP, which ini.v1 does
//     not join when reading values raw) must not make the file unreadable.
//   - KeyValueDelimiters "=": PHP knows no ":" delimiter.
var iniOptions = ini.LoadOptions{
	IgnoreInlineComment:     true,
	PreserveSurroundedQuote: true,
	IgnoreContinuation:      true,
	SkipUnrecognizableLines: true,
	KeyValueDelimiters:      "=",
}

// Load reads the Matomo config at path: a Matomo folder, its config/ folder,
// or the config.ini.php file itself.
func Load(path string) (Settings, error) {
	file, err := locate(path)
	if err != nil {
		return Settings{}, err
	}
	ls, err := readLayers(file)
	if err != nil {
		return Settings{}, err
	}
	return resolve(ls, file)
}

func locate(path string) (string, error) {
	if path == "" {
		return "", notFound(path, fs.ErrNotExist)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", statError(path, path, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", statError(path, abs, err)
	}
	if !fi.IsDir() {
		return abs, nil
	}
	for _, cand := range []string{
		filepath.Join(abs, "config", "config.ini.php"),
		filepath.Join(abs, "config.ini.php"),
	} {
		fi, err := os.Stat(cand)
		if err == nil && !fi.IsDir() {
			return cand, nil
		}
		if errors.Is(err, fs.ErrPermission) {
			return "", unreadable(cand, err)
		}
	}
	return "", notFound(path, fs.ErrNotExist)
}

func statError(path, abs string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return notFound(path, err)
	case errors.Is(err, fs.ErrPermission):
		return unreadable(abs, err)
	}
	return &ConfigError{Path: abs, Err: err, Msg: fmt.Sprintf("cannot read Matomo config: %v", err)}
}

func notFound(path string, err error) error {
	return &ConfigError{Path: path, Err: err, Msg: fmt.Sprintf(
		"no Matomo config at %q: pass the Matomo folder (containing config/config.ini.php) or the config.ini.php file", path)}
}

func unreadable(path string, err error) error {
	return &ConfigError{Path: path, Err: err, Msg: fmt.Sprintf(
		"cannot read %q: permission denied (Matomo's config is usually readable by the web server only): run as a user who can read it, e.g. sudo -u %s matomo-audit ..., or pass --dsn",
		path, ownerHint(path))}
}

// layer is one parsed file of Matomo's config chain.
type layer struct {
	path     string
	ini      *ini.File
	defaults bool // global.ini.php: Matomo's shipped defaults
}

// layers are ordered highest priority first: config.ini.php,
// common.config.ini.php, global.ini.php, as Matomo merges them key by key.
type layers []layer

func readLayers(file string) (layers, error) {
	dir := filepath.Dir(file)
	var ls layers
	for i, p := range []string{file, filepath.Join(dir, "common.config.ini.php"), filepath.Join(dir, "global.ini.php")} {
		if i > 0 && p == file {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			if i > 0 && errors.Is(err, fs.ErrNotExist) {
				continue // both lower layers are optional
			}
			return nil, statError(p, p, err)
		}
		f, err := ini.LoadSources(iniOptions, data)
		if err != nil {
			return nil, malformed(p, data)
		}
		ls = append(ls, layer{path: p, ini: f, defaults: i == 2})
	}
	return ls, nil
}

// malformed never quotes ini.v1's error: it contains the offending line,
// which may be the password line.
func malformed(path string, data []byte) error {
	msg := fmt.Sprintf("%s is not a valid INI file", path)
	if n := unclosedSectionLine(data); n > 0 {
		msg = fmt.Sprintf("%s:%d: section header has no closing \"]\"", path, n)
	}
	return &ConfigError{Path: path, Msg: msg + ": fix the file, or pass --dsn"}
}

// unclosedSectionLine finds the one structural error ini.v1 still reports
// with iniOptions, since ini.v1 gives no line numbers.
func unclosedSectionLine(data []byte) int {
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] == '[' && !bytes.Contains(line, []byte("]")) {
			return i + 1
		}
	}
	return 0
}

// value returns key of section from the highest layer that sets it, even to
// "", read as Matomo reads it: PHP's INI rules, then Matomo's entity
// decoding, in every layer alike.
func (ls layers) value(section, key string) (v string, found bool, err error) {
	for _, l := range ls {
		sec, err := l.ini.GetSection(section)
		if err != nil {
			continue
		}
		k, err := sec.GetKey(key)
		if err != nil {
			continue
		}
		// Value, not String: String expands ini.v1's own %(name)s syntax.
		v, err := phpValue(k.Value())
		if err != nil {
			return "", true, &ConfigError{Path: l.path, Err: err,
				Msg: fmt.Sprintf("%s: [%s] %s: %v", l.path, section, key, err)}
		}
		return matomoDecode(v), true, nil
	}
	return "", false, nil
}

// hasOwnSection tells whether a file above global.ini.php has the section:
// global.ini.php alone always has an empty [database].
func (ls layers) hasOwnSection(section string) bool {
	for _, l := range ls {
		if _, err := l.ini.GetSection(section); err == nil && !l.defaults {
			return true
		}
	}
	return false
}
