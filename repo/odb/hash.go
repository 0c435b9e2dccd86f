package odb

import (
	"encoding/hex"

	"github.com/go-git/go-git/v5/plumbing"
)

// ParseHash reads the forty hex digits git prints for an object; ok is
// false for anything else.
func ParseHash(s string) (h plumbing.Hash, ok bool) {
	if len(s) != 2*len(h) {
		return plumbing.ZeroHash, false
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return plumbing.ZeroHash, false
	}
	return h, true
}

// Short is the seven-digit form of a hash, repo's or go-git's alike, as
// git shows it.
func Short[H ~[20]byte](h H) string { return hex.EncodeToString(h[:4])[:7] }
