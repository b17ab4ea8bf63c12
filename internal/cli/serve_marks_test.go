package cli

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"matomo-audit/data/dbtest"
	"matomo-audit/data/marks"
	"matomo-audit/serve/sshtest"
)

// TestServeMarks: the server's marks are everyone's: each client's export
// --marked has those it may see, and with --marks they survive a restart
// (and a second server cannot take the same file).
func TestServeMarks(t *testing.T) {
	dsn, db := matomoDB(t, "('alice', 'x', 'alice@example.org', 1, NULL), ('bob', 'x', 'bob@example.org', 0, NULL)")
	var rows []dbtest.Row
	for i, login := range []string{"bob", "alice", "bob", "mallory"} {
		rows = append(rows, dbtest.Row{ID: uint64(i + 1), Login: login, Type: "ActivityLog/UserSignInFailed", Params: "a:0:{}", TS: "2026-11-20 10:00:00"})
	}
	dbtest.InsertRows(t, db, "matomo_activity_log", rows)
	file := filepath.Join(t.TempDir(), "marks.ndjson")
	set, err := marks.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []uint64{4, 3, 2} {
		if _, err := set.Mark(id, "alice", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := set.Unmark(2, "alice", time.Now()); err != nil {
		t.Fatal(err)
	}
	set.Close()
	alice, bob := sshtest.Key(t), sshtest.Key(t)
	keys := map[string]gossh.Signer{"alice": alice, "bob": bob}
	s := startServe(t, dsn, keys, "--marks", file)

	markedIDs := func(s *serveRig, k gossh.Signer) []string {
		out, stderr, code := s.ssh(k, "export --marked --format ndjson")
		if code != 0 {
			t.Fatalf("export --marked: exit %d %s", code, stderr)
		}
		var ids []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if i := strings.Index(l, `"id":`); i >= 0 {
				ids = append(ids, strings.SplitN(l[i+5:], ",", 2)[0])
			}
		}
		return ids
	}
	// Marks made before the start (the file a previous run left) are
	// everyone's; each client exports those it may see. (m itself, and
	// its reaching other sessions at once, is tested in ui.)
	if got := markedIDs(s, alice); !slices.Equal(got, []string{"3", "4"}) {
		t.Errorf("alice's export --marked: %v, want 3 and 4", got)
	}
	if got := markedIDs(s, bob); !slices.Equal(got, []string{"3"}) {
		t.Errorf("bob's export --marked: %v, want his 3 only", got)
	}
	if out, _, code := s.ssh(alice, "export --marked -q user:bob --format ndjson"); code != 0 || strings.Count(out, "\n") != 1 {
		t.Errorf("--marked with a query: exit %d\n%s", code, out)
	}

	// A restart with the same file keeps them; the file is the owner's.
	s.shutdown()
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("marks file: %v %v", fi, err)
	}
	s = startServe(t, dsn, keys, "--marks", file)
	if got := markedIDs(s, alice); !slices.Equal(got, []string{"3", "4"}) {
		t.Errorf("after a restart: %v", got)
	}
	kf := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(kf, []byte(`login="alice" `+string(gossh.MarshalAuthorizedKey(alice.PublicKey()))), 0o600); err != nil {
		t.Fatal(err)
	}
	var errb2 strings.Builder
	if code := run(t.Context(), &globals{stderr: &errb2}, []string{"serve", "--dsn", dsn, "--keys", kf, "--listen", "127.0.0.1:0",
		"--host-key", filepath.Join(t.TempDir(), "hk"), "--marks", file}, io.Discard, &errb2); code != 2 || !strings.Contains(errb2.String(), "another process holds it") {
		t.Errorf("a second server on the marks file: exit %d %q", code, errb2.String())
	}
	// Without serve there are no marks to export.
	var out, errb strings.Builder
	if code := run(t.Context(), &globals{stderr: &errb}, []string{"export", "--marked", "--dsn", dsn}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "matomo-audit serve") {
		t.Errorf("local export --marked: exit %d %q", code, errb.String())
	}
}
