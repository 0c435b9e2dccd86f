package index

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
)

// TestReadDir: the change scan's directory listing says what
// os.ReadDir says, for files, directories, symbolic links and other
// kinds, and for a directory of many entries (several reads).
func TestReadDir(t *testing.T) {
	dir := t.TempDir()
	for i := range 3000 {
		gittest.Write(t, dir, filepath.Join("many", fmt.Sprintf("a-long-name-for-an-entry-%04d.md", i)), "x")
	}
	gittest.Write(t, dir, "file.md", "x")
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	if runtime.GOOS != "windows" {
		os.Symlink("file.md", filepath.Join(dir, "link"))
	}
	for _, d := range []string{dir, filepath.Join(dir, "many")} {
		f, err := os.Open(d)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadDir(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		sort.Slice(got, func(i, j int) bool { return got[i].Name < got[j].Name })
		if len(got) != len(want) {
			t.Fatalf("%s: %d entries, os.ReadDir says %d", d, len(got), len(want))
		}
		for i, w := range want {
			var typ fs.FileMode
			switch {
			case w.Type().IsRegular():
			case w.IsDir():
				typ = fs.ModeDir
			case w.Type()&fs.ModeSymlink != 0:
				typ = fs.ModeSymlink
			default:
				typ = fs.ModeIrregular
			}
			if got[i].Name != w.Name() || got[i].Type != typ {
				t.Errorf("%s: %q %v, os.ReadDir says %q %v", d, got[i].Name, got[i].Type, w.Name(), typ)
			}
		}
	}
}
