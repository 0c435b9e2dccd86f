package odb

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
)

// PackLoose gathers the loose objects into one pack when there are at
// least min of them, as git gc --auto does for the git CLI (which diary
// never calls: it may not be installed). Each entry diary commits writes
// a new version of the _posts tree, 600 KB for a lifetime diary, as a
// loose object; a thousand entries would leave hundreds of megabytes
// that a pack, holding each version as a delta of the next, keeps in a
// few. It returns how many objects it packed.
//
// Nothing is lost on the way: a loose object whose content does not
// match its name stays as it is, the pack and its index are written to
// temporary files, flushed to disk and renamed into place (the index
// first: see NewPackWriter for why), every
// object is read back from the new pack and checked against its name,
// and only then are the loose copies removed. A crash at any point
// leaves each object loose, packed, or both.
//
// dir is the objects directory; hook, when not nil, is called at the
// named points where the crash tests stop it.
func PackLoose(ctx context.Context, dir string, min int, hook func(point string)) (int, error) {
	// Most syncs have far fewer: guess from a sixteenth of the fan-out
	// directories, as git gc --auto guesses from one, before listing
	// all 256 (for a limit large enough to guess at).
	if sample := looseIn(dir, 0, 16); min >= 64 && sample*16 < min/2 {
		return 0, nil
	}
	loose, err := looseObjects(dir)
	if err != nil || len(loose) < min {
		return 0, err
	}
	store := NewStore(dir)

	// First pass: check each object against its name, and note its type
	// and size; only one object is in memory at a time. Files larger than
	// maxPacked (photos a user added with git) stay loose: a pack saves
	// them nothing, and reading them whole would not fit diary's memory.
	type item struct {
		h    plumbing.Hash
		typ  plumbing.ObjectType
		size int
	}
	var items []item
	for _, h := range loose {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if _, n, err := store.Size(h); err != nil || n > maxPacked {
			continue
		}
		typ, data, ok := store.readLoose(h)
		if !ok || ObjectHash(typ, data) != h {
			continue // damaged or being written: left alone
		}
		items = append(items, item{h, typ, len(data)})
	}
	if len(items) < min {
		return 0, nil
	}
	// Commits, then trees from the largest down (versions of a directory
	// next to each other, each a delta of the one before), then blobs.
	rank := map[plumbing.ObjectType]int{plumbing.CommitObject: 0, plumbing.TreeObject: 1, plumbing.BlobObject: 2, plumbing.TagObject: 3}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if rank[a.typ] != rank[b.typ] {
			return rank[a.typ] < rank[b.typ]
		}
		if a.typ == plumbing.TreeObject && a.size != b.size {
			return a.size > b.size
		}
		return bytes.Compare(a.h[:], b.h[:]) < 0
	})

	packDir := filepath.Join(dir, "pack")
	if err := os.MkdirAll(packDir, 0o755); err != nil {
		return 0, err
	}
	// The pack and its index are a pair that placeIndexAndPack puts in
	// place in its order (see NewPackWriter), so not internal/atomicfile.
	tmp, err := os.CreateTemp(packDir, "tmp_pack_")
	if err != nil {
		return 0, fmt.Errorf("pack loose objects: %w", err)
	}
	defer os.Remove(tmp.Name())
	type placed struct {
		h   plumbing.Hash
		off int64
		crc uint32
	}
	var entries []placed
	err = encodePack(tmp, len(items), func(i int) (plumbing.Hash, plumbing.ObjectType, []byte, error) {
		it := items[i]
		typ, data, ok := store.readLoose(it.h)
		if !ok || typ != it.typ || len(data) != it.size {
			return it.h, 0, nil, errors.New("a loose object changed while it was packed")
		}
		return it.h, typ, data, nil
	}, false, func(h plumbing.Hash, off int64, crc uint32) {
		entries = append(entries, placed{h, off, crc})
	})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("pack loose objects: %w", err)
	}
	packSum, err := trailer(tmp.Name())
	if err != nil {
		return 0, fmt.Errorf("pack loose objects: read the pack back: %w", err)
	}
	name := filepath.Join(packDir, "pack-"+hex.EncodeToString(packSum))

	sort.Slice(entries, func(i, j int) bool { return bytes.Compare(entries[i].h[:], entries[j].h[:]) < 0 })
	idx := packIndex(len(entries), func(i int) (plumbing.Hash, int64, uint32) {
		return entries[i].h, entries[i].off, entries[i].crc
	}, packSum)
	tmpIdx, err := os.CreateTemp(packDir, "tmp_idx_")
	if err != nil {
		return 0, fmt.Errorf("pack loose objects: %w", err)
	}
	defer os.Remove(tmpIdx.Name())
	_, err = tmpIdx.Write(idx)
	if err == nil {
		err = tmpIdx.Sync()
	}
	if cerr := tmpIdx.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o444)
	}
	if err == nil {
		err = os.Chmod(tmpIdx.Name(), 0o444)
	}
	// The same objects packed before (a run stopped before it removed
	// the loose copies) make the same pack, already in place.
	if err == nil {
		err = placeIndexAndPack(tmpIdx.Name(), tmp.Name(), name)
	}
	if err != nil {
		return 0, fmt.Errorf("pack loose objects: %w", err)
	}
	if hook != nil {
		hook("pack:written") // a test's kill point
	}

	// Read every object back from the new pack before a loose copy goes.
	p, err := openPack(name + ".idx")
	if err != nil {
		return 0, fmt.Errorf("pack loose objects: read the new pack: %w", err)
	}
	defer p.f.Close()
	check := &Store{dir: dir, packs: []*pack{p}, scanned: true}
	for _, it := range items {
		off, ok := p.find(it.h)
		if !ok {
			return 0, fmt.Errorf("pack loose objects: %s is not in the new pack; the loose objects are kept", Short(it.h))
		}
		typ, data, err := check.entry(p, off, 0)
		if err != nil || ObjectHash(typ, data) != it.h {
			return 0, fmt.Errorf("pack loose objects: %s reads back wrong from the new pack (%v); the loose objects are kept", Short(it.h), err)
		}
	}
	for _, it := range items {
		hx := it.h.String()
		name := filepath.Join(dir, hx[:2], hx[2:])
		if os.Remove(name) != nil {
			// Windows will not remove a read-only file, which is what
			// git leaves its objects as.
			os.Chmod(name, 0o644)
			os.Remove(name)
		}
	}
	return len(items), nil
}

