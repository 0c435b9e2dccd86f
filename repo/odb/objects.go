package odb

import (
	"bytes"
	"container/heap"
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"time"
)

// ObjectsToSend lists what another repository needs to have the commits
// wants, when it has haves: the commits between them, and of their trees
// and blobs only those not in the trees of the commits it already has
// where the new history meets the old.
//
// go-git's revlist answers the same question by listing every object of
// the whole history on the side that has it (every version of a
// 10,000-entry _posts tree, for each of hundreds of commits): seconds
// and hundreds of megabytes for a lifetime diary. Like git, this walks
// down from wants and haves at once, newest first, only until
// everything still queued is known to the other side; then it compares
// the new commits' trees with those of the boundary commits, skipping
// every subtree whose hash it already knows. What the other side has but
// the walk did not get to (a commit dated wrongly, a file deleted and
// later restored) may be sent again: harmless.
func ObjectsToSend(st storer.EncodedObjectStorer, wants, haves []plumbing.Hash) ([]plumbing.Hash, error) {
	const (
		wanted = 1 << iota
		had
	)
	flags := map[plumbing.Hash]int{}
	commits := map[plumbing.Hash]*object.Commit{}
	q := &DateQueue{}
	push := func(h plumbing.Hash, f int) error {
		c, ok := commits[h]
		if !ok {
			var err error
			if c, err = object.GetCommit(st, h); err != nil {
				if f == had && errors.Is(err, plumbing.ErrObjectNotFound) {
					return nil // a shallow history, or a have we lack: its end is the boundary
				}
				return fmt.Errorf("read commit %s: %w", Short(h), err)
			}
			commits[h] = c
		}
		flags[h] |= f
		heap.Push(q, Dated{h, c.Committer.When})
		return nil
	}
	for _, h := range haves {
		if err := push(h, had); err != nil {
			return nil, err
		}
	}
	for _, h := range wants {
		if flags[h]&wanted == 0 {
			if err := push(h, wanted); err != nil {
				return nil, err
			}
		}
	}
	live := func() bool {
		for _, e := range *q {
			if flags[e.Hash]&had == 0 {
				return true
			}
		}
		return false
	}
	var order []plumbing.Hash // wanted commits, in the order found
	listed := map[plumbing.Hash]bool{}
	for live() {
		h := heap.Pop(q).(Dated).Hash
		f := flags[h]
		if f&had == 0 && !listed[h] {
			listed[h] = true
			order = append(order, h)
		}
		for _, p := range commits[h].ParentHashes {
			if flags[p]&f == f {
				continue
			}
			if err := push(p, f); err != nil {
				return nil, err
			}
		}
	}
	// The new commits are those never found to be had; the boundary,
	// their parents that were.
	var newCommits []*object.Commit
	boundary := map[plumbing.Hash]bool{}
	for _, h := range order {
		if flags[h]&had != 0 {
			continue
		}
		c := commits[h]
		newCommits = append(newCommits, c)
		for _, p := range c.ParentHashes {
			if flags[p]&had != 0 && commits[p] != nil {
				boundary[p] = true
			}
		}
	}
	known := map[plumbing.Hash]bool{}
	for h := range boundary {
		if err := markTree(st, commits[h].TreeHash, known); err != nil {
			return nil, err
		}
	}
	var out []plumbing.Hash
	for _, c := range newCommits {
		out = append(out, c.Hash)
		if err := addTree(st, c.TreeHash, known, &out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// markTree records a tree and everything in it as known.
func markTree(st storer.EncodedObjectStorer, h plumbing.Hash, known map[plumbing.Hash]bool) error {
	if known[h] {
		return nil
	}
	known[h] = true
	return EachEntry(st, h, func(mode filemode.FileMode, eh plumbing.Hash) error {
		if mode == filemode.Dir {
			return markTree(st, eh, known)
		}
		known[eh] = true
		return nil
	})
}

// addTree lists a tree and what in it is not known yet.
func addTree(st storer.EncodedObjectStorer, h plumbing.Hash, known map[plumbing.Hash]bool, out *[]plumbing.Hash) error {
	if known[h] {
		return nil
	}
	known[h] = true
	*out = append(*out, h)
	return EachEntry(st, h, func(mode filemode.FileMode, eh plumbing.Hash) error {
		switch {
		case mode == filemode.Dir:
			return addTree(st, eh, known, out)
		case mode == filemode.Submodule || known[eh]:
			return nil
		}
		known[eh] = true
		*out = append(*out, eh)
		return nil
	})
}

// EachEntry calls f on each entry of a tree, read as raw bytes.
func EachEntry(st storer.EncodedObjectStorer, h plumbing.Hash, f func(filemode.FileMode, plumbing.Hash) error) error {
	t, err := ReadTyped(st, h, plumbing.TreeObject)
	if err != nil {
		return fmt.Errorf("read tree %s: %w", Short(h), err)
	}
	for at := 0; at < len(t); {
		e, err := nextRawEntry(t, at)
		if err != nil {
			return fmt.Errorf("tree %s: %w", Short(h), err)
		}
		mode := filemode.Regular
		sp := bytes.IndexByte(t[at:], ' ')
		if m, err := filemode.New(string(t[at : at+sp])); err == nil {
			mode = m
		}
		if err := f(mode, e.hash); err != nil {
			return err
		}
		at = e.end
	}
	return nil
}

// Dated is a commit queued by its commit time.
type Dated struct {
	Hash plumbing.Hash
	When time.Time
}

// DateQueue is a container/heap of commits, newest first: the order of
// git's walks down a history (ObjectsToSend, and repo's ancestry).
type DateQueue []Dated

func (q DateQueue) Len() int           { return len(q) }
func (q DateQueue) Less(i, j int) bool { return q[i].When.After(q[j].When) }
func (q DateQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *DateQueue) Push(x any)        { *q = append(*q, x.(Dated)) }
func (q *DateQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}
