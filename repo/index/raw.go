package index

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	gitindex "github.com/go-git/go-git/v5/plumbing/format/index"
)

// ErrShape: the raw index splice or parse does not handle this index (a
// version or extension it does not know); go-git's decoder does.
var ErrShape = errors.New("index needs the full decoder")

// Splice returns the index file data with the stage-0 entries of set
// put in (replacing those of the same name) and those of remove taken
// out, copying every other entry's bytes as they are. Decoding and
// re-encoding the ten thousand entries of a lifetime diary's index costs
// more than the rest of a commit; this is one pass over the bytes.
// Optional extensions (the cache tree among them) are dropped, since
// they would describe the old entries; git rebuilds them. An index of
// version 4, or with a required extension, is ErrShape.
func Splice(data []byte, set []*gitindex.Entry, remove map[string]bool) ([]byte, error) {
	version, count := uint32(2), uint32(0)
	body := data
	if len(data) > 0 {
		if len(data) < 12+20 || string(data[:4]) != "DIRC" {
			return nil, ErrShape
		}
		version = binary.BigEndian.Uint32(data[4:8])
		count = binary.BigEndian.Uint32(data[8:12])
		if version != 2 && version != 3 {
			return nil, ErrShape
		}
		body = data[12 : len(data)-20]
	}
	sort.Slice(set, func(i, j int) bool { return set[i].Name < set[j].Name })
	replaced := map[string]bool{}
	for _, e := range set {
		replaced[e.Name] = true
	}

	out := make([]byte, 12, len(data)+len(set)*128)
	copy(out, "DIRC")
	binary.BigEndian.PutUint32(out[4:], version)
	n := uint32(0)
	next := 0 // the next entry of set to write
	at := 0
	for i := uint32(0); i < count; i++ {
		if at+62 > len(body) {
			return nil, ErrShape
		}
		flags := binary.BigEndian.Uint16(body[at+60:])
		nameAt := at + 62
		if flags&0x4000 != 0 { // extended flags (version 3)
			nameAt += 2
		}
		end := bytes.IndexByte(body[nameAt:], 0)
		if end < 0 {
			return nil, ErrShape
		}
		name := string(body[nameAt : nameAt+end])
		size := (nameAt - at + end + 8) &^ 7
		if at+size > len(body) {
			return nil, ErrShape
		}
		for next < len(set) && set[next].Name < name {
			out = appendEntry(out, set[next])
			n++
			next++
		}
		if !replaced[name] && !remove[name] {
			out = append(out, body[at:at+size]...)
			n++
		}
		at += size
	}
	for ; next < len(set); next++ {
		out = appendEntry(out, set[next])
		n++
	}
	// What follows the entries: extensions. A required one (its name
	// starts with a lower-case letter: split index, sparse index) cannot
	// be dropped.
	for at+8 <= len(body) {
		sig := body[at : at+4]
		size := int(binary.BigEndian.Uint32(body[at+4:]))
		if sig[0] >= 'a' && sig[0] <= 'z' {
			return nil, ErrShape
		}
		at += 8 + size
	}
	binary.BigEndian.PutUint32(out[8:], n)
	sum := sha1.Sum(out)
	return append(out, sum[:]...), nil
}

// appendEntry encodes one stage-0 entry in the version 2 layout, which
// versions 2 and 3 share.
func appendEntry(out []byte, e *gitindex.Entry) []byte {
	start := len(out)
	var b [62]byte
	put := binary.BigEndian.PutUint32
	put(b[0:], uint32(e.CreatedAt.Unix()))
	put(b[4:], uint32(e.CreatedAt.Nanosecond()))
	put(b[8:], uint32(e.ModifiedAt.Unix()))
	put(b[12:], uint32(e.ModifiedAt.Nanosecond()))
	put(b[16:], e.Dev)
	put(b[20:], e.Inode)
	put(b[24:], uint32(e.Mode))
	put(b[28:], e.UID)
	put(b[32:], e.GID)
	put(b[36:], e.Size)
	copy(b[40:60], e.Hash[:])
	flags := uint16(len(e.Name))
	if len(e.Name) >= 0xfff {
		flags = 0xfff
	}
	binary.BigEndian.PutUint16(b[60:], flags)
	out = append(out, b[:]...)
	out = append(out, e.Name...)
	pad := (62 + len(e.Name) + 8) &^ 7
	for len(out)-start < pad {
		out = append(out, 0)
	}
	return out
}

// Entry is what diary reads of an index entry: what it takes to
// compare the entry with the work tree (size and modification time, as
// the index keeps them: 32 bits each) and with HEAD. go-git's
// gitindex.Entry is three times the size, which for the ten thousand
// entries of a lifetime diary's index is a megabyte of memory to fault
// in on every command.
type Entry struct {
	Hash      plumbing.Hash
	Mode      filemode.FileMode
	Size      uint32
	Sec, Nsec uint32
}

