package matomoconf

import (
	"fmt"
	"path/filepath"
)

const defaultPort = 3306

// defaultPrefix applies only when no file mentions tables_prefix at all.
// Matomo's global.ini.php ships "tables_prefix =" (empty) and the installer
// writes the chosen prefix into config.ini.php, so a config.ini.php without
// it really means the global value, usually "" - not "matomo_". Only with no
// global.ini.php either (a config copied away from its Matomo tree) is the
// installer's default the best guess.
const defaultPrefix = "matomo_"

// section holds the keys of one INI section that some layer sets.
type section map[string]string

var wantedKeys = []string{
	"host", "port", "unix_socket", "username", "password", "dbname",
	"tables_prefix", "charset", "enable_ssl", "ssl_ca", "ssl_cert",
	"ssl_key", "ssl_ca_path", "ssl_cipher", "ssl_no_verify",
}

func (ls layers) section(name string) (section, error) {
	sec := section{}
	for _, k := range wantedKeys {
		v, found, err := ls.value(name, k)
		if err != nil {
			return nil, err
		}
		if found {
			sec[k] = v
		}
	}
	return sec, nil
}

func resolve(ls layers, file string) (Settings, error) {
	if !ls.hasOwnSection("database") {
		return Settings{}, &ConfigError{Path: file, Msg: fmt.Sprintf(
			"%s has no [database] section: pass the config.ini.php of an installed Matomo, or --dsn", file)}
	}
	db, err := ls.section("database")
	if err != nil {
		return Settings{}, err
	}
	reader, err := ls.section("database_reader")
	if err != nil {
		return Settings{}, err
	}

	s := Settings{File: file, Section: "database", Charset: db["charset"]}
	if p, ok := db["tables_prefix"]; ok {
		s.Prefix = p
	} else {
		s.Prefix = defaultPrefix
	}

	// Matomo sends its read queries to [database_reader] when its host is
	// set; so do we, which keeps load off the primary. Like Matomo, the
	// reader gets its own address, socket and TLS settings but the primary's
	// prefix and charset. Unlike Matomo, missing credentials or dbname are
	// taken from [database] (Matomo would try empty ones and fail).
	use := db
	if reader["host"] != "" {
		use = reader
		s.Section = "database_reader"
		if use["username"] == "" {
			// A reader user with an empty password is legitimate, so the
			// password is inherited only together with the user.
			use["username"], use["password"] = db["username"], db["password"]
		}
		if use["dbname"] == "" {
			use["dbname"] = db["dbname"]
		}
	}

	ep, err := resolveEndpoint(use["host"], use["port"], use["unix_socket"])
	if err != nil {
		return Settings{}, &ConfigError{Path: file, Msg: fmt.Sprintf("%s: [%s] %v", file, s.Section, err)}
	}
	s.Host, s.Port, s.Socket = ep.host, ep.port, ep.socket
	s.User, s.Password, s.DBName = use["username"], use["password"], use["dbname"]

	root := filepath.Dir(filepath.Dir(file))
	s.SSL = SSL{
		Enabled:  truthy(use["enable_ssl"]),
		CA:       under(root, use["ssl_ca"]),
		Cert:     under(root, use["ssl_cert"]),
		Key:      under(root, use["ssl_key"]),
		CAPath:   under(root, use["ssl_ca_path"]),
		Cipher:   use["ssl_cipher"],
		NoVerify: truthy(use["ssl_no_verify"]),
	}

	for _, k := range []struct{ key, val string }{{"dbname", s.DBName}, {"username", s.User}} {
		if k.val == "" {
			return Settings{}, &ConfigError{Path: file, Msg: fmt.Sprintf(
				"%s: [%s] %s is empty or missing: set it there, or pass --dsn", file, s.Section, k.key)}
		}
	}
	return s, nil
}

// under resolves a relative SSL path against the Matomo folder, which is
// PHP's working directory when Matomo runs.
func under(root, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, p)
}
