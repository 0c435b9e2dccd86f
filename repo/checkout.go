package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	gitindex "github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/gitdiary/diary/repo/attr"
	"github.com/gitdiary/diary/repo/index"
	"github.com/gitdiary/diary/repo/odb"
)

// ErrDirty: a file diary was about to replace holds changes that are in
// no commit.
var ErrDirty = errors.New("uncommitted changes")

// Update moves the work tree and index from tree from to tree to,
// touching only the paths that differ. fromCommit and toCommit are the
// commits whose files from and to are (ZeroHash for a tree of no
// commit): they let diary go on knowing that the index holds HEAD's
// files (see indexHead). Before anything is written,
// every path to be replaced or removed is checked to hold exactly what
// from says (the user may have typed into it since the last commit):
// if one does not, nothing is written and the error names it. Each file
// is written to a temporary file and renamed into place, so a crash
// leaves either the old or the new content, never half of one.
func (r *Repo) Update(ctx context.Context, fromCommit, toCommit Hash, from, to Tree) error {
	paths := ChangedPaths(from, to)
	if len(paths) == 0 {
		return nil
	}
	for _, p := range paths {
		if err := checkPath(p); err != nil {
			return fmt.Errorf("%w: %v", ErrUnsafePath, err)
		}
	}
	// The whole of to, as it will be on disk: a merge can bring
	// together a link from one side and a file below it from the other.
	if err := checkShape(to, from, r.linkTarget); err != nil {
		return err
	}
	// The file on disk is compared with from's blob as `git status`
	// compares it (checkin attributes); what is written gets the
	// conversion of the attributes to has (checkout attributes), as
	// `git checkout` writes it.
	var checkin *attr.Checker
	for _, p := range paths {
		if err := r.expect(p, from, to, &checkin); err != nil {
			return err
		}
	}
	checkout := r.checkoutAttrs(to)

	lock, err := r.lockIndex()
	if err != nil {
		return err
	}
	indexPath := filepath.Join(r.gitDir, "index")
	raw, err := os.ReadFile(indexPath)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		lock.release()
		return fmt.Errorf("read %s: %w", indexPath, err)
	}
	var set []*gitindex.Entry
	remove := map[string]bool{}
	// writeIndex records the paths written so far, and is called once,
	// also when a later path fails: the index then says what the work
	// tree holds.
	writeIndex := func() ([]byte, error) {
		data, err := index.Splice(raw, set, remove)
		if errors.Is(err, index.ErrShape) {
			return nil, r.updateIndexSlowly(lock, set, remove)
		}
		if err != nil {
			lock.release()
			return nil, err
		}
		return data, lock.commitRaw(data)
	}
	// Removals first: where a file becomes a directory, or a directory
	// a file, the old one must be gone before the new one is written.
	ordered := make([]string, 0, len(paths))
	for _, p := range paths {
		if _, keep := to[p]; !keep {
			ordered = append(ordered, p)
		}
	}
	for _, p := range paths {
		if _, keep := to[p]; keep {
			ordered = append(ordered, p)
		}
	}
	for _, p := range ordered {
		if err := ctx.Err(); err != nil {
			writeIndex()
			return err
		}
		full := filepath.Join(r.root, filepath.FromSlash(p))
		e, keep := to[p]
		if !keep && from[p].Mode == ModeSubmodule {
			// A submodule's directory goes only when empty, as git
			// leaves a checked-out one in place.
			removeEmptyDirsAt(r.root, p)
			remove[p] = true
			continue
		}
		if !keep {
			if err := removeAt(r.root, p); err != nil {
				writeIndex()
				return fmt.Errorf("remove %s: %w", p, err)
			}
			removeEmptyDirsAt(r.root, pathDir(p))
			remove[p] = true
			continue
		}
		if e.Mode == ModeSubmodule {
			// A submodule's content is not ours to write: it gets an
			// empty directory and its gitlink in the index, as git
			// leaves one not checked out (without them, a clone's first
			// sync would commit its deletion).
			if err := mkdirAt(r.root, p); err != nil {
				writeIndex()
				return fmt.Errorf("make %s: %w", p, err)
			}
			set = append(set, &gitindex.Entry{Hash: plumbing.Hash(e.Hash), Name: p, Mode: filemode.FileMode(e.Mode)})
			continue
		}
		act := attr.Binary
		if e.Mode == ModeRegular || e.Mode == ModeExecutable {
			act = r.action(checkout, p)
		}
		if err := r.writeWorkFile(p, e, act); err != nil {
			writeIndex()
			return fmt.Errorf("write %s: %w", p, err)
		}
		r.hook("update:file-written")
		info, err := os.Lstat(full)
		if err != nil {
			writeIndex()
			return err
		}
		ie := &gitindex.Entry{Hash: plumbing.Hash(e.Hash), Name: p, Mode: filemode.FileMode(e.Mode), Size: uint32(info.Size()), ModifiedAt: info.ModTime()}
		index.FillStat(ie, info)
		set = append(set, ie)
	}
	r.hook("update:before-index")
	data, err := writeIndex()
	if err != nil {
		return fmt.Errorf("write the index: %w", err)
	}
	if data != nil && !fromCommit.IsZero() && !toCommit.IsZero() {
		r.carryIndexHead(Hash(index.Sum(raw)), fromCommit, toCommit, data)
	}
	return nil
}

