//go:build !linux

// Package argv hides secrets that were passed on the command line from
// the process list. Only Linux exposes the original argument memory to
// rewrite; elsewhere this does nothing.
package argv

// Scrub does nothing on this platform.
func Scrub(secret string) {}
