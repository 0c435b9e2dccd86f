package app

import (
	"errors"
	"fmt"
)

// ErrUsage marks an error in what the user asked for (exit code 2), as
// opposed to a failure to do it (exit code 1). Such errors match it with
// errors.Is without saying "bad usage" in their text.
var ErrUsage = errors.New("bad usage")

type usageError struct{ err error }

func (e *usageError) Error() string        { return e.err.Error() }
func (e *usageError) Unwrap() error        { return e.err }
func (e *usageError) Is(target error) bool { return target == ErrUsage }

// Usagef returns an error in what the user asked for.
func Usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}
