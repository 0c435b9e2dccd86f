package repo

import (
	"crypto/rand"
	"encoding/hex"
	"path"
)

// tempName is a fresh name for a file on its way into the work tree,
// one IsTemp knows (so that a kill never leaves one that is committed).
func tempName() string {
	var b [8]byte
	rand.Read(b[:])
	return ".diary-tmp-" + hex.EncodeToString(b[:])
}

// pathDir is the slash-separated parent of rel; "." at the top.
func pathDir(rel string) string { return path.Dir(rel) }
