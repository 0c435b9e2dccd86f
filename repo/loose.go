package repo

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/klauspost/compress/zlib"
)

// objectsDir is where loose objects go: the common directory's objects
// for a linked work tree, .git/objects otherwise.
func (r *Repo) objectsDir() string { return filepath.Join(commonDir(r.gitDir), "objects") }

// commonDir is the directory that a linked work tree's gitDir shares
// with the main one (objects, refs); gitDir itself otherwise.
func commonDir(gitDir string) string {
	if data, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		dir := strings.TrimSpace(string(data))
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(gitDir, dir)
		}
		return dir
	}
	return gitDir
}

// writeLoose stores data as a loose object compressed at zlib's fastest
// level, which is git's own default for loose objects
// (core.looseCompression); go-git's writer uses the slow default level,
// which for the 600 KB _posts tree of a lifetime diary costs more than
// the rest of a commit. An object already there is not written again.
func (r *Repo) writeLoose(t plumbing.ObjectType, data []byte) (plumbing.Hash, error) {
	header := t.String() + " " + strconv.Itoa(len(data)) + "\x00"
	hash := objectHash(t, data)
	hex := hash.String()
	dir := filepath.Join(r.objectsDir(), hex[:2])
	final := filepath.Join(dir, hex[2:])
	if _, err := os.Stat(final); err == nil {
		return hash, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write object %s: %w", hex[:7], err)
	}
	tmp, err := compressTemp(dir, func(zw io.Writer) error {
		io.WriteString(zw, header)
		_, err := zw.Write(data)
		return err
	})
	if err == nil {
		defer os.Remove(tmp)
		err = placeLoose(tmp, final)
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write object %s: %w", hex[:7], err)
	}
	return hash, nil
}

