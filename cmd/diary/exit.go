package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gitdiary/diary/internal/app"
	"github.com/gitdiary/diary/repo"
)

// Exit codes, as DESIGN.md fixes them. They are decided here and only
// here.
const (
	exitOK        = 0
	exitFailed    = 1 // failed; nothing lost, and the message says why
	exitUsage     = 2 // bad usage
	exitOffline   = 3 // sync worked offline
	exitConflicts = 4 // sync kept conflict copies

	// Interrupted by Ctrl-C: 128 + SIGINT, as a shell reports a process
	// the signal ended.
	exitInterrupted = 130

	// merge-file follows git's merge-driver protocol: 1 says the merge
	// has conflicts (marked in the file), and any error is bad input (2).
	exitMergeConflicts = 1

	// search finds nothing: 1, as grep says it (a bad query is 2).
	exitNoMatch = 1
)

// exitError carries an exit code through cobra; with a nil err nothing
// more is printed (the command printed what there was to say).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return app.Usagef(format, args...)
}

func exitCode(err error) int {
	var ex *exitError
	switch {
	case errors.As(err, &ex):
		return ex.code
	case errors.Is(err, app.ErrUsage):
		return exitUsage
	case strings.HasPrefix(err.Error(), "unknown command"):
		// cobra's own error for a mistyped command has no type to test.
		return exitUsage
	}
	return exitFailed
}

// message is what is printed for err, which command c returned: a write
// that failed for want of space says so and what to do, wherever it
// failed (the network steps say it themselves).
func message(err error, c *cobra.Command) string {
	msg := err.Error()
	if repo.IsDiskFull(err) && !errors.Is(err, repo.ErrDiskFull) {
		verb := "diary"
		if c != nil && c != c.Root() {
			verb = c.CommandPath()
		}
		msg = fmt.Sprintf("%s: %s: free space, then run %s again", repo.ErrDiskFull, msg, verb)
	}
	return msg
}
