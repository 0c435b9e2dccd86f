// Package fsstat is diary's one reader of a file's stat data: what the
// change scan and git's index records (repo/index) and the list cache
// (entry) check a file against.
//
// Each platform-dependent file of diary comes in two, selected by one
// pattern of build constraints: a Linux file (`linux && !diary_portable`),
// fast, with the kernel's own structures, and a portable one
// (`!linux || diary_portable`) that builds everywhere (macOS, Windows, the
// BSDs) and is what they run. The diary_portable tag forces the portable
// file on Linux, so that the code macOS and Windows users run is executed
// by the test suite too (.ci/run).
package fsstat

import "io/fs"

// Stamp is what diary keeps of a file's stat data.
type Stamp struct {
	Size        int64
	Mode        fs.FileMode // its kind and permission bits, as io/fs has them
	Sec, Nsec   int64       // modification time
	CSec, CNsec int64       // inode change time; 0 where there is none
	Ino, Dev    uint64
	UID, GID    uint32
	Nlink       uint64 // how many names it has; 0 where it cannot be told
	// Sys: the inode, device, owner and change time were read (they are
	// zeros where the system has none, as on Windows).
	Sys bool
}

// kindOf is the io/fs kind of a file whose st_mode type bits are t
// (POSIX sys/stat.h: S_IFREG 0o100000, S_IFDIR 0o040000, S_IFLNK
// 0o120000, S_IFIFO 0o010000, S_IFSOCK 0o140000, S_IFCHR 0o020000,
// S_IFBLK 0o060000; the same numbers on Linux, macOS and the BSDs).
func kindOf(m uint32) fs.FileMode {
	perm := fs.FileMode(m & 0o777)
	switch m & 0o170000 {
	case 0o100000:
		return perm
	case 0o040000:
		return perm | fs.ModeDir
	case 0o120000:
		return perm | fs.ModeSymlink
	case 0o010000:
		return perm | fs.ModeNamedPipe
	case 0o140000:
		return perm | fs.ModeSocket
	case 0o020000:
		return perm | fs.ModeDevice | fs.ModeCharDevice
	case 0o060000:
		return perm | fs.ModeDevice
	}
	return perm | fs.ModeIrregular
}
