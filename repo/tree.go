package repo

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/gitdiary/diary/repo/odb"
)

// Entry is one file of a tree.
type Entry struct {
	Hash Hash
	Mode Mode
}

// Tree is a commit's files by slash-separated path: the whole tree,
// flattened, which for a diary of ten thousand posts is a map of ten
// thousand small values and cheap to compare.
type Tree map[string]Entry

// ErrUnsafePath: a tree holds a name that must never reach the disk.
var ErrUnsafePath = errors.New("unsafe path in tree")

// ReadTree returns the files of commit c; an empty Tree for ZeroHash.
// Every path is checked: a name such as "..", ".git" (any case) or one
// holding "/" or NUL, as a hostile remote may send, is refused with the
// commit and path named.
//
// A commit's tree never changes, so the result is remembered for the
// life of the Repo (a sync reads HEAD's tree several times): callers
// must treat it as read-only, and copy it to change it.
func (r *Repo) ReadTree(c Hash) (Tree, error) {
	if c.IsZero() {
		return Tree{}, nil
	}
	if t, ok := r.trees[c]; ok {
		return t, nil
	}
	t, err := r.readCommitTree(c)
	if err != nil {
		return nil, err
	}
	if r.trees == nil {
		r.trees = map[Hash]Tree{}
	}
	r.trees[c] = t
	return t, nil
}

// readCommitTree reads commit c's files: from the index when it provably
// holds them (see indexHead), else from the objects.
func (r *Repo) readCommitTree(c Hash) (Tree, error) {
	if t, ok := r.treeFromIndex(c, ZeroHash); ok {
		return t, nil
	}
	commit, err := r.git.CommitObject(plumbing.Hash(c))
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", short(c), err)
	}
	_, head, _ := r.headRef()
	isHead := c == head
	if isHead {
		if t, ok := r.treeFromIndex(c, Hash(commit.TreeHash)); ok {
			r.fromIndex = c
			return t, nil
		}
	}
	t := Tree{}
	if err := r.readTree(c, Hash(commit.TreeHash), "", t); err != nil {
		return nil, err
	}
	if isHead {
		r.noteIndexHolds(c, t)
	}
	return t, nil
}

func (r *Repo) readTree(c, h Hash, prefix string, t Tree) error {
	raw, err := r.rawTree(h)
	if err != nil {
		return fmt.Errorf("read tree %s of commit %s: %w", short(h), short(c), err)
	}
	// One name twice in one tree (git fsck's duplicateEntries): a link
	// and a directory under one name would have the directory's files
	// written through the link.
	names := make(map[string]struct{}, len(raw)/56) // an entry is some 56 bytes: mode, a post's name, hash
	for at := 0; at < len(raw); {
		rawMode, rawName, eh, next, err := odb.NextTreeEntry(raw, at)
		if err != nil {
			// A tree that does not decode (a truncated entry) is as
			// unsafe to check out as a hostile name.
			return fmt.Errorf("%w: commit %s has a malformed tree at %q: %v; nothing was written", ErrUnsafePath, short(c), prefix, err)
		}
		at = next
		name := string(rawName)
		p := name
		if prefix != "" {
			p = prefix + "/" + name
		}
		if err := checkName(name); err != nil {
			return fmt.Errorf("%w: commit %s has %q: %v; nothing was written", ErrUnsafePath, short(c), p, err)
		}
		if _, dup := names[name]; dup {
			return fmt.Errorf("%w: commit %s has %q twice in one directory; nothing was written", ErrUnsafePath, short(c), p)
		}
		names[name] = struct{}{}
		mode, err := filemode.New(string(rawMode))
		if err != nil {
			return fmt.Errorf("%w: commit %s has %q with a bad mode: %v; nothing was written", ErrUnsafePath, short(c), p, err)
		}
		if mode == filemode.Dir {
			if err := r.readTree(c, Hash(eh), p, t); err != nil {
				return err
			}
			continue
		}
		t[p] = Entry{Hash: Hash(eh), Mode: Mode(mode)}
	}
	return nil
}

// checkName refuses one path segment that git itself would refuse to
// check out.
func checkName(name string) error {
	switch {
	case name == "":
		return errors.New("an empty name")
	case name == "." || name == "..":
		return errors.New("a name that leaves its directory")
	case isDotGit(name):
		return errors.New("a name that is .git on Windows or macOS, which reaches into .git")
	case strings.ContainsAny(name, "/\\\x00"):
		return errors.New("a name with a slash, backslash or NUL")
	}
	return nil
}

// WriteTree writes t as git trees and returns the root tree's hash.
func (r *Repo) WriteTree(t Tree) (Hash, error) {
	type dir struct {
		entries []object.TreeEntry
		subdirs map[string]*dir
	}
	root := &dir{subdirs: map[string]*dir{}}
	for p, e := range t {
		if err := checkPath(p); err != nil {
			return ZeroHash, fmt.Errorf("write tree: %w", err)
		}
		d := root
		parts := strings.Split(p, "/")
		for _, seg := range parts[:len(parts)-1] {
			sub := d.subdirs[seg]
			if sub == nil {
				sub = &dir{subdirs: map[string]*dir{}}
				d.subdirs[seg] = sub
			}
			d = sub
		}
		d.entries = append(d.entries, object.TreeEntry{Name: parts[len(parts)-1], Mode: filemode.FileMode(e.Mode), Hash: plumbing.Hash(e.Hash)})
	}
	var write func(d *dir) (Hash, error)
	write = func(d *dir) (Hash, error) {
		entries := d.entries
		for name, sub := range d.subdirs {
			h, err := write(sub)
			if err != nil {
				return ZeroHash, err
			}
			entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: plumbing.Hash(h)})
		}
		sort.Slice(entries, func(i, j int) bool { return treeKey(entries[i]) < treeKey(entries[j]) })
		for i := 1; i < len(entries); i++ {
			if entries[i].Name == entries[i-1].Name {
				return ZeroHash, fmt.Errorf("write tree: %q is both a file and a directory", entries[i].Name)
			}
		}
		return r.writeObject(&object.Tree{Entries: entries})
	}
	return write(root)
}

