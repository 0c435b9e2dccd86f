package repo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/go-git/go-git/v5/plumbing"
)

// objectTree reads commit c's files from the objects alone, as ReadTree
// did before it could take them from the index.
func objectTree(t *testing.T, r *Repo, c Hash) Tree {
	t.Helper()
	tree := Tree{}
	if c.IsZero() {
		return tree
	}
	commit, err := r.git.CommitObject(plumbing.Hash(c))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.readTree(c, Hash(commit.TreeHash), "", tree); err != nil {
		t.Fatal(err)
	}
	return tree
}

// fromIndex reports whether a newly opened Repo takes HEAD's files from
// the index, and fails the test if what it takes is not HEAD's tree.
func fromIndex(t *testing.T, dir string) bool {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	head, err := r.Head()
	if err != nil || head.Hash.IsZero() {
		t.Fatalf("HEAD: %v", err)
	}
	commit, err := r.git.CommitObject(plumbing.Hash(head.Hash))
	if err != nil {
		t.Fatal(err)
	}
	want := objectTree(t, r, head.Hash)
	// diary's record alone first, then with git's cache tree too.
	for _, tree := range []Hash{ZeroHash, Hash(commit.TreeHash)} {
		got, ok := r.treeFromIndex(head.Hash, tree)
		if !ok {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("the index was taken for HEAD's tree, but differs from it:\nindex %v\nHEAD  %v", got, want)
		}
		if tree.IsZero() {
			recorded++
		}
		return true
	}
	return false
}

// recorded counts the times fromIndex found diary's record enough.
var recorded int

func TestIndexHead(t *testing.T) {
	gittest.NeedGit(t)
	ctx := context.Background()
	dir := t.TempDir()
	gittest.Git(t, dir, "init", "-q", "-b", "main")
	gittest.Write(t, dir, "_config.yml", "title: x\n")
	gittest.Write(t, dir, "_posts/2022-04-30-a.md", "a\n")
	gittest.Write(t, dir, "_posts/2022-05-01-b.md", "b\n")
	gittest.Git(t, dir, "add", "-A")
	gittest.Git(t, dir, "commit", "-q", "-m", "first")

	step := func(name string, want bool) {
		t.Helper()
		if got := fromIndex(t, dir); got != want {
			t.Errorf("%s: HEAD's tree from the index: %v, want %v", name, got, want)
		}
	}
	gittest.Git(t, dir, "reset", "-q", "--hard")
	step("after git reset --hard (git's cache tree)", true)
	step("again (diary's record)", true)

	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	gittest.Write(t, dir, "_posts/2022-05-02-c.md", "c\n")
	if _, err := r.Commit(ctx, CommitOptions{Paths: []string{"_posts/2022-05-02-c.md"}, Message: "c", Author: sig}); err != nil {
		t.Fatal(err)
	}
	step("after diary's commit (the record carried on)", true)

	// A file touched: the next scan refreshes its stat data, and the
	// record follows the new index.
	later := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "_posts", "2022-04-30-a.md"), later, later); err != nil {
		t.Fatal(err)
	}
	if ch, err := r.Changes(ctx); err != nil || len(ch) != 0 {
		t.Fatalf("changes %v, %v", ch, err)
	}
	step("after a stat refresh", true)

	gittest.Write(t, dir, "staged.md", "s\n")
	gittest.Git(t, dir, "add", "staged.md")
	step("with a file staged by git", false)
	gittest.Git(t, dir, "reset", "-q")
	step("after git reset (mixed)", true)

	gittest.Git(t, dir, "add", "-N", "staged.md")
	step("with an intent-to-add entry", false)
	gittest.Git(t, dir, "reset", "-q")
	os.Remove(filepath.Join(dir, "staged.md"))

	gittest.Git(t, dir, "read-tree", "HEAD~1")
	step("with the index holding HEAD~1 (git read-tree)", false)
	gittest.Git(t, dir, "reset", "-q", "--hard")

	gittest.Git(t, dir, "commit", "-q", "--amend", "--allow-empty", "-m", "amended")
	step("after git commit --amend", true) // git keeps its cache tree: the same tree

	gittest.Git(t, dir, "update-index", "--skip-worktree", "_config.yml")
	step("with a skip-worktree entry", false)
	gittest.Git(t, dir, "update-index", "--no-skip-worktree", "_config.yml")

	// git 2.40's index.skipHash writes zeros where the checksum goes
	// (the git of Debian 12 predates it, so the test writes them).
	indexFile := filepath.Join(dir, ".git", "index")
	data, err := os.ReadFile(indexFile)
	if err != nil {
		t.Fatal(err)
	}
	clear(data[len(data)-20:])
	if err := os.WriteFile(indexFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	step("with no checksum (index.skipHash)", false)
	gittest.Git(t, dir, "reset", "-q", "--hard")
	step("with one again", true)

	// A record that names the index but another commit vouches for
	// nothing.
	r, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	rec, ok := r.readIndexHead()
	if !ok {
		t.Fatal("no record")
	}
	head := rec.commit
	rec.commit[0] ^= 1
	r.writeIndexHead(rec)
	if _, ok := r.treeFromIndex(head, ZeroHash); ok {
		t.Error("a record of another commit was believed")
	}
	os.WriteFile(r.indexHeadPath(), []byte("diary index-head 1\ncommit zz\n"), 0o644)
	if _, ok := r.readIndexHead(); ok {
		t.Error("a broken record was read")
	}
}

