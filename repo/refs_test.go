//go:build unix

package repo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
)

// twoCommits makes a repository on main with two commits and returns
// them, oldest first.
func twoCommits(t *testing.T) (*Repo, string, Hash, Hash) {
	t.Helper()
	gittest.NeedGit(t)
	dir := t.TempDir()
	r, err := Init(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	var hs []Hash
	for i, body := range []string{"one\n", "two\n"} {
		gittest.Write(t, dir, "_posts/2022-04-30-a.md", body)
		s := sig
		s.When = s.When.Add(time.Duration(i) * time.Minute)
		h, err := r.Commit(context.Background(), CommitOptions{Paths: []string{"_posts/2022-04-30-a.md"}, Message: body, Author: s})
		if err != nil {
			t.Fatal(err)
		}
		hh, _ := ParseHash(h)
		hs = append(hs, hh)
	}
	return r, dir, hs[0], hs[1]
}

// deadPid is the pid of a process that has ended.
func deadPid(t *testing.T) int {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// A ref is replaced by a rename, never truncated and rewritten in
// place: a kill between go-git's truncate and write left the branch
// empty, and the next sync started a new root history.
func TestRefIsReplacedNotRewritten(t *testing.T) {
	r, dir, one, two := twoCommits(t)
	path := filepath.Join(dir, ".git", "refs", "heads", "main")
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetBranch("main", two, one); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(before, after) {
		t.Error("refs/heads/main was written in place (same file): a kill while it is written empties it")
	}
	if got := strings.TrimSpace(gittest.Git(t, dir, "rev-parse", "main")); got != one.String() {
		t.Errorf("main is %s, want %s", got, one)
	}
	// Compare-and-swap is kept: a branch that moved is not overwritten.
	if err := r.SetBranch("main", two, two); !errors.Is(err, ErrMoved) {
		t.Errorf("SetBranch from a stale commit: %v, want ErrMoved", err)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, ".git", "refs", "heads", "*.lock")); len(matches) > 0 {
		t.Errorf("locks left behind: %v", matches)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, ".git", lockTempPrefix+"*")); len(matches) > 0 {
		t.Errorf("lock twins left behind: %v", matches)
	}
}

