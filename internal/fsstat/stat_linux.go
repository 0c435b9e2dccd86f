//go:build linux && !diary_portable

package fsstat

import (
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
)

// Portable: this is the Linux file.
const Portable = false

// FromInfo is the stamp of fi, read from its *syscall.Stat_t.
func FromInfo(fi fs.FileInfo) Stamp {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return Stamp{
			Size: st.Size, Mode: kindOf(st.Mode),
			Sec: int64(st.Mtim.Sec), Nsec: int64(st.Mtim.Nsec), //nolint:unconvert // int32 on 32-bit systems
			CSec: int64(st.Ctim.Sec), CNsec: int64(st.Ctim.Nsec), //nolint:unconvert
			Ino: uint64(st.Ino), Dev: uint64(st.Dev), //nolint:unconvert
			UID: st.Uid, GID: st.Gid, Nlink: uint64(st.Nlink), Sys: true, //nolint:unconvert
		}
	}
	mt := fi.ModTime()
	return Stamp{Size: fi.Size(), Mode: fi.Mode(), Sec: mt.Unix(), Nsec: int64(mt.Nanosecond())}
}

// fromStat is FromInfo's reading, of x/sys/unix's Stat_t (the same
// kernel struct stat as syscall's).
//
//nolint:unconvert // the fields are int32 on 32-bit systems
func fromStat(st *unix.Stat_t, s *Stamp) {
	*s = Stamp{
		Size: st.Size, Mode: kindOf(st.Mode),
		Sec: int64(st.Mtim.Sec), Nsec: int64(st.Mtim.Nsec),
		CSec: int64(st.Ctim.Sec), CNsec: int64(st.Ctim.Nsec),
		Ino: uint64(st.Ino), Dev: uint64(st.Dev),
		UID: st.Uid, GID: st.Gid, Nlink: uint64(st.Nlink), Sys: true,
	}
}

// Lstat is the stamp of path, not following a last link, without an
// os.FileInfo per file. A missing file (or parent) is fs.ErrNotExist.
func Lstat(path string, s *Stamp) error {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return statError(path, err)
	}
	fromStat(&st, s)
	return nil
}

// LstatAt is Lstat of name in the directory open as dirfd: the kernel
// resolves one name rather than the whole path, which for the ten
// thousand posts of a lifetime diary is a good part of a scan's time.
// With dirfd < 0 it is Lstat(path()); path() names the file in errors.
func LstatAt(dirfd int, name string, path func() string, s *Stamp) error {
	if dirfd < 0 {
		return Lstat(path(), s)
	}
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return statError(path(), err)
	}
	fromStat(&st, s)
	return nil
}

func statError(path string, err error) error {
	if err == unix.ENOENT || err == unix.ENOTDIR {
		return fs.ErrNotExist
	}
	return &fs.PathError{Op: "lstat", Path: path, Err: err}
}
