//go:build !unix

package keys

import "os"

// checkPerm checks nothing here: permission bits are not what guards a
// file on this platform, and Matomo servers are Unix.
func checkPerm(string, os.FileInfo) error { return nil }
