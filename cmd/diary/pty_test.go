package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/creack/pty"
)

// ptyRun runs the program its arguments name with stdin, stdout and
// stderr on a new pseudo-terminal (80x24), so that the program sees a
// real terminal, and copies what the terminal shows to its own stdout
// (the terminal's \r\n as \n) for a script to check; it exits as the
// program exited.
//
//	pty-run PROG [ARG...]
func ptyRun() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: pty-run PROG [ARG...]")
		os.Exit(125)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pty-run:", err)
		os.Exit(125)
	}
	var out bytes.Buffer
	// Linux ends the read with EIO once the program, the last holder of
	// the terminal's other side, has exited; what it wrote is read first.
	_, _ = io.Copy(&out, tty)
	err = cmd.Wait()
	tty.Close()
	os.Stdout.Write(bytes.ReplaceAll(out.Bytes(), []byte("\r\n"), []byte("\n")))
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		os.Exit(ee.ExitCode())
	case err != nil:
		fmt.Fprintln(os.Stderr, "pty-run:", err)
		os.Exit(125)
	}
	os.Exit(0)
}
