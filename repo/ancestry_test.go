package repo

import (
	"fmt"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/repo/odb"
)

// TestAncestryAgreesWithGit builds seeded random histories with git
// plumbing (branches, merges, criss-crosses, unrelated roots, and
// commit times that go backwards as a laptop with a wrong clock makes
// them) and checks IsAncestor against `git merge-base --is-ancestor`
// MergeBase against `git merge-base --all`, and AheadBehind against
// `git rev-list --left-right --count` for random pairs.
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
				ha, _ := ParseHash(a)
				hb, _ := ParseHash(b)

				isAnc, err := r.IsAncestor(ha, hb)
				if err != nil {
					t.Fatal(err)
				}
				_, gitErr := gittest.TryGit(dir, "merge-base", "--is-ancestor", a, b)
				if want := gitErr == nil; isAnc != want {
					t.Errorf("IsAncestor(%.7s, %.7s) = %v, git says %v", a, b, isAnc, want)
				}

				ahead, behind, err := r.AheadBehind(ha, hb)
				if err != nil {
					t.Fatal(err)
				}
				if want := gittest.Git(t, dir, "rev-list", "--left-right", "--count", a+"..."+b); fmt.Sprintf("%d\t%d\n", ahead, behind) != want {
					t.Errorf("AheadBehind(%.7s, %.7s) = %d, %d; git rev-list --left-right --count says %q", a, b, ahead, behind, want)
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

// TestObjectsToSend checks odb.ObjectsToSend, what fetch and push send, on
// seeded random histories (merges, clocks that go backwards, files
// deleted and restored) against git rev-list --objects: every object the
// wants reach and the haves do not is sent, and nothing the wants do not
// reach. (Not against rev-list WANTS --not HAVES: git too sends some of
// what the haves reach, where its walk stops.)
func TestObjectsToSend(t *testing.T) {
	gittest.NeedGit(t)
	seeds := 4
	if testing.Short() {
		seeds = 2
	}
	for seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(seed), 13))
			dir := t.TempDir()
			gittest.Git(t, dir, "init", "-q", "-b", "main")
			var stream strings.Builder
			const commits = 40
			clock := 1650000000
			for i := 1; i <= commits; i++ {
				clock += rng.IntN(3600)
				when := clock
				if rng.IntN(5) == 0 {
					when -= rng.IntN(86400 * 3)
				}
				fmt.Fprintf(&stream, "commit refs/heads/b%d\nmark :%d\ncommitter A <a@example.com> %d +0000\ndata 3\nc%02d", i, i, when, i%100)
				if i > 1 {
					fmt.Fprintf(&stream, "from :%d\n", i-1-rng.IntN(min(i-1, 5)))
					if rng.IntN(4) == 0 {
						fmt.Fprintf(&stream, "merge :%d\n", 1+rng.IntN(i-1))
					}
				}
				for range 1 + rng.IntN(3) {
					name := fmt.Sprintf("d%d/f%d.md", rng.IntN(3), rng.IntN(8))
					if rng.IntN(6) == 0 {
						fmt.Fprintf(&stream, "D %s\n", name)
						continue
					}
					body := fmt.Sprintf("content %d\n", rng.IntN(12)) // few contents: restored files
					fmt.Fprintf(&stream, "M 100644 inline %s\ndata %d\n%s\n", name, len(body), body)
				}
			}
			cmd := exec.Command("git", "fast-import", "--quiet")
			cmd.Dir = dir
			cmd.Env = gittest.Env(dir)
			cmd.Stdin = strings.NewReader(stream.String())
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("fast-import: %v\n%s", err, out)
			}
			r, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			tip := func(i int) Hash {
				h, _ := ParseHash(strings.TrimSpace(gittest.Git(t, dir, "rev-parse", fmt.Sprintf("refs/heads/b%d", i))))
				return h
			}
			for range 25 {
				wants := []Hash{tip(1 + rng.IntN(commits))}
				var haves []Hash
				for range rng.IntN(3) {
					haves = append(haves, tip(1+rng.IntN(commits)))
				}
				got, err := odb.ObjectsToSend(r.git.Storer, gitHashes(wants), gitHashes(haves))
				if err != nil {
					t.Fatal(err)
				}
				sent := map[string]bool{}
				for _, h := range got {
					sent[h.String()] = true
				}
				objects := func(tips []Hash) map[string]bool {
					out := map[string]bool{}
					if len(tips) == 0 {
						return out
					}
					args := []string{"rev-list", "--objects"}
					for _, h := range tips {
						args = append(args, h.String())
					}
					for _, l := range strings.Split(gittest.Git(t, dir, args...), "\n") {
						if f := strings.Fields(l); len(f) > 0 {
							out[f[0]] = true
						}
					}
					return out
				}
				reach, had := objects(wants), objects(haves)
				for h := range reach {
					if !had[h] && !sent[h] {
						t.Fatalf("wants %v, haves %v: %s is needed, and not sent", wants, haves, h)
					}
				}
				for h := range sent {
					if !reach[h] {
						t.Fatalf("diary sends %s, which the wants do not reach", h)
					}
				}
			}
		})
	}
}
