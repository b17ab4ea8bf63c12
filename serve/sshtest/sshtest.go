// Package sshtest is the SSH client side of the serve tests: keys, a dial
// that trusts only the server's own host key, and one command run with its
// output and exit status, as OpenSSH's client would give them.
package sshtest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// T is what the helpers need of a test (testing.TB has it); the serve
// benchmark, not a test, brings its own.
type T interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Key is a new ed25519 key.
func Key(t T) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Dial connects to addr with key k, accepting only host as the server's
// key. The SSH user name is whatever: the server goes by the key.
func Dial(addr string, host gossh.PublicKey, k gossh.Signer) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "whoever", Auth: []gossh.AuthMethod{gossh.PublicKeys(k)},
		HostKeyCallback: gossh.FixedHostKey(host), Timeout: 10 * time.Second})
}

// Run runs one command line: its stdout, stderr and exit status.
func Run(t T, addr string, host gossh.PublicKey, k gossh.Signer, cmd string) (stdout, stderr string, code int) {
	t.Helper()
	c, err := Dial(addr, host, k)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out, errb bytes.Buffer
	s.Stdout, s.Stderr = &out, &errb
	err = s.Run(cmd)
	var ee *gossh.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitStatus()
	case err != nil:
		t.Fatalf("%s: %v", cmd, err)
	}
	return out.String(), errb.String(), code
}

// Session dials and opens one session, both closed when the test ends.
func Session(t T, addr string, host gossh.PublicKey, k gossh.Signer) *gossh.Session {
	t.Helper()
	c, err := Dial(addr, host, k)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
