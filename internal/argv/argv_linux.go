//go:build linux

// Package argv hides secrets that were passed on the command line from
// the process list (ps, /proc/PID/cmdline), where other users can read them.
package argv

import (
	"os"
	"strings"
	"unsafe"
)

// Scrub overwrites every occurrence of secret in the process's argument
// strings with 'x'. On Linux os.Args points at the very memory the kernel
// shows as the command line, so this changes what ps shows. Callers must
// copy (strings.Clone) any flag value they still need first: flag values
// alias that memory.
func Scrub(secret string) {
	if secret == "" {
		return
	}
	for _, a := range os.Args {
		for i := strings.Index(a, secret); i >= 0; {
			b := unsafe.Slice(unsafe.StringData(a), len(a))
			for j := i; j < i+len(secret); j++ {
				b[j] = 'x'
			}
			next := strings.Index(a[i+len(secret):], secret)
			if next < 0 {
				break
			}
			i += len(secret) + next
		}
	}
}
