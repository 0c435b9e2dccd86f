package repo

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// errIndexShape: the raw index splice does not handle this index (a
// version or extension it does not know); go-git's decoder does.
var errIndexShape = errors.New("index needs the full decoder")

// spliceIndex returns the index file data with the stage-0 entries of
// set put in (replacing those of the same name) and those of remove
// taken out, copying every other entry's bytes as they are. Decoding and
// re-encoding the ten thousand entries of a lifetime diary's index costs
// more than the rest of a commit; this is one pass over the bytes.
// Optional extensions (the cache tree among them) are dropped, since
// they would describe the old entries; git rebuilds them. An index of
// version 4, or with a required extension, is errIndexShape.
func spliceIndex(data []byte, set []*index.Entry, remove map[string]bool) ([]byte, error) {
	version, count := uint32(2), uint32(0)
	body := data
	if len(data) > 0 {
		if len(data) < 12+20 || string(data[:4]) != "DIRC" {
			return nil, errIndexShape
		}
		version = binary.BigEndian.Uint32(data[4:8])
		count = binary.BigEndian.Uint32(data[8:12])
		if version != 2 && version != 3 {
			return nil, errIndexShape
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
			return nil, errIndexShape
		}
		flags := binary.BigEndian.Uint16(body[at+60:])
		nameAt := at + 62
		if flags&0x4000 != 0 { // extended flags (version 3)
			nameAt += 2
		}
		end := bytes.IndexByte(body[nameAt:], 0)
		if end < 0 {
			return nil, errIndexShape
		}
		name := string(body[nameAt : nameAt+end])
		size := (nameAt - at + end + 8) &^ 7
		if at+size > len(body) {
			return nil, errIndexShape
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
			return nil, errIndexShape
		}
		at += 8 + size
	}
	binary.BigEndian.PutUint32(out[8:], n)
	sum := sha1.Sum(out)
	return append(out, sum[:]...), nil
}

// appendEntry encodes one stage-0 entry in the version 2 layout, which
// versions 2 and 3 share.
func appendEntry(out []byte, e *index.Entry) []byte {
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

// indexEntry is what diary reads of an index entry: what it takes to
// compare the entry with the work tree (size and modification time, as
// the index keeps them: 32 bits each) and with HEAD. go-git's
// index.Entry is three times the size, which for the ten thousand
// entries of a lifetime diary's index is a megabyte of memory to fault
// in on every command.
type indexEntry struct {
	Hash      Hash
	Mode      Mode
	Size      uint32
	Sec, Nsec uint32
}

// indexEntries returns the index's stage-0 entries by name, read in one
// pass over the raw file (go-git's decoder takes several times as long
// on a lifetime diary's index), falling back to go-git for the shapes
// parseIndex does not read.
//
// A sync reads the index twice (to repair it, then to scan for changes);
// the parse is remembered while the file's size and time stay the same.
// Callers must not change the entries.
func (r *Repo) indexEntries() (map[string]*indexEntry, error) {
	path := filepath.Join(r.gitDir, "index")
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]*indexEntry{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the index: %w", err)
	}
	key := fmt.Sprintf("%d %d", fi.Size(), fi.ModTime().UnixNano())
	if r.indexMemo != nil && r.indexKey == key {
		return r.indexMemo, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the index: %w", err)
	}
	if m, meta, err := parseIndex(raw); err == nil {
		r.indexMemo, r.indexMeta, r.indexKey = m, meta, key
		return m, nil
	}
	r.indexMeta = indexMeta{} // vouches for nothing
	idx, err := r.git.Storer.Index()
	if err != nil {
		return r.rebuildIndex(err) // git cannot read it either
	}
	m := make(map[string]*indexEntry, len(idx.Entries))
	for _, e := range idx.Entries {
		if e.Stage == stage0 {
			m[e.Name] = &indexEntry{Hash: Hash(e.Hash), Mode: Mode(e.Mode), Size: e.Size,
				Sec: uint32(e.ModifiedAt.Unix()), Nsec: uint32(e.ModifiedAt.Nanosecond())}
		}
	}
	return m, nil
}

