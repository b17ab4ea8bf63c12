package matomoconf

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// globalIni is Matomo's own config/global.ini.php (testdata, verbatim),
// the defaults layer the tests put under their configs.
var globalIni = func() string {
	b, err := os.ReadFile("testdata/global.ini.php")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// testPassword has every character that has tripped INI readers: comment
// starters, the delimiter, quotes, backslashes, spaces and ini.v1's own
// %(name)s syntax.
const testPassword = `p;a#s=s"w\rd x %(host)s 'q' $1`

// matomoQuote quotes a string as a hand-written config would: every
// character PHP's scanner treats specially escaped, no entities. Matomo's
// own writing is matomoEncode/matomoWrites.
func matomoQuote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	return `"` + s + `"`
}

// tree writes files (relative path -> content) under a fresh temp dir and
// returns the dir.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// installed is a Matomo tree with the shipped global.ini.php and the given
// config.ini.php.
func installed(t *testing.T, config string) string {
	t.Helper()
	return tree(t, map[string]string{
		"config/global.ini.php": globalIni,
		"config/config.ini.php": config,
	})
}

// configIni is a config.ini.php as Matomo's installer writes it.
func configIni(database string) string {
	return `; <?php exit; ?> DO NOT REMOVE THIS LINE
; file automatically generated or modified by Matomo; you can manually override the default values in global.ini.php by redefining them in this file.
[database]
` + database + `
[General]
salt = "0123456789abcdef0123456789abcdef"
trusted_hosts[] = "stats.example.org"
trusted_hosts[] = "stats.example.org:8443"

[PluginsInstalled]
PluginsInstalled[] = "Diagnostics"
PluginsInstalled[] = "Login"
PluginsInstalled[] = "ActivityLog"

[Plugins]
Plugins[] = "CorePluginsAdmin"
Plugins[] = "ActivityLog"
`
}

// stubEnv makes ${NAME} lookups see only vars.
func stubEnv(t *testing.T, vars map[string]string) {
	t.Helper()
	old := lookupEnv
	lookupEnv = func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	t.Cleanup(func() { lookupEnv = old })
}

// noLocalSockets keeps the machine's own MySQL socket out of a test.
func noLocalSockets(t *testing.T) {
	t.Helper()
	old := LocalSockets
	LocalSockets = []string{filepath.Join(t.TempDir(), "none.sock")}
	t.Cleanup(func() { LocalSockets = old })
}

// listenUnix creates a real unix socket at dir/name.
func listenUnix(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	l, err := net.Listen("unix", p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return p
}

type certFiles struct {
	ca, serverCert, serverKey, clientCert, clientKey string
	caDER, clientDER                                 []byte
}

// makeCerts writes a self-signed CA, a server certificate for 127.0.0.1 and
// localhost, and a client certificate, all PEM, into dir.
func makeCerts(t *testing.T, dir string) certFiles {
	t.Helper()
	caKey := newKey(t)
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "matomoconf test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leaf := func(serial int64, name string, usage x509.ExtKeyUsage) ([]byte, *ecdsa.PrivateKey) {
		key := newKey(t)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial),
			Subject:      pkix.Name{CommonName: name},
			NotBefore:    time.Now().Add(-time.Hour),
			NotAfter:     time.Now().Add(time.Hour),
			KeyUsage:     x509.KeyUsageDigitalSignature,
			ExtKeyUsage:  []x509.ExtKeyUsage{usage},
			DNSNames:     []string{"localhost"},
			IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return der, key
	}
	serverDER, serverKey := leaf(2, "db.test", x509.ExtKeyUsageServerAuth)
	clientDER, clientKey := leaf(3, "matomo", x509.ExtKeyUsageClientAuth)

	f := certFiles{
		ca:         filepath.Join(dir, "ca.pem"),
		serverCert: filepath.Join(dir, "server-cert.pem"),
		serverKey:  filepath.Join(dir, "server-key.pem"),
		clientCert: filepath.Join(dir, "client-cert.pem"),
		clientKey:  filepath.Join(dir, "client-key.pem"),
		caDER:      caDER,
		clientDER:  clientDER,
	}
	writePEM(t, f.ca, "CERTIFICATE", caDER)
	writePEM(t, f.serverCert, "CERTIFICATE", serverDER)
	writePEM(t, f.serverKey, "PRIVATE KEY", marshalKey(t, serverKey))
	writePEM(t, f.clientCert, "CERTIFICATE", clientDER)
	writePEM(t, f.clientKey, "PRIVATE KEY", marshalKey(t, clientKey))
	return f
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func marshalKey(t *testing.T, k *ecdsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}
