// Package matomoconf finds Matomo's config/config.ini.php and turns its
// [database] (or [database_reader]) section into connection settings,
// reading the file the way Matomo itself does so that matomo-audit connects
// exactly where Matomo does.
package matomoconf

import (
	"fmt"
	"net"
	"strconv"
)

// Settings is what matomo-audit needs to connect. Password must never appear
// in String() or any error.
type Settings struct {
	Host     string // "" when a socket is used
	Port     int    // 0 when a socket is used
	Socket   string // unix socket path, "" for TCP
	User     string
	Password string
	DBName   string
	Prefix   string // tables_prefix, e.g. "matomo_" or "piwik_"
	Charset  string // "" when no file sets it
	SSL      SSL
	File     string // config file actually read (absolute path)
	Section  string // "database" or "database_reader"
}

// SSL mirrors Matomo's enable_ssl and ssl_* keys. Relative paths are already
// resolved against the Matomo folder.
type SSL struct {
	Enabled  bool
	CA       string // ssl_ca: CA file or bundle
	Cert     string // ssl_cert: client certificate
	Key      string // ssl_key: client key
	CAPath   string // ssl_ca_path: folder of CA files
	Cipher   string // ssl_cipher: OpenSSL names; not applied, see MySQL
	NoVerify bool   // ssl_no_verify
}

// String describes the connection without the password, e.g.
// `matomo@127.0.0.1:3306/matomo (prefix "matomo_", from /var/www/matomo/config/config.ini.php [database])`.
func (s Settings) String() string {
	tls := ""
	if s.SSL.Enabled {
		tls = ", TLS"
	}
	return fmt.Sprintf("%s@%s/%s (prefix %q%s, from %s [%s])",
		s.User, s.address(), s.DBName, s.Prefix, tls, s.File, s.Section)
}

// GoString keeps %#v, the one fmt verb that bypasses String, from printing
// the password.
func (s Settings) GoString() string {
	type settings Settings // no methods, so %#v below does not recurse
	if s.Password != "" {
		s.Password = "******"
	}
	return fmt.Sprintf("%#v", settings(s))
}

func (s Settings) address() string {
	if s.Socket != "" {
		return "unix(" + s.Socket + ")"
	}
	port := s.Port
	if port == 0 {
		port = defaultPort
	}
	return net.JoinHostPort(s.Host, strconv.Itoa(port))
}

// ConfigError is every error this package returns: the config could not be
// found, read or understood. Callers map it to exit code 2.
type ConfigError struct {
	Path string // file or folder concerned, "" if none
	Msg  string // one line naming the fix; never contains the password
	Err  error  // underlying cause if any (fs.ErrNotExist, fs.ErrPermission, ...)
}

func (e *ConfigError) Error() string { return e.Msg }
func (e *ConfigError) Unwrap() error { return e.Err }
