package odb

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"crypto/sha1"
	"encoding/binary"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"strings"
)

// onDisk reads objects only from the files under .git/objects, through
// Store, never from what go-git holds in memory: a pack whose index
// go-git failed to write (a full disk) is known to the go-git storage of
// this process, but to no later process.
type onDisk struct {
	storer.EncodedObjectStorer
	objs *Store
}

func (d onDisk) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	obj, err := d.objs.Object(t, h)
	if errors.Is(err, ErrNotHere) {
		return nil, plumbing.ErrObjectNotFound
	}
	return obj, err
}

// has reports whether object h is on disk.
func (d onDisk) has(h plumbing.Hash) error {
	_, _, err := d.objs.Size(h)
	if errors.Is(err, ErrNotHere) {
		return plumbing.ErrObjectNotFound
	}
	return err
}

// OnDisk is st with its objects read only through s, never from what
// go-git holds in memory, and a check that an object is on disk: the
// objects as later processes will see them.
func OnDisk(st storer.EncodedObjectStorer, s *Store) (storer.EncodedObjectStorer, func(plumbing.Hash) error) {
	d := onDisk{st, s}
	return d, d.has
}

// WriteIndex reads the pack at p through and writes its index at idx,
// through a temporary file, flushed and renamed into place. It does not
// go through internal/atomicfile: under objects/ a temporary file is
// named tmp_idx_*, as git names its own, so that git gc prunes one a
// kill left behind, and atomicfile's names it would not.
func WriteIndex(p, idx string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	w := new(idxfile.Writer)
	parser, err := packfile.NewParser(packfile.NewScanner(f), w)
	if err != nil {
		return err
	}
	if _, err := parser.Parse(); err != nil {
		return fmt.Errorf("read %s: %w", p, err)
	}
	index, err := w.Index()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(idx), "tmp_idx_")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = idxfile.NewEncoder(tmp).Encode(index)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		os.Chmod(tmp.Name(), 0o444)
		err = os.Rename(tmp.Name(), idx)
	}
	return err
}

// CheckIndex checks a version 2 pack index (git's
// Documentation/gitformat-pack.txt): its header, that its length fits its
// object count, its own SHA-1 trailer, and that the pack checksum it
// records is the pack's.
func CheckIndex(name string) error {
	idx, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	const head = 8 + 256*4
	if len(idx) < head+40 || !bytes.Equal(idx[:8], []byte{0xff, 't', 'O', 'c', 0, 0, 0, 2}) {
		return fmt.Errorf("%s: not a version 2 pack index", name)
	}
	count := int64(binary.BigEndian.Uint32(idx[head-4 : head]))
	if int64(len(idx)) < head+count*28+40 {
		return fmt.Errorf("%s: truncated", name)
	}
	sum := sha1.Sum(idx[:len(idx)-20])
	if !bytes.Equal(sum[:], idx[len(idx)-20:]) {
		return fmt.Errorf("%s: its checksum does not match", name)
	}
	want, err := trailer(strings.TrimSuffix(name, ".idx") + ".pack")
	if err != nil {
		return err
	}
	if !bytes.Equal(want, idx[len(idx)-40:len(idx)-20]) {
		return fmt.Errorf("%s: made for another pack", name)
	}
	return nil
}
