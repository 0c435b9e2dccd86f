package repo

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/klauspost/compress/zlib"
)

// objectStore reads the objects of one objects directory, loose and
// packed, itself.
//
// go-git's pack reader inflates through a byte-at-a-time scanner and
// builds a reader per object: the 600 KB _posts tree of a lifetime
// diary took it some 14 ms, and a sync reads several. This reads a
// pack's index file once, finds an object by binary search, and
// inflates it in one go, resolving deltas (by offset or by name) with a
// small cache of bases. What it cannot read (objects behind alternates,
// a pack index of another version) is left to go-git, the caller's
// fallback: read says errNotHere.
type objectStore struct {
	dir string

	mu      sync.Mutex
	packs   []*pack
	scanned bool
	bases   map[packPos]cachedObject // delta bases, by where they are
	cached  int                      // bytes in bases
}

type packPos struct {
	p   *pack
	off int64
}

type cachedObject struct {
	typ  plumbing.ObjectType
	data []byte
}

// errNotHere: neither a loose object nor in a pack this store reads.
var errNotHere = errors.New("object not found here")

// maxDeltaDepth bounds a chain of deltas (git's own packs stop at 4095).
const maxDeltaDepth = 10000

// baseCacheBytes bounds the cache of delta bases.
const baseCacheBytes = 16 << 20

func newObjectStore(dir string) *objectStore { return &objectStore{dir: dir} }

// read returns object h's type and content.
func (s *objectStore) read(h Hash) (plumbing.ObjectType, []byte, error) {
	return s.readDepth(h, 0)
}

func (s *objectStore) readDepth(h Hash, depth int) (plumbing.ObjectType, []byte, error) {
	if typ, data, ok := s.readLoose(h); ok {
		return typ, data, nil
	}
	for attempt := 0; attempt < 2; attempt++ {
		packs, err := s.packList(attempt > 0)
		if err != nil {
			return 0, nil, err
		}
		for _, p := range packs {
			if off, ok := p.find(h); ok {
				return s.entry(p, off, depth)
			}
		}
		// A pack written since the list was made (a fetch): look again,
		// once.
	}
	return 0, nil, errNotHere
}

// size returns object h's type and size without inflating it (but the
// deltas' headers); ok is false where read would say errNotHere.
func (s *objectStore) size(h Hash) (plumbing.ObjectType, int64, error) {
	typ, data, err := s.read(h)
	return typ, int64(len(data)), err
}

// readLoose reads a loose object of any type.
func (s *objectStore) readLoose(h Hash) (plumbing.ObjectType, []byte, bool) {
	hex := h.String()
	f, err := os.Open(filepath.Join(s.dir, hex[:2], hex[2:]))
	if err != nil {
		return 0, nil, false
	}
	defer f.Close()
	zr, err := zlib.NewReader(bufio.NewReaderSize(f, 64<<10))
	if err != nil {
		return 0, nil, false
	}
	defer zr.Close()
	br := bufio.NewReader(zr)
	header, err := br.ReadString(0)
	if err != nil {
		return 0, nil, false
	}
	name, size, ok := strings.Cut(strings.TrimSuffix(header, "\x00"), " ")
	n, err := strconv.Atoi(size)
	typ, terr := plumbing.ParseObjectType(name)
	if !ok || err != nil || terr != nil || n < 0 || n > 1<<31 {
		return 0, nil, false
	}
	data := make([]byte, n)
	if _, err := io.ReadFull(br, data); err != nil {
		return 0, nil, false
	}
	return typ, data, true
}

// packList returns the packs, listing the pack directory the first time
// or when again is set.
func (s *objectStore) packList(again bool) ([]*pack, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.scanned && !again {
		return s.packs, nil
	}
	s.scanned = true
	idxs, err := filepath.Glob(filepath.Join(s.dir, "pack", "pack-*.idx"))
	if err != nil {
		return s.packs, err
	}
	have := map[string]bool{}
	for _, p := range s.packs {
		have[p.name] = true
	}
	for _, name := range idxs {
		if have[name] {
			continue
		}
		p, err := openPack(name)
		if err != nil {
			continue // a pack being written, or one go-git must read
		}
		s.packs = append(s.packs, p)
	}
	return s.packs, nil
}

// pack is one pack file and its index (version 2).
type pack struct {
	name   string
	f      *os.File
	n      int
	fanout []byte // 256 counts
	names  []byte // n hashes, sorted
	offs   []byte // n offsets of 4 bytes
	large  []byte // offsets of 8 bytes, for packs over 2 GB
}

func openPack(idxName string) (*pack, error) {
	idx, err := os.ReadFile(idxName)
	if err != nil {
		return nil, err
	}
	if len(idx) < 8+256*4+40 || !bytes.Equal(idx[:8], []byte{0xff, 't', 'O', 'c', 0, 0, 0, 2}) {
		return nil, fmt.Errorf("%s: not a version 2 pack index", idxName)
	}
	fanout := idx[8 : 8+256*4]
	n := int(binary.BigEndian.Uint32(fanout[255*4:]))
	at := 8 + 256*4
	if n < 0 || len(idx) < at+n*(20+4+4)+40 {
		return nil, fmt.Errorf("%s: truncated", idxName)
	}
	p := &pack{name: idxName, n: n, fanout: fanout}
	p.names = idx[at : at+20*n]
	at += 20*n + 4*n // the CRCs are not needed
	p.offs = idx[at : at+4*n]
	at += 4 * n
	p.large = idx[at : len(idx)-40]
	f, err := os.Open(strings.TrimSuffix(idxName, ".idx") + ".pack")
	if err != nil {
		return nil, err
	}
	p.f = f
	return p, nil
}