// Meta is what Parse learns of the index beside its entries.
type Meta struct {
	// Sum is the file's trailing checksum, over all that precedes it:
	// any change to the index changes it. Zero when git writes the index
	// with index.skipHash, and then it vouches for nothing.
	Sum plumbing.Hash
	// Plain: every entry is at stage 0 with no extended flags (intent to
	// add, skip-worktree), and no extension that changes what the entries
	// mean (a split or sparse index) follows them. A plain index's
	// entries are all there is to it.
	Plain bool
	// CacheTree is the root of git's cache tree (the TREE extension)
	// when it is valid and covers every entry: the tree that `git
	// write-tree` would write for this index, without reading a file.
	CacheTree plumbing.Hash
}

// Parse reads the stage-0 entries of a version 2 or 3 index, and what
// it can vouch for (Meta), in one pass over the raw file: go-git's
// decoder takes several times as long on a lifetime diary's index.
// Other shapes are ErrShape.
func Parse(data []byte) (map[string]*Entry, Meta, error) {
	var meta Meta
	if len(data) < 12+20 || string(data[:4]) != "DIRC" {
		return nil, meta, ErrShape
	}
	version := binary.BigEndian.Uint32(data[4:8])
	count := binary.BigEndian.Uint32(data[8:12])
	if version != 2 && version != 3 {
		return nil, meta, ErrShape
	}
	body := data[12 : len(data)-20]
	copy(meta.Sum[:], data[len(data)-20:])
	meta.Plain = true
	m := make(map[string]*Entry, count)
	entries := make([]Entry, count)
	at := 0
	get := binary.BigEndian.Uint32
	staged := 0
	for range count {
		if at+62 > len(body) {
			return nil, meta, ErrShape
		}
		b := body[at:]
		flags := binary.BigEndian.Uint16(b[60:])
		nameAt := 62
		if flags&0x4000 != 0 {
			nameAt += 2
			if at+64 > len(body) || binary.BigEndian.Uint16(b[62:]) != 0 {
				meta.Plain = false // intent to add, skip-worktree
			}
		}
		end := bytes.IndexByte(b[nameAt:], 0)
		if end < 0 {
			return nil, meta, ErrShape
		}
		if (flags>>12)&3 == 0 {
			e := &entries[staged]
			staged++
			e.Sec, e.Nsec = get(b[8:]), get(b[12:])
			e.Mode = filemode.FileMode(get(b[24:]))
			e.Size = get(b[36:])
			copy(e.Hash[:], b[40:60])
			m[string(b[nameAt:nameAt+end])] = e
		} else {
			meta.Plain = false // an entry in conflict
		}
		at += (nameAt + end + 8) &^ 7
	}
	if at > len(body) || len(m) != len(entries) {
		meta.Plain = false
	}
	for at+8 <= len(body) {
		sig := string(body[at : at+4])
		size := int(get(body[at+4:]))
		if size < 0 || at+8+size > len(body) {
			meta.Plain = false
			break
		}
		ext := body[at+8 : at+8+size]
		switch {
		case sig[0] >= 'a' && sig[0] <= 'z':
			meta.Plain = false // required: the entries alone are not the index
		case sig == "TREE":
			meta.CacheTree = rootCacheTree(ext, len(entries))
		}
		at += 8 + size
	}
	return m, meta, nil
}

// rootCacheTree reads the root of a TREE extension: "" NUL, the number
// of entries it covers, a blank, the number of subtrees, a newline, then
// the tree's hash unless the count is -1 (invalidated by a change since).
// It returns the hash when the root is valid and covers all entries.
func rootCacheTree(ext []byte, entries int) plumbing.Hash {
	if len(ext) == 0 || ext[0] != 0 {
		return plumbing.ZeroHash
	}
	nl := bytes.IndexByte(ext, '\n')
	if nl < 0 || len(ext) < nl+1+20 {
		return plumbing.ZeroHash
	}
	covered, _, ok := strings.Cut(string(ext[1:nl]), " ")
	if n, err := strconv.Atoi(covered); !ok || err != nil || n != entries {
		return plumbing.ZeroHash
	}
	var h plumbing.Hash
	copy(h[:], ext[nl+1:nl+21])
	return h
}

// Stage0 is the stage of an entry that is not in conflict. go-git names
// it Merged but gives that constant the value 1 (git's "base" stage),
// while its decoder reads a merged entry's stage as 0, as git writes it.
const Stage0 gitindex.Stage = 0
