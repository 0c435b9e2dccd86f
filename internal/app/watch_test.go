package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/repo"
	dsync "github.com/gitdiary/diary/sync"
)

// watchDiary is a diary made by the git CLI, with one post, opened.
func watchDiary(t *testing.T) *Diary {
	t.Helper()
	gittest.NeedGit(t)
	home := t.TempDir()
	dir := t.TempDir()
	gittest.Git(t, dir, "init", "-q", "-b", "main")
	gittest.Write(t, dir, "_posts/2022-04-30-personal-diary.md", gittest.Post("Personal diary", "오늘은 맑음.\n"))
	gittest.Git(t, dir, "add", "-A")
	gittest.Git(t, dir, "-c", "user.name=A", "-c", "user.email=a@example.com", "commit", "-qm", "first")
	env := map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config"), "XDG_STATE_HOME": filepath.Join(home, ".state"), "TZ": "UTC"}
	d, err := Open(Options{Repo: dir, Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// recorder is a watcher's Report and sync, counted.
type recorder struct {
	mu     sync.Mutex
	events []WatchEvent
	syncs  []string // why each sync ran, as the loop reported it
	calls  atomic.Int32
}

func (r *recorder) report(e WatchEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	if e.Kind != WatchStarted && e.Kind != WatchWoke && e.Kind != WatchStopping && e.Kind != WatchOnline && e.Why != "watch" {
		r.syncs = append(r.syncs, e.Why)
	}
}

// whys is why each sync ran, so far.
func (r *recorder) whys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.syncs...)
}

func (r *recorder) kinds() []WatchEventKind {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []WatchEventKind
	for _, e := range r.events {
		out = append(out, e.Kind)
	}
	return out
}

func (r *recorder) count(k WatchEventKind) int {
	n := 0
	for _, got := range r.kinds() {
		if got == k {
			n++
		}
	}
	return n
}

// eventually waits up to 10 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	gittest.Until(t, 10*time.Second, what, cond)
}

