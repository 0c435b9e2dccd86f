package gen

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// A history of a few hundred commits over a 10,000-entry _posts tree
// writes some 300 MB of tree objects: `git fast-import` takes 4 to 6
// seconds over it, and a `git repack -f` afterwards (needed, see below)
// 3 to 6 more. So gen writes the pack itself, in the shape `git clone`
// leaves it: newest versions whole, each older version of a tree or file
// a delta on the next newer one, chains at most maxDepth long. Each delta
// is what it is known to be (one run of entries added or replaced), so
// computing it costs nothing. `git index-pack` then checks every object
// and writes the index, and `git fsck --strict` in the test checks the
// rest. (fast-import stores each tree as a delta on the one before, so
// HEAD's _posts tree would sit at the end of a chain that no clone has,
// and would make every read of it slower than in real life.)

// Object types as a pack numbers them.
const (
	objCommit   = 1
	objTree     = 2
	objBlob     = 3
	objOfsDelta = 6
)

var typeNames = map[int]string{objCommit: "commit", objTree: "tree", objBlob: "blob"}

// maxDepth is git's default pack.depth.
const maxDepth = 50

type oid [sha1.Size]byte

func (h oid) String() string { return hex.EncodeToString(h[:]) }

func hashObject(typ int, data []byte) oid {
	h := sha1.New()
	h.Write([]byte(typeNames[typ] + " " + strconv.Itoa(len(data)) + "\x00"))
	h.Write(data)
	var id oid
	h.Sum(id[:0])
	return id
}

// object is one object of the pack: its content whole, or a delta on
// base (an index into store.objs, always a newer object).
type object struct {
	typ     int
	id      oid
	raw     []byte // the content (base < 0) or the delta
	base    int    // -1: stored whole
	decided bool
	packed  []byte // raw, compressed
}

// store collects objects in the order they are made, oldest first.
type store struct {
	objs []*object
	byID map[oid]int
}

func newStore() *store { return &store{byID: map[oid]int{}} }

// chain is the history of one path (a file or a directory): each new
// version makes the one before a delta on it.
type chain struct {
	cur  int // object of the current version, -1 for none of its own
	n    int // versions so far
	data []byte
}

func newChain() *chain { return &chain{cur: -1} }

// add records a new version of the path and returns its id.
func (s *store) add(c *chain, typ int, data []byte) oid {
	id := hashObject(typ, data)
	if c.cur >= 0 && s.objs[c.cur].id == id {
		return id // unchanged
	}
	prev := c.cur
	idx, dup := s.byID[id]
	if !dup {
		idx = len(s.objs)
		s.objs = append(s.objs, &object{typ: typ, id: id, base: -1})
		s.byID[id] = idx
	}
	if prev >= 0 && !s.objs[prev].decided {
		p := s.objs[prev]
		p.decided = true
		if dup {
			// The base may come later in the pack than this object: keep
			// it whole rather than reach forward.
			p.raw = c.data
		} else {
			p.raw, p.base = delta(data, c.data), idx
		}
	}
	c.data = data
	c.n++
	c.cur = -1
	if !dup {
		c.cur = idx
		if c.n%maxDepth == 0 {
			// Bound the chain: this version is whole, and the older ones
			// will be deltas on it.
			s.objs[idx].raw, s.objs[idx].decided = data, true
		}
	}
	return id
}

// whole stores a one-version object (a commit) as it is.
func (s *store) whole(typ int, data []byte) oid {
	id := hashObject(typ, data)
	if _, ok := s.byID[id]; !ok {
		s.byID[id] = len(s.objs)
		s.objs = append(s.objs, &object{typ: typ, id: id, raw: data, base: -1, decided: true})
	}
	return id
}

// finish stores the newest version of every path whole.
func (s *store) finish(chains []*chain) {
	for _, c := range chains {
		if c.cur >= 0 && !s.objs[c.cur].decided {
			o := s.objs[c.cur]
			o.raw, o.decided = c.data, true
		}
	}
}

