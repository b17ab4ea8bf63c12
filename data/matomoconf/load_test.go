package matomoconf

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustLoad(t *testing.T, path string) Settings {
	t.Helper()
	s, err := Load(path)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	return s
}

func TestLoadInstallerConfig(t *testing.T) {
	noLocalSockets(t)
	root := installed(t, configIni(`host = "127.0.0.1"
username = "matomo"
password = `+matomoQuote(testPassword)+`
dbname = "matomo"
tables_prefix = "matomo_"
charset = "utf8mb4"
`))
	file := filepath.Join(root, "config", "config.ini.php")
	want := Settings{
		Host: "127.0.0.1", Port: 3306, User: "matomo", Password: testPassword,
		DBName: "matomo", Prefix: "matomo_", Charset: "utf8mb4",
		File: file, Section: "database",
	}
	// All three ways of naming the config must read the same file.
	for _, p := range []string{root, filepath.Join(root, "config"), file} {
		if got := mustLoad(t, p); got != want {
			t.Errorf("Load(%s) =\n%#v\nwant\n%#v", p, got, want)
		}
	}
	wantStr := `matomo@127.0.0.1:3306/matomo (prefix "matomo_", from ` + file + ` [database])`
	if got := want.String(); got != wantStr {
		t.Errorf("String() = %s, want %s", got, wantStr)
	}
}

func TestLoadRelativePath(t *testing.T) {
	noLocalSockets(t)
	root := installed(t, configIni(`host = "db"
username = "u"
dbname = "d"`))
	t.Chdir(root)
	s := mustLoad(t, ".")
	if s.File != filepath.Join(root, "config", "config.ini.php") {
		t.Errorf("File = %q, want an absolute path", s.File)
	}
}

func TestLoadPasswordsExactly(t *testing.T) {
	noLocalSockets(t)
	for _, pw := range []string{
		testPassword, `"`, `\`, `a\`, ` spaced `, `;`, `#`, `=`, `x = y ; z`, `"quoted"`, `%(dbname)s`, `ünïcødé`,
	} {
		root := installed(t, configIni("host = \"db\"\nusername = \"u\"\npassword = "+matomoQuote(pw)+"\ndbname = \"d\"\n"))
		if got := mustLoad(t, root).Password; got != pw {
			t.Errorf("password %q read as %q", pw, got)
		}
	}
}

func TestLoadUnquotedValues(t *testing.T) {
	noLocalSockets(t)
	root := installed(t, configIni(`host = db.internal
port = 3307
username = matomo ; the account Matomo uses
password = s3cr3t#1
dbname = matomo
adapter = MYSQLI
tables_prefix = piwik_
`))
	s := mustLoad(t, root)
	if s.Host != "db.internal" || s.Port != 3307 || s.User != "matomo" || s.Password != "s3cr3t#1" ||
		s.DBName != "matomo" || s.Prefix != "piwik_" {
		t.Errorf("got %#v", s)
	}
	if s.Charset != "utf8" {
		t.Errorf("Charset = %q, want utf8 from global.ini.php", s.Charset)
	}
}

func TestLoadSocketInPort(t *testing.T) {
	noLocalSockets(t)
	root := installed(t, configIni(`host = ""
username = "matomo"
password = "x"
dbname = "matomo"
tables_prefix = "piwik_"
port = "/path/to/mysqld.sock"
`))
	s := mustLoad(t, root)
	if s.Socket != "/path/to/mysqld.sock" || s.Host != "" || s.Port != 0 || s.Prefix != "piwik_" {
		t.Errorf("got %#v", s)
	}
	if got := s.String(); !strings.HasPrefix(got, `matomo@unix(/path/to/mysqld.sock)/matomo (prefix "piwik_"`) {
		t.Errorf("String() = %s", got)
	}
}

func TestLoadExplicitUnixSocketWins(t *testing.T) {
	noLocalSockets(t)
	root := installed(t, configIni(`host = "db.internal"
port = "/from/port.sock"
unix_socket = "/var/run/mysqld/mysqld.sock"
username = "u"
dbname = "d"
`))
	s := mustLoad(t, root)
	if s.Socket != "/var/run/mysqld/mysqld.sock" || s.Host != "" {
		t.Errorf("got %#v", s)
	}
}