// compressTemp writes what write gives it, zlib-compressed as a loose
// object is, into a new temporary file in dir, flushed to disk before its
// name can appear (a ref may point at the object next), and returns the
// file's name. On an error nothing is left behind. It is not
// internal/atomicfile's writer: the object is streamed through zlib, its
// temporary name is git's tmp_obj_* (which git gc prunes), and
// placeLoose never replaces an object already there.
func compressTemp(dir string, write func(io.Writer) error) (string, error) {
	f, err := os.CreateTemp(dir, "tmp_obj_")
	if err != nil {
		return "", err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	zw, _ := zlib.NewWriterLevel(bw, zlib.BestSpeed)
	err = write(zw)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// placeLoose gives a flushed temporary object file its name, read-only
// as git keeps objects. One already there (written meanwhile by another
// writer) has the same content.
func placeLoose(tmp, final string) error {
	os.Chmod(tmp, 0o444)
	if err := os.Rename(tmp, final); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}

// rawTree reads tree h's raw bytes.
func (r *Repo) rawTree(h Hash) ([]byte, error) {
	data, err := r.readObject(h, plumbing.TreeObject)
	if err != nil {
		return nil, fmt.Errorf("read tree %s: %w", short(h), err)
	}
	return data, nil
}

// readObject reads object h, which must be of type t.
func (r *Repo) readObject(h Hash, t plumbing.ObjectType) ([]byte, error) {
	return readTyped(r.git.Storer, plumbing.Hash(h), t)
}

// rawEntry is one entry of a raw tree: where it starts and ends, its
// name and mode, and where its hash is.
type rawEntry struct {
	start, end int
	name       []byte
	dir        bool
	hash       plumbing.Hash
}

func nextRawEntry(t []byte, at int) (rawEntry, error) {
	sp := bytes.IndexByte(t[at:], ' ')
	if sp < 0 {
		return rawEntry{}, errors.New("corrupt tree: no mode")
	}
	nul := bytes.IndexByte(t[at+sp:], 0)
	if nul < 0 || at+sp+nul+21 > len(t) {
		return rawEntry{}, errors.New("corrupt tree: no name")
	}
	e := rawEntry{start: at, name: t[at+sp+1 : at+sp+nul], dir: string(t[at:at+sp]) == "40000"}
	copy(e.hash[:], t[at+sp+nul+1:at+sp+nul+21])
	e.end = at + sp + nul + 21
	return e, nil
}

// spliceTree writes the tree base (ZeroHash: empty) with changes applied,
// working on the raw bytes: the entries before and after the changed
// ones are copied as they are, never decoded into objects, so that
// adding one post to a directory of ten thousand costs one copy of the
// tree. Keys of changes are paths relative to base; a nil entry removes.
func (r *Repo) spliceTree(base Hash, changes map[string]*rawChange) (Hash, error) {
	var t []byte
	if !base.IsZero() {
		var err error
		if t, err = r.rawTree(base); err != nil {
			return ZeroHash, err
		}
	}
	// Group by first segment: files here, and subtrees to recurse into.
	here := map[string]*rawChange{}
	sub := map[string]map[string]*rawChange{}
	for p, c := range changes {
		if dir, rest, nested := strings.Cut(p, "/"); nested {
			if sub[dir] == nil {
				sub[dir] = map[string]*rawChange{}
			}
			sub[dir][rest] = c
		} else {
			here[p] = c
		}
	}
	for dir, ch := range sub {
		var old Hash
		if e, ok, err := findRaw(t, dir, true); err != nil {
			return ZeroHash, err
		} else if ok {
			old = Hash(e.hash)
		}
		h, err := r.spliceTree(old, ch)
		if err != nil {
			return ZeroHash, err
		}
		c := &rawChange{mode: filemode.Dir, hash: h}
		if plumbing.Hash(h) == emptyTree {
			c = nil
		}
		if t, err = spliceEntry(t, dir, true, c); err != nil {
			return ZeroHash, err
		}
	}
	for name, c := range here {
		var err error
		if t, err = spliceEntry(t, name, false, c); err != nil {
			return ZeroHash, err
		}
	}
	h, err := r.writeLoose(plumbing.TreeObject, t)
	return Hash(h), err
}

// rawChange is what a path becomes: nil to remove it.
type rawChange struct {
	mode filemode.FileMode
	hash Hash
}

// gitLess orders tree entries as git does: by name, a directory compared
// as if its name ended in "/".
func gitLess(a []byte, aDir bool, b []byte, bDir bool) int {
	n := min(len(a), len(b))
	if c := bytes.Compare(a[:n], b[:n]); c != 0 {
		return c
	}
	var ca, cb byte
	switch {
	case len(a) > n:
		ca = a[n]
	case aDir:
		ca = '/'
	}
	switch {
	case len(b) > n:
		cb = b[n]
	case bDir:
		cb = '/'
	}
	switch {
	case ca < cb:
		return -1
	case ca > cb:
		return 1
	}
	return 0
}

func findRaw(t []byte, name string, dir bool) (rawEntry, bool, error) {
	for at := 0; at < len(t); {
		e, err := nextRawEntry(t, at)
		if err != nil {
			return e, false, err
		}
		if string(e.name) == name && e.dir == dir {
			return e, true, nil
		}
		at = e.end
	}
	return rawEntry{}, false, nil
}

// spliceEntry puts (or with c nil removes) one entry in a raw tree at
// its place in git's order. A file and a directory of the same name
// replace each other.
func spliceEntry(t []byte, name string, dir bool, c *rawChange) ([]byte, error) {
	for at := 0; at < len(t); {
		e, err := nextRawEntry(t, at)
		if err != nil {
			return nil, err
		}
		if string(e.name) == name {
			t = append(t[:e.start:e.start], t[e.end:]...)
			break
		}
		at = e.end
	}
	if c == nil {
		return t, nil
	}
	insert := placeOf(t, name, dir)
	entry := make([]byte, 0, len(name)+32)
	entry = strconv.AppendUint(entry, uint64(c.mode), 8)
	entry = append(entry, ' ')
	entry = append(entry, name...)
	entry = append(entry, 0)
	entry = append(entry, c.hash[:]...)
	out := make([]byte, 0, len(t)+len(entry))
	out = append(out, t[:insert]...)
	out = append(out, entry...)
	return append(out, t[insert:]...), nil
}

func placeOf(t []byte, name string, dir bool) int {
	for at := 0; at < len(t); {
		e, err := nextRawEntry(t, at)
		if err != nil {
			return len(t)
		}
		if gitLess(e.name, e.dir, []byte(name), dir) > 0 {
			return e.start
		}
		at = e.end
	}
	return len(t)
}
