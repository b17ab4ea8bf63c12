package matomoconf

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/go-sql-driver/mysql"
)

func TestMySQLSetsOnlyTheConnection(t *testing.T) {
	cases := []struct {
		s         Settings
		net, addr string
	}{
		{Settings{Host: "127.0.0.1", Port: 3307}, "tcp", "127.0.0.1:3307"},
		{Settings{Host: "db.internal"}, "tcp", "db.internal:3306"},
		{Settings{Host: "::1", Port: 3306}, "tcp", "[::1]:3306"},
		{Settings{Socket: "/run/mysqld/mysqld.sock"}, "unix", "/run/mysqld/mysqld.sock"},
	}
	for _, c := range cases {
		c.s.User, c.s.Password, c.s.DBName, c.s.Prefix, c.s.Charset = "matomo", testPassword, "matomo", "matomo_", "utf8mb4"
		got, err := c.s.MySQL()
		if err != nil {
			t.Fatalf("%s: %v", c.s, err)
		}
		want := mysql.NewConfig()
		want.Net, want.Addr, want.User, want.Passwd, want.DBName = c.net, c.addr, "matomo", testPassword, "matomo"
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", c.s, got, want)
		}
	}
	if _, err := (Settings{User: "u"}).MySQL(); err == nil {
		t.Error("no host and no socket: want an error")
	}
}

func TestMySQLTLS(t *testing.T) {
	dir := t.TempDir()
	certs := makeCerts(t, dir)
	caDir := filepath.Join(dir, "cas")
	if err := os.Mkdir(caDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// CApath folders hold hashed symlinks and unrelated files.
	if err := os.Symlink(certs.ca, filepath.Join(caDir, "1a2b3c4d.0")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(caDir, "README"), []byte("not a cert"), 0o644); err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(certs.caDER)
	if err != nil {
		t.Fatal(err)
	}
	wantPool := x509.NewCertPool()
	wantPool.AddCert(ca)

	for _, ssl := range []SSL{
		{Enabled: true, CA: certs.ca, Cert: certs.clientCert, Key: certs.clientKey},
		{Enabled: true, CAPath: caDir, Cert: certs.clientCert, Key: certs.clientKey},
	} {
		s := Settings{Host: "127.0.0.1", Port: 3306, User: "u", DBName: "d", SSL: ssl}
		c, err := s.MySQL()
		if err != nil {
			t.Fatal(err)
		}
		if c.TLS == nil || c.TLS.ServerName != "127.0.0.1" || c.TLS.InsecureSkipVerify {
			t.Fatalf("TLS = %+v", c.TLS)
		}
		if !c.TLS.RootCAs.Equal(wantPool) {
			t.Error("RootCAs is not exactly the test CA")
		}
		if len(c.TLS.Certificates) != 1 || !bytes.Equal(c.TLS.Certificates[0].Certificate[0], certs.clientDER) {
			t.Error("client certificate not loaded")
		}
		handshake(t, certs, c.TLS)
	}

	c, err := Settings{Socket: "/run/mysqld/mysqld.sock", User: "u", SSL: SSL{Enabled: true, NoVerify: true}}.MySQL()
	if err != nil {
		t.Fatal(err)
	}
	if c.TLS == nil || !c.TLS.InsecureSkipVerify || c.TLS.RootCAs != nil || len(c.TLS.Certificates) != 0 {
		t.Errorf("TLS = %+v", c.TLS)
	}

	c, err = Settings{Host: "db", User: "u", SSL: SSL{CA: certs.ca}}.MySQL()
	if err != nil || c.TLS != nil {
		t.Errorf("SSL not enabled: TLS = %+v, %v", c.TLS, err)
	}
}

// handshake proves the config works against a server that checks the
// client certificate, with the server certificate verified against the CA.
func handshake(t *testing.T, certs certFiles, client *tls.Config) {
	t.Helper()
	serverPair, err := tls.LoadX509KeyPair(certs.serverCert, certs.serverKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	caPEM, err := os.ReadFile(certs.ca)
	if err != nil {
		t.Fatal(err)
	}
	pool.AppendCertsFromPEM(caPEM)
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{serverPair},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pool,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	done := make(chan error, 1)
	go func() {
		conn, err := l.Accept()
		if err != nil {
			done <- err
			return
		}
		defer conn.Close()
		_, err = conn.Write([]byte("ok"))
		done <- err
	}()
	conn, err := tls.Dial("tcp", l.Addr().String(), client.Clone())
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	defer conn.Close()
	got, err := io.ReadAll(io.LimitReader(conn, 2))
	if err != nil || string(got) != "ok" {
		t.Fatalf("read %q, %v", got, err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestMySQLTLSErrors(t *testing.T) {
	dir := t.TempDir()
	certs := makeCerts(t, dir)
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	emptyDir := t.TempDir()
	cases := []struct {
		ssl  SSL
		want string
	}{
		{SSL{CA: filepath.Join(dir, "missing.pem")}, "ssl_ca: open "},
		{SSL{CA: notPEM}, "ssl_ca " + notPEM + " holds no PEM certificate"},
		{SSL{CAPath: emptyDir}, "ssl_ca_path " + emptyDir + " holds no PEM certificate"},
		{SSL{CAPath: filepath.Join(dir, "nodir")}, "ssl_ca_path: open "},
		{SSL{Cert: certs.clientCert}, "ssl_cert is set but ssl_key is not"},
		{SSL{Key: certs.clientKey}, "ssl_key is set but ssl_cert is not"},
		{SSL{Cert: certs.clientCert, Key: certs.serverKey}, "ssl_cert/ssl_key: "},
	}
	for _, c := range cases {
		c.ssl.Enabled = true
		s := Settings{Host: "db", User: "u", Password: testPassword, File: "/m/config/config.ini.php", Section: "database", SSL: c.ssl}
		_, err := s.MySQL()
		checkConfigError(t, err, "/m/config/config.ini.php: [database] TLS settings: "+c.want)
	}
}

func TestMySQLFromLoad(t *testing.T) {
	noLocalSockets(t)
	root := installed(t, configIni(`host = "127.0.0.1"
port = 3307
username = "matomo"
password = `+matomoQuote(testPassword)+`
dbname = "matomo"
enable_ssl = 1
ssl_ca = "config/ca.pem"
ssl_no_verify = 1
`))
	makeCerts(t, filepath.Join(root, "config"))
	c, err := mustLoad(t, root).MySQL()
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:3307" || c.Passwd != testPassword || c.TLS == nil || !c.TLS.InsecureSkipVerify || c.TLS.RootCAs == nil {
		t.Errorf("got %+v", c)
	}
}
