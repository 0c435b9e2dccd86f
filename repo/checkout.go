package repo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/index"
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
	for _, p := range paths {
		if err := r.expect(p, from); err != nil {
			return err
		}
	}

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
	var set []*index.Entry
	remove := map[string]bool{}
	// writeIndex records the paths written so far, and is called once,
	// also when a later path fails: the index then says what the work
	// tree holds.
	writeIndex := func() ([]byte, error) {
		data, err := spliceIndex(raw, set, remove)
		if errors.Is(err, errIndexShape) {
			return nil, r.updateIndexSlowly(lock, set, remove)
		}
		if err != nil {
			lock.release()
			return nil, err
		}
		return data, lock.commitRaw(data)
	}
	whole := true // every path of to is in the index as to has it
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			writeIndex()
			return err
		}
		full := filepath.Join(r.root, filepath.FromSlash(p))
		e, keep := to[p]
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
			whole = false
			continue // a submodule's content is not ours to write
		}
		if err := r.writeWorkFile(p, e); err != nil {
			writeIndex()
			return fmt.Errorf("write %s: %w", p, err)
		}
		r.hook("update:file-written")
		info, err := os.Lstat(full)
		if err != nil {
			writeIndex()
			return err
		}
		ie := &index.Entry{Hash: e.Hash, Name: p, Mode: e.Mode, Size: uint32(info.Size()), ModifiedAt: info.ModTime()}
		fillStat(ie, info)
		set = append(set, ie)
	}
	r.hook("update:before-index")
	data, err := writeIndex()
	if err != nil {
		return fmt.Errorf("write the index: %w", err)
	}
	if whole && data != nil && !fromCommit.IsZero() && !toCommit.IsZero() {
		r.carryIndexHead(indexSum(raw), fromCommit, toCommit, data)
	}
	return nil
}

// expect checks that the work-tree file at p holds what tree from says,
// or is absent where from has no such path.
func (r *Repo) expect(p string, from Tree) error {
	if err := checkParents(r.root, p); err != nil {
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
	if !tracked {
		return fmt.Errorf("%w: %s is in the way of a file from the remote, and in no commit: commit or move it, then run diary again", ErrDirty, p)
	}
	if !info.Mode().IsRegular() && info.Mode()&fs.ModeSymlink == 0 {
		return fmt.Errorf("%w: %s is not a file", ErrDirty, p)
	}
	h, mode, err := r.hashFile(p, info)
	if err != nil {
		return err
	}
	if h != old.Hash || (mode != old.Mode && old.Mode != ModeSubmodule) {
		return fmt.Errorf("%w: %s changed while diary was working: run diary again to commit it first", ErrDirty, p)
	}
	return nil
}

// linkTarget reads a link's blob: the path it points at.
func (r *Repo) linkTarget(h Hash) (string, error) {
	data, err := r.ReadBlob(h)
	return string(data), err
}

// writeWorkFile writes a blob into the work tree at rel, streaming it
// so that a large photo never sits whole in memory. The file (or link)
// is made under a temporary name and renamed into place, through
// directories opened without following links (writeAt).
func (r *Repo) writeWorkFile(rel string, e Entry) error {
	blob, err := r.git.BlobObject(e.Hash)
	if err != nil {
		return err
	}
	rd, err := blob.Reader()
	if err != nil {
		return err
	}
	defer rd.Close()
	perm := os.FileMode(0o644)
	if e.Mode == ModeExecutable {
		perm = 0o755
	}
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
