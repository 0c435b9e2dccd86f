package repo_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/repo"
)

// The link of the stall tests: 100 KB/s, and a pack of 300 KB (random,
// so that nothing compresses) takes about 3 s, over the stall limit of
// 2 s (which leaves room for what a kernel's send buffer holds where
// diary does not read the acknowledgements: stall_portable.go).
const (
	slowRate  = 100 << 10
	slowFile  = 300 << 10
	stallTime = 2 * time.Second
)

// progressLog keeps what a step reported.
type progressLog struct {
	mu  sync.Mutex
	all []repo.Progress
}

func (l *progressLog) add(p repo.Progress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, p)
}

// check says what is wrong with the reports of one step that moved at
// least minBytes, and clears them.
func (l *progressLog) check(t *testing.T, step string, minBytes int64, wantObjects bool) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	all := l.all
	l.all = nil
	if len(all) < 3 {
		t.Fatalf("%s: %d progress reports in a transfer of seconds, want several: %+v", step, len(all), all)
	}
	last := all[len(all)-1]
	if !last.Done {
		t.Errorf("%s: the last report is not Done: %+v", step, last)
	}
	for i, p := range all {
		if p.Step != step {
			t.Errorf("%s: report %d names step %q", step, i, p.Step)
		}
		if p.Done != (i == len(all)-1) {
			t.Errorf("%s: report %d of %d says Done=%v", step, i, len(all), p.Done)
		}
		if i > 0 && p.Bytes < all[i-1].Bytes {
			t.Errorf("%s: bytes went back from %d to %d", step, all[i-1].Bytes, p.Bytes)
		}
	}
	if last.Bytes < minBytes {
		t.Errorf("%s: %d bytes reported at the end, want at least %d", step, last.Bytes, minBytes)
	}
	if wantObjects && last.Objects == 0 {
		t.Errorf("%s: no object count reported: %+v", step, last)
	}
	// The rate of a 100 KB/s link, mid-transfer: within a factor of 3.
	mid := all[len(all)/2]
	if mid.Rate < slowRate/3 || mid.Rate > slowRate*3 {
		t.Errorf("%s: rate %.0f B/s mid-transfer over a %d B/s link", step, mid.Rate, slowRate)
	}
}

// A clone, a fetch and a push over a 100 KB/s link, each taking longer
// than the stall limit, all finish: the limit counts stalls, not
// transfer time. Each reports its progress as it goes.
//
// The limit here is twice the stall tests' (and the files twice as
// large, so that each transfer still outlasts it): at the end of a push
// nothing moves while the server takes in the pack and updates its ref,
// and on a machine busy with the whole suite under -race that once took
// git http-backend most of 2 s.
func TestSlowTransferFinishes(t *testing.T) {
	const (
		limit = 2 * stallTime
		size  = 2 * slowFile
	)
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			s := tr.setup(t)
			var log progressLog
			s.net.Stall, s.net.Progress = limit, log.add
			peerPush(t, s.bare, "assets/img/one.jpg", size)
			s.proxy.Throttle(slowRate)

			timed := func(what string, f func() error) {
				t.Helper()
				start := time.Now()
				if err := f(); err != nil {
					t.Fatalf("%s over a slow link: %v", what, err)
				}
				if took := time.Since(start); took <= limit {
					t.Fatalf("%s took %v: too fast to show anything about a stall limit of %v", what, took, limit)
				}
			}
			var r *repo.Repo
			timed("clone", func() (err error) {
				r, err = repo.Clone(context.Background(), s.url, filepath.Join(t.TempDir(), "a"), s.net)
				return err
			})
			log.check(t, "fetch", size, true)

			peerPush(t, s.bare, "assets/img/two.jpg", size)
			timed("fetch", func() error {
				_, err := r.Fetch(context.Background(), "origin", "main", s.net)
				return err
			})
			log.check(t, "fetch", size, true)

			gittest.Git(t, r.Root(), "merge", "-q", "--ff-only", "origin/main")
			commitFile(t, r.Root(), "assets/img/mine.jpg", size)
			timed("push", func() error { return r.Push(context.Background(), "origin", "main", s.net) })
			log.check(t, "push", size, true)
			if got, want := rev(t, s.bare, "main"), rev(t, r.Root(), "main"); got != want {
				t.Fatalf("the remote's main is %s after the push, want %s", got, want)
			}
			gittest.Fsck(t, s.bare)
		})
	}
}

