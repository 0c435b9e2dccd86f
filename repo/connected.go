package repo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/gitdiary/diary/repo/odb"
)

// ErrIncomplete: a ref points at a commit whose objects this repository
// does not all have (a fetch cut short by a full disk or a kill, in an
// older diary).
var ErrIncomplete = errors.New("objects are missing")

// disk is the repository's objects as later processes will see them.
func (r *Repo) disk() (storer.EncodedObjectStorer, func(plumbing.Hash) error) {
	if fs, ok := r.git.Storer.(*fastStorage); ok {
		return odb.OnDisk(fs, fs.objs)
	}
	return r.git.Storer, func(h plumbing.Hash) error { return r.git.Storer.HasEncodedObject(h) }
}

// Connected checks that commit tip and everything it needs are in the
// repository, down to where its history meets the commits of haves,
// which are trusted to be whole: git's connectivity check after a fetch
// (check_connected in git's connected.c does it with rev-list --objects),
// walking only the new objects. The walk is odb.ObjectsToSend's: what another
// repository that has haves would need of tip is exactly what must be
// here. A have that is itself missing is passed over.
func (r *Repo) Connected(tip Hash, haves []Hash) error {
	st, has := r.disk()
	hashes, err := odb.ObjectsToSend(st, []plumbing.Hash{plumbing.Hash(tip)}, gitHashes(haves))
	if err != nil {
		return fmt.Errorf("commit %s: %w: %v", short(tip), ErrIncomplete, err)
	}
	// Commits and trees were read by the walk; the blobs are looked up.
	for _, h := range hashes {
		if err := has(h); err != nil {
			return fmt.Errorf("commit %s: %w: object %s: %v", short(tip), ErrIncomplete, short(h), err)
		}
	}
	return nil
}

// looksWhole is the cheap check of a ref left by an earlier fetch: its
// commit and root tree are on disk. A fetch writes one pack, whole or
// not at all, so a commit there with its tree had its pack kept; a ref at
// a commit that is not there was set by a fetch that failed (diary
// before it checked, or another tool).
func (r *Repo) looksWhole(h Hash) bool {
	st, has := r.disk()
	if has(plumbing.Hash(h)) != nil {
		return false
	}
	data, err := odb.ReadTyped(st, plumbing.Hash(h), plumbing.CommitObject)
	if err != nil {
		return false
	}
	// A commit starts with "tree HEX\n".
	const at = len("tree ")
	if len(data) < at+40 {
		return false
	}
	tree, ok := ParseHash(string(data[at : at+40]))
	return ok && has(plumbing.Hash(tree)) == nil
}

// Intact checks that commit h can be read whole from disk: the commit,
// its parents' presence, every tree of it, and every file's object
// header (which reads through the pack to where the object starts). It
// is doctor's check of a branch: the whole history is not walked.
func (r *Repo) Intact(h Hash) error {
	st, has := r.disk()
	data, err := odb.ReadTyped(st, plumbing.Hash(h), plumbing.CommitObject)
	if err != nil {
		return fmt.Errorf("commit %s: %w: %v", short(h), ErrIncomplete, err)
	}
	c := &object.Commit{}
	obj := &plumbing.MemoryObject{}
	obj.SetType(plumbing.CommitObject)
	obj.Write(data)
	if err := c.Decode(obj); err != nil {
		return fmt.Errorf("commit %s: %v", short(h), err)
	}
	for _, p := range c.ParentHashes {
		if err := has(p); err != nil {
			return fmt.Errorf("commit %s: %w: its parent %s: %v", short(h), ErrIncomplete, short(p), err)
		}
	}
	seen := map[plumbing.Hash]bool{}
	var walk func(t plumbing.Hash) error
	walk = func(t plumbing.Hash) error {
		if seen[t] {
			return nil
		}
		seen[t] = true
		return odb.EachEntry(st, t, func(mode filemode.FileMode, eh plumbing.Hash) error {
			switch {
			case mode == filemode.Dir:
				return walk(eh)
			case mode == filemode.Submodule || seen[eh]:
				return nil
			}
			seen[eh] = true
			if err := has(eh); err != nil {
				return fmt.Errorf("object %s: %v", short(eh), err)
			}
			return nil
		})
	}
	if err := walk(c.TreeHash); err != nil {
		return fmt.Errorf("commit %s: %w: %v", short(h), ErrIncomplete, err)
	}
	return nil
}

// mendPackIndexes rebuilds the pack indexes (objects/pack/pack-*.idx)
// that are missing or cannot be read: cut short by a full disk or a kill
// in a diary that wrote them in place. An index holds nothing of its
// own: it is derived from its pack, as git index-pack derives it. While
// one is broken, go-git can read no object at all, and it never writes
// an index that exists again. A pack that cannot be read through is
// renamed to pack-*.pack.broken, kept for a person to look at: neither
// git nor go-git reads it. It returns how many packs it mended or set
// aside.
func (r *Repo) mendPackIndexes() (int, error) {
	packs, err := filepath.Glob(filepath.Join(r.objectsDir(), "pack", "pack-*.pack"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range packs {
		idx := strings.TrimSuffix(p, ".pack") + ".idx"
		if odb.CheckIndex(idx) == nil {
			continue
		}
		n++
		if err := odb.WriteIndex(p, idx); err != nil {
			os.Remove(idx)
			if rerr := os.Rename(p, p+".broken"); rerr != nil {
				return n, fmt.Errorf("set the unreadable pack %s aside: %w", p, rerr)
			}
		}
	}
	return n, nil
}

// reopen drops go-git's view of the storage, which keeps the indexes it
// wrote in memory, for a fresh one read from disk.
func (r *Repo) reopen() error {
	fresh, err := open(r.root, false)
	if err != nil {
		return err
	}
	r.git, r.trees = fresh.git, nil
	return nil
}
