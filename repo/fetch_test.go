package repo_test

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

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
	if h := plumbing.NewHash(tip); !errors.Is(r.Intact(h), repo.ErrIncomplete) {
		t.Errorf("Intact(%s) = %v, want %v", tip[:7], r.Intact(h), repo.ErrIncomplete)
	}
}