func TestLoadHostForms(t *testing.T) {
	noLocalSockets(t)
	cases := []struct {
		host, port string
		wantHost   string
		wantPort   int
		wantSocket string
		wantAddr   string
	}{
		{`"::1"`, "", "::1", 3306, "", "[::1]:3306"},
		{`"[::1]"`, "3307", "::1", 3307, "", "[::1]:3307"},
		{`"[2001:db8::5]:3308"`, "3306", "2001:db8::5", 3308, "", "[2001:db8::5]:3308"},
		{`"db.internal:3309"`, "", "db.internal", 3309, "", "db.internal:3309"},
		{`"db.internal:3309"`, "3306", "db.internal", 3309, "", "db.internal:3309"},
		{`"db.internal:3309"`, "3309", "db.internal", 3309, "", "db.internal:3309"},
		{`"10.0.0.7"`, `"3310"`, "10.0.0.7", 3310, "", "10.0.0.7:3310"},
		{`"localhost:/run/db.sock"`, "", "", 0, "/run/db.sock", "unix(/run/db.sock)"},
		{`"localhost"`, "3307", "127.0.0.1", 3307, "", "127.0.0.1:3307"}, // no local socket here
		{`""`, "", "127.0.0.1", 3306, "", "127.0.0.1:3306"},
	}
	for _, c := range cases {
		db := "username = \"u\"\ndbname = \"d\"\nhost = " + c.host + "\n"
		if c.port != "" {
			db += "port = " + c.port + "\n"
		}
		s := mustLoad(t, installed(t, configIni(db)))
		if s.Host != c.wantHost || s.Port != c.wantPort || s.Socket != c.wantSocket || s.address() != c.wantAddr {
			t.Errorf("host %s port %s: got host %q port %d socket %q addr %s", c.host, c.port, s.Host, s.Port, s.Socket, s.address())
		}
	}
}

func TestLoadBadEndpoints(t *testing.T) {
	noLocalSockets(t)
	for _, c := range []struct{ db, want string }{
		{"host = \"db:3307\"\nport = 3310", `host "db:3307" and port 3310 name different ports`},
		{"host = \"db:abc\"", `host "db:abc" ends in an invalid port`},
		{"host = \"db\"\nport = abc", `port "abc" is neither a port number nor a socket path`},
		{"host = \"db\"\nport = 70000", `port "70000"`},
	} {
		root := installed(t, configIni("username = \"u\"\npassword = "+matomoQuote(testPassword)+"\ndbname = \"d\"\n"+c.db+"\n"))
		_, err := Load(root)
		checkConfigError(t, err, c.want)
	}
}

func TestLoadLocalhostUsesLocalSocket(t *testing.T) {
	dir := t.TempDir()
	sock := listenUnix(t, dir, "mysqld.sock")
	regular := filepath.Join(dir, "not-a-socket")
	if err := os.WriteFile(regular, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	old := LocalSockets
	LocalSockets = []string{filepath.Join(dir, "missing.sock"), regular, sock}
	t.Cleanup(func() { LocalSockets = old })

	for _, host := range []string{`"localhost"`, `"LOCALHOST"`, `""`} {
		s := mustLoad(t, installed(t, configIni("host = "+host+"\nport = 3307\nusername = \"u\"\ndbname = \"d\"\n")))
		if s.Socket != sock || s.Host != "" || s.Port != 0 {
			t.Errorf("host %s: got %#v, want socket %s", host, s, sock)
		}
	}
	s := mustLoad(t, installed(t, configIni("host = \"127.0.0.1\"\nusername = \"u\"\ndbname = \"d\"\n")))
	if s.Socket != "" || s.Host != "127.0.0.1" {
		t.Errorf("127.0.0.1 must stay TCP as in PHP, got %#v", s)
	}
}

func TestLoadPrefixLayering(t *testing.T) {
	noLocalSockets(t)
	const creds = "host = \"db\"\nusername = \"u\"\ndbname = \"d\"\n"
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"config wins", map[string]string{
			"config/global.ini.php":        globalIni,
			"config/common.config.ini.php": "[database]\ntables_prefix = \"common_\"\n",
			"config/config.ini.php":        configIni(creds + "tables_prefix = \"piwik_\""),
		}, "piwik_"},
		{"common when config has none", map[string]string{
			"config/global.ini.php":        globalIni,
			"config/common.config.ini.php": "[database]\ntables_prefix = \"common_\"\n",
			"config/config.ini.php":        configIni(creds),
		}, "common_"},
		{"global's empty prefix is a real value", map[string]string{
			"config/global.ini.php": globalIni,
			"config/config.ini.php": configIni(creds),
		}, ""},
		{"explicitly empty in config", map[string]string{
			"config/config.ini.php": configIni(creds + "tables_prefix = \"\""),
		}, ""},
		{"nothing mentions it", map[string]string{
			"config/config.ini.php": configIni(creds),
		}, "matomo_"},
	}
	for _, c := range cases {
		if got := mustLoad(t, tree(t, c.files)).Prefix; got != c.want {
			t.Errorf("%s: prefix %q, want %q", c.name, got, c.want)
		}
	}
}

