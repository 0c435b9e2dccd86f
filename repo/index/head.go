package index

import (
	"bytes"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitdiary/diary/repo/odb"
)

// Head is diary's index-head record (.git/diary/index-head): that the
// index whose trailing checksum is Index holds exactly commit Commit's
// files. Any write to the index, by git or diary, changes that checksum
// (see Sum), so a record that names another one says nothing. When repo
// writes it and when it believes it are repo's (repo/indexhead.go).
//
// The record is three lines of text: a magic line with the format's
// version, "commit <hex>" and "index <hex>".
type Head struct {
	Commit, Index plumbing.Hash
}

const headMagic = "diary index-head 1\n"

// ParseHead reads a record written by Encode; ok is false when data does
// not read as one, or names a zero hash.
func ParseHead(data []byte) (Head, bool) {
	if !bytes.HasPrefix(data, []byte(headMagic)) {
		return Head{}, false
	}
	var c, i string
	n, err := fmt.Sscanf(string(data[len(headMagic):]), "commit %s\nindex %s\n", &c, &i)
	if err != nil || n != 2 {
		return Head{}, false
	}
	var rec Head
	for _, f := range []struct {
		s string
		h *plumbing.Hash
	}{{c, &rec.Commit}, {i, &rec.Index}} {
		h, ok := odb.ParseHash(f.s)
		if !ok || h.IsZero() {
			return Head{}, false
		}
		*f.h = h
	}
	return rec, true
}

// Encode is the record as ParseHead reads it.
func (h Head) Encode() []byte {
	return fmt.Appendf(nil, "%scommit %s\nindex %s\n", headMagic, h.Commit, h.Index)
}

// Sum is the checksum that ends an index file's data; zero when there is
// none.
func Sum(data []byte) plumbing.Hash {
	var h plumbing.Hash
	if len(data) >= 12+20 {
		copy(h[:], data[len(data)-20:])
	}
	return h
}
