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
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	gitindex "github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/gitdiary/diary/internal/regular"
	"github.com/gitdiary/diary/repo/attr"
	"github.com/gitdiary/diary/repo/index"
	"github.com/gitdiary/diary/repo/odb"
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
	// Reset commits each of its paths as the given entry (nil: removed)
	// rather than as it is on disk, as `git update-index --cacheinfo` (or
	// `git rm --cached`) then `git commit` would: the work-tree file is
	// neither read nor touched. Its index entry takes the entry without
	// stat data, so that git and Changes compare the file by content and
	// show what is on disk as a change still to commit. sync holds a post
	// back from a push with it, keeping the user's bytes in the work tree.
	Reset map[string]*Entry
}

// Commit records exactly opts.Paths, as they are in the work tree, in a
// new commit on top of HEAD, like `git commit -- PATHS`: whatever else is
// staged stays staged and out of the commit, and nothing else is read.
// The index entries of the paths are updated under .git/index.lock, as git
// does, so that git and diary never write the index at once.
func (r *Repo) Commit(ctx context.Context, opts CommitOptions) (string, error) {
	if len(opts.Paths) == 0 && len(opts.Reset) == 0 {
		return "", errors.New("commit: no paths given")
	}
	for _, p := range opts.Paths {
		if err := checkPath(p); err != nil {
			return "", fmt.Errorf("commit %s: %w", p, err)
		}
		if _, ok := opts.Reset[p]; ok {
			return "", fmt.Errorf("commit %s: both from disk and reset", p)
		}
	}
	for p := range opts.Reset {
		if err := checkPath(p); err != nil {
			return "", fmt.Errorf("commit %s: %w", p, err)
		}
	}
	lock, err := r.lockIndex()
	if err != nil {
		return "", err
	}
	committed := false
	defer func() {
		if !committed {
			lock.release()
		}
	}()

	headRef, parent, err := r.head()
	if err != nil {
		return "", err
	}
	indexPath := filepath.Join(r.gitDir, "index")
	rawIndex, err := os.ReadFile(indexPath)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read %s: %w", indexPath, err)
	}

	changes := map[string]*odb.Change{} // nil: remove
	var set []*gitindex.Entry
	remove := map[string]bool{}
	conv := r.commitAttrs(rawIndex)
	for _, p := range opts.Paths {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		te, ie, err := r.stage(p, conv)
		if err != nil {
			return "", err
		}
		if te == nil {
			changes[p] = nil
			remove[p] = true
			continue
		}
		changes[p] = &odb.Change{Mode: te.Mode, Hash: te.Hash}
		set = append(set, ie)
	}
	for p, e := range opts.Reset {
		if e == nil {
			changes[p] = nil
			remove[p] = true
			continue
		}
		mode := filemode.FileMode(e.Mode)
		changes[p] = &odb.Change{Mode: mode, Hash: plumbing.Hash(e.Hash)}
		// No stat data (size 0, time 0): git treats it as an entry it has
		// never seen on disk and compares the content.
		set = append(set, &gitindex.Entry{Hash: plumbing.Hash(e.Hash), Name: p, Mode: mode, ModifiedAt: time.Unix(0, 0), CreatedAt: time.Unix(0, 0)})
	}

	var baseTree plumbing.Hash
	var parents []plumbing.Hash
	if parent != nil {
		baseTree = parent.TreeHash
		parents = []plumbing.Hash{parent.Hash}
	}
	ph, err := odb.SpliceTree(r.git.Storer, r.objectsDir(), baseTree, changes)
	tree := Hash(ph)
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
		TreeHash:     plumbing.Hash(tree),
		ParentHashes: parents,
	}
	hash, err := r.writeObject(c)
	if err != nil {
		return "", fmt.Errorf("write commit: %w", err)
	}
	r.hook("commit:objects-written")
	if err := r.moveHead(headRef, parent, plumbing.Hash(hash)); err != nil {
		return "", err
	}
	r.hook("commit:branch-moved")
	committed = true
	newIndex, err := index.Splice(rawIndex, set, remove)
	if errors.Is(err, index.ErrShape) {
		err = r.updateIndexSlowly(lock, set, remove)
	} else if err == nil {
		if err = lock.commitRaw(newIndex); err == nil && parent != nil {
			r.carryIndexHead(Hash(index.Sum(rawIndex)), Hash(parent.Hash), Hash(hash), newIndex)
		}
	}
	if err != nil {
		// The commit is made; only the index is stale, which git and
		// diary both repair by re-reading the files.
		return hash.String(), fmt.Errorf("commit %s made, but the index was not updated: %w; run `git status` to refresh it", hash.String()[:7], err)
	}
	return hash.String(), nil
}