func TestLoadCommonLayer(t *testing.T) {
	noLocalSockets(t)
	root := tree(t, map[string]string{
		"config/global.ini.php":        globalIni,
		"config/common.config.ini.php": "; <?php exit; ?> DO NOT REMOVE THIS LINE\n[database]\nhost = \"shared-db\"\nport = 3310\nusername = \"common\"\n",
		"config/config.ini.php":        configIni("username = \"matomo\"\ndbname = \"matomo\""),
	})
	s := mustLoad(t, root)
	if s.Host != "shared-db" || s.Port != 3310 || s.User != "matomo" || s.DBName != "matomo" {
		t.Errorf("got %#v", s)
	}
}

func TestLoadWithoutGlobal(t *testing.T) {
	noLocalSockets(t)
	root := tree(t, map[string]string{"config/config.ini.php": configIni("username = \"u\"\ndbname = \"d\"")})
	s := mustLoad(t, root)
	if s.Host != "127.0.0.1" || s.Port != 3306 || s.Charset != "" || s.Prefix != "matomo_" {
		t.Errorf("got %#v", s)
	}
}

func TestLoadReader(t *testing.T) {
	noLocalSockets(t)
	root := installed(t, configIni(`host = "primary"
username = "matomo"
password = `+matomoQuote(testPassword)+`
dbname = "matomo"
tables_prefix = "matomo_"
charset = "utf8mb4"
enable_ssl = 1

[database_reader]
host = "replica"
port = 3307
`))
	s := mustLoad(t, root)
	want := Settings{
		Host: "replica", Port: 3307, User: "matomo", Password: testPassword, DBName: "matomo",
		Prefix: "matomo_", Charset: "utf8mb4", File: s.File, Section: "database_reader",
	}
	// SSL stays off: like Matomo, the reader only uses its own ssl keys.
	if s != want {
		t.Errorf("got\n%#v\nwant\n%#v", s, want)
	}
	if !strings.Contains(s.String(), "[database_reader]") {
		t.Errorf("String() = %s", s)
	}
}

func TestLoadReaderOwnAccount(t *testing.T) {
	noLocalSockets(t)
	root := installed(t, configIni(`host = "primary"
username = "matomo"
password = "primary-secret"
dbname = "matomo"
tables_prefix = "piwik_"

[database_reader]
host = "replica"
username = "reader"
password = ""
dbname = "matomo_replica"
tables_prefix = "ignored_"
enable_ssl = 1
ssl_no_verify = 1
`))
	s := mustLoad(t, root)
	if s.User != "reader" || s.Password != "" || s.DBName != "matomo_replica" || s.Prefix != "piwik_" ||
		!s.SSL.Enabled || !s.SSL.NoVerify || s.Section != "database_reader" {
		t.Errorf("got %#v", s)
	}
}

func TestLoadReaderWithoutHostIsIgnored(t *testing.T) {
	noLocalSockets(t)
	root := installed(t, configIni("host = \"primary\"\nusername = \"u\"\ndbname = \"d\"\n\n[database_reader]\nusername = \"r\"\n"))
	if s := mustLoad(t, root); s.Section != "database" || s.Host != "primary" || s.User != "u" {
		t.Errorf("got %#v", s)
	}
}

func TestLoadSSL(t *testing.T) {
	noLocalSockets(t)
	root := installed(t, configIni(`host = "db"
username = "u"
dbname = "d"
enable_ssl = 1
ssl_ca = "/etc/mysql/ca.pem"
ssl_cert = "config/client-cert.pem"
ssl_key = "config/client-key.pem"
ssl_ca_path = "/etc/ssl/certs"
ssl_cipher = "ECDHE-RSA-AES256-GCM-SHA384"
ssl_no_verify = 0
`))
	got := mustLoad(t, root).SSL
	want := SSL{
		Enabled: true, CA: "/etc/mysql/ca.pem",
		Cert:   filepath.Join(root, "config", "client-cert.pem"),
		Key:    filepath.Join(root, "config", "client-key.pem"),
		CAPath: "/etc/ssl/certs", Cipher: "ECDHE-RSA-AES256-GCM-SHA384",
	}
	if got != want {
		t.Errorf("got %#v\nwant %#v", got, want)
	}
}

