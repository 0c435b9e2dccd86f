// Package regular reads files that are regular files, and nothing else.
//
// A named pipe with no writer blocks its reader forever, and a device
// such as /dev/zero never ends: a post, or a settings file, that is one
// of them (or a symbolic link to one) would hang diary or fill memory.
// So every read of a post or a settings file opens without blocking,
// checks what it opened with fstat, and reads it only when it is a
// regular file (DESIGN.md, Safety: "Inputs that are not files").
package regular

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular: the path is a named pipe, a device, a socket, a
// directory, or (where links are not followed) a symbolic link. Errors
// of this package say which, and errors.Is finds this in them.
var ErrNotRegular = errors.New("not a regular file")

// ReadFile reads the regular file name, following symbolic links (a
// settings file may be a link into a dotfiles folder).
func ReadFile(name string) ([]byte, error) {
	return read(name, true)
}

// ReadFileNoFollow reads the regular file name; a symbolic link is not
// followed, but refused: in a work tree git keeps a link as a link, and
// what it points at is no part of the diary.
func ReadFileNoFollow(name string) ([]byte, error) {
	return read(name, false)
}

// Open opens the regular file name for reading, following symbolic
// links when follow is set; anything else is refused with ErrNotRegular.
// The file is opened without blocking, so that a named pipe is refused
// rather than waited on.
func Open(name string, follow bool) (*os.File, fs.FileInfo, error) {
	flags := os.O_RDONLY | openNoBlock
	if !follow {
		flags |= openNoFollow
	}
	if err := beforeOpen(name, follow); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(name, flags, 0)
	if err != nil {
		if !follow && isLoop(err) {
			return nil, nil, notRegular("open", name, fs.ModeSymlink)
		}
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, notRegular("open", name, fi.Mode())
	}
	return f, fi, nil
}

func read(name string, follow bool) ([]byte, error) {
	f, fi, err := Open(name, follow)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The size is a hint: the file may grow while it is read.
	buf := make([]byte, 0, fi.Size()+1)
	for {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

func notRegular(op, name string, mode fs.FileMode) error {
	return &fs.PathError{Op: op, Path: name, Err: fmt.Errorf("%w (%s)", ErrNotRegular, Kind(mode))}
}

// Kind names what a file that is not a regular file is, for messages.
func Kind(mode fs.FileMode) string {
	switch {
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case mode&fs.ModeCharDevice != 0:
		return "a character device"
	case mode&fs.ModeDevice != 0:
		return "a block device"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeSymlink != 0:
		return "a symbolic link"
	case mode.IsDir():
		return "a directory"
	case mode.IsRegular():
		return "a regular file"
	}
	return "not a file diary reads"
}

// Check returns an ErrNotRegular error for what an lstat or stat said is
// not a regular file, nil for a regular file: for the walks that know a
// file's kind before they open it.
func Check(name string, mode fs.FileMode) error {
	if mode.IsRegular() {
		return nil
	}
	return notRegular("read", name, mode)
}
