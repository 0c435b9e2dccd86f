package index

import (
	"io/fs"
	"os"
)

// Dirent is a directory entry: its name, and its kind (0 for a regular
// file, fs.ModeDir, fs.ModeSymlink, or fs.ModeIrregular).
type Dirent struct {
	Name string
	Type fs.FileMode
}

// ReadDir lists the directory open as f: its names and kinds.
// os.File.ReadDir takes the kinds from the directory's records where the
// file system gives them (getdents64 on Linux), and lstats only where it
// does not.
func ReadDir(f *os.File) ([]Dirent, error) {
	des, err := f.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	out := make([]Dirent, 0, len(des))
	for _, de := range des {
		d := Dirent{Name: de.Name()}
		switch t := de.Type(); {
		case t.IsRegular():
		case t.IsDir():
			d.Type = fs.ModeDir
		case t&fs.ModeSymlink != 0:
			d.Type = fs.ModeSymlink
		default:
			d.Type = fs.ModeIrregular
		}
		out = append(out, d)
	}
	return out, nil
}
