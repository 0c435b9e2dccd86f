package odb

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gitdiary/diary/internal/atomicfile"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// NewPackWriter returns the writer of a pack received into the objects
// directory objectsDir (a fetch into this repository, or a push into a
// path remote through go-git's in-process receive-pack), in place of
// go-git's writer; reindex is called once the pack is in place, for the
// storage to see it.
//
// go-git's writer streams the pack to a temporary file, but then writes
// the pack index straight under its final name in many small writes and
// flushes neither: a kill leaves a truncated .idx that every later reader
// trusts (the remote's branch then names objects nobody can read, and
// git clone of it fails), and a power cut may leave either file empty.
// Here the pack is written to a temporary file and flushed, its index is
// built from it and written to a temporary file and flushed, both are
// renamed into place and the directory is flushed, all before Close
// returns, that is before go-git points any ref at the pack's objects.
//
// The index is renamed into place before the pack, where git renames
// the pack first: git finds packs by their .idx and ignores an index
// without its pack, but go-git finds them by their .pack and refuses to
// read any object while a pack has no index. With the index first, a
// kill between the renames leaves a lone index that git, go-git and
// Store all pass over.
//
// That is why it is not internal/atomicfile's writer, which places one
// file: the pack and its index are placed as a pair in this order, under
// git's tmp_pack_*/tmp_idx_* temporary names that git gc prunes.
func NewPackWriter(objectsDir string, reindex func()) (io.WriteCloser, error) {
	dir := filepath.Join(objectsDir, "pack")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("receive a pack: %w", err)
	}
	f, err := os.CreateTemp(dir, "tmp_pack_")
	if err != nil {
		return nil, fmt.Errorf("receive a pack: %w", err)
	}
	return &safePackWriter{reindex: reindex, dir: dir, f: f}, nil
}

type safePackWriter struct {
	reindex func()
	dir     string
	f       *os.File
	n       int64
}

func (w *safePackWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.n += int64(n)
	return n, err
}

func (w *safePackWriter) Close() error {
	tmp := w.f.Name()
	defer os.Remove(tmp)
	err := w.store()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("receive a pack into %s: %w", w.dir, err)
	}
	return nil
}

func (w *safePackWriter) store() error {
	if w.n == 0 {
		return nil // nothing was sent
	}
	if err := w.f.Sync(); err != nil {
		return err
	}
	if _, err := w.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	idxw := new(idxfile.Writer)
	parser, err := packfile.NewParser(packfile.NewScanner(w.f), idxw)
	if err != nil {
		return err
	}
	sum, err := parser.Parse()
	if errors.Is(err, packfile.ErrEmptyPackfile) {
		return nil
	}
	if err != nil {
		return err
	}
	idx, err := idxw.Index()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := idxfile.NewEncoder(&buf).Encode(idx); err != nil {
		return err
	}
	tmpIdx, err := os.CreateTemp(w.dir, "tmp_idx_")
	if err != nil {
		return err
	}
	defer os.Remove(tmpIdx.Name())
	_, err = tmpIdx.Write(buf.Bytes())
	if err == nil {
		err = tmpIdx.Sync()
	}
	if cerr := tmpIdx.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	os.Chmod(w.f.Name(), 0o444)
	os.Chmod(tmpIdx.Name(), 0o444)
	name := filepath.Join(w.dir, "pack-"+sum.String())
	if err := placeIndexAndPack(tmpIdx.Name(), w.f.Name(), name); err != nil {
		return err
	}
	// go-git lists the packs again on its next read.
	w.reindex()
	return nil
}

// placeIndexAndPack renames a flushed index and pack to name.idx and
// name.pack (the index first: see NewPackWriter), keeping a pair
// already in place (packs are named by their content), and flushes the
// directory.
func placeIndexAndPack(tmpIdx, tmpPack, name string) error {
	_, packErr := os.Stat(name + ".pack")
	_, idxErr := os.Stat(name + ".idx")
	if packErr == nil && idxErr == nil {
		return nil
	}
	if err := os.Rename(tmpIdx, name+".idx"); err != nil {
		return err
	}
	if err := os.Rename(tmpPack, name+".pack"); err != nil {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(name))
}
