package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Signature names who made a commit, and when.
type Signature struct {
	Name, Email string
	When        time.Time
}

// CommitOptions says what Commit records.
type CommitOptions struct {
	// Paths are slash-separated and relative to the work tree. Each is
	// committed as it is on disk now; a path missing from disk is removed.
	Paths   []string
	Message string
	Author  Signature
	// Committer defaults to Author.
	Committer *Signature
}

// Commit records exactly opts.Paths, as they are in the work tree, in a
// new commit on top of HEAD, like `git commit -- PATHS`: whatever else is
// staged stays staged and out of the commit, and nothing else is read.
// The index entries of the paths are updated under .git/index.lock, as git
// does, so that git and diary never write the index at once.
func (r *Repo) Commit(ctx context.Context, opts CommitOptions) (string, error) {
	if len(opts.Paths) == 0 {
		return "", errors.New("commit: no paths given")
	}
	for _, p := range opts.Paths {
		if err := checkPath(p); err != nil {
			return "", fmt.Errorf("commit %s: %w", p, err)
		}
	}
	unlock, err := r.lockIndex()
	if err != nil {
		return "", err
	}
	committed := false
	defer func() {
		if !committed {
			unlock(nil)
		}
	}()

	headRef, parent, err := r.head()
	if err != nil {
		return "", err
	}
	idx, err := r.git.Storer.Index()
	if err != nil {
		return "", fmt.Errorf("read %s: %w; if git can read it, run `git status` once to rewrite it", filepath.Join(r.gitDir, "index"), err)
	}

	changes := map[string]*object.TreeEntry{} // nil entry: remove
	for _, p := range opts.Paths {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		te, ie, err := r.stage(p)
		if err != nil {
			return "", err
		}
		changes[p] = te
		setIndexEntry(idx, p, ie)
	}

	var baseTree plumbing.Hash
	var parents []plumbing.Hash
	if parent != nil {
		baseTree = parent.TreeHash
		parents = []plumbing.Hash{parent.Hash}
	}
	tree, err := r.writeTree(baseTree, changes)
	if err != nil {
		return "", err
	}
	committer := opts.Author
	if opts.Committer != nil {
		committer = *opts.Committer
	}
	c := &object.Commit{
		Author:       object.Signature{Name: opts.Author.Name, Email: opts.Author.Email, When: opts.Author.When},
		Committer:    object.Signature{Name: committer.Name, Email: committer.Email, When: committer.When},
		Message:      ensureNewline(opts.Message),
		TreeHash:     tree,
		ParentHashes: parents,
	}
	hash, err := r.writeObject(c)
	if err != nil {
		return "", fmt.Errorf("write commit: %w", err)
	}
	if err := r.moveHead(headRef, parent, hash); err != nil {
		return "", err
	}
	committed = true
	if err := unlock(idx); err != nil {
		// The commit is made; only the index is stale, which git and
		// diary both repair by re-reading the files.
		return hash.String(), fmt.Errorf("commit %s made, but the index was not updated: %w; run `git status` to refresh it", hash.String()[:7], err)
	}
	return hash.String(), nil
}

func ensureNewline(s string) string {
	if !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}

// head returns the reference HEAD names (HEAD itself when detached) and
// the commit it points at, nil on an unborn branch.
func (r *Repo) head() (plumbing.ReferenceName, *object.Commit, error) {
	ref, err := r.git.Storer.Reference(plumbing.HEAD)
	if err != nil {
		return "", nil, fmt.Errorf("read HEAD: %w", err)
	}
	name := plumbing.HEAD
	if ref.Type() == plumbing.SymbolicReference {
		name = ref.Target()
		ref, err = r.git.Storer.Reference(name)
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			return name, nil, nil // unborn: the first commit
		}
		if err != nil {
			return "", nil, fmt.Errorf("read %s: %w", name, err)
		}
	}
	c, err := r.git.CommitObject(ref.Hash())
	if err != nil {
		return "", nil, fmt.Errorf("read commit %s of %s: %w", ref.Hash(), name, err)
	}
	return name, c, nil
}

// moveHead points name at hash if it still points at parent, so that a
// commit made meanwhile by another program is never dropped.
func (r *Repo) moveHead(name plumbing.ReferenceName, parent *object.Commit, hash plumbing.Hash) error {
	newRef := plumbing.NewHashReference(name, hash)
	var old *plumbing.Reference
	if parent != nil {
		old = plumbing.NewHashReference(name, parent.Hash)
	}
	err := r.git.Storer.CheckAndSetReference(newRef, old)
	if err != nil {
		return fmt.Errorf("update %s: %w (%v): run the command again", name, ErrMoved, err)
	}
	return nil
}

