//go:build unix

package schedule

import (
	"os/exec"
	"syscall"
)

// Detach makes cmd a session of its own, so that it outlives the command
// that started it, and neither the terminal's hang-up nor its Ctrl-C
// reaches it.
func Detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
}
