//go:build linux && !diary_portable

package repo

import (
	"errors"
	"syscall"
)

// processAlive says whether the process pid may still run: signal 0
// asks without sending (kill(2)); EPERM is a process of another user's.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
