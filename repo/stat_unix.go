//go:build linux || darwin || freebsd || netbsd || openbsd

package repo

import (
	"io/fs"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// fillStat copies the stat data git keeps in the index, so that git's
// own status sees the entry as clean without re-reading the file.
func fillStat(e *index.Entry, fi fs.FileInfo) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		e.Dev = uint32(st.Dev)
		e.Inode = uint32(st.Ino)
		e.UID = st.Uid
		e.GID = st.Gid
		e.CreatedAt = ctime(st)
	}
}