// A link that stops passing bytes, with the connection kept open: at the
// connect, in the middle of a fetch's pack and of a push's: each step
// gives up with ErrUnreachable within about the stall limit, saying that
// it stalled and how to give it longer, and nothing moves.
func TestStalledTransferGivesUp(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			s := tr.setup(t)
			s.net.Stall = stallTime
			stalled := func(what string, after time.Duration, f func() error) {
				t.Helper()
				s.proxy.Stall(after == 0)
				if after > 0 {
					s.proxy.Throttle(slowRate)
					timer := time.AfterFunc(after, func() { s.proxy.Stall(true) })
					defer timer.Stop()
				}
				start := time.Now()
				err := f()
				took := time.Since(start)
				// The server gives up on the connections the laptop left.
				s.proxy.Drop()
				s.proxy.Stall(false)
				s.proxy.Throttle(0)
				if !errors.Is(err, repo.ErrUnreachable) {
					t.Fatalf("%s over a stalled link: %v, want %v", what, err, repo.ErrUnreachable)
				}
				for _, want := range []string{"stalled: no data moved for 2s", "diary config set timeout"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("%s over a stalled link: %q does not say %q", what, err, want)
					}
				}
				if lo, hi := max(after-blind, 0)+stallTime, after+stallTime+3*time.Second; took < lo || took > hi {
					t.Errorf("%s over a link stalled after %v gave up after %v, want between %v and %v", what, after, took, lo, hi)
				}
			}

			stalled("clone", 0, func() error {
				_, err := repo.Clone(context.Background(), s.url, filepath.Join(t.TempDir(), "a"), s.net)
				return err
			})
			r, err := repo.Clone(context.Background(), s.url, filepath.Join(t.TempDir(), "a"), s.net)
			if err != nil {
				t.Fatal(err)
			}
			peerPush(t, s.bare, "assets/img/peer.jpg", slowFile)
			before, _, _ := r.RemoteBranch("origin", "main")
			stalled("fetch", 700*time.Millisecond, func() error {
				_, err := r.Fetch(context.Background(), "origin", "main", s.net)
				return err
			})
			if after, _, _ := r.RemoteBranch("origin", "main"); after != before {
				t.Fatalf("origin/main moved to %s in a stalled fetch", after)
			}
			if _, err := r.Fetch(context.Background(), "origin", "main", s.net); err != nil {
				t.Fatalf("fetch once the link moves again: %v", err)
			}

			gittest.Git(t, r.Root(), "merge", "-q", "--ff-only", "origin/main")
			commitFile(t, r.Root(), "assets/img/mine.jpg", slowFile)
			remoteBefore := rev(t, s.bare, "main")
			stalled("push", 700*time.Millisecond, func() error { return r.Push(context.Background(), "origin", "main", s.net) })
			if now := rev(t, s.bare, "main"); now != remoteBefore {
				t.Fatalf("the remote's main moved to %s in a stalled push", now)
			}
			if err := r.Push(context.Background(), "origin", "main", s.net); err != nil {
				t.Fatalf("push once the link moves again: %v", err)
			}
			gittest.Fsck(t, s.bare)
			gittest.Fsck(t, r.Root())
		})
	}
}

func rev(t *testing.T, dir, name string) string {
	t.Helper()
	return strings.TrimSpace(gittest.Git(t, dir, "rev-parse", name))
}

// The fetch of a 1 MB pack over a 100 KB/s link (git://) with a stall
// limit of 2 s: it finishes, in the time the link takes (about 10 s).
//
//	go test ./repo -run '^$' -bench SlowLinkFetch -benchtime 1x
func BenchmarkSlowLinkFetch(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := cutDaemon(b)
		r, err := repo.Clone(context.Background(), s.url, filepath.Join(b.TempDir(), "a"), s.net)
		if err != nil {
			b.Fatal(err)
		}
		peerPush(b, s.bare, "assets/img/big.jpg", 1<<20)
		s.proxy.Throttle(100 << 10)
		s.net.Stall = 2 * time.Second
		b.StartTimer()
		start := time.Now()
		if _, err := r.Fetch(context.Background(), "origin", "main", s.net); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/fetch")
	}
}

// A path remote (a USB disk) is served in-process: its streams are
// counted as a connection's are, so that a disk that hangs is a stall
// like any other, and the progress line counts what moved.
func TestPathRemoteCounted(t *testing.T) {
	bare := seed(t, t.TempDir(), "diary.git")
	var log progressLog
	o := repo.NetOptions{Stall: 10 * time.Second, Progress: log.add}
	r, err := repo.Clone(context.Background(), bare, filepath.Join(t.TempDir(), "a"), o)
	if err != nil {
		t.Fatal(err)
	}
	peerPush(t, bare, "assets/img/peer.jpg", slowFile)
	last := func(step string) repo.Progress {
		t.Helper()
		log.mu.Lock()
		defer log.mu.Unlock()
		if len(log.all) == 0 {
			t.Fatalf("%s: no progress reported", step)
		}
		p := log.all[len(log.all)-1]
		log.all = nil
		if p.Step != step || !p.Done || p.Failed {
			t.Fatalf("%s: the last report is %+v", step, p)
		}
		return p
	}
	last("fetch")
	if _, err := r.Fetch(context.Background(), "origin", "main", o); err != nil {
		t.Fatal(err)
	}
	if p := last("fetch"); p.Bytes < slowFile {
		t.Errorf("a fetch of %d bytes from a path remote counted %d", slowFile, p.Bytes)
	}
	gittest.Git(t, r.Root(), "merge", "-q", "--ff-only", "origin/main")
	commitFile(t, r.Root(), "assets/img/mine.jpg", slowFile)
	if err := r.Push(context.Background(), "origin", "main", o); err != nil {
		t.Fatal(err)
	}
	if p := last("push"); p.Bytes < slowFile || p.Objects != 5 {
		t.Errorf("a push of %d bytes in 5 objects (commit, 3 trees, blob) to a path remote counted %d bytes, %d objects", slowFile, p.Bytes, p.Objects)
	}
	gittest.Fsck(t, bare)
}
