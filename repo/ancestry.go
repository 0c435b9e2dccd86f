package repo

import (
	"container/heap"
	"fmt"
	"slices"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitdiary/diary/repo/odb"
)

// The ancestry of commits, as git finds it: a walk down from both
// commits at once, newest first, that stops as soon as everything still
// to visit lies below a common ancestor already found ("paint down to
// common" in git's commit-reach.c). go-git's IsAncestor walks the whole
// history below one commit in depth-first order, and its MergeBase the
// whole history below both: for a lifetime diary, hundreds of commits
// read to learn that two laptops parted three commits ago.
//
// Commit times order the walk but do not decide its answer: with a
// laptop's clock wrong the walk goes further, and finds the same bases.

const (
	fromA  = 1 << iota // reachable from a
	fromB              // reachable from b
	stale              // below a common ancestor already found
	result             // a common ancestor found
)

// commonAncestors returns the common ancestors of a and b that the
// paint-down walk finds, newest first: every merge base is among them,
// and a (or b) is among them exactly when it is an ancestor of the other.
func (r *Repo) commonAncestors(ha, hb Hash) ([]plumbing.Hash, error) {
	a, b := plumbing.Hash(ha), plumbing.Hash(hb)
	type links struct {
		parents []plumbing.Hash
		when    time.Time
	}
	seen := map[plumbing.Hash]links{}
	read := func(h plumbing.Hash) (links, error) {
		if l, ok := seen[h]; ok {
			return l, nil
		}
		c, err := r.git.CommitObject(h)
		if err != nil {
			return links{}, fmt.Errorf("read commit %s: %w", short(h), err)
		}
		l := links{c.ParentHashes, c.Committer.When}
		seen[h] = l
		return l, nil
	}
	flags := map[plumbing.Hash]int{}
	q := &odb.DateQueue{}
	push := func(h plumbing.Hash, f int) error {
		l, err := read(h)
		if err != nil {
			return err
		}
		flags[h] |= f
		heap.Push(q, odb.Dated{Hash: h, When: l.when})
		return nil
	}
	// The walk goes on while anything queued is not yet known to lie
	// below a common ancestor.
	live := func() bool {
		for _, e := range *q {
			if flags[e.Hash]&stale == 0 {
				return true
			}
		}
		return false
	}
	if err := push(a, fromA); err != nil {
		return nil, err
	}
	if err := push(b, fromB); err != nil {
		return nil, err
	}
	var found []plumbing.Hash
	for live() {
		h := heap.Pop(q).(odb.Dated).Hash
		paint := flags[h] & (fromA | fromB | stale)
		if paint == fromA|fromB {
			if flags[h]&result == 0 {
				flags[h] |= result
				found = append(found, h)
			}
			paint |= stale
		}
		l, err := read(h)
		if err != nil {
			return nil, err
		}
		for _, p := range l.parents {
			if flags[p]&paint == paint {
				continue
			}
			if err := push(p, paint); err != nil {
				return nil, err
			}
		}
	}
	return found, nil
}

// MergeBase returns the best common ancestor of a and b; ok is false
// for unrelated histories.
func (r *Repo) MergeBase(a, b Hash) (base Hash, ok bool, err error) {
	found, err := r.commonAncestors(a, b)
	if err != nil {
		return ZeroHash, false, fmt.Errorf("merge base of %s and %s: %w", short(a), short(b), err)
	}
	if len(found) == 0 {
		return ZeroHash, false, nil
	}
	// Several (criss-cross merges, or a wrong clock that let the walk
	// find an ancestor of another base too) are rare in a diary: drop
	// those below another, and take the newest of the rest. Any common
	// ancestor loses nothing in a 3-way merge; the lowest one only
	// conflicts more.
	best := Hash(found[0])
	for _, h := range ownHashes(found[1:]) {
		if below, err := r.IsAncestor(best, h); err == nil && below {
			best = h
		}
	}
	return best, true, nil
}

// IsAncestor reports whether a is an ancestor of b (or b itself).
func (r *Repo) IsAncestor(a, b Hash) (bool, error) {
	if a == b {
		return true, nil
	}
	found, err := r.commonAncestors(a, b)
	if err != nil {
		return false, err
	}
	return slices.Contains(found, plumbing.Hash(a)), nil
}
