package serve

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"

	"matomo-audit/internal/statedir"
)

// DefaultHostKeyPath is where the host key lives when --host-key is not
// given: the state directory ($XDG_STATE_HOME, else ~/.local/state), so a
// restart keeps the key clients have learned to trust.
func DefaultHostKeyPath() (string, error) {
	dir, err := statedir.Path()
	if err != nil {
		return "", fmt.Errorf("no home folder for the host key: give --host-key: %v", err)
	}
	return filepath.Join(dir, "ssh_host_ed25519_key"), nil
}

// HostKey reads the ed25519 host key at path, or creates it (0600, in a
// folder made 0700) when it does not exist. created says which.
func HostKey(path string) (signer gossh.Signer, created bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, false, fmt.Errorf("host key folder: %v", err)
		}
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, false, err
		}
		block, err := gossh.MarshalPrivateKey(priv, "matomo-audit host key")
		if err != nil {
			return nil, false, err
		}
		data = pem.EncodeToMemory(block)
		// O_EXCL: two servers started at once must not both write a key.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, false, fmt.Errorf("host key: %v", err)
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return nil, false, fmt.Errorf("host key: %v", err)
		}
		if err := f.Close(); err != nil {
			return nil, false, fmt.Errorf("host key: %v", err)
		}
		created = true
	} else if err != nil {
		return nil, false, fmt.Errorf("host key: %v", err)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("host key %s is readable by others (mode %04o): chmod 600 it", path, st.Mode().Perm())
	}
	signer, err = gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, false, fmt.Errorf("host key %s: %v", path, err)
	}
	return signer, created, nil
}