// git's refs/.../NAME.lock is git's lock on NAME, not a ref: it is never
// listed, and a ref update waits for git rather than writing beside it.
func TestGitsRefLockIsRespectedNotRead(t *testing.T) {
	r, dir, one, two := twoCommits(t)
	if err := r.Backup(one, time.Date(2022, 5, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(dir, ".git", "refs", "diary", "backup", "20220502T000000.000000000-abcdef0.lock")
	if err := os.WriteFile(lock, []byte(two.String()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	backups, err := r.Backups()
	if err != nil {
		t.Fatal(err)
	}
	if len(backups) != 1 || strings.HasSuffix(backups[0].Name, ".lock") {
		t.Errorf("backups %v: a .lock file was read as a ref", backups)
	}

	mainLock := filepath.Join(dir, ".git", "refs", "heads", "main.lock")
	if err := os.WriteFile(mainLock, []byte(""), 0o644); err != nil {
		t.Fatal(err)
	}
	err = r.SetBranch("main", two, one)
	if err == nil {
		t.Fatal("SetBranch wrote main while git held main.lock")
	}
	if !strings.Contains(err.Error(), mainLock) || !strings.Contains(err.Error(), "remove that file") {
		t.Errorf("the error does not name the lock and the fix: %v", err)
	}
	if got := strings.TrimSpace(gittest.Git(t, dir, "rev-parse", "main")); got != two.String() {
		t.Errorf("main moved to %s under git's lock", got)
	}
	if _, err := os.Stat(mainLock); err != nil {
		t.Errorf("git's lock was removed: %v", err)
	}
}

// A ref lock that a killed diary left (its twin names a dead process)
// is taken over: the next sync needs no manual step.
func TestDeadDiarysRefLockIsTakenOver(t *testing.T) {
	r, dir, one, two := twoCommits(t)
	host, _ := os.Hostname()
	twin := filepath.Join(dir, ".git", fmt.Sprintf("%s%x-%d-000000000000", lockTempPrefix, host, deadPid(t)))
	if err := os.WriteFile(twin, []byte(one.String()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(dir, ".git", "refs", "heads", "main.lock")
	if err := os.Link(twin, lock); err != nil {
		t.Fatal(err)
	}
	if err := r.SetBranch("main", two, one); err != nil {
		t.Fatalf("a dead diary's lock was not taken over: %v", err)
	}
	for _, p := range []string{lock, twin} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is still there", p)
		}
	}
	// A twin of a diary that still runs (this one) is respected.
	twin = filepath.Join(dir, ".git", fmt.Sprintf("%s%x-%d-000000000001", lockTempPrefix, host, os.Getppid()))
	os.WriteFile(twin, nil, 0o644)
	os.Link(twin, lock)
	if err := r.SetBranch("main", one, two); !errors.Is(err, ErrRefLocked) {
		t.Errorf("a running diary's lock: %v, want ErrRefLocked", err)
	}
}

// Deleting a packed ref rewrites packed-refs; reading finds packed refs.
func TestPackedRefs(t *testing.T) {
	r, dir, one, _ := twoCommits(t)
	if err := r.Backup(one, time.Date(2022, 5, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, dir, "pack-refs", "--all", "--prune")
	backups, err := r.Backups()
	if err != nil || len(backups) != 1 {
		t.Fatalf("packed backups: %v %v", backups, err)
	}
	if h, ok, err := r.Ref("refs/heads/main"); err != nil || !ok || h.IsZero() {
		t.Fatalf("packed main: %v %v %v", h, ok, err)
	}
	if err := r.RemoveRef(backups[0].Name); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Backups(); len(got) != 0 {
		t.Errorf("after removal: %v", got)
	}
	if out := gittest.Git(t, dir, "for-each-ref"); strings.Contains(out, "refs/diary/backup") {
		t.Errorf("git still sees the removed ref:\n%s", out)
	}
	gittest.Fsck(t, dir)
}

// needStrace finds strace; a missing one skips, and fails under CI.
func needStrace(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("strace")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("strace is not installed; .ci/run installs it")
		}
		t.Skip("strace is not installed")
	}
	return p
}

// A pack a push sends to a path remote, and one a fetch brings, appear
// whole: written under a temporary name and renamed, the index too.
// go-git wrote the index in place, in small writes; a kill left a
// truncated .idx that the remote's next reader trusted.
func TestPackAndIndexAppearWhole(t *testing.T) {
	strace := needStrace(t)
	_, dir, _, _ := twoCommits(t)
	bare := gittest.Bare(t, filepath.Join(t.TempDir(), "remote.git"))
	gittest.Git(t, dir, "remote", "add", "origin", bare)
	other := filepath.Join(t.TempDir(), "other")
	for _, step := range []string{"push", "fetch"} {
		if step == "fetch" {
			// Another laptop adds a commit for the fetch to bring.
			gittest.Git(t, filepath.Dir(other), "clone", "-q", bare, other)
			gittest.Write(t, other, "_posts/2022-05-04-e.md", "e\n")
			gittest.Git(t, other, "add", "-A")
			gittest.Git(t, other, "commit", "-qm", "e")
			gittest.Git(t, other, "push", "-q", "origin", "main")
		}
		log := filepath.Join(t.TempDir(), "trace")
		cmd := exec.Command(strace, "-f", "-qq", "-o", log, "-e", "trace=openat,rename,renameat,renameat2,fsync", os.Args[0], "-test.run=^TestNetChild$")
		cmd.Env = append(os.Environ(), "DIARY_NET_CHILD="+step+" "+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", step, err, out)
		}
		trace, _ := os.ReadFile(log)
		renamed := 0
		for _, line := range strings.Split(string(trace), "\n") {
			if !strings.Contains(line, "/objects/pack/pack-") {
				continue
			}
			if strings.Contains(line, "openat(") && strings.Contains(line, "O_CREAT") {
				t.Errorf("%s: a pack file is written in place: %s", step, line)
			}
			if strings.Contains(line, "rename") {
				renamed++
			}
		}
		if renamed != 2 {
			t.Errorf("%s: %d pack files renamed into place, want the pack and its index\n%s", step, renamed, trace)
		}
	}
	gittest.Fsck(t, bare)
	gittest.Fsck(t, dir)
	if got, want := gittest.Git(t, dir, "rev-parse", "origin/main"), gittest.Git(t, other, "rev-parse", "HEAD"); got != want {
		t.Errorf("origin/main %s, want %s", got, want)
	}
}

// TestNetChild pushes or fetches (DIARY_NET_CHILD="push DIR" or
// "fetch DIR") with origin, for TestPackAndIndexAppearWhole's strace.
func TestNetChild(t *testing.T) {
	step, dir, ok := strings.Cut(os.Getenv("DIARY_NET_CHILD"), " ")
	if !ok {
		t.Skip("run by TestPackAndIndexAppearWhole")
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if step == "push" {
		err = r.Push(ctx, "origin", "main", NetOptions{})
	} else {
		_, err = r.Fetch(ctx, "origin", "main", NetOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
}
