//go:build linux

package main

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/internal/servers"
)

// The system calls at which TestKillSyncAtEverySyscall kills diary:
// those that write, rename or truncate, and link(2), by which diary
// creates its locks. (Go's os.Rename is renameat, os.Link linkat.)
var killSyscalls = []string{"write", "pwrite64", "writev", "ftruncate", "rename", "renameat", "renameat2", "linkat"}

// TestKillSyncAtEverySyscall is the battery running out at any instant
// of a diverged sync: each laptop added an entry and edited the same
// one, and diary on laptop a is killed (SIGKILL, by strace's fault
// injection) at a system call that writes, renames or truncates. Then the
// next diary sync must finish (exit 0 or 4), the git CLI laptop b pulls
// and pushes, every line either laptop wrote is in a commit on the branch
// of both laptops and the remote, git fsck --strict is clean on laptop a
// and the remote, and git clone of the remote works. Once with a path
// remote (go-git's in-process receive-pack writes into it), once with
// git daemon on 127.0.0.1.
//
// strace counts the calls of an injection set per system call and per
// thread (when=N is the N-th write of some thread, whichever gets there
// first), and a Go program writes from several threads. So a first,
// untraced-for-kills run lists the calls with their threads; then each
// run kills at the N-th call of one system call, and the point actually
// killed is read back from strace's log (the call that returned "?").
// The points are named by system call and file (hashes and temporary
// suffixes blanked) and sorted into the sync's phases by where they come
// first in the listing run: commit, fetch, merge, push. With
// DIARY_KILL_ALL=1 every N of every system call is run (about 70-80
// runs, two minutes a remote on two busy cores); otherwise a
// deterministic sample of about 30 (the first, the last, a seeded
// spread between), under a minute a remote.
//
// The N-th call counted is the N-th of the thread that gets there first:
// the diary binary is built with its main goroutine locked to the main
// thread (buildOneThreadDiary), which then makes the calls of the sync
// in order. Calls that other goroutines make on other threads (socket
// writes of the network transports) are reached only when the main
// thread makes fewer calls of that kind.
func TestKillSyncAtEverySyscall(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a sync a few hundred times")
	}
	strace, bin := killTools(t)
	for _, kind := range []string{"path", "daemon"} {
		t.Run(kind, func(t *testing.T) {
			k := newKillWorld(t, strace, bin, kind)
			k.run()
		})
	}
}

// killTools finds strace (a failure under CI, where .ci/run installs it;
// else the test is skipped) and git, and builds diary for the kill tests.
func killTools(t *testing.T) (strace, bin string) {
	t.Helper()
	strace, err := exec.LookPath("strace")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("strace is not installed; .ci/run installs it")
		}
		t.Skip("strace is not installed: it injects the kills")
	}
	gittest.NeedGit(t)
	return strace, buildOneThreadDiary(t)
}

// buildOneThreadDiary builds diary with one more file, added for this
// test only (go build -overlay): an init that locks the main goroutine
// to the main thread, so that the system calls diary makes in order are
// the calls of one thread, which strace's when=N counts.
func buildOneThreadDiary(t *testing.T) string {
	t.Helper()
	return buildDiaryWith(t, "zz_onethread_test_overlay.go", "package main\n\nimport \"runtime\"\n\nfunc init() { runtime.LockOSThread() }\n")
}

