package odb

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/crc32"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/klauspost/compress/zlib"
)

// WritePack writes a pack of the objects hashes, read from st, to w: the
// pack that push and the in-process upload-pack send.
//
// go-git's encoder compresses at zlib's slow default level and looks for
// deltas among every pair in a window; for the two or three versions of
// a 600 KB _posts tree that a sync sends, that was most of a push. Here
// objects are compressed at zlib's fastest level (git's own default for
// loose objects), and a tree is sent as a delta of the newest of the
// last trees sent that is of a like size (the same directory in the
// previous commit, as ObjectsToSend lists them): a delta that copies the
// runs of entries both share and inserts the rest. Blobs and commits go
// whole. A base always comes first in the pack, named by offset, or by
// hash when refDeltas is set (a remote without ofs-delta), and no chain
// of deltas is longer than git's default of 50.
func WritePack(w io.Writer, st storer.EncodedObjectStorer, hashes []plumbing.Hash, refDeltas bool) error {
	return encodePack(w, len(hashes), func(i int) (plumbing.Hash, plumbing.ObjectType, []byte, error) {
		typ, data, err := ReadAny(st, hashes[i])
		return hashes[i], typ, data, err
	}, refDeltas, nil)
}

// maxPackDepth bounds a chain of deltas, as git's pack.depth does.
const maxPackDepth = 50

