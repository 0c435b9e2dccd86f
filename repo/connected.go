package repo

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// ErrIncomplete: a ref points at a commit whose objects this repository
// does not all have (a fetch cut short by a full disk or a kill, in an
// older diary).
var ErrIncomplete = errors.New("objects are missing")

// onDisk reads objects only from the files under .git/objects, through
// objectStore, never from what go-git holds in memory: a pack whose index
// go-git failed to write (a full disk) is known to the go-git storage of
// this process, but to no later process.
type onDisk struct {
	storer.EncodedObjectStorer
	objs *objectStore
}

func (d onDisk) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	typ, data, err := d.objs.read(h)
	if errors.Is(err, errNotHere) {
		return nil, plumbing.ErrObjectNotFound
	}
	if err != nil {
		return nil, err
	}
	if t != plumbing.AnyObject && t != typ {
		return nil, plumbing.ErrObjectNotFound
	}
	obj := &plumbing.MemoryObject{}
	obj.SetType(typ)
	obj.Write(data)
	return obj, nil
}

// has reports whether object h is on disk.
func (d onDisk) has(h Hash) error {
	_, _, err := d.objs.size(h)
	if errors.Is(err, errNotHere) {
		return plumbing.ErrObjectNotFound
	}
	return err
}

// disk is the repository's objects as later processes will see them.
func (r *Repo) disk() (storer.EncodedObjectStorer, func(Hash) error) {
	if fs, ok := r.git.Storer.(*fastStorage); ok {
		d := onDisk{fs, fs.objs}
		return d, d.has
	}
	return r.git.Storer, func(h Hash) error { return r.git.Storer.HasEncodedObject(h) }
}

// Connected checks that commit tip and everything it needs are in the
// repository, down to where its history meets the commits of haves,
// which are trusted to be whole: git's connectivity check after a fetch
// (check_connected in git's connected.c does it with rev-list --objects),
// walking only the new objects. The walk is objectsToSend's: what another
// repository that has haves would need of tip is exactly what must be
// here. A have that is itself missing is passed over.
func (r *Repo) Connected(tip Hash, haves []Hash) error {
	st, has := r.disk()
	hashes, err := objectsToSend(st, []plumbing.Hash{tip}, haves)
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
	if has(h) != nil {
		return false
	}
	data, err := readTyped(st, h, plumbing.CommitObject)
	if err != nil {
		return false
	}
	// A commit starts with "tree HEX\n".
	const at = len("tree ")
	if len(data) < at+40 {
		return false
	}
	tree, ok := parseHash(string(data[at : at+40]))
	return ok && has(tree) == nil
}

// Intact checks that commit h can be read whole from disk: the commit,
// its parents' presence, every tree of it, and every file's object
// header (which reads through the pack to where the object starts). It
// is doctor's check of a branch: the whole history is not walked.
func (r *Repo) Intact(h Hash) error {
	st, has := r.disk()
	data, err := readTyped(st, h, plumbing.CommitObject)
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
	seen := map[Hash]bool{}
	var walk func(t Hash) error
	walk = func(t Hash) error {
		if seen[t] {
			return nil
		}
		seen[t] = true
		return eachEntry(st, t, func(mode filemode.FileMode, eh plumbing.Hash) error {
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
