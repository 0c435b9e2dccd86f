package repo

import (
	"fmt"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
)

// TestAncestryAgreesWithGit builds seeded random histories with git
// plumbing (branches, merges, criss-crosses, unrelated roots, and
// commit times that go backwards as a laptop with a wrong clock makes
// them) and checks IsAncestor against `git merge-base --is-ancestor`
// and MergeBase against `git merge-base --all` for random pairs.
func TestAncestryAgreesWithGit(t *testing.T) {
	gittest.NeedGit(t)
	seeds, commits, pairs := 6, 40, 60
	if testing.Short() {
		seeds, commits, pairs = 2, 25, 30
	}
	for seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(seed), 11))
			dir := t.TempDir()
			gittest.Git(t, dir, "init", "-q", "-b", "main")
			tree := strings.TrimSpace(gittest.Git(t, dir, "hash-object", "-t", "tree", "-w", "--stdin"))
			var hashes []string
			clock := int64(1_650_000_000)
			for i := range commits {
				var parents []string
				switch {
				case i == 0 || rng.IntN(12) == 0: // a root: unrelated history
				case rng.IntN(4) == 0 && len(hashes) > 1: // a merge
					p := rng.Perm(len(hashes))[:2]
					parents = []string{hashes[p[0]], hashes[p[1]]}
				default:
					parents = []string{hashes[len(hashes)-1-rng.IntN(min(len(hashes), 4))]}
				}
				clock += int64(rng.IntN(3600))
				when := clock
				if rng.IntN(5) == 0 {
					when -= int64(rng.IntN(86400 * 3)) // a clock days behind
				}
				args := []string{"commit-tree", tree, "-m", fmt.Sprint(i)}
				for _, p := range parents {
					args = append(args, "-p", p)
				}
				cmd := exec.Command("git", args...)
				cmd.Dir = dir
				cmd.Env = append(gittest.Env(dir), fmt.Sprintf("GIT_COMMITTER_DATE=%d +0000", when), fmt.Sprintf("GIT_AUTHOR_DATE=%d +0000", when))
				out, err := cmd.Output()
				if err != nil {
					t.Fatal(err)
				}
				hashes = append(hashes, strings.TrimSpace(string(out)))
			}
			gittest.Git(t, dir, "update-ref", "refs/heads/main", hashes[len(hashes)-1])
			r, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			for range pairs {
				a, b := hashes[rng.IntN(len(hashes))], hashes[rng.IntN(len(hashes))]
				ha, _ := parseHash(a)
				hb, _ := parseHash(b)

				isAnc, err := r.IsAncestor(ha, hb)
				if err != nil {
					t.Fatal(err)
				}
				_, gitErr := gittest.TryGit(dir, "merge-base", "--is-ancestor", a, b)
				if want := gitErr == nil; isAnc != want {
					t.Errorf("IsAncestor(%.7s, %.7s) = %v, git says %v", a, b, isAnc, want)
				}

				base, ok, err := r.MergeBase(ha, hb)
				if err != nil {
					t.Fatal(err)
				}
				out, _ := gittest.TryGit(dir, "merge-base", "--all", a, b)
				all := strings.Fields(out)
				switch {
				case !ok && len(all) > 0:
					t.Errorf("MergeBase(%.7s, %.7s): none, git has %v", a, b, all)
				case ok && !slices.Contains(all, base.String()):
					t.Errorf("MergeBase(%.7s, %.7s) = %.7s, not among git's %v", a, b, base, all)
				}
			}
		})
	}
}
