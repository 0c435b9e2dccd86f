package repo_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/repo"
)

// A commit whose own object is here but whose tree is not (what a fetch
// cut short can leave, or an object copied by hand): go-git then asks
// the remote for nothing and sets the ref anyway. FetchTo must check the
// objects, leave origin/main where it was, and say what is missing.
func TestFetchNeverSetsARefAtMissingObjects(t *testing.T) {
	root := t.TempDir()
	bare := seed(t, root, "diary.git")
	r, err := repo.Clone(stepCtx(t), bare, filepath.Join(root, "a"), repo.NetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	before, _, _ := r.RemoteBranch("origin", "main")

	peer := t.TempDir()
	gittest.Git(t, peer, "clone", "-q", bare, ".")
	gittest.Write(t, peer, "_posts/2022-05-01-second.md", gittest.Post("Second", "more\n"))
	gittest.Git(t, peer, "add", "-A")
	gittest.Git(t, peer, "commit", "-q", "-m", "second")
	gittest.Git(t, peer, "push", "-q", "origin", "main")
	tip := strings.TrimSpace(gittest.Git(t, peer, "rev-parse", "HEAD"))
	// Only the commit object reaches the laptop.
	raw := gittest.Git(t, peer, "cat-file", "commit", tip)
	cmd := exec.Command("git", "hash-object", "-t", "commit", "-w", "--stdin")
	cmd.Dir, cmd.Env, cmd.Stdin = r.Root(), gittest.Env(r.Root()), strings.NewReader(raw)
	if out, err := cmd.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != tip {
		t.Fatalf("git hash-object: %v %s", err, out)
	}

	_, err = r.Fetch(stepCtx(t), "origin", "main", repo.NetOptions{})
	if !errors.Is(err, repo.ErrIncomplete) || !strings.Contains(err.Error(), tip[:7]) {
		t.Errorf("fetch of a commit whose tree is not here: %v, want %v naming %s", err, repo.ErrIncomplete, tip[:7])
	}
	if after, _, _ := r.RemoteBranch("origin", "main"); after != before {
		t.Errorf("origin/main moved from %s to %s, a commit whose tree is not here", before, after)
	}
	if err := r.Intact(before); err != nil {
		t.Errorf("Intact(origin/main as cloned): %v", err)
	}
	if h, _ := repo.ParseHash(tip); !errors.Is(r.Intact(h), repo.ErrIncomplete) {
		t.Errorf("Intact(%s) = %v, want %v", tip[:7], r.Intact(h), repo.ErrIncomplete)
	}
}

// A fetch that an older diary cut short on a full disk left the pack
// whole and its index truncated, and origin/main where it was: the same
// pack, fetched again, was then never saved (go-git keeps an index that
// exists), and every sync failed. The next fetch must notice, drop the
// index that cannot be read (the pack holds everything it says), fetch
// again and end with every object readable.
func TestFetchHealsATruncatedPackIndex(t *testing.T) {
	root := t.TempDir()
	bare := seed(t, root, "diary.git")
	dir := filepath.Join(root, "a")
	r, err := repo.Clone(stepCtx(t), bare, dir, repo.NetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	before, _, _ := r.RemoteBranch("origin", "main")
	peer := t.TempDir()
	gittest.Git(t, peer, "clone", "-q", bare, ".")
	for i := range 20 {
		gittest.Write(t, peer, fmt.Sprintf("_posts/2022-05-%02d-day.md", i+1), gittest.Post("Day", strings.Repeat("line\n", i+1)))
	}
	gittest.Git(t, peer, "add", "-A")
	gittest.Git(t, peer, "commit", "-q", "-m", "twenty days")
	gittest.Git(t, peer, "push", "-q", "origin", "main")
	tip := strings.TrimSpace(gittest.Git(t, peer, "rev-parse", "HEAD"))

	packs := func() map[string]bool {
		m := map[string]bool{}
		names, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "pack-*.idx"))
		for _, n := range names {
			m[n] = true
		}
		return m
	}
	old := packs()
	if _, err := r.Fetch(stepCtx(t), "origin", "main", repo.NetOptions{}); err != nil {
		t.Fatal(err)
	}
	var idx string
	for n := range packs() {
		if !old[n] {
			idx = n
		}
	}
	if idx == "" {
		t.Fatal("the fetch wrote no pack")
	}
	// What the older diary left: half an index, the ref not moved.
	data, err := os.ReadFile(idx)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(idx, data[:len(data)/2], 0o444); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, dir, "update-ref", "refs/remotes/origin/main", before.String())

	r, err = repo.Open(dir) // a later diary
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Fetch(stepCtx(t), "origin", "main", repo.NetOptions{}); err != nil {
		t.Fatalf("the fetch after a truncated index: %v", err)
	}
	if after, _, _ := r.RemoteBranch("origin", "main"); after.String() != tip {
		t.Errorf("origin/main is %s, want %s", after, tip)
	}
	want, _ := repo.ParseHash(tip)
	if err := r.Intact(want); err != nil {
		t.Errorf("Intact(origin/main): %v", err)
	}
	gittest.Fsck(t, dir)
}
