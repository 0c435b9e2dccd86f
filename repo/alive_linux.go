//go:build linux && !diary_portable

package repo

import (
	"errors"
	"os"
	"strings"
	"sync"
	"syscall"
)

// processAlive says whether the process pid may still run: signal 0
// asks without sending (kill(2)); EPERM is a process of another user's.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// bootID names this boot of the system (a random UUID the kernel makes
// at each boot), or "" where it cannot be read. A lock taken in
// another boot is dead whatever process now has its pid.
var bootID = sync.OnceValue(func() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
})