// encodePack writes a pack of n objects, the i-th one given by get, and
// tells record (when not nil) where each entry starts and the CRC-32 of
// its bytes, which a pack index holds.
func encodePack(w io.Writer, n int, get func(i int) (plumbing.Hash, plumbing.ObjectType, []byte, error), refDeltas bool,
	record func(h plumbing.Hash, off int64, crc uint32)) error {
	sum := sha1.New()
	bw := bufio.NewWriterSize(io.MultiWriter(w, sum), 64<<10)
	var hdr [12]byte
	copy(hdr[:], "PACK")
	binary.BigEndian.PutUint32(hdr[4:], 2)
	binary.BigEndian.PutUint32(hdr[8:], uint32(n))
	bw.Write(hdr[:])
	pw := &packWriter{w: bw, off: 12, crc: crc32.NewIEEE()}
	zw, err := zlib.NewWriterLevel(pw, zlib.BestSpeed)
	if err != nil {
		return err
	}
	type sentTree struct {
		hash  plumbing.Hash
		data  []byte
		at    int64
		depth int
	}
	var recent []sentTree // the last trees sent, newest first
	for i := range n {
		h, typ, data, err := get(i)
		if err != nil {
			return fmt.Errorf("pack %s: %w", Short(h), err)
		}
		at := pw.off
		pw.crc.Reset()
		body := data
		var base *sentTree
		if typ == plumbing.TreeObject && len(data) > 4096 {
			for j := range recent {
				if b := &recent[j]; b.depth < maxPackDepth && len(data) < 2*len(b.data) && len(b.data) < 2*len(data) {
					base = b
					break
				}
			}
		}
		depth := 0
		switch {
		case base != nil:
			body = treeDelta(base.data, data)
			depth = base.depth + 1
			if refDeltas {
				pw.header(packRefDelta, len(body))
				pw.Write(base.hash[:])
			} else {
				pw.header(packOfsDelta, len(body))
				pw.Write(ofsDeltaOffset(at - base.at))
			}
		default:
			pw.header(int(typ), len(body))
		}
		zw.Reset(pw)
		if _, err := zw.Write(body); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		if pw.err != nil {
			return pw.err
		}
		if record != nil {
			record(h, at, pw.crc.Sum32())
		}
		if typ == plumbing.TreeObject {
			recent = append([]sentTree{{h, data, at, depth}}, recent[:min(len(recent), 15)]...)
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	_, err = w.Write(sum.Sum(nil))
	return err
}

// packWriter counts what is written, for offsets.
type packWriter struct {
	w   *bufio.Writer
	off int64
	crc hash.Hash32 // of the entry being written
	err error
}

func (p *packWriter) Write(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.w.Write(b)
	p.crc.Write(b[:n])
	p.off += int64(n)
	p.err = err
	return n, err
}

// header writes an entry's type and (uncompressed) size.
func (p *packWriter) header(typ, size int) {
	var b [16]byte
	c := byte(typ<<4) | byte(size&15)
	size >>= 4
	n := 0
	for size > 0 {
		b[n] = c | 0x80
		n++
		c = byte(size & 0x7f)
		size >>= 7
	}
	b[n] = c
	p.Write(b[:n+1])
}

// ofsDeltaOffset encodes how far back a delta's base starts, as git
// reads it: big-endian groups of seven bits, each but the last one less.
func ofsDeltaOffset(rel int64) []byte {
	var b [16]byte
	i := len(b) - 1
	b[i] = byte(rel & 0x7f)
	for rel >>= 7; rel > 0; rel >>= 7 {
		rel--
		i--
		b[i] = 0x80 | byte(rel&0x7f)
	}
	return b[i:]
}

// treeDelta makes a git delta from tree base to tree target: every entry
// of target that base holds byte for byte is copied from base (runs of
// them in one instruction), the others inserted. Both trees' entries are
// in git's order, so one walk along both finds the shared ones; were
// they not (no tree at all), more would be inserted, and the delta would
// still give target.
func treeDelta(base, target []byte) []byte {
	d := appendVarint(nil, len(base))
	d = appendVarint(d, len(target))
	copyFrom, copyEnd := -1, -1 // the pending run copied from base
	var insert []byte           // pending bytes to insert
	flushCopy := func() {
		for copyFrom >= 0 && copyFrom < copyEnd {
			n := min(copyEnd-copyFrom, 0xffffff)
			d = appendCopy(d, copyFrom, n)
			copyFrom += n
		}
		copyFrom, copyEnd = -1, -1
	}
	flushInsert := func() {
		for len(insert) > 0 {
			n := min(len(insert), 127)
			d = append(d, byte(n))
			d = append(d, insert[:n]...)
			insert = insert[n:]
		}
	}
	var b rawEntry
	bOK := false
	bAt := 0
	nextBase := func() {
		bOK = false
		if bAt < len(base) {
			if e, err := nextRawEntry(base, bAt); err == nil {
				b, bOK, bAt = e, true, e.end
			}
		}
	}
	nextBase()
	for at := 0; at < len(target); {
		e, err := nextRawEntry(target, at)
		if err != nil {
			// Not a tree after all: insert what is left.
			flushCopy()
			insert = append(insert, target[at:]...)
			break
		}
		at = e.end
		for bOK && gitLess(b.name, b.dir, e.name, e.dir) < 0 {
			nextBase()
		}
		if bOK && bytes.Equal(base[b.start:b.end], target[e.start:e.end]) {
			flushInsert()
			if copyFrom < 0 || copyEnd != b.start {
				flushCopy()
				copyFrom = b.start
			}
			copyEnd = b.end
			nextBase()
			continue
		}
		flushCopy()
		insert = append(insert, target[e.start:e.end]...)
	}
	flushCopy()
	flushInsert()
	return d
}

func appendVarint(d []byte, n int) []byte {
	for n >= 0x80 {
		d = append(d, byte(n)|0x80)
		n >>= 7
	}
	return append(d, byte(n))
}

// appendCopy appends the instruction that copies n bytes of the base
// from off.
func appendCopy(d []byte, off, n int) []byte {
	op := byte(0x80)
	var args []byte
	for i := 0; i < 4; i++ {
		if b := byte(off >> (8 * i)); b != 0 {
			op |= 1 << i
			args = append(args, b)
		}
	}
	for i := 0; i < 3; i++ {
		if b := byte(n >> (8 * i)); b != 0 {
			op |= 0x10 << i
			args = append(args, b)
		}
	}
	return append(append(d, op), args...)
}