// delta returns the git delta that makes target out of base: the common
// start and end copied from base, the middle inserted. Every change gen
// makes is one such run (entries appended to a tree, one entry replaced,
// a file edited in one place), so nothing smarter is needed.
func delta(base, target []byte) []byte {
	p := 0
	for p < len(base) && p < len(target) && base[p] == target[p] {
		p++
	}
	q := 0
	for q < len(base)-p && q < len(target)-p && base[len(base)-1-q] == target[len(target)-1-q] {
		q++
	}
	out := binary.AppendUvarint(nil, uint64(len(base)))
	out = binary.AppendUvarint(out, uint64(len(target)))
	out = appendCopy(out, 0, p)
	for ins := target[p : len(target)-q]; len(ins) > 0; {
		n := min(len(ins), 127)
		out = append(out, byte(n))
		out = append(out, ins[:n]...)
		ins = ins[n:]
	}
	return appendCopy(out, len(base)-q, q)
}

// appendCopy appends copy instructions of base[off:off+n], in steps of
// at most 64 KiB as git's own diff-delta writes them.
func appendCopy(out []byte, off, n int) []byte {
	for n > 0 {
		size := min(n, 0x10000)
		cmd := byte(0x80)
		var args []byte
		for i := range 4 {
			if b := byte(off >> (8 * i)); b != 0 {
				cmd |= 1 << i
				args = append(args, b)
			}
		}
		if size != 0x10000 { // no size bytes at all means 0x10000
			for i := range 3 {
				if b := byte(size >> (8 * i)); b != 0 {
					cmd |= 0x10 << i
					args = append(args, b)
				}
			}
		}
		out = append(out, cmd)
		out = append(out, args...)
		off += size
		n -= size
	}
	return out
}

// writePack writes every object into objects/pack under gitDir, newest
// first so that each delta's base comes before it, and returns the pack
// file's path. The index is left to `git index-pack`.
func (s *store) writePack(gitDir string) (string, error) {
	// Compress in parallel; each object's bytes depend on it alone.
	var wg sync.WaitGroup
	next := make(chan *object)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			zw := zlib.NewWriter(&buf)
			for o := range next {
				buf.Reset()
				zw.Reset(&buf)
				zw.Write(o.raw)
				zw.Close()
				o.packed = bytes.Clone(buf.Bytes())
			}
		}()
	}
	for _, o := range s.objs {
		next <- o
	}
	close(next)
	wg.Wait()

	dir := filepath.Join(gitDir, "objects", "pack")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, "tmp_pack_gen_")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	sum := sha1.New()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := &countWriter{w: bw, h: sum}
	w.Write([]byte("PACK"))
	w.Write(binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 2), uint32(len(s.objs))))
	offsets := make([]int64, len(s.objs))
	for i := len(s.objs) - 1; i >= 0; i-- {
		o := s.objs[i]
		offsets[i] = w.n
		typ := o.typ
		if o.base >= 0 {
			typ = objOfsDelta
		}
		hdr := objectHeader(typ, len(o.raw))
		if o.base >= 0 {
			hdr = append(hdr, ofsDelta(offsets[i]-offsets[o.base])...)
		}
		w.Write(hdr)
		w.Write(o.packed)
		o.packed, o.raw = nil, nil
	}
	trailer := sum.Sum(nil)
	bw.Write(trailer)
	if err := bw.Flush(); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	name := filepath.Join(dir, "pack-"+hex.EncodeToString(trailer)+".pack")
	if err := os.Rename(f.Name(), name); err != nil {
		return "", err
	}
	return name, nil
}

type countWriter struct {
	w *bufio.Writer
	h hash.Hash
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	c.h.Write(p)
	c.n += int64(len(p))
	return c.w.Write(p)
}

func objectHeader(typ, size int) []byte {
	b := byte(typ<<4) | byte(size&0x0f)
	size >>= 4
	var out []byte
	for size > 0 {
		out = append(out, b|0x80)
		b = byte(size & 0x7f)
		size >>= 7
	}
	return append(out, b)
}