// buildDiaryWith builds diary with one more file of package main, named
// name (which must not exist) and holding src, by go build -overlay: a
// test's own hooks, in a binary like the one users run.
func buildDiaryWith(t testing.TB, name, src string) string {
	t.Helper()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "diary")
	extra := filepath.Join(tmp, name)
	if err := os.WriteFile(extra, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	here, err := filepath.Abs(name)
	if err != nil {
		t.Fatal(err)
	}
	overlay := filepath.Join(tmp, "overlay.json")
	data := fmt.Sprintf(`{"Replace": {%q: %q}}`, here, extra)
	if err := os.WriteFile(overlay, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("go", "build", "-overlay", overlay, "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// The lines each laptop writes; each must end in a commit everywhere.
var killLines = []string{
	"a wrote this new entry", "a's first line",
	"b wrote this new entry", "b's last line",
}

const killPost = "_posts/2022-04-30-hello.md"

type killWorld struct {
	t           *testing.T
	strace, bin string
	kind        string
	tpl         string // remote.git, a, b, home: the state before the sync
	daemon      *servers.Daemon
	daemonRoot  string
	runs        int
}

func newKillWorld(t *testing.T, strace, bin, kind string) *killWorld {
	k := &killWorld{t: t, strace: strace, bin: bin, kind: kind, tpl: t.TempDir()}
	tpl := k.tpl
	os.MkdirAll(filepath.Join(tpl, "home"), 0o755)
	bare := gittest.Bare(t, filepath.Join(tpl, "remote.git"))
	seed := filepath.Join(t.TempDir(), "seed")
	gittest.Git(t, tpl, "clone", "-q", bare, seed)
	gittest.Write(t, seed, "_config.yml", "title: Diary\n")
	gittest.Write(t, seed, killPost, gittest.Post("Hello", "one\ntwo\nthree\nfour\nfive\n"))
	gittest.Git(t, seed, "add", "-A")
	gittest.Git(t, seed, "commit", "-qm", "seed")
	gittest.Git(t, seed, "push", "-q", "origin", "main")
	a, b := filepath.Join(tpl, "a"), filepath.Join(tpl, "b")
	gittest.Git(t, tpl, "clone", "-q", bare, a)
	gittest.Git(t, tpl, "clone", "-q", bare, b)
	gittest.Write(t, b, "_posts/2022-05-01-b.md", gittest.Post("B", killLines[2]+"\n"))
	gittest.Write(t, b, killPost, gittest.Post("Hello", "one\ntwo\nthree\nfour\nfive\n"+killLines[3]+"\n"))
	gittest.Git(t, b, "add", "-A")
	gittest.Git(t, b, "commit", "-qm", "b")
	gittest.Git(t, b, "push", "-q", "origin", "main")
	gittest.Write(t, a, "_posts/2022-05-01-a.md", gittest.Post("A", killLines[0]+"\n"))
	gittest.Write(t, a, killPost, gittest.Post("Hello", killLines[1]+"\none\ntwo\nthree\nfour\nfive\n"))
	if kind == "daemon" {
		k.daemonRoot = t.TempDir()
		k.daemon = servers.StartDaemon(t, k.daemonRoot)
	}
	return k
}

// copyWorld copies the template to a new directory and points laptop a
// at the copy's remote; it returns the directory and the remote's path.
func (k *killWorld) copyWorld() (dir, remote string) {
	t := k.t
	k.runs++
	dir = filepath.Join(t.TempDir(), "w")
	if out, err := exec.Command("cp", "-a", k.tpl, dir).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
	remote = filepath.Join(dir, "remote.git")
	url := remote
	if k.daemon != nil {
		name := fmt.Sprintf("r%d.git", k.runs)
		if err := os.Rename(remote, filepath.Join(k.daemonRoot, name)); err != nil {
			t.Fatal(err)
		}
		remote = filepath.Join(k.daemonRoot, name)
		url = k.daemon.URL(name)
	}
	for _, l := range []string{"a", "b"} {
		gittest.Git(t, filepath.Join(dir, l), "remote", "set-url", "origin", url)
	}
	return dir, remote
}

func (k *killWorld) env(dir string) []string {
	env := os.Environ()
	for key, v := range pinnedEnv(filepath.Join(dir, "home")) {
		env = append(env, key+"="+v)
	}
	return append(env, "DIARY_HOST=laptop-a", "DIARY_TIMEOUT=20s")
}

// traced runs diary sync on laptop a under strace, injecting SIGKILL at
// the when-th call of syscall (none when syscall is ""), and returns
// strace's log.
func (k *killWorld) traced(dir, syscall string, when int) (string, error) {
	log := filepath.Join(dir, "strace.log")
	args := []string{"-f", "-qq", "-y", "-o", log, "-e", "trace=" + strings.Join(killSyscalls, ",")}
	if syscall != "" {
		args = append(args, "-e", fmt.Sprintf("inject=%s:signal=SIGKILL:when=%d", syscall, when))
	}
	args = append(args, k.bin, "--repo", filepath.Join(dir, "a"), "sync")
	cmd := exec.Command(k.strace, args...)
	cmd.Env = k.env(dir)
	out, err := cmd.CombinedOutput()
	data, _ := os.ReadFile(log)
	if err != nil && syscall == "" {
		return string(data), fmt.Errorf("%v\n%s", err, out)
	}
	return string(data), nil
}

var (
	straceLine = regexp.MustCompile(`^(\d+)\s+(\w+)\((.*)$`)
	straceFile = regexp.MustCompile(`<([^>]*)>|"(/[^"]*)"`)
	hexRun     = regexp.MustCompile(`[0-9a-f]{6,}`)
	tempSuffix = regexp.MustCompile(`(tmp_(?:obj|pack|idx)_|\.diary-tmp-|\.tmp-|\.diary-lock-|\.stale-)[^/]*`)
	digits     = regexp.MustCompile(`\d+`)
	fanOut     = regexp.MustCompile(`/objects/[0-9a-f]{2}/`)
)

// point names a traced call: the system call and the last file it
// names, relative to the world (r.git for the remote), with hashes and
// temporary suffixes blanked.
func (k *killWorld) point(dir, remote, line string) (tid int, name string, ok bool) {
	line = strings.TrimSuffix(line, " <unfinished ...>")
	m := straceLine.FindStringSubmatch(line)
	if m == nil {
		return 0, "", false
	}
	tid, _ = strconv.Atoi(m[1])
	file := ""
	for _, f := range straceFile.FindAllStringSubmatch(m[3], -1) {
		file = f[1] + f[2]
	}
	file = strings.ReplaceAll(file, remote, "REMOTE")
	file = strings.ReplaceAll(file, dir, "")
	if strings.HasPrefix(file, "socket:") || strings.HasPrefix(file, "pipe:") || strings.HasPrefix(file, "anon_inode:") {
		file = digits.ReplaceAllString(file, "N")
	}
	file = tempSuffix.ReplaceAllString(file, "${1}*")
	file = fanOut.ReplaceAllString(file, "/objects/XX/")
	file = hexRun.ReplaceAllString(file, "H")
	return tid, m[2] + " " + file, true
}

// killed is the point at which a traced run was killed: the call that
// returned "?" in the thread strace reports killed.
func (k *killWorld) killed(dir, remote, log string) (string, bool) {
	if !strings.Contains(log, "+++ killed by SIGKILL +++") {
		return "", false
	}
	unfinished := map[string]string{} // by thread
	for _, line := range strings.Split(log, "\n") {
		tid, rest, _ := strings.Cut(line, " ")
		if before, ok := strings.CutSuffix(line, " <unfinished ...>"); ok {
			unfinished[tid] = before
			continue
		}
		if !strings.HasSuffix(strings.TrimSpace(line), "= ?") {
			continue
		}
		if strings.Contains(rest, "resumed>") {
			line = unfinished[tid]
		}
		if _, name, ok := k.point(dir, remote, line); ok {
			return name, true
		}
	}
	if os.Getenv("DIARY_KILL_DEBUG") != "" {
		k.t.Logf("no killed call in:\n%s", log)
	}
	return "unknown", true
}

// phases sorts the points of the listing run into the sync's phases by
// where each comes first: writes before the first received pack or
// remote-tracking ref are the commit; then the fetch, until the first
// work-tree file; then the merge, until the first write into the remote
// (or to a socket after the merge); then the push.
//
// It also returns the phase of each "SYSCALL N" shot: where the first
// thread to make its N-th call of SYSCALL was then, which is where
// strace's when=N kills.
func (k *killWorld) phases(dir, remote, log string) (phase map[string]string, counts map[string]int, shotPhase map[string]string) {
	phase = map[string]string{}
	shotPhase = map[string]string{}
	counts = map[string]int{} // per syscall: the most calls of one thread
	perThread := map[string]int{}
	current := "commit"
	for _, line := range strings.Split(log, "\n") {
		tid, name, ok := k.point(dir, remote, line)
		if !ok {
			continue
		}
		sys, file, _ := strings.Cut(name, " ")
		key := fmt.Sprintf("%d %s", tid, sys)
		perThread[key]++
		counts[sys] = max(counts[sys], perThread[key])
		switch {
		case current == "commit" && (strings.Contains(file, "/a/.git/objects/pack/") || strings.Contains(file, "refs/remotes") || strings.HasPrefix(file, "socket:")):
			current = "fetch"
		case current == "fetch" && strings.HasPrefix(file, "/a/") && !strings.HasPrefix(file, "/a/.git"):
			current = "merge"
		case current == "merge" && (strings.HasPrefix(file, "REMOTE") || strings.HasPrefix(file, "socket:")):
			current = "push"
		}
		if _, seen := phase[name]; !seen {
			phase[name] = current
		}
		if shot := fmt.Sprintf("%s %d", sys, perThread[key]); shotPhase[shot] == "" {
			shotPhase[shot] = current
		}
	}
	if os.Getenv("DIARY_KILL_DEBUG") != "" {
		k.t.Logf("calls per thread and syscall: %v; phases %v", perThread, phase)
	}
	return phase, counts, shotPhase
}

func (k *killWorld) run() {
	t := k.t
	start := time.Now()
	dir, remote := k.copyWorld()
	log, err := k.traced(dir, "", 0)
	if err != nil {
		t.Fatalf("the listing run failed: %v", err)
	}
	phase, counts, shotPhase := k.phases(dir, remote, log)
	k.check(dir, remote, "none (the listing run)")
	os.RemoveAll(dir)

	type shot struct {
		sys  string
		when int
	}
	var shots []shot
	all := os.Getenv("DIARY_KILL_ALL") == "1"
	rng := rand.New(rand.NewSource(9))
	var syscalls []string
	for sys := range counts {
		syscalls = append(syscalls, sys)
	}
	sort.Strings(syscalls)
	for _, sys := range syscalls {
		n := counts[sys]
		// Every N up to 6 (the first locks and objects of the commit),
		// the last 3 (the push and its records: a thread may make one or
		// two fewer calls than in the listing run), and a seeded spread
		// of about 6 between.
		for when := 1; when <= n; when++ {
			if all || when <= 6 || when > n-3 || rng.Intn(n) < 6 {
				shots = append(shots, shot{sys, when})
			}
		}
	}
	if n, err := strconv.Atoi(os.Getenv("DIARY_KILL_LIMIT")); err == nil && n < len(shots) {
		rng.Shuffle(len(shots), func(i, j int) { shots[i], shots[j] = shots[j], shots[i] })
		shots = shots[:n] // a quick look while working on it
	}
	covered := map[string]int{}
	failures := 0
	byPhase := map[string]int{}
	for _, s := range shots {
		dir, remote := k.copyWorld()
		log, _ := k.traced(dir, s.sys, s.when)
		name, ok := k.killed(dir, remote, log)
		if !ok {
			os.RemoveAll(dir)
			continue // no thread made that many calls this time
		}
		if os.Getenv("DIARY_KILL_DEBUG") != "" {
			t.Logf("%s when=%d: %s", s.sys, s.when, name)
		}
		byPhase[shotPhase[fmt.Sprintf("%s %d", s.sys, s.when)]]++
		covered[name]++
		if !k.check(dir, remote, fmt.Sprintf("%s:when=%d (%s)", s.sys, s.when, name)) {
			failures++
		}
		os.RemoveAll(dir)
		if failures >= 8 {
			t.Errorf("stopped after %d kill points that failed", failures)
			break
		}
	}
	var names []string
	for n := range covered {
		names = append(names, n)
	}
	sort.Strings(names)
	kills := 0
	for _, n := range names {
		kills += covered[n]
		t.Logf("killed at %-10s %s (%d times)", phase[n], n, covered[n])
	}
	t.Logf("%s remote: %d runs, %d kills (by phase %v) at %d distinct points, listing run: %v calls per syscall and thread at most; %s",
		k.kind, len(shots), kills, byPhase, len(names), counts, time.Since(start).Round(time.Second))
	for _, p := range []string{"commit", "fetch", "merge", "push"} {
		if byPhase[p] == 0 {
			t.Errorf("no kill in the %s phase", p)
		}
	}
}

// check is what must hold after a kill at point: the next sync finishes,
// laptop b syncs with the git CLI, every line is in a commit on each
// branch, fsck is clean, and the remote clones.
func (k *killWorld) check(dir, remote, point string) (ok bool) {
	t := k.t
	t.Helper()
	ok = true
	fail := func(format string, args ...any) {
		t.Helper()
		ok = false
		t.Errorf(format, args...)
	}
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	cmd := exec.Command(k.bin, "--repo", a, "sync")
	cmd.Env = k.env(dir)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, isExit := err.(*exec.ExitError); isExit {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code != 0 && code != 4 {
		fail("killed at %s: the next sync exits %d, want 0 or 4:\n%s", point, code, out)
		return false
	}
	for _, step := range [][]string{{"pull", "-q", "--no-rebase", "--no-edit", "origin", "main"}, {"push", "-q", "origin", "main"}} {
		if out, err := gittest.TryGit(b, step...); err != nil {
			fail("killed at %s: laptop b: git %s: %v\n%s", point, step[0], err, out)
			return false
		}
	}
	for _, repo := range []struct{ name, dir string }{{"laptop a", a}, {"laptop b", b}, {"the remote", remote}} {
		log, err := gittest.TryGit(repo.dir, "log", "-p", "--format=", "main")
		if err != nil {
			fail("killed at %s: %s: git log: %v\n%s", point, repo.name, err, log)
			continue
		}
		for _, l := range killLines {
			if !strings.Contains(log, "\n+"+l+"\n") {
				fail("killed at %s: %s: %q is in no commit of main", point, repo.name, l)
			}
		}
	}
	for _, repo := range []string{a, remote} {
		if out, err := gittest.TryGit(repo, "fsck", "--strict", "--no-progress"); err != nil {
			fail("killed at %s: git fsck --strict in %s: %v\n%s", point, repo, err, out)
		}
	}
	if out, err := gittest.TryGit(dir, "clone", "-q", remote, filepath.Join(dir, "clone")); err != nil {
		fail("killed at %s: git clone of the remote: %v\n%s", point, err, out)
	}
	return ok
}
