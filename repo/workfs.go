package repo

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
)

// parentError: a directory on the way to a work-tree path is a link or a
// file on disk, and the writer does not go through it.
type parentError struct{ dir string }

func (e *parentError) Error() string {
	return fmt.Sprintf("%v: %q is a link or a file where the tree has a directory; diary writes nothing through it: move it away, then run diary again", ErrUnsafePath, e.dir)
}

func (e *parentError) Is(target error) bool { return target == ErrUnsafePath }

// tempName is a fresh name for a file on its way into the work tree,
// one IsTemp knows (so that a kill never leaves one that is committed).
// The work-tree writer (writeAt) is not internal/atomicfile's: it goes
// through no link on the way (an openat walk where the system has one),
// writes links as well as files, and names its temporary files so.
func tempName() string {
	var b [8]byte
	rand.Read(b[:])
	return ".diary-tmp-" + hex.EncodeToString(b[:])
}

// pathDir is the slash-separated parent of rel; "." at the top.
func pathDir(rel string) string { return path.Dir(rel) }

// maxNewNames bounds CreateNew's search for a free name.
const maxNewNames = 1000

// ErrNameTaken is returned by CreateNew when every name it may take is.
var ErrNameTaken = errors.New("every name is taken")

// CreateNew writes src to a new file in the folder dir (slash-separated,
// below the work tree; made when missing) named name(n) for the first
// n = 1, 2, … that is free, and returns its repo-relative path. No file is
// ever overwritten and none is seen half-written: the bytes go to a
// temporary name first (one IsTemp knows), flushed, then hard-linked to
// the final name, which fails when the name exists (link(2)); where there
// are no hard links, an exclusive create takes its place. Every directory
// on the way is gone through without following links (see writeAt).
func (r *Repo) CreateNew(dir string, name func(n int) string, src io.Reader) (string, error) {
	return createNewAt(r.root, dir, name, src)
}

// ReplaceFile writes data over the work-tree file rel whole or not at all
// (a temporary name, flushed, renamed over it), never through a link on
// the way; the file is left as a plain file of mode 0644.
func (r *Repo) ReplaceFile(rel string, data []byte) error {
	return writeAt(r.root, rel, false, 0o644, bytes.NewReader(data))
}

// RemoveFile removes the work-tree file rel, never through a link on the
// way; a missing one is no error.
func (r *Repo) RemoveFile(rel string) error {
	return removeAt(r.root, rel)
}

// copyTemp copies the temporary file tmp, just written, into out, a file
// just created exclusively, flushes it and closes it: CreateNew's way on
// a file system without hard links.
func copyTemp(out, tmp *os.File) error {
	_, err := tmp.Seek(0, io.SeekStart)
	if err == nil {
		_, err = io.Copy(out, tmp)
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}
