package odb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
)

// dirSize is the bytes of the files below dir.
func dirSize(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
		return nil
	})
	return n
}

// commitEntries commits n new entries one by one, as diary new does,
// each leaving a new loose version of the _posts tree.
func commitEntries(t *testing.T, dir string, n int) {
	t.Helper()
	for i := range n {
		p := fmt.Sprintf("_posts/2022-02-%03d-new.md", i)
		gittest.Write(t, dir, p, fmt.Sprintf("new %d\n", i))
		gittest.Git(t, dir, "add", p)
		gittest.Git(t, dir, "commit", "-q", "-m", p)
	}
}

// initRepo makes dir a repository on main, as git init does, and
// returns its objects directory.
func initRepo(t *testing.T, dir string) string {
	t.Helper()
	gittest.Git(t, dir, "init", "-q", "-b", "main")
	return filepath.Join(dir, ".git", "objects")
}

// TestPackLoose commits a diary's entries one by one (each a new loose
// version of a _posts tree of 150 entries), packs the loose objects, and
// checks that every object reads as before, git fsck --strict and git
// verify-pack accept the result, no loose copy is left but a damaged
// one, and the objects take a fraction of the room.
func TestPackLoose(t *testing.T) {
	gittest.NeedGit(t)
	ctx := context.Background()
	dir := t.TempDir()
	objects := initRepo(t, dir)
	var paths []string
	for i := range 150 {
		p := fmt.Sprintf("_posts/2022-01-%03d-entry-with-a-long-name.md", i)
		gittest.Write(t, dir, p, fmt.Sprintf("post %d\n", i))
		paths = append(paths, p)
	}
	gittest.Git(t, dir, append([]string{"add"}, paths...)...)
	gittest.Git(t, dir, "commit", "-q", "-m", "all")
	commitEntries(t, dir, 30)
	before := catFile(t, dir)
	// A loose object whose content is not what its name says.
	bad := filepath.Join(dir, ".git", "objects", "ab", strings.Repeat("c", 38))
	os.MkdirAll(filepath.Dir(bad), 0o755)
	if err := os.WriteFile(bad, []byte("not an object"), 0o444); err != nil {
		t.Fatal(err)
	}
	looseBytes := dirSize(t, objects) - int64(len("not an object"))
	n, err := PackLoose(ctx, objects, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(before) {
		t.Errorf("packed %d objects of %d", n, len(before))
	}
	left, err := looseObjects(objects)
	if err != nil || len(left) != 1 {
		t.Errorf("loose objects left: %v %v, want only the damaged one", left, err)
	}
	os.Remove(bad)
	after := catFile(t, dir)
	for h, w := range before {
		if g, ok := after[h]; !ok || g.typ != w.typ || string(g.data) != string(w.data) {
			t.Fatalf("%s reads differently after packing", h)
		}
	}
	gittest.Git(t, dir, "fsck", "--strict", "--no-dangling")
	gittest.Git(t, dir, "verify-pack", packIdx(t, dir))
	packed := dirSize(t, objects)
	t.Logf("%d objects: %d bytes loose, %d packed", n, looseBytes, packed)
	if packed*4 > looseBytes {
		t.Errorf("%d bytes loose became %d packed", looseBytes, packed)
	}
	if n, err := PackLoose(ctx, objects, 10, nil); err != nil || n != 0 {
		t.Errorf("again: %d, %v", n, err)
	}
	if got := gittest.Git(t, dir, "status", "--porcelain"); got != "" {
		t.Errorf("status after packing:\n%s", got)
	}
}

// TestPackLooseCrash stops PackLoose once the pack is in place and
// before any loose copy is removed: every object reads, fsck is clean,
// and the next PackLoose finishes the job.
func TestPackLooseCrash(t *testing.T) {
	gittest.NeedGit(t)
	ctx := context.Background()
	dir := t.TempDir()
	objects := initRepo(t, dir)
	commitEntries(t, dir, 12)
	before := catFile(t, dir)
	type crash struct{}
	hook := func(point string) {
		if point == "pack:written" {
			panic(crash{})
		}
	}
	func() {
		defer func() {
			if v := recover(); v != (crash{}) {
				t.Fatalf("recovered %v", v)
			}
		}()
		PackLoose(ctx, objects, 10, hook)
	}()
	gittest.Git(t, dir, "fsck", "--strict", "--no-dangling")
	if after := catFile(t, dir); len(after) != len(before) {
		t.Fatalf("%d objects after the crash, %d before", len(after), len(before))
	}
	if _, err := PackLoose(ctx, objects, 10, nil); err != nil {
		t.Fatal(err)
	}
	if left, _ := looseObjects(objects); len(left) != 0 {
		t.Errorf("%d loose objects left", len(left))
	}
	gittest.Git(t, dir, "fsck", "--strict", "--no-dangling")
	if after := catFile(t, dir); len(after) != len(before) {
		t.Fatalf("%d objects in the end, %d before", len(after), len(before))
	}
}

// TestPackLooseLeavesLargeFiles: a loose file over maxPacked (a photo
// added with git) stays loose, and the rest is packed.
func TestPackLooseLeavesLargeFiles(t *testing.T) {
	gittest.NeedGit(t)
	dir := t.TempDir()
	objects := initRepo(t, dir)
	commitEntries(t, dir, 5)
	gittest.Write(t, dir, "photo.jpg", strings.Repeat("0123456789abcdef", maxPacked/16+1))
	photo, _ := ParseHash(strings.TrimSpace(gittest.Git(t, dir, "hash-object", "-w", "photo.jpg")))
	n, err := PackLoose(context.Background(), objects, 1, nil)
	if err != nil || n == 0 {
		t.Fatalf("packed %d, %v", n, err)
	}
	left, err := looseObjects(objects)
	if err != nil || len(left) != 1 || left[0] != photo {
		t.Errorf("loose objects left: %v, %v; want only the photo %s", left, err, photo)
	}
	gittest.Git(t, dir, "fsck", "--strict")
}