// expect checks that the work-tree file at p holds what tree from says,
// or is absent where from has no such path, and that no directory on
// the way to it is a link or a file on disk, other than a file of from
// that to removes (Update removes it before writing p).
func (r *Repo) expect(p string, from, to Tree, checkin **attr.Checker) error {
	var pe *parentError
	if err := checkParents(r.root, p); errors.As(err, &pe) {
		_, was := from[pe.dir]
		_, stays := to[pe.dir]
		if !was || stays {
			return err
		}
		return nil // that file is checked as a path of its own
	} else if err != nil {
		return err
	}
	full := filepath.Join(r.root, filepath.FromSlash(p))
	info, err := os.Lstat(full)
	old, tracked := from[p]
	if errors.Is(err, fs.ErrNotExist) {
		return nil // nothing there to lose
	}
	if err != nil {
		return fmt.Errorf("stat %s: %w", p, err)
	}
	if !tracked && info.IsDir() && holdsTracked(from, p) {
		// A directory of from that to makes a file: its files are
		// checked and removed as paths of their own, and an untracked
		// file left in it stops the write, not lost.
		return nil
	}
	if tracked && old.Mode == ModeSubmodule && info.IsDir() {
		return nil // a submodule's directory: never written into, nothing of diary's to lose
	}
	if !tracked {
		return fmt.Errorf("%w: %s is in the way of a file from the remote, and in no commit: commit or move it, then run diary again", ErrDirty, p)
	}
	if !info.Mode().IsRegular() && info.Mode()&fs.ModeSymlink == 0 {
		return fmt.Errorf("%w: %s is not a file", ErrDirty, p)
	}
	act := attr.Binary
	if info.Mode().IsRegular() {
		if *checkin == nil {
			*checkin = r.checkinAttrs(nil, func(p string) (Hash, bool) {
				e, ok := from[p]
				return e.Hash, ok && (e.Mode == ModeRegular || e.Mode == ModeExecutable)
			})
		}
		act = r.action(*checkin, p)
	}
	h, mode, err := r.hashFile(p, info, act, r.blobCRLF(old.Hash, true))
	if err != nil {
		return err
	}
	if h != old.Hash || (mode != old.Mode && old.Mode != ModeSubmodule) {
		return fmt.Errorf("%w: %s changed while diary was working: run diary again to commit it first", ErrDirty, p)
	}
	return nil
}

// smudges reports whether act changes blob on its way to the work tree,
// from a count of it read as a stream.
func (r *Repo) smudges(blob *object.Blob, act attr.Action) (bool, error) {
	rd, err := blob.Reader()
	if err != nil {
		return false, err
	}
	defer rd.Close()
	var c attr.Counter
	if _, err := io.Copy(&c, rd); err != nil {
		return false, err
	}
	return act.Smudges(c.Stats(), r.eol().settings), nil
}

// holdsTracked reports whether t has a path below directory dir.
func holdsTracked(t Tree, dir string) bool {
	for p := range t {
		if strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	return false
}

// linkTarget reads a link's blob: the path it points at.
func (r *Repo) linkTarget(h Hash) (string, error) {
	data, err := r.ReadBlob(h)
	return string(data), err
}

// writeWorkFile writes a blob into the work tree at rel, streaming it
// so that a large photo never sits whole in memory. The file (or link)
// is made under a temporary name and renamed into place, through
// directories opened without following links (writeAt). act is the text
// conversion its attributes ask for (repo/attr): a blob it changes (LF
// to CRLF) is converted whole in memory, as git converts it.
func (r *Repo) writeWorkFile(rel string, e Entry, act attr.Action) error {
	blob, err := r.git.BlobObject(plumbing.Hash(e.Hash))
	if err != nil {
		return err
	}
	perm := os.FileMode(0o644)
	if e.Mode == ModeExecutable {
		perm = 0o755
	}
	if act != attr.Binary && e.Mode != ModeSymlink {
		smudges := blob.Size <= odb.BigFile
		if !smudges {
			if smudges, err = r.smudges(blob, act); err != nil {
				return err
			}
		}
		if smudges {
			data, err := r.ReadBlob(e.Hash)
			if err != nil {
				return err
			}
			return writeAt(r.root, rel, false, perm, bytes.NewReader(act.Smudge(data, r.eol().settings)))
		}
	}
	rd, err := blob.Reader()
	if err != nil {
		return err
	}
	defer rd.Close()
	return writeAt(r.root, rel, e.Mode == ModeSymlink, perm, rd)
}

// RemoveEmptyDirs removes dir and its parents up to root while empty,
// as git does when the last file of a directory goes. It goes through
// no link, and leaves alone what is not below root.
func RemoveEmptyDirs(root, dir string) {
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return
	}
	removeEmptyDirsAt(root, filepath.ToSlash(rel))
}
