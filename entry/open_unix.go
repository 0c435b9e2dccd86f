//go:build unix

package entry

import (
	"io/fs"
	"syscall"
)

// readFile's open flags: no wait on a named pipe, no link followed.
const (
	openNoBlock  = syscall.O_NONBLOCK
	openNoFollow = syscall.O_NOFOLLOW
)

// fdStat is what fstat says of an open file: its kind and size.
func fdStat(fd int) (fs.FileMode, int64, error) {
	var st syscall.Stat_t
	err := syscall.Fstat(fd, &st)
	for err == syscall.EINTR {
		err = syscall.Fstat(fd, &st)
	}
	if err != nil {
		return 0, 0, err
	}
	var mode fs.FileMode
	switch st.Mode & syscall.S_IFMT {
	case syscall.S_IFREG:
	case syscall.S_IFDIR:
		mode = fs.ModeDir
	case syscall.S_IFLNK:
		mode = fs.ModeSymlink
	case syscall.S_IFIFO:
		mode = fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		mode = fs.ModeSocket
	case syscall.S_IFCHR:
		mode = fs.ModeDevice | fs.ModeCharDevice
	default:
		mode = fs.ModeDevice
	}
	return mode, st.Size, nil
}
