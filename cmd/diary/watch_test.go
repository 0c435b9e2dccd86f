//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/internal/servers"
)

// watchHookSrc is built into the diary of these tests (buildDiaryWith):
// it sets watchHook from the environment, to kill the watcher (SIGKILL,
// as a flat battery would) or hold it for two seconds at a named point
// of a sync.
const watchHookSrc = `package main

import (
	"os"
	"syscall"
	"time"
)

func init() {
	at, do := os.Getenv("DIARY_WATCH_HOOK_AT"), os.Getenv("DIARY_WATCH_HOOK_DO")
	if at == "" {
		return
	}
	watchHook = func(point string) {
		if point != at {
			return
		}
		switch do {
		case "kill":
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		case "hold":
			os.WriteFile(os.Getenv("DIARY_WATCH_HOOK_FILE"), nil, 0o644)
			time.Sleep(2 * time.Second)
		}
	}
}
`

// watchDiaryBin builds diary with watchHookSrc.
func watchDiaryBin(t *testing.T) string {
	t.Helper()
	gittest.NeedGit(t)
	return buildDiaryWith(t, "zz_watchhook_test_overlay.go", watchHookSrc)
}

const (
	watchPostA = "_posts/2022-05-01-from-a.md"
	watchPostB = "_posts/2022-05-01-from-b.md"
)

// watchWorld is a remote, laptop a (a git clone that diary watches, with
// a new entry not yet committed) and laptop b (the git CLI), which has
// pushed an entry of its own: a's next sync commits, merges and pushes.
type watchWorld struct {
	t                    testing.TB
	bin, dir, remote, a  string
	home                 string
	hookAt, hookDo, held string
}

func newWatchWorld(t *testing.T, bin string) *watchWorld {
	dir := t.TempDir()
	remote := filepath.Join(dir, "remote.git")
	return seedWorld(t, bin, dir, remote, remote)
}

// seedWorld makes a watchWorld in dir, its bare remote at remote, which
// laptop a clones from url.
func seedWorld(t testing.TB, bin, dir, remote, url string) *watchWorld {
	w := &watchWorld{t: t, bin: bin, dir: dir, home: filepath.Join(dir, "home"), held: filepath.Join(dir, "held"), remote: remote}
	os.MkdirAll(w.home, 0o755)
	gittest.Bare(t, remote)
	seed := filepath.Join(dir, "seed")
	gittest.Git(t, dir, "clone", "-q", w.remote, seed)
	gittest.Write(t, seed, "_config.yml", "title: Diary\n")
	gittest.Write(t, seed, killPost, gittest.Post("Hello", "one\ntwo\n"))
	gittest.Git(t, seed, "add", "-A")
	gittest.Git(t, seed, "commit", "-qm", "seed")
	gittest.Git(t, seed, "push", "-q", "origin", "main")
	w.a = filepath.Join(dir, "a")
	gittest.Git(t, dir, "clone", "-q", url, w.a)
	gittest.Write(t, seed, watchPostB, gittest.Post("From B", "b wrote this\n"))
	gittest.Git(t, seed, "add", "-A")
	gittest.Git(t, seed, "commit", "-qm", "b")
	gittest.Git(t, seed, "push", "-q", "origin", "main")
	gittest.Write(t, w.a, watchPostA, gittest.Post("From A", "a wrote this\n"))
	return w
}

func (w *watchWorld) env() []string {
	env := os.Environ()
	for k, v := range pinnedEnv(w.home) {
		env = append(env, k+"="+v)
	}
	env = append(env, "DIARY_HOST=laptop-a", "DIARY_TIMEOUT=20s", "DIARY_REPO="+w.a)
	if w.hookAt != "" {
		env = append(env, "DIARY_WATCH_HOOK_AT="+w.hookAt, "DIARY_WATCH_HOOK_DO="+w.hookDo, "DIARY_WATCH_HOOK_FILE="+w.held)
	}
	return env
}

// watcher is a running diary watch.
type watcher struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	done   chan error
}

