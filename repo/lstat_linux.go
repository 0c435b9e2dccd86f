//go:build linux

package repo

import (
	"io/fs"

	"golang.org/x/sys/unix"
)

// lstatAt is lstatInto for the entry name of the directory open as
// dirfd (-1: none, use the path of rel under root): the kernel resolves one name rather than
// the whole path, which for the ten thousand posts of a lifetime diary
// is a good part of a scan's time.
func lstatAt(dirfd int, name, root, rel string, d *statData) error {
	if dirfd < 0 {
		return lstatInto(joinRoot(root, rel), d)
	}
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		if err == unix.ENOENT || err == unix.ENOTDIR {
			return fs.ErrNotExist
		}
		return &fs.PathError{Op: "lstat", Path: joinRoot(root, rel), Err: err}
	}
	d.size = st.Size
	d.sec, d.nsec = int64(st.Mtim.Sec), int64(st.Mtim.Nsec) //nolint:unconvert // int32 on 32-bit systems
	d.mode = statMode(st.Mode)
	return nil
}