func TestLoadSSLFlags(t *testing.T) {
	noLocalSockets(t)
	for v, want := range map[string]bool{
		"1": true, "true": true, "On": true, "yes": true, `"1"`: true,
		"0": false, "false": false, "off": false, "no": false, "none": false, `""`: false, "": false,
	} {
		root := installed(t, configIni("host = \"db\"\nusername = \"u\"\ndbname = \"d\"\nenable_ssl = "+v+"\nssl_no_verify = "+v+"\n"))
		s := mustLoad(t, root)
		if s.SSL.Enabled != want || s.SSL.NoVerify != want {
			t.Errorf("enable_ssl = %s: got %v/%v, want %v", v, s.SSL.Enabled, s.SSL.NoVerify, want)
		}
	}
}

func TestLoadEnvironmentReferences(t *testing.T) {
	noLocalSockets(t)
	db := "host = ${MATOMO_DATABASE_HOST}\nusername = \"${MATOMO_DATABASE_USERNAME}\"\npassword = ${MATOMO_DATABASE_PASSWORD}\ndbname = matomo\n"
	stubEnv(t, map[string]string{
		"MATOMO_DATABASE_HOST": "mariadb", "MATOMO_DATABASE_USERNAME": "matomo", "MATOMO_DATABASE_PASSWORD": "hunter2",
	})
	s := mustLoad(t, installed(t, configIni(db)))
	if s.Host != "mariadb" || s.User != "matomo" || s.Password != "hunter2" {
		t.Errorf("got %#v", s)
	}

	stubEnv(t, map[string]string{"MATOMO_DATABASE_HOST": "mariadb", "MATOMO_DATABASE_USERNAME": "matomo"})
	_, err := Load(installed(t, configIni(db)))
	checkConfigError(t, err, "[database] password: it refers to ${MATOMO_DATABASE_PASSWORD}, which is not set")
}

func TestLoadFileQuirks(t *testing.T) {
	noLocalSockets(t)
	// CRLF line ends, a BOM, a repeated key (PHP keeps the last), tabs, and a
	// repeated [database] section (merged).
	content := "\ufeff; <?php exit; ?> DO NOT REMOVE THIS LINE\r\n[database]\r\nhost\t=\t\"first\"\r\nhost = \"db\"\r\n" +
		"username = \"u\"\r\n\r\n[General]\r\nsalt = \"x\"\r\n[database]\r\ndbname = \"d\" ; comment\r\n"
	s := mustLoad(t, installed(t, content))
	if s.Host != "db" || s.User != "u" || s.DBName != "d" {
		t.Errorf("got %#v", s)
	}
}