// ObjectHash is an object's name: the SHA-1 of its header and content.
// (go-git's ComputeHash also checks for SHA-1 collision attacks, which
// costs three times as much and guards nothing here: these objects are
// the repository's own.)
func ObjectHash(typ plumbing.ObjectType, data []byte) plumbing.Hash {
	h := sha1.New()
	h.Write(typ.Bytes())
	h.Write([]byte(" " + strconv.Itoa(len(data)) + "\x00"))
	h.Write(data)
	var out plumbing.Hash
	h.Sum(out[:0])
	return out
}

// trailer is the checksum a pack file ends with, which names it.
func trailer(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.Size() < 32 {
		return nil, errors.New("the pack is too Short")
	}
	sum := make([]byte, 20)
	if _, err := f.ReadAt(sum, info.Size()-20); err != nil {
		return nil, err
	}
	return sum, nil
}

// looseIn counts the loose objects in the fan-out directories from to
// to-1.
func looseIn(dir string, from, to int) int {
	n := 0
	for b := from; b < to; b++ {
		des, _ := os.ReadDir(filepath.Join(dir, fmt.Sprintf("%02x", b)))
		n += len(des)
	}
	return n
}

// maxPacked is the largest loose object PackLoose packs.
const maxPacked = 16 << 20

// looseObjects lists the loose objects of an objects directory.
func looseObjects(dir string) ([]plumbing.Hash, error) {
	var out []plumbing.Hash
	for b := 0; b < 256; b++ {
		sub := fmt.Sprintf("%02x", b)
		des, err := os.ReadDir(filepath.Join(dir, sub))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, de := range des {
			if len(de.Name()) != 38 || !de.Type().IsRegular() {
				continue
			}
			if h, ok := ParseHash(sub + de.Name()); ok {
				out = append(out, plumbing.Hash(h))
			}
		}
	}
	return out, nil
}

// packIndex makes a version 2 pack index of n objects, the i-th in
// hash order given by get, for the pack whose checksum is packSum.
func packIndex(n int, get func(i int) (plumbing.Hash, int64, uint32), packSum []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0xff, 't', 'O', 'c', 0, 0, 0, 2})
	var fanout [256]uint32
	for i := range n {
		h, _, _ := get(i)
		fanout[h[0]]++
	}
	var total uint32
	for i := range fanout {
		total += fanout[i]
		binary.Write(&b, binary.BigEndian, total)
	}
	for i := range n {
		h, _, _ := get(i)
		b.Write(h[:])
	}
	for i := range n {
		_, _, crc := get(i)
		binary.Write(&b, binary.BigEndian, crc)
	}
	var large []uint64
	for i := range n {
		_, off, _ := get(i)
		if off < 1<<31 {
			binary.Write(&b, binary.BigEndian, uint32(off))
			continue
		}
		binary.Write(&b, binary.BigEndian, uint32(1<<31|len(large)))
		large = append(large, uint64(off))
	}
	for _, off := range large {
		binary.Write(&b, binary.BigEndian, off)
	}
	b.Write(packSum)
	sum := sha1.Sum(b.Bytes())
	b.Write(sum[:])
	return b.Bytes()
}
