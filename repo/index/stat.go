package index

import (
	"io/fs"
	"path/filepath"
	"runtime"
	"time"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	gitindex "github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/gitdiary/diary/internal/fsstat"
)

// Stat is what the change scan needs of a file's stat.
type Stat struct {
	Size, Sec, Nsec int64
	Mode            filemode.FileMode
}

// LstatAt reads the stat of rel (below root), by its name in the
// directory open as dirfd (-1: none, by its path): see fsstat.LstatAt.
// A missing file is fs.ErrNotExist.
func LstatAt(dirfd int, name, root, rel string, st *Stat) error {
	var s fsstat.Stamp
	if err := fsstat.LstatAt(dirfd, name, func() string { return JoinRoot(root, rel) }, &s); err != nil {
		return err
	}
	st.Size, st.Sec, st.Nsec, st.Mode = s.Size, s.Sec, s.Nsec, TreeMode(s.Mode)
	return nil
}

// FillStat copies the stat data git keeps in the index, so that git's
// own status sees the entry as clean without re-reading the file.
func FillStat(e *gitindex.Entry, fi fs.FileInfo) {
	if s := fsstat.FromInfo(fi); s.Sys {
		e.Dev = uint32(s.Dev)
		e.Inode = uint32(s.Ino)
		e.UID = s.UID
		e.GID = s.GID
		e.CreatedAt = time.Unix(s.CSec, s.CNsec)
	}
}

// TreeMode is the tree mode of a file whose io/fs mode is m.
func TreeMode(m fs.FileMode) filemode.FileMode {
	switch {
	case m&fs.ModeSymlink != 0:
		return filemode.Symlink
	case m&0o111 != 0 && runtime.GOOS != "windows":
		return filemode.Executable
	}
	return filemode.Regular
}

// JoinRoot is the path of rel, slash-separated, under root: what
// filepath.Join makes of clean paths, without its Clean.
func JoinRoot(root, rel string) string {
	return root + string(filepath.Separator) + filepath.FromSlash(rel)
}
