package odb

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
	"github.com/klauspost/compress/zlib"
)

// Store reads the objects of one objects directory, loose and
// packed, itself.
//
// go-git's pack reader inflates through a byte-at-a-time scanner and
// builds a reader per object: the 600 KB _posts tree of a lifetime
// diary took it some 14 ms, and a sync reads several. This reads a
// pack's index file once, finds an object by binary search, and
// inflates it in one go, resolving deltas (by offset or by name) with a
// small cache of bases. What it cannot read (objects behind alternates,
// a pack index of another version) is left to go-git, the caller's
// fallback: read says ErrNotHere.
type Store struct {
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

// ErrNotHere: neither a loose object nor in a pack this store reads.
var ErrNotHere = errors.New("object not found here")

// maxDeltaDepth bounds a chain of deltas (git's own packs stop at 4095).
const maxDeltaDepth = 10000

// baseCacheBytes bounds the cache of delta bases.
const baseCacheBytes = 16 << 20

// NewStore reads the objects directory dir.
func NewStore(dir string) *Store { return &Store{dir: dir} }

// Object reads object h as go-git holds one in memory; one not of type t
// (AnyObject: any) is plumbing.ErrObjectNotFound, as in go-git's
// storage, and one not here ErrNotHere, as for Read.
func (s *Store) Object(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	typ, data, err := s.Read(h)
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

// Dir is the objects directory s reads.
func (s *Store) Dir() string { return s.dir }

// read returns object h's type and content.
func (s *Store) Read(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	typ, data, err := s.readDepth(h, 0)
	return typ, data, damaged(h, err)
}

// damaged says what to do about an object that cannot be read: the
// repository's files are damaged, and git fsck tells which.
func damaged(h plumbing.Hash, err error) error {
	if err == nil || errors.Is(err, ErrNotHere) {
		return err
	}
	return fmt.Errorf("read object %s: %w: the repository's object files are damaged (git fsck says which; a fresh diary clone is a way out)", Short(h), err)
}

func (s *Store) readDepth(h plumbing.Hash, depth int) (plumbing.ObjectType, []byte, error) {
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
	return 0, nil, ErrNotHere
}

// size returns object h's type and size without inflating its content:
// a loose object's header, or a packed entry's (see entrySize).
func (s *Store) Size(h plumbing.Hash) (plumbing.ObjectType, int64, error) {
	typ, n, err := s.sizeDepth(h, 0)
	return typ, n, damaged(h, err)
}

func (s *Store) sizeDepth(h plumbing.Hash, depth int) (plumbing.ObjectType, int64, error) {
	if typ, n, _, done, ok := s.openLoose(h); ok {
		done()
		return typ, n, nil
	}
	for attempt := 0; attempt < 2; attempt++ {
		packs, err := s.packList(attempt > 0)
		if err != nil {
			return 0, 0, err
		}
		for _, p := range packs {
			if off, ok := p.find(h); ok {
				return s.entrySize(p, off, depth)
			}
		}
	}
	return 0, 0, ErrNotHere
}

// readLoose reads a loose object of any type.
func (s *Store) readLoose(h plumbing.Hash) (plumbing.ObjectType, []byte, bool) {
	typ, n, br, done, ok := s.openLoose(h)
	if !ok {
		return 0, nil, false
	}
	defer done()
	data := make([]byte, n)
	if _, err := io.ReadFull(br, data); err != nil {
		return 0, nil, false
	}
	return typ, data, true
}

// openLoose opens loose object h and reads its header: its type and
// size, a reader at its content, and what closes it all.
func (s *Store) openLoose(h plumbing.Hash) (typ plumbing.ObjectType, size int64, content *bufio.Reader, done func(), ok bool) {
	hex := h.String()
	f, err := os.Open(filepath.Join(s.dir, hex[:2], hex[2:]))
	if err != nil {
		return 0, 0, nil, nil, false
	}
	zr, err := zlib.NewReader(bufio.NewReaderSize(f, 64<<10))
	if err != nil {
		f.Close()
		return 0, 0, nil, nil, false
	}
	done = func() { zr.Close(); f.Close() }
	br := bufio.NewReader(zr)
	header, err := br.ReadString(0)
	name, sz, cut := strings.Cut(strings.TrimSuffix(header, "\x00"), " ")
	n, nerr := strconv.Atoi(sz)
	typ, terr := plumbing.ParseObjectType(name)
	if err != nil || !cut || nerr != nil || terr != nil || n < 0 || n > 1<<31 {
		done()
		return 0, 0, nil, nil, false
	}
	return typ, int64(n), br, done, true
}

// packList returns the packs, listing the pack directory the first time
// or when again is set.
func (s *Store) packList(again bool) ([]*pack, error) {
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
func (p *pack) find(h plumbing.Hash) (int64, bool) {
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

// entryHeader is what a pack entry's header says: its type, the size
// of what its zlib stream inflates to, where that stream starts, and for
// a delta where its base is (by offset in the same pack, or by name).
type entryHeader struct {
	typ      int
	size     int64
	data     int64
	baseOff  int64
	baseName plumbing.Hash
}

// header reads the header of the entry at off.
func (p *pack) header(off int64) (entryHeader, error) {
	var head [32]byte
	n, err := p.f.ReadAt(head[:], off)
	if n == 0 {
		return entryHeader{}, fmt.Errorf("%s: read at %d: %w", p.name, off, err)
	}
	buf := head[:n]
	i := 0
	bad := fmt.Errorf("%s: a bad entry header at %d", p.name, off)
	next := func() (byte, error) {
		if i >= len(buf) {
			return 0, bad
		}
		b := buf[i]
		i++
		return b, nil
	}
	b, err := next()
	if err != nil {
		return entryHeader{}, err
	}
	h := entryHeader{typ: int(b>>4) & 7, size: int64(b & 15)}
	for shift := 4; b&0x80 != 0; shift += 7 {
		if b, err = next(); err != nil || shift > 56 {
			return entryHeader{}, bad
		}
		h.size |= int64(b&0x7f) << shift
	}
	if h.size > 1<<31 {
		return entryHeader{}, fmt.Errorf("%s: an entry of %d bytes at %d", p.name, h.size, off)
	}
	switch h.typ {
	case 1, 2, 3, 4:
	case packOfsDelta:
		b, err := next()
		if err != nil {
			return entryHeader{}, err
		}
		rel := int64(b & 0x7f)
		for b&0x80 != 0 {
			if b, err = next(); err != nil || rel > 1<<48 {
				return entryHeader{}, fmt.Errorf("%s: a bad delta offset at %d", p.name, off)
			}
			rel = (rel+1)<<7 | int64(b&0x7f)
		}
		if rel <= 0 || rel > off {
			return entryHeader{}, fmt.Errorf("%s: a delta at %d points outside the pack", p.name, off)
		}
		h.baseOff = off - rel
	case packRefDelta:
		if i+20 > len(buf) {
			return entryHeader{}, fmt.Errorf("%s: a bad delta at %d", p.name, off)
		}
		copy(h.baseName[:], buf[i:i+20])
		i += 20
	default:
		return entryHeader{}, fmt.Errorf("%s: an entry of unknown type %d at %d", p.name, h.typ, off)
	}
	h.data = off + int64(i)
	return h, nil
}

// entry reads the object at off, resolving deltas.
func (s *Store) entry(p *pack, off int64, depth int) (plumbing.ObjectType, []byte, error) {
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
	h, err := p.header(off)
	if err != nil {
		return 0, nil, err
	}
	var baseType plumbing.ObjectType
	var base []byte
	switch h.typ {
	case packOfsDelta:
		if baseType, base, err = s.entry(p, h.baseOff, depth+1); err != nil {
			return 0, nil, err
		}
	case packRefDelta:
		if baseType, base, err = s.readDepth(h.baseName, depth+1); err != nil {
			// Not %w: a base that is nowhere is damage, not an object
			// for go-git to look for.
			return 0, nil, fmt.Errorf("%s: the base %s of a delta at %d: %v", p.name, h.baseName, off, err)
		}
	}
	data, err := inflate(p.f, h.data, h.size)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: inflate the entry at %d: %w", p.name, off, err)
	}
	otype := plumbing.ObjectType(h.typ)
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

// entrySize is the type and size of the object at off, from headers:
// a delta's own first bytes give the size it makes, and its base's
// header the type.
func (s *Store) entrySize(p *pack, off int64, depth int) (plumbing.ObjectType, int64, error) {
	if depth > maxDeltaDepth {
		return 0, 0, fmt.Errorf("%s: a delta chain deeper than %d", p.name, maxDeltaDepth)
	}
	h, err := p.header(off)
	if err != nil {
		return 0, 0, err
	}
	var typ plumbing.ObjectType
	switch h.typ {
	case packOfsDelta:
		typ, _, err = s.entrySize(p, h.baseOff, depth+1)
	case packRefDelta:
		if typ, _, err = s.sizeDepth(h.baseName, depth+1); err != nil {
			err = fmt.Errorf("%s: the base %s of a delta at %d: %v", p.name, h.baseName, off, err)
		}
	default:
		return plumbing.ObjectType(h.typ), h.size, nil
	}
	if err != nil {
		return 0, 0, err
	}
	// The delta starts with two sizes, its base's and its result's,
	// each at most ten bytes.
	zr, err := zlib.NewReader(io.NewSectionReader(p.f, h.data, 1<<62))
	if err != nil {
		return 0, 0, fmt.Errorf("%s: the delta at %d: %w", p.name, off, err)
	}
	defer zr.Close()
	var start [20]byte
	n, _ := io.ReadFull(zr, start[:min(int64(len(start)), h.size)])
	d := start[:n]
	var sizes [2]int64
	for k := range sizes {
		for shift := 0; ; shift += 7 {
			if len(d) == 0 || shift > 56 {
				return 0, 0, fmt.Errorf("%s: a malformed delta at %d", p.name, off)
			}
			sizes[k] |= int64(d[0]&0x7f) << shift
			b := d[0]
			d = d[1:]
			if b&0x80 == 0 {
				break
			}
		}
	}
	return typ, sizes[1], nil
}

// remember keeps a delta base for the next delta that needs it.
func (s *Store) remember(at packPos, typ plumbing.ObjectType, data []byte) {
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

// ReadAny reads object h from st, through a Store first when st has one
// (repo's storage does: its Objects method).
func ReadAny(st storer.EncodedObjectStorer, h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	if fs, ok := st.(interface{ Objects() *Store }); ok {
		typ, data, err := fs.Objects().Read(h)
		if !errors.Is(err, ErrNotHere) {
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

// ReadTyped reads object h from st as ReadAny does, and refuses
// it when it is not of type t.
func ReadTyped(st storer.EncodedObjectStorer, h plumbing.Hash, t plumbing.ObjectType) ([]byte, error) {
	typ, data, err := ReadAny(st, h)
	if err != nil {
		return nil, err
	}
	if typ != t {
		return nil, fmt.Errorf("%s is a %s, not a %s", Short(h), typ, t)
	}
	return data, nil
}
