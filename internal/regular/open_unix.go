//go:build unix

package regular

import (
	"errors"
	"syscall"
)

// O_NONBLOCK makes open return at once on a named pipe with no writer;
// on a regular file it changes nothing. O_NOFOLLOW makes open fail with
// ELOOP on a symbolic link (open(2)).
const (
	openNoBlock  = syscall.O_NONBLOCK
	openNoFollow = syscall.O_NOFOLLOW
)

func isLoop(err error) bool { return errors.Is(err, syscall.ELOOP) }

// beforeOpen has nothing to do: the flags do it.
func beforeOpen(string, bool) error { return nil }
