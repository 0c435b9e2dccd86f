package repo

import (
	"fmt"
	"path/filepath"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
)

// OnBranch returns where HEAD is when it is on a branch. On a detached
// HEAD it returns ErrDetached with the git switch command that puts it
// back: the configured branch when there is one, else the branch whose
// tip is HEAD's commit, else DefaultBranch. A commit made on a detached
// HEAD is on no branch, and the next git switch leaves it behind, so
// new, edit and sync ask this before they write anything.
func (r *Repo) OnBranch(configured string) (HeadState, error) {
	head, err := r.Head()
	if err != nil || head.Branch != "" {
		return head, err
	}
	branch := configured
	if branch == "" {
		branch = r.branchAt(head.Hash)
	}
	return head, fmt.Errorf("%w at %s in %s: diary writes only onto a branch, and nothing was written: switch back with git switch %s, then run diary again", ErrDetached, short(head.Hash), r.root, branch)
}

// branchAt names a branch whose tip is h (the first by name when
// several are), DefaultBranch when none is.
func (r *Repo) branchAt(h Hash) string {
	iter, err := r.git.Storer.IterReferences()
	if err != nil {
		return DefaultBranch
	}
	var names []string
	iter.ForEach(func(ref *plumbing.Reference) error {
		if ref.Name().IsBranch() && ref.Type() == plumbing.HashReference && Hash(ref.Hash()) == h {
			names = append(names, ref.Name().Short())
		}
		return nil
	})
	if len(names) == 0 {
		return DefaultBranch
	}
	sort.Strings(names)
	return names[0]
}

// RemoteNames lists the remotes .git/config names, sorted.
func (r *Repo) RemoteNames() ([]string, error) {
	cfg, err := r.git.Config()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Join(r.gitDir, "config"), err)
	}
	var names []string
	for name := range cfg.Remotes {
		names = append(names, name)
	}
	sort.Strings(names)
	return names, nil
}