// updateIndexSlowly updates the index through go-git's decoder and
// encoder, for the index shapes index.Splice leaves alone.
func (r *Repo) updateIndexSlowly(lock *indexLock, set []*gitindex.Entry, remove map[string]bool) error {
	idx, err := r.git.Storer.Index()
	if err != nil {
		// Unreadable: start from HEAD's tree (the new commit's), as
		// rebuildIndex does.
		if idx, err = r.headIndex(); err != nil {
			lock.release()
			return fmt.Errorf("read the index: %w", err)
		}
	}
	for p := range remove {
		setIndexEntry(idx, p, nil)
	}
	for _, e := range set {
		setIndexEntry(idx, e.Name, e)
	}
	return lock.commit(idx)
}

func ensureNewline(s string) string {
	if !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}

// headRef returns the reference HEAD names (HEAD itself when detached)
// and the commit it points at, ZeroHash on an unborn branch, without
// reading the commit.
func (r *Repo) headRef() (plumbing.ReferenceName, Hash, error) {
	ref, err := r.git.Storer.Reference(plumbing.HEAD)
	if err != nil {
		return "", ZeroHash, fmt.Errorf("read HEAD: %w", err)
	}
	name := plumbing.HEAD
	if ref.Type() == plumbing.SymbolicReference {
		name = ref.Target()
		ref, err = r.git.Storer.Reference(name)
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			return name, ZeroHash, nil // unborn: the first commit
		}
		if err != nil {
			return "", ZeroHash, fmt.Errorf("read %s: %w", name, err)
		}
	}
	return name, Hash(ref.Hash()), nil
}

// head returns the reference HEAD names (HEAD itself when detached) and
// the commit it points at, nil on an unborn branch.
func (r *Repo) head() (plumbing.ReferenceName, *object.Commit, error) {
	name, h, err := r.headRef()
	if err != nil || h.IsZero() {
		return name, nil, err
	}
	c, err := r.git.CommitObject(plumbing.Hash(h))
	if err != nil {
		return "", nil, fmt.Errorf("read commit %s of %s: %w", h, name, err)
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

// commitAttrs is the attributes Checker of a commit (checkinAttrs): the
// index, rawIndex, is parsed for a .gitattributes only when one is in
// it and not on disk.
func (r *Repo) commitAttrs(rawIndex []byte) *attr.Checker {
	inIndex := func(p string) (Hash, bool) {
		if !bytes.Contains(rawIndex, []byte(".gitattributes")) {
			return ZeroHash, false
		}
		entries, err := r.indexEntries()
		if err != nil {
			return ZeroHash, false
		}
		e, ok := entries[p]
		if !ok || (Mode(e.Mode) != ModeRegular && Mode(e.Mode) != ModeExecutable) {
			return ZeroHash, false
		}
		return Hash(e.Hash), true
	}
	return r.checkinAttrs(nil, inIndex)
}

// indexBlob is the blob the index holds for p, for text=auto's question
// of it (blobCRLF).
func (r *Repo) indexBlob(p string) func() bool {
	return func() bool {
		entries, err := r.indexEntries()
		if err != nil {
			return false
		}
		e, ok := entries[p]
		if !ok {
			return false
		}
		return r.blobCRLF(Hash(e.Hash), true)()
	}
}

// stage writes the blob of one work-tree path and returns its tree entry
// and index entry; both nil when the path is gone from disk. The blob is
// what `git add` stores: the file's bytes after the text conversion its
// attributes ask for (conv, repo/attr); the index entry has the stat data
// of the file on disk, as git's has.
func (r *Repo) stage(p string, conv *attr.Checker) (*object.TreeEntry, *gitindex.Entry, error) {
	full := filepath.Join(r.root, filepath.FromSlash(p))
	fi, err := os.Lstat(full)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("stat %s: %w", p, err)
	}
	var content []byte
	var hash Hash
	mode := filemode.Regular
	act := attr.Binary
	if fi.Mode().IsRegular() {
		act = r.action(conv, p)
	}
	switch {
	case fi.Mode().IsRegular() && act != attr.Binary:
		var big bool
		content, big, err = cleanFile(full, fi.Size(), act, r.indexBlob(p))
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", p, err)
		}
		if big {
			var ph plumbing.Hash
			if ph, err = odb.WriteLooseFile(r.objectsDir(), full, p, fi.Size()); err != nil {
				return nil, nil, err
			}
			hash = Hash(ph)
		}
		if fi.Mode()&0o111 != 0 {
			mode = filemode.Executable
		}
	case fi.Mode().IsRegular() && fi.Size() > odb.BigFile:
		var ph plumbing.Hash
		if ph, err = odb.WriteLooseFile(r.objectsDir(), full, p, fi.Size()); err != nil {
			return nil, nil, err
		}
		hash = Hash(ph)
		if fi.Mode()&0o111 != 0 {
			mode = filemode.Executable
		}
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(full)
		if err != nil {
			return nil, nil, fmt.Errorf("read link %s: %w", p, err)
		}
		content, mode = []byte(filepath.ToSlash(target)), filemode.Symlink
	case fi.Mode().IsRegular():
		content, err = regular.ReadFileNoFollow(full)
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", p, err)
		}
		if fi.Mode()&0o111 != 0 {
			mode = filemode.Executable
		}
	default:
		return nil, nil, fmt.Errorf("commit %s: not a file", p)
	}
	if hash.IsZero() {
		var ph plumbing.Hash
		if ph, err = r.writeLoose(plumbing.BlobObject, content); err != nil {
			return nil, nil, fmt.Errorf("write blob of %s: %w", p, err)
		}
		hash = Hash(ph)
	}
	ie := &gitindex.Entry{
		Hash:       plumbing.Hash(hash),
		Name:       p,
		Mode:       mode,
		Size:       uint32(fi.Size()),
		ModifiedAt: fi.ModTime(),
	}
	index.FillStat(ie, fi)
	return &object.TreeEntry{Name: path.Base(p), Mode: mode, Hash: plumbing.Hash(hash)}, ie, nil
}

