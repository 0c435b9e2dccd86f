//go:build !unix

package schedule

import "os/exec"

// Detach: on Windows a child process outlives its parent as it is; with
// no console of its own handles, Ctrl-C in the writer's console does not
// reach it either, since its standard handles are not the console's.
func Detach(cmd *exec.Cmd) {}