// TestIndexHeadRandom runs seeded random sequences of what diary and the
// git CLI do to a repository, and after each step checks that whenever
// HEAD's files are taken from the index, they are HEAD's tree exactly.
// It also fails when the index is never taken, which would make the
// check vacuous.
func TestIndexHeadRandom(t *testing.T) {
	gittest.NeedGit(t)
	ctx := context.Background()
	steps, seeds := 40, 4
	if testing.Short() {
		steps, seeds = 15, 2
	}
	for seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(seed), 7))
			dir := t.TempDir()
			gittest.Git(t, dir, "init", "-q", "-b", "main")
			names := []string{"_config.yml", "_posts/a.md", "_posts/b.md", "_posts/c.md", "x/y/z.md", "index.html"}
			for _, n := range names[:3] {
				gittest.Write(t, dir, n, n+"\n")
			}
			gittest.Git(t, dir, "add", "-A")
			gittest.Git(t, dir, "commit", "-q", "-m", "first")
			taken := 0
			recorded = 0
			for i := range steps {
				r, err := Open(dir)
				if err != nil {
					t.Fatal(err)
				}
				n := names[rng.IntN(len(names))]
				var op string
				switch rng.IntN(12) {
				case 0, 1:
					op = "diary commit " + n
					if rng.IntN(3) == 0 {
						os.Remove(filepath.Join(dir, filepath.FromSlash(n)))
					} else {
						gittest.Write(t, dir, n, fmt.Sprintf("%s %d\n", n, i))
					}
					if _, err := r.Commit(ctx, CommitOptions{Paths: []string{n}, Message: op, Author: sig}); err != nil {
						t.Fatal(err)
					}
				case 2:
					op = "git commit -a"
					gittest.Write(t, dir, n, fmt.Sprintf("git %d\n", i))
					gittest.Git(t, dir, "add", "-A")
					gittest.Git(t, dir, "commit", "-q", "--allow-empty", "-m", op)
				case 3:
					op = "git add " + n
					gittest.Write(t, dir, n, fmt.Sprintf("staged %d\n", i))
					gittest.Git(t, dir, "add", "--", n)
				case 4:
					op = "git reset --hard"
					gittest.Git(t, dir, "reset", "-q", "--hard")
				case 5:
					op = "git reset HEAD~1"
					gittest.TryGit(dir, "reset", "-q", "HEAD~1")
				case 6:
					op = "touch and scan"
					later := time.Now().Add(-time.Duration(rng.IntN(100)+3) * time.Second)
					os.Chtimes(filepath.Join(dir, filepath.FromSlash(n)), later, later)
					if _, err := r.Changes(ctx); err != nil {
						t.Fatal(err)
					}
				case 7:
					op = "repair"
					if _, err := r.RepairIndex(ctx); err != nil {
						t.Fatal(err)
					}
				case 8:
					op = "git read-tree HEAD~1"
					gittest.TryGit(dir, "read-tree", "HEAD~1")
				case 9:
					op = "diary update to HEAD~1 and back"
					head, _ := r.Head()
					prev, err := gittest.TryGit(dir, "rev-parse", "-q", "--verify", "HEAD~1")
					if err != nil {
						break
					}
					p, _ := ParseHash(prev[:40])
					from, to := objectTree(t, r, head.Hash), objectTree(t, r, p)
					if ch, _ := r.Changes(ctx); len(ch) > 0 {
						break // Update refuses to overwrite changes
					}
					if err := r.Update(ctx, head.Hash, p, from, to); err != nil {
						t.Fatal(err)
					}
					if err := r.SetBranch("main", head.Hash, p); err != nil {
						t.Fatal(err)
					}
				case 10:
					op = "git commit --amend"
					gittest.Git(t, dir, "commit", "-q", "--amend", "--allow-empty", "-m", op)
				case 11:
					op = "git rm --cached " + n
					gittest.TryGit(dir, "rm", "-q", "--cached", "--", n)
				}
				if fromIndex(t, dir) {
					taken++
				}
				_ = op
			}
			if taken == 0 || recorded == 0 {
				t.Errorf("in %d steps, HEAD's files were taken from the index %d times, %d by diary's record alone", steps, taken, recorded)
			}
			t.Logf("HEAD's files from the index after %d of %d steps, %d by diary's record alone", taken, steps, recorded)
		})
	}
}
