//go:build !unix

package marks

import (
	"fmt"
	"io/fs"
	"os"
	"runtime"
)

// supported refuses before anything is created: without flock two servers
// could append to one file, and without Unix modes checkPerm could not
// tell who may read it. Marks then stay in memory (New).
func supported(path string) error {
	return fmt.Errorf("marks file %s: keeping marks in a file needs flock and Unix file modes, which %s lacks", path, runtime.GOOS)
}

func lock(*os.File, string) error { return supported("") }

func checkPerm(string, fs.FileInfo) error { return nil }

func syncDir(string) error { return nil }