// ofsDelta encodes the distance back to a delta's base, git's way.
func ofsDelta(d int64) []byte {
	buf := []byte{byte(d & 0x7f)}
	for d >>= 7; d > 0; d >>= 7 {
		d--
		buf = append([]byte{byte(0x80 | d&0x7f)}, buf...)
	}
	return buf
}

// tree is a directory of the history being built.
type tree struct {
	entries []treeEntry // in git's order
	subs    map[string]*tree
	chain   *chain
	id      oid
	dirty   bool
}

type treeEntry struct {
	name string
	dir  bool
	id   oid
}

func newTree() *tree { return &tree{subs: map[string]*tree{}, chain: newChain(), dirty: true} }

// key orders tree entries as git does: a directory as if its name ended
// in "/".
func (e treeEntry) key() string {
	if e.dir {
		return e.name + "/"
	}
	return e.name
}

func (t *tree) set(e treeEntry) {
	i, found := slices.BinarySearchFunc(t.entries, e.key(), func(x treeEntry, k string) int { return strings.Compare(x.key(), k) })
	if found {
		t.entries[i] = e
	} else {
		t.entries = slices.Insert(t.entries, i, e)
	}
	t.dirty = true
}

// put records a file's blob at p (slash-separated).
func (t *tree) put(p string, blob oid) {
	t.dirty = true
	dir, rest, nested := strings.Cut(p, "/")
	if !nested {
		t.set(treeEntry{name: p, id: blob})
		return
	}
	sub := t.subs[dir]
	if sub == nil {
		sub = newTree()
		t.subs[dir] = sub
	}
	sub.put(rest, blob)
}

// write stores the trees that changed, deepest first, and returns the
// root's id.
func (t *tree) write(s *store) oid {
	if !t.dirty {
		return t.id
	}
	for _, name := range slices.Sorted(maps.Keys(t.subs)) {
		if sub := t.subs[name]; sub.dirty {
			t.set(treeEntry{name: name, dir: true, id: sub.write(s)})
		}
	}
	size := 0
	for _, e := range t.entries {
		size += len(e.name) + 28
	}
	data := make([]byte, 0, size)
	for _, e := range t.entries {
		if e.dir {
			data = append(data, "40000 "...)
		} else {
			data = append(data, "100644 "...)
		}
		data = append(data, e.name...)
		data = append(data, 0)
		data = append(data, e.id[:]...)
	}
	t.id = s.add(t.chain, objTree, data)
	t.dirty = false
	return t.id
}

func (t *tree) chains(out []*chain) []*chain {
	out = append(out, t.chain)
	for _, name := range slices.Sorted(maps.Keys(t.subs)) {
		out = t.subs[name].chains(out)
	}
	return out
}

// history builds the objects of a sequence of commits.
type history struct {
	s     *store
	root  *tree
	files map[string]*chain
	head  oid
	n     int
}

func newHistory() *history {
	return &history{s: newStore(), root: newTree(), files: map[string]*chain{}}
}

func (h *history) commit(c commit) {
	for _, f := range c.files {
		ch := h.files[f.path]
		if ch == nil {
			ch = newChain()
			h.files[f.path] = ch
		}
		h.root.put(f.path, h.s.add(ch, objBlob, f.content))
	}
	t := h.root.write(h.s)
	sig := fmt.Sprintf("%s <%s> %d +0900", Author, Email, c.when.Unix())
	var b strings.Builder
	fmt.Fprintf(&b, "tree %s\n", t)
	if h.n > 0 {
		fmt.Fprintf(&b, "parent %s\n", h.head)
	}
	fmt.Fprintf(&b, "author %s\ncommitter %s\n\n%s\n", sig, sig, c.msg)
	h.head = h.s.whole(objCommit, []byte(b.String()))
	h.n++
}

// finish decides the last objects; after it, the store can be written.
func (h *history) finish() {
	chains := h.root.chains(nil)
	for _, p := range slices.Sorted(maps.Keys(h.files)) {
		chains = append(chains, h.files[p])
	}
	h.s.finish(chains)
}
