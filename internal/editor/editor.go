// Package editor runs the user's text editor on a file, the way git does.
package editor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Editor runs a command line such as "vi" or "code --wait" on a file.
type Editor struct {
	Command string // as configured: may carry arguments and shell quoting
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Dir     string // working directory
}

// ErrFailed: the editor exited with an error.
var ErrFailed = errors.New("editor failed")

// Edit opens path in the editor and waits for it to exit. On Unix the
// command line goes through sh, as git runs $EDITOR, so that "code --wait"
// and quoted paths work the same as they do for git.
func (e *Editor) Edit(ctx context.Context, path string) error {
	cmdline := strings.TrimSpace(e.Command)
	if cmdline == "" {
		return fmt.Errorf("%w: no editor is set: set $VISUAL or $EDITOR, or run diary config set editor vi", ErrFailed)
	}
	if prog := program(cmdline); prog != "" {
		if _, err := exec.LookPath(prog); err != nil {
			return notInstalled(prog)
		}
	}
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		f := strings.Fields(cmdline)
		cmd = exec.CommandContext(ctx, f[0], append(f[1:], path)...)
	} else {
		cmd = exec.CommandContext(ctx, "sh", "-c", cmdline+` "$@"`, cmdline, path)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr, cmd.Dir = e.Stdin, e.Stdout, e.Stderr, e.Dir
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if exit.ExitCode() == 127 && runtime.GOOS != "windows" {
				// sh's "command not found", for a command line too
				// shell-like for program to read.
				return notInstalled(cmdline)
			}
			return fmt.Errorf("%w: %s exited with status %d", ErrFailed, cmdline, exit.ExitCode())
		}
		return fmt.Errorf("%w: run %s: %v", ErrFailed, cmdline, err)
	}
	return nil
}

func notInstalled(prog string) error {
	return fmt.Errorf("%w: the editor %q is not installed: set $EDITOR to one that is, or run diary config set editor nano", ErrFailed, prog)
}

// program is the program a command line runs, when it is a plain one
// (words without quotes, variables or other shell syntax, not starting
// with an assignment); "" when only the shell can tell.
func program(cmdline string) string {
	if strings.ContainsAny(cmdline, "\"'\\$`;&|<>(){}*?[]~=") {
		return ""
	}
	f := strings.Fields(cmdline)
	if len(f) == 0 || (strings.Contains(f[0], "/") && !filepath.IsAbs(f[0])) {
		// A relative path is relative to the editor's directory, not
		// to this process's.
		return ""
	}
	return f[0]
}
