package repo

import (
	"io/fs"
	"os"
)

// readDirTypes lists the directory open as f: its names and kinds (0
// for a regular file, fs.ModeDir, fs.ModeSymlink, or fs.ModeIrregular).
// os.File.ReadDir takes the kinds from the directory's records where the
// file system gives them (getdents64 on Linux), and lstats only where it
// does not.
func readDirTypes(f *os.File) ([]dirent, error) {
	des, err := f.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	out := make([]dirent, 0, len(des))
	for _, de := range des {
		d := dirent{name: de.Name()}
		switch t := de.Type(); {
		case t.IsRegular():
		case t.IsDir():
			d.typ = fs.ModeDir
		case t&fs.ModeSymlink != 0:
			d.typ = fs.ModeSymlink
		default:
			d.typ = fs.ModeIrregular
		}
		out = append(out, d)
	}
	return out, nil
}