func (w *watchWorld) start(args ...string) *watcher {
	w.t.Helper()
	cmd := exec.Command(w.bin, append([]string{"watch", "--debounce", "200ms"}, args...)...)
	cmd.Env = w.env()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	p := &watcher{cmd: cmd, stderr: &stderr, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	w.t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
	})
	return p
}

// wait waits up to limit for the watcher to end and returns how.
func (p *watcher) wait(t *testing.T, limit time.Duration) *os.ProcessState {
	t.Helper()
	select {
	case <-p.done:
		p.done <- nil // for the cleanup
		return p.cmd.ProcessState
	case <-time.After(limit):
		t.Fatalf("diary watch did not end within %s; it said:\n%s", limit, p.stderr)
		return nil
	}
}

// until waits up to 30 s for cond.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	gittest.Until(t, 30*time.Second, what, cond)
}

// watching says whether watcher p holds the watch lock (and so listens
// for signals).
func (w *watchWorld) watching(p *watcher) bool {
	data, err := os.ReadFile(filepath.Join(w.a, ".git", "diary-watch.lock"))
	return err == nil && strings.HasPrefix(string(data), strconv.Itoa(p.cmd.Process.Pid)+" ")
}

// onRemote says whether the remote's main has the file rel.
func (w *watchWorld) onRemote(rel string) bool {
	return gittest.TryGitOK(w.dir, "--git-dir", w.remote, "cat-file", "-e", "main:"+rel)
}

// syncAfter is what must hold after any watcher: the next diary sync of
// laptop a ends well, and then both entries are everywhere, nothing is
// left uncommitted, and both repositories are sound.
func (w *watchWorld) syncAfter() {
	t := w.t
	t.Helper()
	cmd := exec.Command(w.bin, "sync")
	cmd.Env = w.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("diary sync after the watcher: %v\n%s", err, out)
	}
	for _, p := range []string{watchPostA, watchPostB} {
		if !w.onRemote(p) {
			t.Errorf("%s is not on the remote", p)
		}
		if _, err := os.Stat(filepath.Join(w.a, p)); err != nil {
			t.Errorf("%s is not on laptop a: %v", p, err)
		}
	}
	if out := gittest.Git(t, w.a, "status", "--porcelain"); out != "" {
		t.Errorf("left uncommitted on laptop a:\n%s", out)
	}
	gittest.Fsck(t, w.a)
	gittest.Fsck(t, w.remote)
}

// Killing the watcher (SIGKILL) at any named point of its sync loses
// nothing: the next diary sync finishes the job, and the next watcher
// takes the dead one's lock over.
func TestWatchKilledMidSync(t *testing.T) {
	bin := watchDiaryBin(t)
	for _, point := range []string{
		"commit:objects-written", "commit:branch-moved", "sync:committed", "sync:fetched",
		"sync:merge-written", "update:file-written", "update:before-index", "sync:work-tree-updated",
		"sync:branch-moved", "sync:pushing", "sync:pushed",
	} {
		t.Run(point, func(t *testing.T) {
			w := newWatchWorld(t, bin)
			w.hookAt, w.hookDo = point, "kill"
			p := w.start("--poll", "1h")
			st := p.wait(t, 30*time.Second)
			if ws, ok := st.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("the watcher was not killed at %s: %v\n%s", point, st, p.stderr)
			}
			// A new watcher takes the dead one's lock over, and stops.
			w.hookAt = ""
			p = w.start("--poll", "1h")
			until(t, "the new watcher's lock", func() bool { return w.watching(p) })
			until(t, "the new watcher's sync", func() bool { return w.onRemote(watchPostA) })
			p.cmd.Process.Signal(syscall.SIGTERM)
			if st := p.wait(t, 10*time.Second); st.ExitCode() != 0 {
				t.Fatalf("the second watcher: %v\n%s", st, p.stderr)
			}
			w.syncAfter()
		})
	}
}

