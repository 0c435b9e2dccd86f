package repo

import (
	"errors"
	"io"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/gitdiary/diary/repo/odb"
)

// fastStorage is go-git's storage with objects read by odb.Store
// first, refs read and written by refStore (git's lock protocol), and
// received packs written by odb.NewPackWriter's writer (temporary names, flushed,
// renamed): go-git's storage writes both in place, see there for why.
// The rest (the index, config, loose objects, which diary writes itself)
// is go-git's.
type fastStorage struct {
	*filesystem.Storage
	*refStore
	objs *odb.Store
}

// newFastStorage wraps st, the storage of the repository whose
// directory is gitDir (.git, or a bare repository's) and whose shared
// directory is commonDir (gitDir but in a linked work tree).
func newFastStorage(st *filesystem.Storage, gitDir, commonDir string) *fastStorage {
	return &fastStorage{Storage: st, refStore: &refStore{gitDir: gitDir, commonDir: commonDir}, objs: odb.NewStore(filepath.Join(commonDir, "objects"))}
}

// largeObject is the size from which go-git, not odb.Store, reads an
// object for go-git's callers: go-git hands out such an object as a
// stream (LargeObjectThreshold), where odb.Store's whole copy, copied
// again into a MemoryObject, would hold a 100 MB photo in memory twice
// while it is written to the work tree.
const largeObject = 1 << 20

// EncodedObject reads object h, of type t (AnyObject: any).
func (s *fastStorage) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	if _, n, err := s.objs.Size(h); err == nil && n > largeObject {
		return s.Storage.EncodedObject(t, h)
	}
	obj, err := s.objs.Object(t, h)
	if errors.Is(err, odb.ErrNotHere) {
		return s.Storage.EncodedObject(t, h)
	}
	return obj, err
}

// EncodedObjectSize is object h's size, read from headers.
func (s *fastStorage) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	_, n, err := s.objs.Size(h)
	if errors.Is(err, odb.ErrNotHere) {
		return s.Storage.EncodedObjectSize(h)
	}
	return n, err
}

// DeltaObject hands go-git's pack encoder whole objects, which it
// deltifies itself: go-git's own DeltaObject reads through the slow
// reader this storage exists to avoid.
func (s *fastStorage) DeltaObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	return s.EncodedObject(t, h)
}

// Objects is the reader of this storage's objects, which odb.ReadAny
// reads through first.
func (s *fastStorage) Objects() *odb.Store { return s.objs }

// PackfileWriter receives a pack (a fetch into this repository, or a
// push into a path remote through go-git's in-process receive-pack) in
// place of go-git's writer, which writes the pack index in place: see
// odb.NewPackWriter.
func (s *fastStorage) PackfileWriter() (io.WriteCloser, error) {
	return odb.NewPackWriter(s.objs.Dir(), s.Storage.Reindex)
}
