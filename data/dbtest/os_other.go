//go:build !linux

package dbtest

import "syscall"

// Without a parent-death signal, a private server can only be stopped by Main or by a
// test's cleanup.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// processAlive answers "maybe" everywhere but Linux, so stale temp dirs are never removed
// on a guess.
func processAlive(int) bool { return true }
