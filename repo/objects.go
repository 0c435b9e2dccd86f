package repo

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// objectsToSend lists what another repository needs to have the commits
// wants, when it has haves: the commits between them, and of their trees
// and blobs only those not in the trees of the commits it already has
// where the new history meets the old.
//
// go-git's revlist answers the same question by listing every object of
// the whole history on the side that has it (every version of a
// 10,000-entry _posts tree, for each of hundreds of commits): seconds
// and hundreds of megabytes for a lifetime diary. Like git, this walks
// only the new commits, and compares their trees with those of the
// boundary commits, skipping every subtree whose hash it already knows.
// What the other side has from older history and the boundary trees
// lack (a file deleted and later restored) may be sent again: harmless.
func objectsToSend(st storer.EncodedObjectStorer, wants, haves []plumbing.Hash) ([]plumbing.Hash, error) {
	// Every commit the other side has (commit objects only: cheap).
	have := map[plumbing.Hash]bool{}
	var stack []plumbing.Hash
	for _, h := range haves {
		if st.HasEncodedObject(h) == nil {
			stack = append(stack, h)
		}
	}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if have[h] {
			continue
		}
		c, err := object.GetCommit(st, h)
		if err != nil {
			if errors.Is(err, plumbing.ErrObjectNotFound) {
				continue // a shallow or partial history: its end is the boundary
			}
			return nil, err
		}
		have[h] = true
		stack = append(stack, c.ParentHashes...)
	}
	// The new commits, and the boundary where they meet the old ones.
	var newCommits []*object.Commit
	boundary := map[plumbing.Hash]bool{}
	seen := map[plumbing.Hash]bool{}
	stack = append(stack[:0], wants...)
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[h] {
			continue
		}
		seen[h] = true
		if have[h] {
			boundary[h] = true
			continue
		}
		c, err := object.GetCommit(st, h)
		if err != nil {
			return nil, fmt.Errorf("read commit %s: %w", short(h), err)
		}
		newCommits = append(newCommits, c)
		stack = append(stack, c.ParentHashes...)
	}
	known := map[plumbing.Hash]bool{}
	for h := range boundary {
		c, err := object.GetCommit(st, h)
		if err != nil {
			return nil, err
		}
		if err := markTree(st, c.TreeHash, known); err != nil {
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
	return eachEntry(st, h, func(mode filemode.FileMode, eh plumbing.Hash) error {
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
	return eachEntry(st, h, func(mode filemode.FileMode, eh plumbing.Hash) error {
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

// eachEntry calls f on each entry of a tree, read as raw bytes.
func eachEntry(st storer.EncodedObjectStorer, h plumbing.Hash, f func(filemode.FileMode, plumbing.Hash) error) error {
	obj, err := st.EncodedObject(plumbing.TreeObject, h)
	if err != nil {
		return fmt.Errorf("read tree %s: %w", short(h), err)
	}
	rd, err := obj.Reader()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.Grow(int(obj.Size()))
	_, err = io.Copy(&buf, rd)
	rd.Close()
	if err != nil {
		return fmt.Errorf("read tree %s: %w", short(h), err)
	}
	t := buf.Bytes()
	for at := 0; at < len(t); {
		e, err := nextRawEntry(t, at)
		if err != nil {
			return fmt.Errorf("tree %s: %w", short(h), err)
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