// startWatch runs d.Watch in the background; the returned func stops it
// and returns its error.
func startWatch(t *testing.T, d *Diary, wo WatchOptions) (stop func() error) {
	t.Helper()
	ch := make(chan struct{})
	wo.Stop = ch
	errc := make(chan error, 1)
	go func() { errc <- d.Watch(context.Background(), wo) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			close(ch)
			select {
			case err = <-errc:
			case <-time.After(10 * time.Second):
				t.Error("the watcher did not stop")
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

func okSync(r *recorder) func(context.Context) (*dsync.Result, error) {
	return func(context.Context) (*dsync.Result, error) {
		r.calls.Add(1)
		return &dsync.Result{State: dsync.UpToDate}, nil
	}
}

// A save dance (several writes, a rename over the file, a swap file) is
// one sync, a little after the last write; the first sync runs at start.
func TestWatchBurstIsOneSync(t *testing.T) {
	d := watchDiary(t)
	var r recorder
	startWatch(t, d, WatchOptions{Poll: time.Hour, Debounce: 300 * time.Millisecond, Report: r.report, sync: okSync(&r)})
	eventually(t, "the first sync", func() bool { return r.count(WatchSynced) == 1 })
	post := filepath.Join(d.Root, "_posts", "2022-04-30-personal-diary.md")
	for i := range 5 {
		os.WriteFile(filepath.Join(d.Root, "_posts", ".2022-04-30-personal-diary.md.swp"), []byte("swap"), 0o644)
		tmp := post + ".tmp"
		os.WriteFile(tmp, []byte(gittest.Post("Personal diary", fmt.Sprintf("line %d\n", i))), 0o644)
		os.Rename(tmp, post)
		time.Sleep(50 * time.Millisecond)
	}
	eventually(t, "the sync after the writes", func() bool { return r.count(WatchSynced) == 2 })
	time.Sleep(700 * time.Millisecond)
	if n := r.calls.Load(); n != 2 {
		t.Errorf("%d syncs for a start and one burst of writes, want 2 (%v)", n, r.whys())
	}
	if r.whys()[0] != "start" || r.whys()[1] != "change" {
		t.Errorf("syncs ran for %v", r.whys())
	}
}

// While the writer is still changing files, a poll that falls due waits
// for the quiet: no sync commits a half-saved entry (an editor's swap
// file, a file between its write and its rename). The sync after the
// quiet answers the poll too.
func TestWatchPollWaitsForQuiet(t *testing.T) {
	d := watchDiary(t)
	var r recorder
	startWatch(t, d, WatchOptions{Poll: 100 * time.Millisecond, Debounce: 400 * time.Millisecond, Report: r.report, sync: okSync(&r)})
	eventually(t, "the polls", func() bool { return r.calls.Load() >= 2 })
	post := filepath.Join(d.Root, "_posts", "2022-04-30-personal-diary.md")
	os.WriteFile(post, []byte(gittest.Post("Personal diary", "line 0\n")), 0o644)
	time.Sleep(150 * time.Millisecond) // a sync under way when the burst began has ended
	before := r.calls.Load()
	for i := range 16 {
		os.WriteFile(post, []byte(gittest.Post("Personal diary", fmt.Sprintf("line %d\n", i))), 0o644)
		time.Sleep(50 * time.Millisecond)
	}
	if n := r.calls.Load(); n != before {
		t.Errorf("%d syncs while the writer was still writing (polls every 100 ms, quiet 400 ms): %v", n-before, r.whys())
	}
	eventually(t, "the sync after the quiet", func() bool { return r.calls.Load() > before })
}

// A change to a file that sync does not commit (.git, a swap file) or a
// file put back as it was leads to no sync, and no remote request.
func TestWatchNoChangeNoSync(t *testing.T) {
	d := watchDiary(t)
	var r recorder
	startWatch(t, d, WatchOptions{Poll: time.Hour, Debounce: 100 * time.Millisecond, Report: r.report, sync: okSync(&r)})
	eventually(t, "the first sync", func() bool { return r.calls.Load() == 1 })
	os.WriteFile(filepath.Join(d.Root, ".git", "description"), []byte("x"), 0o644)
	post := filepath.Join(d.Root, "_posts", "2022-04-30-personal-diary.md")
	data, _ := os.ReadFile(post)
	os.WriteFile(post, data, 0o644)
	time.Sleep(600 * time.Millisecond)
	if n := r.calls.Load(); n != 1 {
		t.Errorf("%d syncs, want only the first", n)
	}
}

// Changes during a sync lead to another sync after it; polls during it
// do not.
func TestWatchChangeDuringSync(t *testing.T) {
	d := watchDiary(t)
	var r recorder
	gate := make(chan struct{})
	var running atomic.Bool
	sync := func(ctx context.Context) (*dsync.Result, error) {
		n := r.calls.Add(1)
		running.Store(true)
		if n == 2 {
			<-gate
		}
		running.Store(false)
		return &dsync.Result{}, nil
	}
	startWatch(t, d, WatchOptions{Poll: time.Hour, Debounce: 100 * time.Millisecond, Report: r.report, sync: sync})
	eventually(t, "the first sync", func() bool { return r.count(WatchSynced) == 1 })
	gittest.Write(t, d.Root, "_posts/2022-05-01-a.md", gittest.Post("A", "a\n"))
	eventually(t, "the second sync to start", func() bool { return r.calls.Load() == 2 && running.Load() })
	gittest.Write(t, d.Root, "_drafts/b.md", "b\n")
	time.Sleep(300 * time.Millisecond) // the debounce ends during the sync
	if n := r.calls.Load(); n != 2 {
		t.Fatalf("a sync started while one ran (%d)", n)
	}
	close(gate)
	eventually(t, "the sync after the one running", func() bool { return r.calls.Load() == 3 })
	if got := r.whys(); len(got) < 2 || got[1] != "change" {
		t.Errorf("syncs %v", got)
	}
}

// Offline: said once, retried sooner than the interval and less and less
// often, and the return said once.
func TestWatchOfflineBacksOff(t *testing.T) {
	d := watchDiary(t)
	var r recorder
	var mu sync.Mutex
	var at []time.Time
	online := atomic.Bool{}
	sync := func(context.Context) (*dsync.Result, error) {
		mu.Lock()
		at = append(at, time.Now())
		mu.Unlock()
		r.calls.Add(1)
		if online.Load() {
			return &dsync.Result{}, nil
		}
		return &dsync.Result{Offline: true}, fmt.Errorf("%w: dial tcp: no route to host", dsync.ErrOffline)
	}
	startWatch(t, d, WatchOptions{Poll: 800 * time.Millisecond, backoff: 100 * time.Millisecond, Report: r.report, sync: sync})
	eventually(t, "six tries", func() bool { return r.calls.Load() >= 6 })
	if n := r.count(WatchOffline); n != 1 {
		t.Errorf("offline said %d times", n)
	}
	mu.Lock()
	gaps := make([]time.Duration, 0, len(at))
	for i := 1; i < len(at); i++ {
		gaps = append(gaps, at[i].Sub(at[i-1]))
	}
	mu.Unlock()
	// 100, 200, 400, 800 (capped), 800 ms.
	if gaps[0] > 400*time.Millisecond || gaps[1] < gaps[0] || gaps[2] < gaps[1] || gaps[3] < 700*time.Millisecond || gaps[4] > 1500*time.Millisecond {
		t.Errorf("tries %v apart: want doubling from 100ms, capped at the interval (800ms)", gaps)
	}
	online.Store(true)
	eventually(t, "back online", func() bool { return r.count(WatchOnline) == 1 && r.count(WatchSynced) == 1 })
	if n := r.count(WatchOffline); n != 1 {
		t.Errorf("offline said %d times", n)
	}
}

// A jump of the wall clock (a laptop that slept: the monotonic clock
// stood still) leads to a sync at once, not at the end of the interval.
func TestWatchWakeSyncsSoon(t *testing.T) {
	d := watchDiary(t)
	var r recorder
	var jump atomic.Int64
	wall := func() time.Time { return time.Now().Add(time.Duration(jump.Load())) }
	startWatch(t, d, WatchOptions{Poll: time.Hour, wakeCheck: 50 * time.Millisecond, wall: wall, Report: r.report, sync: okSync(&r)})
	eventually(t, "the first sync", func() bool { return r.calls.Load() == 1 })
	time.Sleep(300 * time.Millisecond)
	if r.count(WatchWoke) != 0 || r.calls.Load() != 1 {
		t.Fatalf("woke without sleeping: %v", r.kinds())
	}
	jump.Store(int64(2 * time.Hour))
	eventually(t, "the sync after waking", func() bool { return r.calls.Load() == 2 })
	if r.count(WatchWoke) != 1 || r.whys()[1] != "wake" {
		t.Errorf("events %v, syncs %v", r.kinds(), r.whys())
	}
}

// Asked to stop during a sync, the watcher lets it finish; between
// syncs, it stops at once. A cancelled context stops a sync at once.
func TestWatchStop(t *testing.T) {
	d := watchDiary(t)
	var r recorder
	gate := make(chan struct{})
	finished := atomic.Bool{}
	sync := func(ctx context.Context) (*dsync.Result, error) {
		r.calls.Add(1)
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		finished.Store(true)
		return &dsync.Result{}, nil
	}
	stop := startWatch(t, d, WatchOptions{Poll: time.Hour, Report: r.report, sync: sync})
	eventually(t, "the first sync", func() bool { return r.calls.Load() == 1 })
	errc := make(chan error, 1)
	go func() { errc <- stop() }()
	eventually(t, "stopping said", func() bool { return r.count(WatchStopping) == 1 })
	select {
	case err := <-errc:
		t.Fatalf("stopped in the middle of a sync: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(gate)
	if err := <-errc; err != nil || !finished.Load() {
		t.Fatalf("stop after the sync: %v, finished %v", err, finished.Load())
	}

	// Between syncs: at once.
	var r2 recorder
	stop = startWatch(t, d, WatchOptions{Poll: time.Hour, Report: r2.report, sync: okSync(&r2)})
	eventually(t, "the first sync", func() bool { return r2.count(WatchSynced) == 1 })
	t0 := time.Now()
	if err := stop(); err != nil || time.Since(t0) > time.Second {
		t.Errorf("stop between syncs: %v after %v", err, time.Since(t0))
	}

	// A cancelled context, during a sync: at once, saying so.
	ctx, cancel := context.WithCancel(context.Background())
	var r3 recorder
	block := make(chan struct{})
	errc = make(chan error, 1)
	go func() {
		errc <- d.Watch(ctx, WatchOptions{Poll: time.Hour, Report: r3.report, sync: func(ctx context.Context) (*dsync.Result, error) {
			r3.calls.Add(1)
			select {
			case <-block:
			case <-ctx.Done():
			}
			return nil, ctx.Err()
		}})
	}()
	eventually(t, "the sync", func() bool { return r3.calls.Load() == 1 })
	cancel()
	select {
	case err := <-errc:
		if err == nil || !strings.Contains(err.Error(), "nothing is lost") {
			t.Errorf("cancelled: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a cancelled watcher runs on")
	}
}

// A second watcher of one diary is refused, naming the first; the first
// holds its own lock, not diary.lock, so that a sync runs meanwhile; and
// it is reported as running.
func TestWatchSecondWatcher(t *testing.T) {
	d := watchDiary(t)
	var r recorder
	startWatch(t, d, WatchOptions{Poll: time.Hour, Report: r.report, sync: okSync(&r)})
	eventually(t, "the first sync", func() bool { return r.calls.Load() == 1 })
	err := d.Watch(context.Background(), WatchOptions{Poll: time.Hour, sync: okSync(&r)})
	want := fmt.Sprintf("diary watch is already running for %s (pid %d", d.Root, os.Getpid())
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("second watcher: %v, want %q…", err, want)
	}
	if pid, err := d.WatchRunning(); pid != os.Getpid() || err != nil {
		t.Errorf("WatchRunning: %d, %v", pid, err)
	}
	unlock, err := d.Repo.Lock(context.Background(), 0)
	if err != nil {
		t.Fatalf("the watcher holds diary.lock while idle: %v", err)
	}
	unlock()
}

// Conflicts and posts not fit to publish are reported and shown on the
// desktop where a notifier is installed; a missing notifier is no error.
func TestWatchConflictNotifies(t *testing.T) {
	d := watchDiary(t)
	bin := t.TempDir()
	called := filepath.Join(bin, "called")
	fake := filepath.Join(bin, "notify-send")
	os.WriteFile(fake, []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" >> "+called+"\n"), 0o755)
	var r recorder
	n := atomic.Int32{}
	sync := func(context.Context) (*dsync.Result, error) {
		switch n.Add(1) {
		case 1:
			return &dsync.Result{Conflicts: []dsync.Conflict{{Path: "_posts/2022-04-30-personal-diary.md", Copy: "_conflicts/x.md"}}}, nil
		default:
			return &dsync.Result{}, fmt.Errorf("%w: _posts/x.md: front matter", dsync.ErrUnpublishable)
		}
	}
	look := func(name string) (string, error) {
		if name == "notify-send" || name == "osascript" {
			return fake, nil
		}
		return "", errors.New("none")
	}
	startWatch(t, d, WatchOptions{Poll: 200 * time.Millisecond, Report: r.report, sync: sync, notifyPath: look})
	eventually(t, "the conflict and the failure", func() bool { return r.count(WatchConflicts) == 1 && r.count(WatchFailed) == 1 })
	eventually(t, "two notifications", func() bool {
		data, _ := os.ReadFile(called)
		return strings.Count(string(data), "diary: ") == 2
	})
	data, _ := os.ReadFile(called)
	if !strings.Contains(string(data), "_posts/2022-04-30-personal-diary.md") || !strings.Contains(string(data), "diary resolve") {
		t.Errorf("the notification: %q", data)
	}
	// The same failure again is not said again.
	time.Sleep(500 * time.Millisecond)
	if c := r.count(WatchFailed); c != 1 {
		t.Errorf("the same failure said %d times", c)
	}
}

func TestWatchInterval(t *testing.T) {
	d := watchDiary(t)
	for _, c := range []struct {
		wo   WatchOptions
		want time.Duration
		err  bool
	}{
		{WatchOptions{}, 5 * time.Minute, false},
		{WatchOptions{Interval: 2 * time.Minute}, 2 * time.Minute, false},
		{WatchOptions{Interval: 30 * time.Second}, 0, true},
		{WatchOptions{Interval: -time.Minute}, 0, true},
		{WatchOptions{Poll: time.Second}, time.Second, false},
	} {
		got, err := d.watchInterval(c.wo)
		if got != c.want || (err != nil) != c.err || (err != nil && !errors.Is(err, ErrUsage)) {
			t.Errorf("%+v: %v, %v", c.wo, got, err)
		}
	}
}

func TestAppleString(t *testing.T) {
	for in, want := range map[string]string{`a`: `"a"`, `say "hi"`: `"say \"hi\""`, `a\b`: `"a\\b"`, "오늘": `"오늘"`} {
		if got := appleString(in); got != want {
			t.Errorf("appleString(%q) = %s, want %s", in, got, want)
		}
	}
}

// Another diary's sync holding the lock is no failure to report: the
// watcher tries again soon (the back-off's first wait), not at the end
// of the interval.
func TestWatchBusyRetriesSoon(t *testing.T) {
	d := watchDiary(t)
	var r recorder
	sync := func(context.Context) (*dsync.Result, error) {
		if r.calls.Add(1) == 1 {
			return nil, &repo.HeldError{Path: filepath.Join(d.Root, ".git", "diary.lock"), Pid: 1, Host: "here"}
		}
		return &dsync.Result{}, nil
	}
	startWatch(t, d, WatchOptions{Poll: time.Hour, backoff: 100 * time.Millisecond, Report: r.report, sync: sync})
	eventually(t, "the retry", func() bool { return r.count(WatchSynced) == 1 })
	if n := r.count(WatchFailed); n != 0 {
		t.Errorf("a busy diary reported as a failure: %v", r.kinds())
	}
	if got := r.whys(); len(got) != 1 || got[0] != "retry" {
		t.Errorf("syncs reported: %v", got)
	}
}
