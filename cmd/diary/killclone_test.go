//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
)

// TestKillCloneAtEverySyscall is the battery running out while a second
// laptop clones the diary: diary clone is killed (SIGKILL, by strace's
// fault injection) at a system call that writes, renames, truncates or
// links. Then a diary clone into the same directory must finish (exit 0)
// with every file of the remote, a clean work tree and a repository that
// git fsck --strict accepts: a half-made clone is started again, never
// called "not empty" nor left for the user to clean up.
//
// As in TestKillSyncAtEverySyscall, diary runs with its main goroutine on
// one thread so that strace's when=N counts its calls in order; a
// listing run counts each system call, and the kills are the first, the
// last and a spread between of each (every one with DIARY_KILL_ALL=1).
func TestKillCloneAtEverySyscall(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a clone a few dozen times")
	}
	strace, bin := killTools(t)

	tpl := t.TempDir()
	bare := gittest.Bare(t, filepath.Join(tpl, "remote.git"))
	seed := filepath.Join(tpl, "seed")
	gittest.Git(t, tpl, "clone", "-q", bare, seed)
	gittest.Write(t, seed, "_config.yml", "title: Diary\n")
	gittest.Write(t, seed, "_posts/2022-04-30-personal-diary.md", gittest.Post("Personal Diary", "맑음. Sunny.\n"))
	gittest.Write(t, seed, "_posts/2022-05-01-second.md", gittest.Post("Second", "two\n"))
	gittest.Write(t, seed, "assets/img/photo.jpg", randomFile(256<<10))
	gittest.Git(t, seed, "add", "-A")
	gittest.Git(t, seed, "commit", "-qm", "seed")
	gittest.Git(t, seed, "push", "-q", "origin", "main")
	want := gittest.Files(t, seed)

	env := os.Environ()
	for key, v := range pinnedEnv(filepath.Join(tpl, "home")) {
		env = append(env, key+"="+v)
	}
	env = append(env, "DIARY_HOST=laptop-c", "DIARY_TIMEOUT=20s")

	clone := func(dir string, inject string) (string, error) {
		log := filepath.Join(filepath.Dir(dir), "strace.log")
		args := []string{"-f", "-qq", "-o", log, "-e", "trace=" + strings.Join(killSyscalls, ",")}
		if inject != "" {
			args = append(args, "-e", inject)
		}
		args = append(args, bin, "clone", bare, dir)
		cmd := exec.Command(strace, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		data, _ := os.ReadFile(log)
		if err != nil && inject == "" {
			return string(data), fmt.Errorf("%v\n%s", err, out)
		}
		return string(data), nil
	}

	// The listing run: how many calls of each kind the main thread makes.
	listing, err := clone(filepath.Join(t.TempDir(), "c"), "")
	if err != nil {
		t.Fatalf("clone under strace: %v", err)
	}
	counts, calls := mainThreadCalls(t, listing)

	all := os.Getenv("DIARY_KILL_ALL") != ""
	runs := 0
	for _, sc := range calls {
		n := counts[sc]
		for _, when := range killPoints(n, all) {
			runs++
			t.Run(sc+"-"+strconv.Itoa(when), func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "c")
				clone(dir, fmt.Sprintf("inject=%s:signal=SIGKILL:when=%d", sc, when))
				// The next clone into the same directory finishes the job.
				cmd := exec.Command(bin, "clone", bare, dir)
				cmd.Env = env
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("the clone after a kill at %s #%d: %v\n%s", sc, when, err, out)
				}
				got := gittest.Files(t, dir)
				for p, c := range want {
					if got[p] != c {
						t.Errorf("%s differs from the remote's after a kill at %s #%d", p, sc, when)
					}
				}
				gittest.Fsck(t, dir)
				if st := gittest.Git(t, dir, "status", "--porcelain"); st != "" {
					t.Errorf("the clone's work tree is not clean:\n%s", st)
				}
			})
		}
	}
	t.Logf("killed diary clone at %d points (%v calls of the main thread)", runs, counts)
}

// mainThreadCalls counts the calls of each kind that the first thread
// in strace's log (diary's main thread) makes, and lists the kinds in
// order.
func mainThreadCalls(t *testing.T, listing string) (map[string]int, []string) {
	t.Helper()
	line := regexp.MustCompile(`^(\d+)\s+(\w+)\(`)
	counts := map[string]int{}
	main := ""
	for _, l := range strings.Split(listing, "\n") {
		m := line.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		if main == "" {
			main = m[1]
		}
		if m[1] == main {
			counts[m[2]]++
		}
	}
	if len(counts) == 0 {
		t.Fatalf("the listing run traced no call:\n%s", listing)
	}
	var calls []string
	for c := range counts {
		calls = append(calls, c)
	}
	sort.Strings(calls)
	return counts, calls
}

// killPoints picks which of n calls to kill at: all of them, or the
// first, the last and about six spread between.
func killPoints(n int, all bool) []int {
	if all || n <= 8 {
		out := make([]int, n)
		for i := range out {
			out[i] = i + 1
		}
		return out
	}
	seen := map[int]bool{}
	var out []int
	for i := 0; i <= 7; i++ {
		w := 1 + i*(n-1)/7
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}
