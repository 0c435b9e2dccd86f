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

// diary.lock exists only whole, with its holder in it: a kill between
// creating it and writing the holder used to leave an empty lock that
// blocked every later sync.
func TestDiaryLockIsNeverEmpty(t *testing.T) {
	r, dir, _, _ := twoCommits(t)
	path := filepath.Join(dir, ".git", "diary.lock")
	// An empty lock can only be a dead older diary's: taken over.
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// (One just made may be an older diary's about to write its holder.)
	old := time.Now().Add(-time.Minute)
	os.Chtimes(path, old, old)
	unlock, err := r.Lock(context.Background(), 200*time.Millisecond)
	if err != nil {
		t.Fatalf("an empty diary.lock blocks: %v", err)
	}
	data, _ := os.ReadFile(path)
	if pid, _, _ := parseLock(string(data)); pid != os.Getpid() {
		t.Errorf("diary.lock holds %q", data)
	}
	unlock()
	// A lock whose holder is dead is taken over too.
	host, _ := os.Hostname()
	os.WriteFile(path, []byte(fmt.Sprintf("%d %s 2022-04-30T00:00:00Z\n", deadPid(t), host)), 0o644)
	unlock, err = r.Lock(context.Background(), 200*time.Millisecond)
	if err != nil {
		t.Fatalf("a dead holder's diary.lock blocks: %v", err)
	}
	unlock()

	// Under strace, the lock file is created by link(2) of a file that
	// already holds the holder, never by open(O_CREAT).
	strace := needStrace(t)
	if os.Getenv("DIARY_LOCK_CHILD") != "" {
		t.Skip("child")
	}
	log := filepath.Join(t.TempDir(), "trace")
	cmd := exec.Command(strace, "-f", "-qq", "-o", log, "-e", "trace=openat,link,linkat,rename,renameat,renameat2", os.Args[0], "-test.run=^TestLockChild$")
	cmd.Env = append(os.Environ(), "DIARY_LOCK_CHILD="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	trace, _ := os.ReadFile(log)
	for _, line := range strings.Split(string(trace), "\n") {
		if strings.Contains(line, "openat(") && strings.Contains(line, "diary.lock\"") && strings.Contains(line, "O_CREAT") {
			t.Errorf("diary.lock is created empty and written after: %s", line)
		}
	}
	if !strings.Contains(string(trace), "diary.lock\"") {
		t.Errorf("the child did not take the lock:\n%s", trace)
	}
}

// TestLockChild takes and gives up the lock of DIARY_LOCK_CHILD, for
// TestDiaryLockIsNeverEmpty's strace.
func TestLockChild(t *testing.T) {
	dir := os.Getenv("DIARY_LOCK_CHILD")
	if dir == "" {
		t.Skip("run by TestDiaryLockIsNeverEmpty")
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := r.Lock(context.Background(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	unlock()
}

// An index.lock that a killed diary left is diary's, known by its note
// (the lock's twin, linked to it and named for the dead process), and
// taken over; one git left (no note) is named with the fix.
func TestIndexLockLeftByDeadDiary(t *testing.T) {
	r, dir, _, _ := twoCommits(t)
	ctx := context.Background()
	lock := filepath.Join(dir, ".git", "index.lock")
	// The note of a diary killed right after it took the lock: its twin,
	// named for its process.
	host, _ := os.Hostname()
	twin := filepath.Join(dir, ".git", fmt.Sprintf("%s%x-%d-000000000000", lockTempPrefix, host, deadPid(t)))
	os.WriteFile(twin, nil, 0o644)
	os.Link(twin, lock)
	gittest.Write(t, dir, "_posts/2022-05-01-b.md", "b\n")
	if _, err := r.Commit(ctx, CommitOptions{Paths: []string{"_posts/2022-05-01-b.md"}, Message: "b", Author: sig}); err != nil {
		t.Fatalf("a dead diary's index.lock blocks: %v", err)
	}
	// git's own: respected and named.
	os.WriteFile(lock, nil, 0o644)
	gittest.Write(t, dir, "_posts/2022-05-02-c.md", "c\n")
	_, err := r.Commit(ctx, CommitOptions{Paths: []string{"_posts/2022-05-02-c.md"}, Message: "c", Author: sig})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), lock) {
		t.Errorf("git's index.lock: %v", err)
	}
	os.Remove(lock)
	gittest.Fsck(t, dir)
}

// The kill of a diary that had just created index.lock (before any note
// could be written) must not leave a lock nobody takes over: the note is
// written before the lock exists, so the lock is always known as diary's.
func TestIndexLockNoteComesFirst(t *testing.T) {
	strace := needStrace(t)
	_, dir, _, _ := twoCommits(t)
	log := filepath.Join(t.TempDir(), "trace")
	cmd := exec.Command(strace, "-f", "-qq", "-o", log, "-e", "trace=openat,link,linkat,rename,renameat,renameat2", os.Args[0], "-test.run=^TestCommitChild$")
	cmd.Env = append(os.Environ(), "DIARY_COMMIT_CHILD="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	trace, _ := os.ReadFile(log)
	// The lock is either linked to a note that holds the owner (diary's
	// lock twin), or created after a note was written.
	lockAt, noteAt, linked := -1, -1, false
	for i, line := range strings.Split(string(trace), "\n") {
		if lockAt < 0 && strings.Contains(line, "index.lock\"") && (strings.Contains(line, "O_CREAT") || strings.Contains(line, "link")) {
			lockAt = i
			linked = strings.Contains(line, "link") && strings.Contains(line, lockTempPrefix)
		}
		if noteAt < 0 && strings.Contains(line, "index.lock.owner") && (strings.Contains(line, "O_CREAT") || strings.Contains(line, "rename")) {
			noteAt = i
		}
	}
	if lockAt < 0 || !linked && (noteAt < 0 || noteAt > lockAt) {
		t.Errorf("index.lock at trace line %d, its note at %d: the note must come first\n%s", lockAt, noteAt, trace)
	}
}

// TestCommitChild commits one file in DIARY_COMMIT_CHILD, for
// TestIndexLockNoteComesFirst's strace.
func TestCommitChild(t *testing.T) {
	dir := os.Getenv("DIARY_COMMIT_CHILD")
	if dir == "" {
		t.Skip("run by TestIndexLockNoteComesFirst")
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	gittest.Write(t, dir, "_posts/2022-05-03-d.md", "d\n")
	if _, err := r.Commit(context.Background(), CommitOptions{Paths: []string{"_posts/2022-05-03-d.md"}, Message: "d", Author: sig}); err != nil {
		t.Fatal(err)
	}
}

// The twins a killed diary left are cleared when the next one takes the
// diary lock, except one still linked to a lock, which says whose it is.
func TestDeadTwinsAreCleared(t *testing.T) {
	r, dir, _, _ := twoCommits(t)
	host, _ := os.Hostname()
	gitDir := filepath.Join(dir, ".git")
	dead := deadPid(t)
	alone := filepath.Join(gitDir, fmt.Sprintf("%s%x-%d-000000000000", lockTempPrefix, host, dead))
	linked := filepath.Join(gitDir, fmt.Sprintf("%s%x-%d-000000000001", lockTempPrefix, host, dead))
	os.WriteFile(alone, nil, 0o644)
	os.WriteFile(linked, nil, 0o644)
	lock := filepath.Join(gitDir, "refs", "heads", "other.lock")
	if err := os.Link(linked, lock); err != nil {
		t.Fatal(err)
	}
	unlock, err := r.Lock(context.Background(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	if _, err := os.Stat(alone); err == nil {
		t.Error("a dead diary's lone twin is still there")
	}
	if _, err := os.Stat(linked); err != nil {
		t.Errorf("the twin of a lock was removed: %v", err)
	}
	if deadTwinOf(lock, gitDir) != linked {
		t.Error("the dead diary's ref lock is no longer known as its")
	}
}

// A named lock (diary watch's) is taken and taken over as diary.lock is,
// says who holds it, and is independent of diary.lock: a sync runs while
// the watcher holds its own.
func TestNamedLock(t *testing.T) {
	r, dir, _, _ := twoCommits(t)
	const name = "diary-watch.lock"
	path := filepath.Join(dir, ".git", name)
	if pid, _, err := r.LockHolder(name); err != nil || pid != 0 {
		t.Fatalf("holder of no lock: %d, %v", pid, err)
	}
	unlock, err := r.LockNamed(context.Background(), name, 0)
	if err != nil {
		t.Fatal(err)
	}
	if pid, _, err := r.LockHolder(name); err != nil || pid != os.Getpid() {
		t.Errorf("holder: %d, %v; want %d", pid, err, os.Getpid())
	}
	// diary.lock is another lock.
	u2, err := r.Lock(context.Background(), 0)
	if err != nil {
		t.Fatalf("diary.lock while the watch lock is held: %v", err)
	}
	u2()
	// Held by a live process (this one pretending to be another: its
	// parent), the second taker is told who.
	unlock()
	host, _ := os.Hostname()
	os.WriteFile(path, []byte(fmt.Sprintf("%d %s 2022-04-30T00:00:00Z\n", os.Getppid(), host)), 0o644)
	_, err = r.LockNamed(context.Background(), name, 0)
	var held *HeldError
	if !errors.As(err, &held) || held.Pid != os.Getppid() || !errors.Is(err, ErrBusyDiary) {
		t.Fatalf("a held lock: %v", err)
	}
	if pid, _, _ := r.LockHolder(name); pid != os.Getppid() {
		t.Errorf("holder %d, want %d", pid, os.Getppid())
	}
	// A dead holder's is no holder, and is taken over.
	os.WriteFile(path, []byte(fmt.Sprintf("%d %s 2022-04-30T00:00:00Z\n", deadPid(t), host)), 0o644)
	if pid, _, _ := r.LockHolder(name); pid != 0 {
		t.Errorf("a dead holder is reported: %d", pid)
	}
	unlock, err = r.LockNamed(context.Background(), name, 0)
	if err != nil {
		t.Fatalf("a dead holder's lock blocks: %v", err)
	}
	unlock()
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock is left after unlock: %v", err)
	}
	// Names are file names in .git, nothing else.
	for _, bad := range []string{"", "../x.lock", "a/b.lock", "x"} {
		if _, err := r.LockNamed(context.Background(), bad, 0); err == nil {
			t.Errorf("lock name %q accepted", bad)
		}
	}
}

// TestConfigLockLeftByDeadDiary: .git/config is written under the same
// lock protocol as refs and the index, so a config.lock that a killed
// diary left (known by its twin) is taken over, and git's own is not.
func TestConfigLockLeftByDeadDiary(t *testing.T) {
	r, dir, _, _ := twoCommits(t)
	lock := filepath.Join(dir, ".git", "config.lock")
	host, _ := os.Hostname()
	twin := filepath.Join(dir, ".git", fmt.Sprintf("%s%x-%d-000000000000", lockTempPrefix, host, deadPid(t)))
	os.WriteFile(twin, nil, 0o644)
	os.Link(twin, lock)
	if err := r.SetConfigSection("merge", "diary", [][2]string{{"name", "diary"}}); err != nil {
		t.Fatalf("a dead diary's config.lock blocks: %v", err)
	}
	for _, p := range []string{lock, twin} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s is left behind", p)
		}
	}
	if got := strings.TrimSpace(gittest.Git(t, dir, "config", "--get", "merge.diary.name")); got != "diary" {
		t.Errorf("merge.diary.name = %q", got)
	}
	os.WriteFile(lock, nil, 0o644)
	if err := r.SetConfigSection("merge", "diary", [][2]string{{"name", "x"}}); err == nil || !strings.Contains(err.Error(), "config.lock exists") {
		t.Errorf("git's config.lock: %v", err)
	}
	os.Remove(lock)
	gittest.Fsck(t, dir)
}

// TestDiaryLockFromAnotherBoot: a laptop that lost power mid-sync
// comes back with diary.lock naming a pid that, after the reboot, may
// belong to any process. The lock records the boot it was taken in, so
// a lock from an earlier boot is known as dead whatever runs under its
// pid now; one from this boot with a live pid is still respected.
func TestDiaryLockFromAnotherBoot(t *testing.T) {
	if bootID() == "" {
		t.Skip("this system gives no boot id: a reused pid is respected (see alive_portable.go)")
	}
	r, dir, _, _ := twoCommits(t)
	ctx := context.Background()
	lock := filepath.Join(dir, ".git", "diary.lock")
	host, _ := os.Hostname()
	live := os.Getppid() // alive, and not this process
	for _, c := range []struct {
		boot  string
		taken bool
	}{
		{"boot=00000000-0000-0000-0000-000000000000", true},
		{"boot=" + bootID(), false},
		{"", false}, // an older diary's lock, without a boot: as before
	} {
		os.WriteFile(lock, []byte(strings.TrimSpace(fmt.Sprintf("%d %s 2026-01-01T00:00:00Z %s", live, host, c.boot))+"\n"), 0o644)
		unlock, err := r.Lock(ctx, 0)
		if taken := err == nil; taken != c.taken {
			t.Errorf("lock of pid %d with %q: taken over = %v (%v), want %v", live, c.boot, taken, err, c.taken)
		}
		if err == nil {
			if data, _ := os.ReadFile(lock); !strings.Contains(string(data), "boot="+bootID()) {
				t.Errorf("the new lock does not name this boot: %q", data)
			}
			unlock()
		}
		os.Remove(lock)
	}
}

// TestLockTwinFromAnotherBoot: the twin of an index.lock that a power
// cut left names its boot too, so the lock is taken over after the
// reboot even when its pid is now another process's.
func TestLockTwinFromAnotherBoot(t *testing.T) {
	if bootID() == "" {
		t.Skip("this system gives no boot id: a reused pid is respected (see alive_portable.go)")
	}
	r, dir, _, _ := twoCommits(t)
	ctx := context.Background()
	lock := filepath.Join(dir, ".git", "index.lock")
	host, _ := os.Hostname()
	for i, c := range []struct {
		boot  string
		taken bool
	}{
		{"000000000000.", true},
		{bootTag() + ".", false},
		{"", false}, // an older diary's twin, without a boot
	} {
		twin := filepath.Join(dir, ".git", fmt.Sprintf("%s%x-%d-%s00000000000%d", lockTempPrefix, host, os.Getppid(), c.boot, i))
		os.WriteFile(twin, nil, 0o644)
		os.Link(twin, lock)
		p := fmt.Sprintf("_posts/2022-06-0%d-boot.md", i+1)
		gittest.Write(t, dir, p, "boot\n")
		_, err := r.Commit(ctx, CommitOptions{Paths: []string{p}, Message: "boot", Author: sig})
		if taken := err == nil; taken != c.taken {
			t.Errorf("index.lock with twin %s: taken over = %v (%v), want %v", filepath.Base(twin), taken, err, c.taken)
		}
		os.Remove(lock)
		os.Remove(twin)
	}
	gittest.Fsck(t, dir)
}
