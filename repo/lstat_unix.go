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
	d.mode = statMode(uint32(st.Mode))
	return nil
}

// statMode is the tree mode of a file whose stat mode is m.
func statMode(m uint32) Mode {
	switch {
	case m&syscall.S_IFMT == syscall.S_IFLNK:
		return ModeSymlink
	case m&0o111 != 0:
		return ModeExecutable
	}
	return ModeRegular
}