// find returns where object h starts in the pack.
func (p *pack) find(h Hash) (int64, bool) {
	lo := 0
	if h[0] > 0 {
		lo = int(binary.BigEndian.Uint32(p.fanout[(int(h[0])-1)*4:]))
	}
	hi := int(binary.BigEndian.Uint32(p.fanout[int(h[0])*4:]))
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch c := bytes.Compare(p.names[mid*20:mid*20+20], h[:]); {
		case c == 0:
			off := int64(binary.BigEndian.Uint32(p.offs[mid*4:]))
			if off&0x80000000 != 0 {
				i := int(off &^ 0x80000000)
				if (i+1)*8 > len(p.large) {
					return 0, false
				}
				off = int64(binary.BigEndian.Uint64(p.large[i*8:]))
			}
			return off, true
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0, false
}

// Pack entry types.
const (
	packOfsDelta = 6
	packRefDelta = 7
)

// entry reads the object at off, resolving deltas.
func (s *objectStore) entry(p *pack, off int64, depth int) (plumbing.ObjectType, []byte, error) {
	if depth > maxDeltaDepth {
		return 0, nil, fmt.Errorf("%s: a delta chain deeper than %d", p.name, maxDeltaDepth)
	}
	s.mu.Lock()
	c, ok := s.bases[packPos{p, off}]
	s.mu.Unlock()
	if ok {
		if depth == 0 {
			// The caller owns what read returns; the cache keeps its own.
			return c.typ, bytes.Clone(c.data), nil
		}
		return c.typ, c.data, nil
	}
	var head [32]byte
	n, err := p.f.ReadAt(head[:], off)
	if n == 0 {
		return 0, nil, fmt.Errorf("%s: read at %d: %w", p.name, off, err)
	}
	hdr := head[:n]
	i := 0
	next := func() (byte, error) {
		if i >= len(hdr) {
			return 0, fmt.Errorf("%s: a bad entry header at %d", p.name, off)
		}
		b := hdr[i]
		i++
		return b, nil
	}
	b, err := next()
	if err != nil {
		return 0, nil, err
	}
	typ := int(b>>4) & 7
	size := int64(b & 15)
	for shift := 4; b&0x80 != 0; shift += 7 {
		if b, err = next(); err != nil || shift > 56 {
			return 0, nil, fmt.Errorf("%s: a bad entry header at %d", p.name, off)
		}
		size |= int64(b&0x7f) << shift
	}
	if size > 1<<31 {
		return 0, nil, fmt.Errorf("%s: an entry of %d bytes at %d", p.name, size, off)
	}
	var baseType plumbing.ObjectType
	var base []byte
	switch typ {
	case 1, 2, 3, 4:
	case packOfsDelta:
		b, err := next()
		if err != nil {
			return 0, nil, err
		}
		rel := int64(b & 0x7f)
		for b&0x80 != 0 {
			if b, err = next(); err != nil || rel > 1<<48 {
				return 0, nil, fmt.Errorf("%s: a bad delta offset at %d", p.name, off)
			}
			rel = (rel+1)<<7 | int64(b&0x7f)
		}
		if rel <= 0 || rel > off {
			return 0, nil, fmt.Errorf("%s: a delta at %d points outside the pack", p.name, off)
		}
		if baseType, base, err = s.entry(p, off-rel, depth+1); err != nil {
			return 0, nil, err
		}
	case packRefDelta:
		if i+20 > len(hdr) {
			return 0, nil, fmt.Errorf("%s: a bad delta at %d", p.name, off)
		}
		var bh Hash
		copy(bh[:], hdr[i:i+20])
		i += 20
		if baseType, base, err = s.readDepth(bh, depth+1); err != nil {
			return 0, nil, fmt.Errorf("%s: the base %s of a delta at %d: %w", p.name, bh, off, err)
		}
	default:
		return 0, nil, fmt.Errorf("%s: an entry of unknown type %d at %d", p.name, typ, off)
	}
	data, err := inflate(p.f, off+int64(i), size)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: inflate the entry at %d: %w", p.name, off, err)
	}
	otype := plumbing.ObjectType(typ)
	if base != nil {
		otype = baseType
		if data, err = applyDelta(base, data); err != nil {
			return 0, nil, fmt.Errorf("%s: the delta at %d: %w", p.name, off, err)
		}
	}
	if depth > 0 {
		s.remember(packPos{p, off}, otype, data)
	}
	return otype, data, nil
}