// stage writes the blob of one work-tree path and returns its tree entry
// and index entry; both nil when the path is gone from disk.
func (r *Repo) stage(p string) (*object.TreeEntry, *index.Entry, error) {
	full := filepath.Join(r.root, filepath.FromSlash(p))
	fi, err := os.Lstat(full)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("stat %s: %w", p, err)
	}
	var content []byte
	mode := filemode.Regular
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(full)
		if err != nil {
			return nil, nil, fmt.Errorf("read link %s: %w", p, err)
		}
		content, mode = []byte(filepath.ToSlash(target)), filemode.Symlink
	case fi.Mode().IsRegular():
		content, err = os.ReadFile(full)
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", p, err)
		}
		if fi.Mode()&0o111 != 0 {
			mode = filemode.Executable
		}
	default:
		return nil, nil, fmt.Errorf("commit %s: not a file", p)
	}
	obj := r.git.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	obj.SetSize(int64(len(content)))
	w, err := obj.Writer()
	if err != nil {
		return nil, nil, err
	}
	if _, err := w.Write(content); err != nil {
		return nil, nil, err
	}
	if err := w.Close(); err != nil {
		return nil, nil, err
	}
	hash, err := r.git.Storer.SetEncodedObject(obj)
	if err != nil {
		return nil, nil, fmt.Errorf("write blob of %s: %w", p, err)
	}
	ie := &index.Entry{
		Hash:       hash,
		Name:       p,
		Mode:       mode,
		Size:       uint32(fi.Size()),
		ModifiedAt: fi.ModTime(),
	}
	fillStat(ie, fi)
	return &object.TreeEntry{Name: path.Base(p), Mode: mode, Hash: hash}, ie, nil
}

func setIndexEntry(idx *index.Index, p string, e *index.Entry) {
	for i, old := range idx.Entries {
		if old.Name == p {
			if e == nil {
				idx.Entries = append(idx.Entries[:i], idx.Entries[i+1:]...)
			} else {
				idx.Entries[i] = e
			}
			return
		}
	}
	if e != nil {
		idx.Entries = append(idx.Entries, e)
	}
}

// writeTree writes the tree base with changes applied (keys are paths
// relative to it) and returns its hash. Only the trees on the way to a
// changed path are rewritten.
func (r *Repo) writeTree(base plumbing.Hash, changes map[string]*object.TreeEntry) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	if !base.IsZero() {
		t, err := r.git.TreeObject(base)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("read tree %s: %w", base, err)
		}
		entries = append(entries, t.Entries...)
	}
	sub := map[string]map[string]*object.TreeEntry{}
	for p, te := range changes {
		dir, rest, nested := strings.Cut(p, "/")
		if nested {
			if sub[dir] == nil {
				sub[dir] = map[string]*object.TreeEntry{}
			}
			sub[dir][rest] = te
			continue
		}
		entries = replaceEntry(entries, p, te)
	}
	for dir, ch := range sub {
		var subBase plumbing.Hash
		for _, e := range entries {
			if e.Name == dir && e.Mode == filemode.Dir {
				subBase = e.Hash
			}
		}
		h, err := r.writeTree(subBase, ch)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		var te *object.TreeEntry
		if h != emptyTree {
			te = &object.TreeEntry{Name: dir, Mode: filemode.Dir, Hash: h}
		}
		entries = replaceEntry(entries, dir, te)
	}
	// git orders tree entries by name, a directory as if its name ended in "/".
	sort.Slice(entries, func(i, j int) bool { return treeKey(entries[i]) < treeKey(entries[j]) })
	return r.writeObject(&object.Tree{Entries: entries})
}

var emptyTree = plumbing.NewHash("4b825dc642cb6eb9a060e54bf8d69288fbee4904")

func treeKey(e object.TreeEntry) string {
	if e.Mode == filemode.Dir {
		return e.Name + "/"
	}
	return e.Name
}

func replaceEntry(entries []object.TreeEntry, name string, te *object.TreeEntry) []object.TreeEntry {
	for i, e := range entries {
		if e.Name == name {
			if te == nil {
				return append(entries[:i], entries[i+1:]...)
			}
			entries[i] = *te
			return entries
		}
	}
	if te != nil {
		entries = append(entries, *te)
	}
	return entries
}

type encoder interface {
	Encode(plumbing.EncodedObject) error
}

func (r *Repo) writeObject(o encoder) (plumbing.Hash, error) {
	obj := r.git.Storer.NewEncodedObject()
	if err := o.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return r.git.Storer.SetEncodedObject(obj)
}

// lockIndex takes .git/index.lock the way git does, by creating it
// exclusively. The returned function writes idx (when not nil) into the
// lock file and renames it over the index, or just removes the lock.
func (r *Repo) lockIndex() (func(idx *index.Index) error, error) {
	lockPath := filepath.Join(r.gitDir, "index.lock")
	f, err := os.OpenFile(lockPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("%w: %s exists: another git program is running here; if none is, remove that file", ErrLocked, lockPath)
	}
	if err != nil {
		return nil, fmt.Errorf("lock the index: %w", err)
	}
	return func(idx *index.Index) error {
		if idx == nil {
			f.Close()
			return os.Remove(lockPath)
		}
		err := writeIndex(f, idx)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(lockPath, filepath.Join(r.gitDir, "index"))
		}
		if err != nil {
			os.Remove(lockPath)
		}
		return err
	}, nil
}

func writeIndex(f *os.File, idx *index.Index) error {
	var buf bytes.Buffer
	if err := index.NewEncoder(&buf).Encode(idx); err != nil {
		return fmt.Errorf("encode index: %w", err)
	}
	if _, err := io.Copy(f, &buf); err != nil {
		return err
	}
	return f.Sync()
}

// checkPath refuses a path that would leave the work tree or reach into
// .git, whatever asked for it.
func checkPath(p string) error {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || strings.ContainsRune(p, 0) {
		return fmt.Errorf("path %q is not a relative slash-separated path", p)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.EqualFold(seg, ".git") {
			return fmt.Errorf("path %q leaves the work tree or names .git", p)
		}
	}
	return nil
}