func setIndexEntry(idx *gitindex.Index, p string, e *gitindex.Entry) {
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

func treeKey(e object.TreeEntry) string {
	if e.Mode == filemode.Dir {
		return e.Name + "/"
	}
	return e.Name
}

type encoder interface {
	Encode(plumbing.EncodedObject) error
}

// writeObject encodes a tree or commit and stores it through writeLoose,
// like every object diary writes (go-git's own writer compresses at the
// slow default level, which the 600 KB _posts tree of a merge feels).
func (r *Repo) writeObject(o encoder) (Hash, error) {
	obj := &plumbing.MemoryObject{}
	if err := o.Encode(obj); err != nil {
		return ZeroHash, err
	}
	rd, err := obj.Reader()
	if err != nil {
		return ZeroHash, err
	}
	data, err := io.ReadAll(rd)
	if err != nil {
		return ZeroHash, err
	}
	h, err := r.writeLoose(obj.Type(), data)
	return Hash(h), err
}

// indexLock is .git/index.lock, taken the way git takes it: it is
// created only where none exists. The new index is written into it,
// flushed, and renamed over the index, so that git and diary never see
// half of one.
type indexLock struct {
	index string
	held  *heldLock
	f     *os.File
}

// lockIndex takes .git/index.lock. It is created by createLock, linked
// to a twin whose name notes this diary's process before the lock ever
// exists: a lock a killed diary left is then known for what it is at any
// instant and taken over, where one left by git (or anyone else) is
// respected and named.
func (r *Repo) lockIndex() (*indexLock, error) {
	lockPath := filepath.Join(r.gitDir, "index.lock")
	held, err := createLock(lockPath, r.gitDir, nil, false)
	if errors.Is(err, ErrLockHeld) {
		return nil, fmt.Errorf("%w: %s exists: another git program is running here; if none is, remove that file", ErrLocked, lockPath)
	}
	if err != nil {
		return nil, fmt.Errorf("lock the index: %w", err)
	}
	f, err := os.OpenFile(lockPath, os.O_WRONLY, 0)
	if err != nil {
		held.release()
		return nil, fmt.Errorf("lock the index: %w", err)
	}
	r.indexMemo = nil // whatever is written under the lock, parse it again
	return &indexLock{index: filepath.Join(r.gitDir, "index"), held: held, f: f}, nil
}

// release gives the lock up without writing.
func (l *indexLock) release() {
	l.f.Close()
	l.held.release()
}

// commit writes idx as the new index.
func (l *indexLock) commit(idx *gitindex.Index) error {
	var buf bytes.Buffer
	if err := gitindex.NewEncoder(&buf).Encode(idx); err != nil {
		l.release()
		return fmt.Errorf("encode index: %w", err)
	}
	return l.commitRaw(buf.Bytes())
}

// commitRaw writes data, a whole index file, as the new index: flushed
// to disk before the rename, so that a power cut after it cannot leave
// an empty index in place of the old one.
func (l *indexLock) commitRaw(data []byte) error {
	_, err := l.f.Write(data)
	if err == nil {
		err = l.f.Sync()
	}
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		l.held.release()
		return err
	}
	return l.held.commit(l.index)
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
		if isDotGit(seg) {
			return fmt.Errorf("path %q has %q, a name Windows or macOS read as .git, which git refuses to check out: rename it", p, seg)
		}
	}
	return nil
}