// indexMeta is what parseIndex learns of the index beside its entries.
type indexMeta struct {
	// sum is the file's trailing checksum, over all that precedes it:
	// any change to the index changes it. Zero when git writes the index
	// with index.skipHash, and then it vouches for nothing.
	sum Hash
	// plain: every entry is at stage 0 with no extended flags (intent to
	// add, skip-worktree), and no extension that changes what the entries
	// mean (a split or sparse index) follows them. A plain index's
	// entries are all there is to it.
	plain bool
	// cacheTree is the root of git's cache tree (the TREE extension)
	// when it is valid and covers every entry: the tree that `git
	// write-tree` would write for this index, without reading a file.
	cacheTree Hash
}

// parseIndex reads the stage-0 entries of a version 2 or 3 index, and
// what it can vouch for (indexMeta).
func parseIndex(data []byte) (map[string]*indexEntry, indexMeta, error) {
	var meta indexMeta
	if len(data) < 12+20 || string(data[:4]) != "DIRC" {
		return nil, meta, errIndexShape
	}
	version := binary.BigEndian.Uint32(data[4:8])
	count := binary.BigEndian.Uint32(data[8:12])
	if version != 2 && version != 3 {
		return nil, meta, errIndexShape
	}
	body := data[12 : len(data)-20]
	copy(meta.sum[:], data[len(data)-20:])
	meta.plain = true
	m := make(map[string]*indexEntry, count)
	entries := make([]indexEntry, count)
	at := 0
	get := binary.BigEndian.Uint32
	staged := 0
	for range count {
		if at+62 > len(body) {
			return nil, meta, errIndexShape
		}
		b := body[at:]
		flags := binary.BigEndian.Uint16(b[60:])
		nameAt := 62
		if flags&0x4000 != 0 {
			nameAt += 2
			if at+64 > len(body) || binary.BigEndian.Uint16(b[62:]) != 0 {
				meta.plain = false // intent to add, skip-worktree
			}
		}
		end := bytes.IndexByte(b[nameAt:], 0)
		if end < 0 {
			return nil, meta, errIndexShape
		}
		if (flags>>12)&3 == 0 {
			e := &entries[staged]
			staged++
			e.Sec, e.Nsec = get(b[8:]), get(b[12:])
			e.Mode = Mode(get(b[24:]))
			e.Size = get(b[36:])
			copy(e.Hash[:], b[40:60])
			m[string(b[nameAt:nameAt+end])] = e
		} else {
			meta.plain = false // an entry in conflict
		}
		at += (nameAt + end + 8) &^ 7
	}
	if at > len(body) || len(m) != len(entries) {
		meta.plain = false
	}
	for at+8 <= len(body) {
		sig := string(body[at : at+4])
		size := int(get(body[at+4:]))
		if size < 0 || at+8+size > len(body) {
			meta.plain = false
			break
		}
		ext := body[at+8 : at+8+size]
		switch {
		case sig[0] >= 'a' && sig[0] <= 'z':
			meta.plain = false // required: the entries alone are not the index
		case sig == "TREE":
			meta.cacheTree = rootCacheTree(ext, len(entries))
		}
		at += 8 + size
	}
	return m, meta, nil
}

// rootCacheTree reads the root of a TREE extension: "" NUL, the number
// of entries it covers, a blank, the number of subtrees, a newline, then
// the tree's hash unless the count is -1 (invalidated by a change since).
// It returns the hash when the root is valid and covers all entries.
func rootCacheTree(ext []byte, entries int) Hash {
	if len(ext) == 0 || ext[0] != 0 {
		return ZeroHash
	}
	nl := bytes.IndexByte(ext, '\n')
	if nl < 0 || len(ext) < nl+1+20 {
		return ZeroHash
	}
	covered, _, ok := strings.Cut(string(ext[1:nl]), " ")
	if n, err := strconv.Atoi(covered); !ok || err != nil || n != entries {
		return ZeroHash
	}
	var h Hash
	copy(h[:], ext[nl+1:nl+21])
	return h
}

// stage0 is the stage of an entry that is not in conflict. go-git names
// it Merged but gives that constant the value 1 (git's "base" stage),
// while its decoder reads a merged entry's stage as 0, as git writes it.
const stage0 index.Stage = 0
