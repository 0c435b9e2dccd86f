//go:build !unix || diary_portable

package repo

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Where there is no openat (Windows), every directory below the root is
// looked at with Lstat before the write, and a link (or a junction,
// which Lstat does not report as a plain directory) is refused. This
// leaves the instant between the look and the write, which the unix
// writer (workfs_at.go) does not have. diary_portable runs this writer
// on Linux, so that its tests run it too.

func checkParents(root, rel string) error {
	segs := strings.Split(rel, "/")
	for i := range segs[:len(segs)-1] {
		dir := strings.Join(segs[:i+1], "/")
		fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(dir)))
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if !fi.Mode().IsDir() {
			return &parentError{dir: dir}
		}
	}
	return nil
}

func writeAt(root, rel string, link bool, perm os.FileMode, rd io.Reader) error {
	if err := checkParents(root, rel); err != nil {
		return err
	}
	full := filepath.Join(root, filepath.FromSlash(rel))
	dir := filepath.Dir(full)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := checkParents(root, rel); err != nil {
		return err
	}
	tmp := filepath.Join(dir, tempName())
	if link {
		data, err := io.ReadAll(io.LimitReader(rd, 4096))
		if err != nil {
			return err
		}
		if err := os.Symlink(filepath.FromSlash(string(data)), tmp); err != nil {
			return err
		}
	} else {
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, rd)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(tmp, perm)
		}
		if err != nil {
			os.Remove(tmp)
			return err
		}
	}
	if err := os.Rename(tmp, full); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

func removeAt(root, rel string) error {
	if err := checkParents(root, rel); err != nil {
		return err
	}
	err := os.Remove(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func removeEmptyDirsAt(root, rel string) {
	for rel != "." && rel != "" {
		full := filepath.Join(root, filepath.FromSlash(rel))
		if checkParents(root, rel) != nil {
			return
		}
		if fi, err := os.Lstat(full); err != nil || !fi.Mode().IsDir() {
			return
		}
		if os.Remove(full) != nil {
			return
		}
		rel = pathDir(rel)
	}
}

func mkdirAt(root, rel string) error {
	if err := checkParents(root, rel); err != nil {
		return err
	}
	return os.MkdirAll(filepath.Join(root, filepath.FromSlash(rel)), 0o755)
}

// createNewAt is CreateNew where there is no openat: the parents are
// looked at before and after the folder is made, as writeAt does.
func createNewAt(root, dir string, name func(n int) string, src io.Reader) (string, error) {
	if err := mkdirAt(root, dir); err != nil {
		return "", err
	}
	if err := checkParents(root, dir+"/x"); err != nil {
		return "", err
	}
	full := filepath.Join(root, filepath.FromSlash(dir))
	tmp := filepath.Join(full, tempName())
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp)
	defer f.Close()
	_, err = io.Copy(f, src)
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		return "", err
	}
	for n := 1; n <= maxNewNames; n++ {
		final := name(n)
		err := os.Link(tmp, filepath.Join(full, final))
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			out, oerr := os.OpenFile(filepath.Join(full, final), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if errors.Is(oerr, fs.ErrExist) {
				continue
			}
			if oerr != nil {
				return "", oerr
			}
			err = copyTemp(out, f)
			if err != nil {
				os.Remove(filepath.Join(full, final))
				return "", err
			}
		}
		return dir + "/" + final, nil
	}
	return "", fmt.Errorf("%w: %s and %d more names like it in %s", ErrNameTaken, name(1), maxNewNames-1, dir)
}
