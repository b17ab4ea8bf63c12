//go:build unix

package marks

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// helperEnv names the marks file TestHelperProcess marks in; unset, the
// helper is not run.
const helperEnv = "MARKS_HELPER"

// TestHelperProcess is the server TestKill9 kills: it marks 1, 2, 3 ... in
// the file and says "ack <id>" once each Mark has returned, which is when
// serve would tell the person who pressed m.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("the process TestKill9 kills")
	}
	s, err := Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// Bounded, though a helper whose parent is gone dies of SIGPIPE at its
	// next ack anyway.
	for id := uint64(1); id <= 1_000_000; id++ {
		if _, err := s.Mark(id, "helper", t0); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		// Unbuffered: the ack is in the pipe before the next Mark starts.
		fmt.Fprintf(os.Stdout, "ack %d\n", id)
	}
	os.Exit(0)
}

// TestKill9: a server killed with -9 in the middle of marking has lost no
// acknowledged mark, and its file opens again (with at most the one mark
// it was writing when killed, which nobody was told about).
func TestKill9(t *testing.T) {
	const killAfter = 200
	path := filepath.Join(t.TempDir(), "marks.ndjson")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}

	// Acks go on coming between the ack that triggers the kill and the
	// kill: every one read counts. The loop ends when the helper's end of
	// the pipe closes, with its death; a line cut short is no ack.
	var acked uint64
	r := bufio.NewReader(out)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			break
		}
		var id uint64
		if _, err := fmt.Sscanf(line, "ack %d\n", &id); err != nil {
			continue // the testing package's own output
		}
		if id != acked+1 {
			cmd.Process.Kill()
			t.Fatalf("ack %d after ack %d", id, acked)
		}
		acked = id
		if acked == killAfter {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
		}
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("the helper: %v; want it killed (stderr: %s)", err, stderr.Bytes())
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the helper ended with %v after %d acks, not by the kill (stderr: %s)", err, acked, stderr.Bytes())
	}

	s := open(t, path)
	defer s.Close()
	t.Logf("%d acks read, %d marks in the file", acked, s.Len())
	for id := uint64(1); id <= acked; id++ {
		if _, ok := s.Get(id); !ok {
			t.Fatalf("acknowledged mark %d is lost (%d acked, %d in the file)", id, acked, s.Len())
		}
	}
	if n := uint64(s.Len()); n > acked+1 {
		t.Fatalf("%d marks for %d acks: more than the one being written at the kill", n, acked)
	}
	if ids := s.IDs(); ids[len(ids)-1] != uint64(len(ids)) {
		t.Fatalf("the marks are not 1..%d", len(ids))
	}
	// The file takes marks again where the helper left it.
	mustMark(t, s, 1_000_001, "after")
}