// ReadBlob returns a blob's content.
func (r *Repo) ReadBlob(h Hash) ([]byte, error) {
	data, err := r.readObject(h, plumbing.BlobObject)
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", short(h), err)
	}
	return data, nil
}

// WriteBlob stores data and returns its hash.
func (r *Repo) WriteBlob(data []byte) (Hash, error) {
	h, err := r.writeLoose(plumbing.BlobObject, data)
	return Hash(h), err
}

// CommitTree writes a commit of tree with parents, as `git commit-tree`.
func (r *Repo) CommitTree(tree Hash, parents []Hash, message string, author Signature) (Hash, error) {
	s := object.Signature{Name: author.Name, Email: author.Email, When: author.When}
	return r.writeObject(&object.Commit{Author: s, Committer: s, Message: ensureNewline(message), TreeHash: plumbing.Hash(tree), ParentHashes: gitHashes(parents)})
}

// short is the seven-digit form of a hash, diary's or go-git's alike.
func short[H ~[20]byte](h H) string { return odb.Short(h) }

// Short is the seven-digit form of a hash, as git shows it.
func Short(h Hash) string { return short(h) }

// CheckCommit refuses a commit whose tree could not be checked out
// safely: a name such as "..", ".git" (any case, or as NTFS or HFS+
// read it), empty, or holding "/", "\\" or NUL, one name twice, or a
// shape checkShape refuses (a link that, through others, points out of
// the work tree or into .git, names that collide, a file below a link).
// The error names the commit and the path. sync runs it on every commit
// fetched before any ref or file takes it, and clone on the commit it
// checks out.
//
// Files new or changed since commit old (ZeroHash: all) are also checked
// against MaxBlobSize.
func (r *Repo) CheckCommit(c, old Hash) error {
	t, before, err := r.checkCommitShape(c, old)
	if err != nil {
		return fmt.Errorf("commit %s: %w", short(c), err)
	}
	for p, e := range t {
		if prev, ok := before[p]; ok && prev == e {
			continue
		}
		switch e.Mode {
		case ModeRegular, ModeExecutable:
			size, err := r.BlobSize(e.Hash)
			if err != nil {
				return fmt.Errorf("commit %s: %s: %w", short(c), p, err)
			}
			if size > MaxBlobSize {
				return fmt.Errorf("%w: commit %s has %s of %d MB, more than the %d MB diary takes; nothing was written", ErrTooLarge, short(c), p, size>>20, MaxBlobSize>>20)
			}
		}
	}
	return nil
}

// checkCommitShape reads commit c's tree and runs the shape checks on
// it, letting through the shapes commit old (ZeroHash: none) already had.
// It returns both trees. A fetch and a push check alike: diary never
// pushes what it would refuse to fetch.
func (r *Repo) checkCommitShape(c, old Hash) (t, before Tree, err error) {
	if t, err = r.ReadTree(c); err != nil {
		return nil, nil, err
	}
	if !old.IsZero() {
		if before, err = r.ReadTree(old); err != nil {
			before = nil
		}
	}
	return t, before, checkShape(t, before, r.linkTarget)
}

// MaxBlobSize is the largest file diary takes from a remote: GitHub
// refuses files over 100 MB, and a diary holds text and photos.
var MaxBlobSize int64 = 100 << 20

// ErrTooLarge: a remote sent a file larger than MaxBlobSize.
var ErrTooLarge = errors.New("file too large")

// BlobSize returns a blob's size without reading it.
func (r *Repo) BlobSize(h Hash) (int64, error) {
	if fs, ok := r.git.Storer.(*fastStorage); ok {
		typ, n, err := fs.objs.Size(plumbing.Hash(h))
		switch {
		case err == nil && typ != plumbing.BlobObject:
			return 0, fmt.Errorf("read blob %s: %s is a %s", short(h), short(h), typ)
		case err == nil:
			return n, nil
		case !errors.Is(err, odb.ErrNotHere):
			return 0, fmt.Errorf("read blob %s: %w", short(h), err)
		}
	}
	obj, err := r.git.Storer.EncodedObject(plumbing.BlobObject, plumbing.Hash(h))
	if err != nil {
		return 0, fmt.Errorf("read blob %s: %w", short(h), err)
	}
	return obj.Size(), nil
}

// SetRef points a ref at h, as git update-ref does.
func (r *Repo) SetRef(name string, h Hash) error {
	return r.git.Storer.SetReference(plumbing.NewHashReference(plumbing.ReferenceName(name), plumbing.Hash(h)))
}

// ChangedPaths lists, sorted, the paths whose entries differ between
// from and to: changed, added or removed. It is never nil.
func ChangedPaths(from, to Tree) []string {
	out := []string{}
	for p, e := range to {
		if old, ok := from[p]; !ok || old != e {
			out = append(out, p)
		}
	}
	for p := range from {
		if _, ok := to[p]; !ok {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}
