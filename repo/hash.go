package repo

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitdiary/diary/repo/odb"
)

// Hash names a git object: the SHA-1 of its header and content. It is
// diary's own type, so that callers read and write trees without knowing
// go-git; repo converts at its boundary with go-git, at no cost (both are
// twenty bytes).
type Hash [20]byte

// ZeroHash is the hash of nothing: no commit, no blob.
var ZeroHash Hash

// ParseHash reads the forty hex digits git prints for an object;
// ok is false for anything else.
func ParseHash(s string) (Hash, bool) {
	h, ok := odb.ParseHash(s)
	return Hash(h), ok
}

// String is the hash as git prints it: forty lowercase hex digits.
func (h Hash) String() string { return plumbing.Hash(h).String() }

// IsZero reports whether h is ZeroHash.
func (h Hash) IsZero() bool { return h == ZeroHash }

// Mode is a tree entry's kind, as git writes it in a tree: the file
// type and permission bits in octal (git's Documentation/technical
// index-format.txt, "32-bit mode").
type Mode uint32

// The modes of tree entries.
const (
	ModeDir        Mode = 0o040000
	ModeRegular    Mode = 0o100644
	ModeExecutable Mode = 0o100755
	ModeSymlink    Mode = 0o120000
	ModeSubmodule  Mode = 0o160000
)

// String is the mode as git writes it in a tree listing: seven octal digits.
func (m Mode) String() string { return fmt.Sprintf("%07o", uint32(m)) }

// gitHashes is hs as go-git's hashes, for its object and storer calls.
func gitHashes(hs []Hash) []plumbing.Hash {
	out := make([]plumbing.Hash, len(hs))
	for i, h := range hs {
		out[i] = plumbing.Hash(h)
	}
	return out
}

// ownHashes is go-git's hashes hs as diary's.
func ownHashes(hs []plumbing.Hash) []Hash {
	out := make([]Hash, len(hs))
	for i, h := range hs {
		out[i] = Hash(h)
	}
	return out
}
