// Package atomicfile is diary's one writer of whole files: a temporary
// file beside the final one, written, flushed to disk, renamed over the
// name, and the directory flushed, so that a crash leaves the old file or
// the new one, never a mix. repo uses it too, for the files it writes
// whole under .git/diary; its git protocols (lock files, packs, loose
// objects, the work tree) keep their own steps, and flush directories
// with SyncDir.
//
// github.com/google/renameio/v2 does the first three steps, but it does
// not flush the directory after the rename (its pull request #42, for an
// option to, is still open) and its atomic replace is not built for
// Windows, where diary runs too: so the few lines are written here.
// os.Rename replaces an existing file on every system Go supports
// (MoveFileEx with MOVEFILE_REPLACE_EXISTING on Windows).
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// File is a file being written under a temporary name in the directory
// of the name it will get. Write to it, then Commit or Abort.
type File struct {
	*os.File
	path string
	perm fs.FileMode
}

// TempPrefix is how the temporary files for path begin, for finding the
// ones a killed process left behind.
func TempPrefix(path string) string {
	return "." + filepath.Base(path) + ".tmp-"
}

// Create starts a file that Commit puts at path with the mode perm.
// The directory is created (0755) when it does not exist.
func Create(path string, perm fs.FileMode) (*File, error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, TempPrefix(path)+"*")
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(dir, 0o755); err == nil {
			f, err = os.CreateTemp(dir, TempPrefix(path)+"*")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &File{File: f, path: path, perm: perm}, nil
}

// Commit flushes the file to disk and renames it over its name, then
// flushes the directory (where the system can: Windows cannot, and its
// rename is durable as it returns). On an error the old file is as it
// was and the temporary one is gone.
func (f *File) Commit() error {
	err := f.Chmod(f.perm)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	SyncDir(filepath.Dir(f.path)) // best effort: the rename stands
	return nil
}

// SyncDir flushes a directory's entries (a rename into it) to disk. Some
// systems (Windows) cannot flush a directory; the rename stands all the
// same, so that failure is not one: only a directory that cannot be
// opened is.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	d.Sync()
	return d.Close()
}

// Abort drops the file: the name keeps what it had.
func (f *File) Abort() {
	f.Close()
	os.Remove(f.Name())
}

// WriteFile writes data to path whole or not at all (see File).
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}
