//go:build linux || darwin || freebsd || netbsd || openbsd

package repo

import (
	"io/fs"
	"syscall"
)

// statData is what the change scan needs of a file's stat, taken
// without an os.FileInfo allocation per file.
type statData struct {
	size, sec, nsec int64
	mode            Mode
}

func lstatInto(path string, d *statData) error {
	var st syscall.Stat_t
	if err := syscall.Lstat(path, &st); err != nil {
		if err == syscall.ENOENT || err == syscall.ENOTDIR {
			return fs.ErrNotExist
		}
		return &fs.PathError{Op: "lstat", Path: path, Err: err}
	}
	d.size = st.Size
	sec, nsec := mtime(&st)
	d.sec, d.nsec = sec, nsec
	switch {
	case st.Mode&syscall.S_IFMT == syscall.S_IFLNK:
		d.mode = ModeSymlink
	case st.Mode&0o111 != 0:
		d.mode = ModeExecutable
	default:
		d.mode = ModeRegular
	}
	return nil
}