func TestLoadPHPSyntaxThatINIReadersGetWrong(t *testing.T) {
	noLocalSockets(t)
	config := configIni(`host = "db"
; PHP has no line continuation: the next line is a key of its own.
password = ends-in-backslash\
dbname = "d"
; ":" is no delimiter in PHP, so this line is not a dbname.
dbname: wrong
username = "u"
`) + `
[General]
; A multi-line quoted value and a bare name are valid PHP INI.
login_message = "Welcome
to our stats"
maintenance_mode
`
	s := mustLoad(t, installed(t, config))
	if s.Password != `ends-in-backslash\` || s.DBName != "d" || s.User != "u" {
		t.Errorf("got %#v", s)
	}
}

func TestStringMarksTLS(t *testing.T) {
	s := Settings{Host: "db", Port: 3306, User: "u", DBName: "d", Prefix: "p_", File: "/m/config/config.ini.php", Section: "database", SSL: SSL{Enabled: true}}
	if got, want := s.String(), `u@db:3306/d (prefix "p_", TLS, from /m/config/config.ini.php [database])`; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
}

func TestLoadNotFound(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	_, err := Load(missing)
	checkConfigError(t, err, `no Matomo config at "`+missing+`": pass the Matomo folder (containing config/config.ini.php) or the config.ini.php file`)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not wrap fs.ErrNotExist", err)
	}

	empty := t.TempDir()
	_, err = Load(empty)
	checkConfigError(t, err, `no Matomo config at "`+empty+`"`)

	_, err = Load("")
	checkConfigError(t, err, `no Matomo config at ""`)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not wrap fs.ErrNotExist", err)
	}
}

func TestLoadPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	root := installed(t, configIni("host = \"db\"\nusername = \"u\"\npassword = "+matomoQuote(testPassword)+"\ndbname = \"d\""))
	file := filepath.Join(root, "config", "config.ini.php")
	if err := os.Chmod(file, 0); err != nil {
		t.Fatal(err)
	}
	_, err := Load(root)
	checkConfigError(t, err, `cannot read "`+file+`": permission denied`)
	checkConfigError(t, err, "sudo -u ")
	checkConfigError(t, err, "--dsn")
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("error %v does not wrap fs.ErrPermission", err)
	}

	// An untraversable config/ folder: the file cannot even be looked at.
	if err := os.Chmod(file, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "config")
	if err := os.Chmod(dir, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	_, err = Load(root)
	checkConfigError(t, err, `cannot read "`+file+`": permission denied`)
}

func TestLoadMissingSettings(t *testing.T) {
	noLocalSockets(t)
	cases := []struct{ config, want string }{
		{"; <?php exit; ?> DO NOT REMOVE THIS LINE\n[General]\nsalt = \"x\"\n", "has no [database] section"},
		{configIni("host = \"db\"\nusername = \"u\"\npassword = " + matomoQuote(testPassword)), "[database] dbname is empty or missing: set it there, or pass --dsn"},
		{configIni("host = \"db\"\ndbname = \"d\"\npassword = " + matomoQuote(testPassword)), "[database] username is empty or missing"},
		{configIni("host = \"db\"\nusername = \"\"\ndbname = \"d\""), "[database] username is empty or missing"},
	}
	for _, c := range cases {
		root := installed(t, c.config)
		_, err := Load(root)
		checkConfigError(t, err, filepath.Join(root, "config", "config.ini.php"))
		checkConfigError(t, err, c.want)
	}
}

func TestLoadMalformed(t *testing.T) {
	noLocalSockets(t)
	config := "; <?php exit; ?> DO NOT REMOVE THIS LINE\n[database]\nusername = \"u\"\npassword = " +
		matomoQuote(testPassword) + "\n[General\nsalt = \"x\"\n"
	root := installed(t, config)
	_, err := Load(root)
	checkConfigError(t, err, filepath.Join(root, "config", "config.ini.php")+`:5: section header has no closing "]"`)

	// A quoted password that never closes (a hand edit gone wrong) names
	// the key but shows nothing of it.
	root = installed(t, configIni("host = \"db\"\nusername = \"u\"\ndbname = \"d\"\npassword = \"hunter2"))
	_, err = Load(root)
	checkConfigError(t, err, "[database] password: its opening quote is never closed")
	if err != nil && strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error shows the password: %v", err)
	}
}

func TestPasswordNeverShown(t *testing.T) {
	noLocalSockets(t)
	s := mustLoad(t, installed(t, configIni("host = \"db\"\nusername = \"u\"\ndbname = \"d\"\npassword = "+matomoQuote(testPassword))))
	if s.Password != testPassword {
		t.Fatalf("password not read: %q", s.Password)
	}
	for _, out := range []string{
		s.String(), fmt.Sprint(s), fmt.Sprintf("%v|%+v|%s|%#v", s, s, s, s), fmt.Sprintf("%v", &s), fmt.Sprintf("%#v", &s),
	} {
		if strings.Contains(out, testPassword) || strings.Contains(out, "w\\rd") {
			t.Errorf("output shows the password: %s", out)
		}
	}
	if got := fmt.Sprintf("%#v", s); !strings.Contains(got, `Password:"******"`) || !strings.Contains(got, `User:"u"`) {
		t.Errorf("%%#v = %s", got)
	}
}

// checkConfigError fails unless err is a *ConfigError whose text contains
// want and does not contain testPassword.
func checkConfigError(t *testing.T, err error, want string) {
	t.Helper()
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Errorf("error %v (%T) is not a *ConfigError", err, err)
		return
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	if strings.Contains(err.Error(), testPassword) || strings.Contains(err.Error(), "w\\rd") {
		t.Errorf("error shows the password: %v", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is not one line: %q", err)
	}
}
