package repo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCreateNew: a new work-tree file takes the first free name, never
// overwrites one, leaves no temporary file, and is never written through
// a link on its way.
func TestCreateNew(t *testing.T) {
	dir := t.TempDir()
	r, err := Init(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	name := func(n int) string {
		if n == 1 {
			return "a.png"
		}
		return fmt.Sprintf("a-%d.png", n)
	}
	for i, want := range []string{"assets/img/a.png", "assets/img/a-2.png", "assets/img/a-3.png"} {
		got, err := r.CreateNew("assets/img", name, strings.NewReader(fmt.Sprint("content ", i)))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("CreateNew #%d = %q, want %q", i, got, want)
		}
	}
	for i, p := range []string{"a.png", "a-2.png", "a-3.png"} {
		data, err := os.ReadFile(filepath.Join(dir, "assets/img", p))
		if err != nil || string(data) != fmt.Sprint("content ", i) {
			t.Errorf("%s = %q, %v", p, data, err)
		}
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "assets/img"))
	if len(ents) != 3 {
		t.Errorf("assets/img holds %d files, want 3 (no temporary one)", len(ents))
	}

	// A folder on the way that is a link is not gone through.
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "linked")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.CreateNew("linked/img", name, strings.NewReader("x")); !errors.Is(err, ErrUnsafePath) {
		t.Errorf("CreateNew through a link: err = %v, want ErrUnsafePath", err)
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Errorf("written through the link: %v", ents)
	}

	// ReplaceFile and RemoveFile do not go through it either.
	if err := r.ReplaceFile("linked/x.md", []byte("x")); !errors.Is(err, ErrUnsafePath) {
		t.Errorf("ReplaceFile through a link: err = %v", err)
	}
	if err := r.ReplaceFile("assets/img/a.png", []byte("new")); err != nil {
		t.Fatal(err)
	}
	if err := r.RemoveFile("assets/img/a-2.png"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "assets/img/a-2.png")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a-2.png is still there: %v", err)
	}
}
