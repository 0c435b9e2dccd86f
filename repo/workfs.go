package repo

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
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
