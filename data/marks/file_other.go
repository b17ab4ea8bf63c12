//go:build !unix

package marks

import (
	"fmt"
	"io/fs"
	"os"
	"runtime"
)

// Without flock, two servers could append to one file; and without Unix
// modes, checkPerm could not tell who may read it. Marks then stay in
// memory (New).
func lock(_ *os.File, path string) error {
	return fmt.Errorf("marks file %s: keeping marks in a file needs flock and Unix file modes, which %s lacks", path, runtime.GOOS)
}

func checkPerm(string, fs.FileInfo) error { return nil }

func syncDir(string) error { return nil }
