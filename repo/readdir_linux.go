//go:build linux && !diary_portable

package repo

import (
	"bytes"
	"encoding/binary"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// readDirTypes lists the directory open as f (its names and kinds: 0
// for a regular file, fs.ModeDir, fs.ModeSymlink, or fs.ModeIrregular),
// parsing getdents64's records itself: os.File.ReadDir makes an object
// for each of the ten thousand posts of a lifetime diary.
func readDirTypes(f *os.File) ([]dirent, error) {
	fd := int(f.Fd())
	buf := make([]byte, 128<<10)
	var out []dirent
	for {
		n, err := unix.Getdents(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "readdirent", Path: f.Name(), Err: err}
		}
		if n <= 0 {
			return out, nil
		}
		for b := buf[:n]; len(b) >= 19; {
			reclen := int(binary.NativeEndian.Uint16(b[16:18]))
			if reclen < 19 || reclen > len(b) {
				return nil, &fs.PathError{Op: "readdirent", Path: f.Name(), Err: unix.EIO}
			}
			rec := b[:reclen]
			b = b[reclen:]
			name := rec[19:]
			if i := bytes.IndexByte(name, 0); i >= 0 {
				name = name[:i]
			}
			if len(name) == 0 || string(name) == "." || string(name) == ".." {
				continue
			}
			d := dirent{name: string(name)}
			switch rec[18] {
			case unix.DT_REG:
			case unix.DT_DIR:
				d.typ = fs.ModeDir
			case unix.DT_LNK:
				d.typ = fs.ModeSymlink
			case unix.DT_UNKNOWN: // a file system that does not say: ask
				var st unix.Stat_t
				if err := unix.Fstatat(fd, d.name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
					continue // gone since
				}
				switch st.Mode & unix.S_IFMT {
				case unix.S_IFREG:
				case unix.S_IFDIR:
					d.typ = fs.ModeDir
				case unix.S_IFLNK:
					d.typ = fs.ModeSymlink
				default:
					d.typ = fs.ModeIrregular
				}
			default:
				d.typ = fs.ModeIrregular
			}
			out = append(out, d)
		}
	}
}
