package repo

import (
	"fmt"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	gitindex "github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/gitdiary/diary/repo/index"
)

// An index that neither index.Parse nor go-git can read (cut short by a
// crash, a full disk or another program) leaves the git CLI unable to
// run even `git status`, so advice to run it cannot help. diary rebuilds
// the index itself instead, from HEAD's tree and without stat data, as
// `rm .git/index && git reset` would: every tracked file is then read
// and compared once, so a file that differs from HEAD shows as changed
// and nothing in the work tree is touched. What the damaged index had
// staged is lost from the index only; the files still hold it.

// headIndex is an index that holds HEAD's tree, read from the objects
// (never from the index), with no stat data.
func (r *Repo) headIndex() (*gitindex.Index, error) {
	idx := &gitindex.Index{Version: 2}
	_, head, err := r.headRef()
	if err != nil || head.IsZero() {
		return idx, err
	}
	commit, err := r.git.CommitObject(plumbing.Hash(head))
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", short(head), err)
	}
	t := Tree{}
	if err := r.readTree(head, Hash(commit.TreeHash), "", t); err != nil {
		return nil, err
	}
	for p, e := range t {
		idx.Entries = append(idx.Entries, &gitindex.Entry{Name: p, Hash: plumbing.Hash(e.Hash), Mode: filemode.FileMode(e.Mode)})
	}
	sort.Slice(idx.Entries, func(i, j int) bool { return idx.Entries[i].Name < idx.Entries[j].Name })
	return idx, nil
}

// rebuildIndex replaces the unreadable index with headIndex, under the
// index lock, and returns its entries. When the lock cannot be taken
// (git is at work) the entries are still returned, and nothing is
// written: the next command tries again.
func (r *Repo) rebuildIndex(cause error) (map[string]*index.Entry, error) {
	idx, err := r.headIndex()
	if err != nil {
		return nil, fmt.Errorf("read the index: %v; and rebuild it from HEAD: %w: remove %s/index and run diary sync again (your files are untouched)", cause, err, r.gitDir)
	}
	if lock, err := r.lockIndex(); err == nil {
		lock.commit(idx)
	}
	m := make(map[string]*index.Entry, len(idx.Entries))
	for _, e := range idx.Entries {
		m[e.Name] = &index.Entry{Hash: e.Hash, Mode: e.Mode}
	}
	r.indexMemo, r.indexKey = nil, ""
	return m, nil
}
