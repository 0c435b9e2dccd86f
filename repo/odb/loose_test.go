package odb

import (
	"bytes"
	"crypto/sha1"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/go-git/go-git/v5/plumbing"
)

// rawTree is a tree of n post entries, as git writes it.
func rawTree(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		h := sha1.Sum(fmt.Appendf(nil, "post %d", i))
		fmt.Fprintf(&b, "100644 %04d-01-01-an-entry-of-the-diary-%d.md\x00", 1000+i, i)
		b.Write(h[:])
	}
	return b.Bytes()
}

// TestWriteLooseLevels: a large tree (a lifetime's _posts) is written
// stored, not deflated: it is mostly hashes, which do not compress, and
// the next commit reads it back, so deflating it cost most of a diary
// new's CPU. Small trees and blobs are still deflated. git reads every
// one of them as written.
func TestWriteLooseLevels(t *testing.T) {
	gittest.NeedGit(t)
	dir := t.TempDir()
	objects := initRepo(t, dir)
	text := bytes.Repeat([]byte("A line of a diary, written again and again.\n"), 4000)
	for _, c := range []struct {
		name   string
		typ    plumbing.ObjectType
		data   []byte
		stored bool
	}{
		{"large tree", plumbing.TreeObject, rawTree(4000), true},
		{"small tree", plumbing.TreeObject, rawTree(10), false},
		{"large blob", plumbing.BlobObject, text, false},
	} {
		h, err := WriteLoose(objects, c.typ, c.data)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		hex := h.String()
		fi, err := os.Stat(filepath.Join(objects, hex[:2], hex[2:]))
		if err != nil {
			t.Fatal(err)
		}
		if stored := fi.Size() > int64(len(c.data)); stored != c.stored {
			t.Errorf("%s: %d bytes written for %d: stored = %v, want %v", c.name, fi.Size(), len(c.data), stored, c.stored)
		}
		kind := "blob"
		if c.typ == plumbing.TreeObject {
			kind = "tree"
		}
		if got := gittest.Git(t, dir, "cat-file", kind, hex); got != string(c.data) {
			t.Errorf("%s: git reads %d bytes, not what was written", c.name, len(got))
		}
	}
}