// Over git daemon on 127.0.0.1: the watcher pushes what laptop a wrote
// (merged with what b had pushed), and what b, the git CLI, pushes next
// arrives within an interval; the next sync finds nothing left to do.
func TestWatchDaemon(t *testing.T) {
	bin := watchDiaryBin(t)
	dir := t.TempDir()
	root := filepath.Join(dir, "served")
	os.MkdirAll(root, 0o755)
	daemon := servers.StartDaemon(t, root)
	w := seedWorld(t, bin, dir, filepath.Join(root, "remote.git"), daemon.URL("remote.git"))
	p := w.start("--poll", "1s")
	until(t, "a's entry on the remote", func() bool { return w.watching(p) && w.onRemote(watchPostA) })
	b := filepath.Join(dir, "b")
	gittest.Git(t, dir, "clone", "-q", daemon.URL("remote.git"), b)
	later := "_posts/2022-05-02-later.md"
	gittest.Write(t, b, later, gittest.Post("Later", "b wrote this later\n"))
	gittest.Git(t, b, "add", "-A")
	gittest.Git(t, b, "commit", "-qm", "b: later")
	gittest.Git(t, b, "push", "-q", "origin", "main")
	until(t, "b's entry on laptop a", func() bool { _, err := os.Stat(filepath.Join(w.a, later)); return err == nil })
	p.cmd.Process.Signal(syscall.SIGTERM)
	if st := p.wait(t, 10*time.Second); st.ExitCode() != 0 {
		t.Fatalf("exit %d:\n%s", st.ExitCode(), p.stderr)
	}
	w.syncAfter()
}

// heldWatcher is a watcher held in the middle of its first sync (the
// hook sleeps after the fetch).
func heldWatcher(t *testing.T, bin string) (*watchWorld, *watcher) {
	w := newWatchWorld(t, bin)
	w.hookAt, w.hookDo = "sync:fetched", "hold"
	p := w.start("--poll", "1h")
	until(t, "the sync to be held", func() bool { _, err := os.Stat(w.held); return err == nil })
	return w, p
}

// SIGINT during a sync lets it finish, then the watcher ends (exit 0); a
// second SIGINT stops it at once (exit 130, as every command cut short by
// Ctrl-C) and the next sync finishes the job; SIGTERM while idle ends it
// at once.
func TestWatchSignals(t *testing.T) {
	bin := watchDiaryBin(t)
	t.Run("one", func(t *testing.T) {
		w, p := heldWatcher(t, bin)
		p.cmd.Process.Signal(os.Interrupt)
		st := p.wait(t, 30*time.Second)
		if st.ExitCode() != 0 || !strings.Contains(p.stderr.String(), "stopping after the sync under way") {
			t.Fatalf("exit %d:\n%s", st.ExitCode(), p.stderr)
		}
		if !w.onRemote(watchPostA) {
			t.Errorf("the sync under way did not finish (a's entry is not on the remote):\n%s", p.stderr)
		}
		w.syncAfter()
	})
	t.Run("two", func(t *testing.T) {
		w, p := heldWatcher(t, bin)
		p.cmd.Process.Signal(os.Interrupt)
		time.Sleep(100 * time.Millisecond)
		p.cmd.Process.Signal(os.Interrupt)
		st := p.wait(t, 30*time.Second)
		if st.ExitCode() != 130 || !strings.Contains(p.stderr.String(), "nothing is lost") {
			t.Fatalf("exit %d:\n%s", st.ExitCode(), p.stderr)
		}
		if w.onRemote(watchPostA) {
			t.Errorf("the sync was not cut short")
		}
		w.syncAfter()
	})
	t.Run("idle", func(t *testing.T) {
		w := newWatchWorld(t, bin)
		p := w.start("--poll", "1h")
		until(t, "the first sync", func() bool { return w.watching(p) && w.onRemote(watchPostA) })
		time.Sleep(300 * time.Millisecond)
		t0 := time.Now()
		p.cmd.Process.Signal(syscall.SIGTERM)
		st := p.wait(t, 10*time.Second)
		if st.ExitCode() != 0 || time.Since(t0) > 2*time.Second {
			t.Fatalf("SIGTERM while idle: exit %d after %s\n%s", st.ExitCode(), time.Since(t0), p.stderr)
		}
		if _, err := os.Stat(filepath.Join(w.a, ".git", "diary-watch.lock")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the watch lock is left: %v", err)
		}
		w.syncAfter()
	})
}

