package repo

import (
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitdiary/diary/internal/atomicfile"
	"github.com/gitdiary/diary/repo/index"
)

// The index as HEAD's tree.
//
// Right after a commit, a checkout or a `git reset`, the index holds
// exactly the files of HEAD's tree, and a clean diary stays that way
// from one sync to the next. Reading that tree back from the pack (ten
// thousand entries of a lifetime diary, through go-git's object reader)
// costs more than all else a sync with nothing to do; the index, already
// read to find changes, holds the same paths, modes and hashes. So
// ReadTree takes HEAD's tree from the index when the index provably
// holds it, which is when either
//
//   - git's own cache tree (the index's TREE extension, which git keeps
//     valid only while the entries are what it describes) names HEAD's
//     tree and covers every entry; or
//   - .git/diary/index-head, which diary writes only after it compared
//     the index with the tree read from the objects, or made both itself
//     from ones so compared, names HEAD's commit and the checksum the
//     index file ends with. Any write to the index, by git or diary,
//     changes that checksum, and a record that names another is ignored.
//     The record's format is the room's (index.Head); when to write it
//     and when to believe it is decided here.
//
// An index with entries in conflict, marked intent-to-add or
// skip-worktree, a split or sparse index, or one written without a
// checksum (index.skipHash), never stands for a tree.
type indexHead struct {
	commit, index Hash
}

func (r *Repo) indexHeadPath() string { return filepath.Join(r.gitDir, "diary", "index-head") }

// readIndexHead returns the record; ok is false when there is none or
// it does not read as one.
func (r *Repo) readIndexHead() (indexHead, bool) {
	data, err := os.ReadFile(r.indexHeadPath())
	if err != nil {
		return indexHead{}, false
	}
	rec, ok := index.ParseHead(data)
	return indexHead{commit: Hash(rec.Commit), index: Hash(rec.Index)}, ok
}

// writeIndexHead records that the index whose checksum is rec.index
// holds commit rec.commit's files. It is only a speed-up, so a failure
// is not one of the command's: the record is removed, if it can be, and
// the tree is read from the objects next time.
func (r *Repo) writeIndexHead(rec indexHead) {
	path := r.indexHeadPath()
	if rec.commit.IsZero() || rec.index.IsZero() {
		os.Remove(path)
		return
	}
	data := index.Head{Commit: plumbing.Hash(rec.commit), Index: plumbing.Hash(rec.index)}.Encode()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
		if err = atomicfile.WriteFile(path, data, privateFile); err == nil {
			return
		}
	}
	os.Remove(path)
}

// carryIndexHead moves the record along when diary rewrote the index
// that it vouched for (checksum oldSum, commit oldCommit) into newIndex
// in a way that keeps the index equal to a commit's files: the same
// paths put in the index and in a new commit (Commit), the index moved
// from one commit's files to another's (Update), or only stat data
// refreshed (the same commit again). It does nothing when the record did
// not vouch for the old index.
func (r *Repo) carryIndexHead(oldSum, oldCommit, newCommit Hash, newIndex []byte) {
	rec, ok := r.readIndexHead()
	if !ok || rec.index != oldSum || rec.commit != oldCommit || oldSum.IsZero() {
		return
	}
	r.writeIndexHead(indexHead{commit: newCommit, index: Hash(index.Sum(newIndex))})
}

// indexHolds reports whether the index provably holds commit c's files
// (see indexHead), without building a tree of them.
func (r *Repo) indexHolds(c Hash) bool {
	if _, ok := r.indexVouches(c, ZeroHash); ok {
		return true
	}
	// git's cache tree needs c's tree hash: ReadTree reads the commit
	// and asks again.
	_, err := r.ReadTree(c)
	if err != nil {
		return false
	}
	_, ok := r.indexVouches(c, ZeroHash)
	return ok
}

// treeFromIndex returns commit c's files from the index when the index
// provably holds them (see indexHead); treeHash is c's tree when the
// caller has read the commit, ZeroHash when not.
func (r *Repo) treeFromIndex(c, treeHash Hash) (Tree, bool) {
	entries, ok := r.indexVouches(c, treeHash)
	if !ok {
		return nil, false
	}
	t := make(Tree, len(entries))
	for p, e := range entries {
		t[p] = Entry{Hash: Hash(e.Hash), Mode: Mode(e.Mode)}
	}
	return t, true
}

// indexVouches returns the index's entries when the index provably
// holds commit c's files: it did when last found to (fromIndex) and
// has not changed since, or diary's record says so, or (treeHash not
// ZeroHash) git's cache tree names c's tree. Then fromIndex notes it.
func (r *Repo) indexVouches(c, treeHash Hash) (map[string]*index.Entry, bool) {
	rec, ok := r.readIndexHead()
	recorded := ok && rec.commit == c
	if c.IsZero() || (r.fromIndex != c && !recorded && treeHash.IsZero()) {
		return nil, false // nothing could vouch: the index is not even read
	}
	entries, err := r.indexEntries()
	meta, sum := r.indexMeta, Hash(r.indexMeta.Sum)
	if err != nil || !meta.Plain || sum.IsZero() {
		return nil, false
	}
	if (r.fromIndex == c && r.fromIndexSum == sum) || (recorded && rec.index == sum) {
		r.fromIndex, r.fromIndexSum = c, sum
		return entries, true
	}
	if treeHash.IsZero() || Hash(meta.CacheTree) != treeHash {
		return nil, false
	}
	// git's cache tree says so. Its paths were never checked as a tree
	// read from the objects is: check them now, once, and record it.
	for p := range entries {
		if checkPath(p) != nil {
			return nil, false
		}
	}
	r.writeIndexHead(indexHead{commit: c, index: sum})
	r.fromIndex, r.fromIndexSum = c, sum
	return entries, true
}

// noteIndexHolds writes the record when the index, as last parsed,
// holds exactly tree t, commit c's files as read from the objects.
func (r *Repo) noteIndexHolds(c Hash, t Tree) {
	entries, err := r.indexEntries()
	meta, sum := r.indexMeta, Hash(r.indexMeta.Sum)
	if err != nil || !meta.Plain || sum.IsZero() || len(entries) != len(t) {
		return
	}
	for p, e := range t {
		ie := entries[p]
		if ie == nil || Hash(ie.Hash) != e.Hash || Mode(ie.Mode) != e.Mode {
			return
		}
	}
	if rec, ok := r.readIndexHead(); ok && rec == (indexHead{commit: c, index: sum}) {
		return
	}
	r.writeIndexHead(indexHead{commit: c, index: sum})
}
