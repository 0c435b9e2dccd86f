package repo

import (
	"io/fs"
	"time"

	"github.com/gitdiary/diary/internal/fsstat"
	gitindex "github.com/go-git/go-git/v5/plumbing/format/index"
)

// statData is what the change scan needs of a file's stat.
type statData struct {
	size, sec, nsec int64
	mode            Mode
}

// lstatAt reads the stat of rel (below root), by its name in the
// directory open as dirfd (-1: none, by its path): see fsstat.LstatAt.
// A missing file is fs.ErrNotExist.
func lstatAt(dirfd int, name, root, rel string, d *statData) error {
	var s fsstat.Stamp
	if err := fsstat.LstatAt(dirfd, name, func() string { return joinRoot(root, rel) }, &s); err != nil {
		return err
	}
	d.size, d.sec, d.nsec, d.mode = s.Size, s.Sec, s.Nsec, treeMode(s.Mode)
	return nil
}

// fillStat copies the stat data git keeps in the index, so that git's
// own status sees the entry as clean without re-reading the file.
func fillStat(e *gitindex.Entry, fi fs.FileInfo) {
	if s := fsstat.FromInfo(fi); s.Sys {
		e.Dev = uint32(s.Dev)
		e.Inode = uint32(s.Ino)
		e.UID = s.UID
		e.GID = s.GID
		e.CreatedAt = time.Unix(s.CSec, s.CNsec)
	}
}

// linkCount is how many names a file has; 1 where it cannot be told.
func linkCount(fi fs.FileInfo) int {
	if s := fsstat.FromInfo(fi); s.Nlink > 0 {
		return int(s.Nlink)
	}
	return 1
}