// BenchmarkWatchIdle measures what an idle diary watch costs: it runs
// the real binary against a remote served by git http-backend on
// 127.0.0.1 for DIARY_WATCH_IDLE (default 10s) with an interval of
// DIARY_WATCH_POLL (default 5s), and reports the CPU time it used
// (utime+stime of /proc/PID/stat, proc(5)) and the remote requests it
// made (the ref advertisements, one per fetch), per interval. Run it
// as
//
//	DIARY_WATCH_IDLE=60s go test ./cmd/diary -run '^$' -bench WatchIdle -benchtime 1x
//
// The figures go in the README; nothing here asserts a time.
func BenchmarkWatchIdle(b *testing.B) {
	idle, poll := 10*time.Second, 5*time.Second
	if s := os.Getenv("DIARY_WATCH_IDLE"); s != "" {
		idle, _ = time.ParseDuration(s)
	}
	if s := os.Getenv("DIARY_WATCH_POLL"); s != "" {
		poll, _ = time.ParseDuration(s)
	}
	for range b.N {
		w, adverts := idleWorld(b)
		cmd := exec.Command(w.bin, "watch", "--poll", poll.String())
		cmd.Env = w.env()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		// The start: the first sync (commit, fetch, push) is not idle.
		for deadline := time.Now().Add(30 * time.Second); !w.onRemote(watchPostA); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				b.Fatalf("the first sync did not push:\n%s", &stderr)
			}
		}
		time.Sleep(min(poll/2, 2*time.Second))
		cpu0, req0 := cpuTime(b, cmd.Process.Pid), adverts.Load()
		time.Sleep(idle)
		cpu1, req1 := cpuTime(b, cmd.Process.Pid), adverts.Load()
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		cpu, reqs := cpu1-cpu0, req1-req0
		intervals := float64(idle) / float64(poll)
		b.ReportMetric(float64(cpu.Milliseconds()), "cpu-ms")
		b.ReportMetric(100*float64(cpu)/float64(idle), "%core")
		b.ReportMetric(float64(reqs)/intervals, "requests/interval")
		b.Logf("idle %s, interval %s: %s CPU (%.3f%% of a core), %d ref advertisements (%.2f per interval)", idle, poll, cpu, 100*float64(cpu)/float64(idle), reqs, float64(reqs)/intervals)
	}
}

// idleWorld is a watchWorld whose remote is served over HTTP, counting
// the ref advertisements asked for (GET …/info/refs).
func idleWorld(b *testing.B) (*watchWorld, *atomic.Int64) {
	b.Helper()
	gittest.NeedGit(b)
	bin := buildDiaryWith(b, "zz_watchhook_test_overlay.go", watchHookSrc)
	dir := b.TempDir()
	root := filepath.Join(dir, "served")
	os.MkdirAll(root, 0o755)
	var adverts atomic.Int64
	srv := servers.StartHTTP(b, root, servers.HTTPOptions{Wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/info/refs") {
				adverts.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	}})
	w := seedWorld(b, bin, dir, filepath.Join(root, "remote.git"), srv.URL("remote.git"))
	return w, &adverts
}

// cpuTime is the user and system CPU time process pid has used: fields
// 14 and 15 of /proc/PID/stat, in clock ticks (proc(5); USER_HZ is 100
// on Linux whatever the kernel's HZ).
func cpuTime(tb testing.TB, pid int) time.Duration {
	tb.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		tb.Fatal(err)
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	rest := string(data[bytes.LastIndexByte(data, ')')+2:])
	f := strings.Fields(rest) // f[0] is field 3
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * (time.Second / 100)
}
