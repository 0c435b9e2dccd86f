package odb

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Raw trees, read and written as bytes: an entry is "MODE NAME\0" and
// twenty bytes of hash, in git's order (gitLess).

// SpliceTree writes the tree base (ZeroHash: empty), read from st, into
// objectsDir with changes applied,
// working on the raw bytes: the entries before and after the changed
// ones are copied as they are, never decoded into objects, so that
// adding one post to a directory of ten thousand costs one copy of the
// tree. Keys of changes are paths relative to base; a nil entry removes.
func SpliceTree(st storer.EncodedObjectStorer, objectsDir string, base plumbing.Hash, changes map[string]*Change) (plumbing.Hash, error) {
	var t []byte
	if !base.IsZero() {
		var err error
		if t, err = ReadTyped(st, base, plumbing.TreeObject); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("read tree %s: %w", Short(base), err)
		}
	}
	// Group by first segment: files here, and subtrees to recurse into.
	here := map[string]*Change{}
	sub := map[string]map[string]*Change{}
	for p, c := range changes {
		if dir, rest, nested := strings.Cut(p, "/"); nested {
			if sub[dir] == nil {
				sub[dir] = map[string]*Change{}
			}
			sub[dir][rest] = c
		} else {
			here[p] = c
		}
	}
	for dir, ch := range sub {
		var old plumbing.Hash
		if e, ok, err := findRaw(t, dir, true); err != nil {
			return plumbing.ZeroHash, err
		} else if ok {
			old = e.hash
		}
		h, err := SpliceTree(st, objectsDir, old, ch)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		c := &Change{Mode: filemode.Dir, Hash: h}
		if h == emptyTree {
			c = nil
		}
		if t, err = spliceEntry(t, dir, true, c); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	for name, c := range here {
		var err error
		if t, err = spliceEntry(t, name, false, c); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	return WriteLoose(objectsDir, plumbing.TreeObject, t)
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

// Change is what a path becomes in SpliceTree: nil to remove it.
type Change struct {
	Mode filemode.FileMode
	Hash plumbing.Hash
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
func spliceEntry(t []byte, name string, dir bool, c *Change) ([]byte, error) {
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
	entry = strconv.AppendUint(entry, uint64(c.Mode), 8)
	entry = append(entry, ' ')
	entry = append(entry, name...)
	entry = append(entry, 0)
	entry = append(entry, c.Hash[:]...)
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

// NextTreeEntry reads the entry of the raw tree t that starts at at:
// its mode as written, its name, its hash, and where the next starts.
func NextTreeEntry(t []byte, at int) (mode, name []byte, h plumbing.Hash, next int, err error) {
	e, err := nextRawEntry(t, at)
	if err != nil {
		return nil, nil, plumbing.ZeroHash, 0, err
	}
	return t[e.start : e.start+bytes.IndexByte(t[e.start:], ' ')], e.name, e.hash, e.end, nil
}

// emptyTree is the hash of the tree with no entries.
var emptyTree = plumbing.NewHash("4b825dc642cb6eb9a060e54bf8d69288fbee4904")
