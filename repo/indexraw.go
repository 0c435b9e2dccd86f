package repo

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"sort"

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
