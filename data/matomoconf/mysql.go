package matomoconf

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/go-sql-driver/mysql"
)

// MySQL returns a go-sql-driver config with only the connection itself set
// (Net, Addr, User, Passwd, DBName, TLS); time zone, parsing and session
// parameters are the caller's. The returned config holds the password: do
// not print its FormatDSN.
func (s Settings) MySQL() (*mysql.Config, error) {
	c := mysql.NewConfig()
	switch {
	case s.Socket != "":
		c.Net, c.Addr = "unix", s.Socket
	case s.Host != "":
		port := s.Port
		if port == 0 {
			port = defaultPort
		}
		c.Net, c.Addr = "tcp", net.JoinHostPort(s.Host, strconv.Itoa(port))
	default:
		return nil, &ConfigError{Path: s.File, Msg: "no database host or socket configured: pass --matomo or --dsn"}
	}
	c.User, c.Passwd, c.DBName = s.User, s.Password, s.DBName
	if s.SSL.Enabled {
		t, err := s.SSL.config(s.Host)
		if err != nil {
			return nil, &ConfigError{Path: s.File, Err: err, Msg: fmt.Sprintf("%s: [%s] TLS settings: %v", s.File, s.Section, err)}
		}
		c.TLS = t
	}
	return c, nil
}

// config builds the TLS client config the way Matomo's ssl_* keys ask for.
// ssl_cipher is not applied: it holds OpenSSL names, which Go does not use,
// and Go's own TLS 1.3 suites cannot be restricted anyway.
func (s SSL) config(host string) (*tls.Config, error) {
	if host == "" {
		// A socket has no name to verify against; a certificate for the
		// local server normally names localhost.
		host = "localhost"
	}
	t := &tls.Config{ServerName: host, InsecureSkipVerify: s.NoVerify}
	if s.CA != "" || s.CAPath != "" {
		// Only the configured CAs, as with MySQL clients: a private CA must
		// not be diluted by the system roots.
		t.RootCAs = x509.NewCertPool()
	}
	if s.CA != "" {
		pem, err := os.ReadFile(s.CA)
		if err != nil {
			return nil, fmt.Errorf("ssl_ca: %w", err)
		}
		if !t.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ssl_ca %s holds no PEM certificate", s.CA)
		}
	}
	if s.CAPath != "" {
		n, err := addCADir(t.RootCAs, s.CAPath)
		if err != nil {
			return nil, fmt.Errorf("ssl_ca_path: %w", err)
		}
		if n == 0 {
			return nil, fmt.Errorf("ssl_ca_path %s holds no PEM certificate", s.CAPath)
		}
	}
	switch {
	case s.Cert != "" && s.Key != "":
		pair, err := tls.LoadX509KeyPair(s.Cert, s.Key)
		if err != nil {
			return nil, fmt.Errorf("ssl_cert/ssl_key: %w", err)
		}
		t.Certificates = []tls.Certificate{pair}
	case s.Cert != "":
		return nil, fmt.Errorf("ssl_cert is set but ssl_key is not")
	case s.Key != "":
		return nil, fmt.Errorf("ssl_key is set but ssl_cert is not")
	}
	return t, nil
}

// addCADir adds every PEM file of dir, like OpenSSL's CApath (whose hashed
// names are symlinks, hence Stat rather than the entry type).
func addCADir(pool *x509.CertPool, dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		pem, err := os.ReadFile(p)
		if err == nil && pool.AppendCertsFromPEM(pem) {
			n++
		}
	}
	return n, nil
}