// remember keeps a delta base for the next delta that needs it.
func (s *objectStore) remember(at packPos, typ plumbing.ObjectType, data []byte) {
	if len(data) > baseCacheBytes/4 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bases == nil || s.cached+len(data) > baseCacheBytes {
		s.bases, s.cached = map[packPos]cachedObject{}, 0
	}
	s.bases[at] = cachedObject{typ, data}
	s.cached += len(data)
}

// inflate reads the zlib stream at off, which must hold exactly size
// bytes.
func inflate(f *os.File, off, size int64) ([]byte, error) {
	zr, err := zlib.NewReader(bufio.NewReaderSize(io.NewSectionReader(f, off, 1<<62), 32<<10))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	data := make([]byte, size)
	if _, err := io.ReadFull(zr, data); err != nil {
		return nil, err
	}
	var one [1]byte
	if n, _ := zr.Read(one[:]); n != 0 {
		return nil, errors.New("more data than its header says")
	}
	return data, nil
}

// applyDelta makes an object from its base and a git delta: the sizes
// of both, then instructions that copy a range of the base or insert
// the bytes that follow.
func applyDelta(base, delta []byte) ([]byte, error) {
	bad := errors.New("a malformed delta")
	varint := func() (int, error) {
		n, shift := 0, 0
		for {
			if len(delta) == 0 || shift > 56 {
				return 0, bad
			}
			b := delta[0]
			delta = delta[1:]
			n |= int(b&0x7f) << shift
			shift += 7
			if b&0x80 == 0 {
				return n, nil
			}
		}
	}
	srcSize, err := varint()
	if err != nil || srcSize != len(base) {
		return nil, bad
	}
	dstSize, err := varint()
	if err != nil || dstSize > 1<<31 {
		return nil, bad
	}
	out := make([]byte, 0, dstSize)
	for len(delta) > 0 {
		op := delta[0]
		delta = delta[1:]
		switch {
		case op&0x80 != 0:
			var off, n int
			for i := 0; i < 4; i++ {
				if op&(1<<i) != 0 {
					if len(delta) == 0 {
						return nil, bad
					}
					off |= int(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			for i := 0; i < 3; i++ {
				if op&(0x10<<i) != 0 {
					if len(delta) == 0 {
						return nil, bad
					}
					n |= int(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			if n == 0 {
				n = 0x10000
			}
			if off+n > len(base) || len(out)+n > dstSize {
				return nil, bad
			}
			out = append(out, base[off:off+n]...)
		case op != 0:
			n := int(op)
			if n > len(delta) || len(out)+n > dstSize {
				return nil, bad
			}
			out = append(out, delta[:n]...)
			delta = delta[n:]
		default:
			return nil, bad
		}
	}
	if len(out) != dstSize {
		return nil, bad
	}
	return out, nil
}

// fastStorage is go-git's storage with objects read by objectStore
// first. Everything else (references, the index, config, writing packs)
// is go-git's.
type fastStorage struct {
	*filesystem.Storage
	objs *objectStore
}

// newFastStorage wraps st, a repository's storage whose objects
// directory is objectsDir.
func newFastStorage(st *filesystem.Storage, objectsDir string) *fastStorage {
	return &fastStorage{Storage: st, objs: newObjectStore(objectsDir)}
}

// EncodedObject reads object h, of type t (AnyObject: any).
func (s *fastStorage) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	typ, data, err := s.objs.read(h)
	if errors.Is(err, errNotHere) {
		return s.Storage.EncodedObject(t, h)
	}
	if err != nil {
		return nil, err
	}
	if t != plumbing.AnyObject && t != typ {
		return nil, plumbing.ErrObjectNotFound
	}
	obj := &plumbing.MemoryObject{}
	obj.SetType(typ)
	obj.Write(data)
	return obj, nil
}

// DeltaObject hands go-git's pack encoder whole objects, which it
// deltifies itself: go-git's own DeltaObject reads through the slow
// reader this storage exists to avoid.
func (s *fastStorage) DeltaObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	return s.EncodedObject(t, h)
}

// readAnyObject reads object h from st, through diary's reader when st
// is a fastStorage.
func readAnyObject(st storer.EncodedObjectStorer, h Hash) (plumbing.ObjectType, []byte, error) {
	if fs, ok := st.(*fastStorage); ok {
		typ, data, err := fs.objs.read(h)
		if !errors.Is(err, errNotHere) {
			return typ, data, err
		}
	}
	obj, err := st.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		return 0, nil, err
	}
	rd, err := obj.Reader()
	if err != nil {
		return 0, nil, err
	}
	defer rd.Close()
	data := bytes.NewBuffer(make([]byte, 0, obj.Size()))
	if _, err := io.Copy(data, rd); err != nil {
		return 0, nil, err
	}
	return obj.Type(), data.Bytes(), nil
}

// readTyped reads object h from st as readAnyObject does, and refuses
// it when it is not of type t.
func readTyped(st storer.EncodedObjectStorer, h Hash, t plumbing.ObjectType) ([]byte, error) {
	typ, data, err := readAnyObject(st, h)
	if err != nil {
		return nil, err
	}
	if typ != t {
		return nil, fmt.Errorf("%s is a %s, not a %s", short(h), typ, t)
	}
	return data, nil
}
