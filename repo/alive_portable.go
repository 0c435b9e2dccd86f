//go:build !linux || diary_portable

package repo

import (
	"errors"
	"os"
	"syscall"
)

// processAlive says whether the process pid may still run. On Unix,
// signal 0 asks without sending (kill(2)): it is gone only when the
// system says so (os.ErrProcessDone, from ESRCH); EPERM is a process of
// another user's, alive. Where that cannot be asked (Windows: FindProcess
// fails, or Signal does not know signal 0), it is taken as alive: a lock
// is then never taken over, only waited for or removed by hand.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return true
	}
	err = p.Signal(syscall.Signal(0))
	return !errors.Is(err, os.ErrProcessDone)
}

// bootID would name this boot of the system; no portable call gives
// one, so a lock's pid is all there is to go by (processAlive).
func bootID() string { return "" }
