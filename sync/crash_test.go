//go:build unix

package sync_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/repo"
	dsync "github.com/gitdiary/diary/sync"
)

// TestMain lets this test binary play a diary that is killed: with
// DIARY_CRASH_AT set, it syncs DIARY_CRASH_REPO and sends itself SIGKILL
// at that point, the way a laptop's battery or an impatient user ends a
// sync, with no chance to clean up.
func TestMain(m *testing.M) {
	if point := os.Getenv("DIARY_CRASH_AT"); point != "" {
		os.Exit(crashChild(point, os.Getenv("DIARY_CRASH_REPO")))
	}
	os.Exit(m.Run())
}

func crashChild(point, dir string) int {
	r, err := repo.Open(dir)
	if err != nil {
		return 2
	}
	now := time.Date(2022, 4, 30, 13, 0, 0, 0, time.UTC)
	_, err = dsync.Run(context.Background(), dsync.Options{
		Repo: r, Remote: "origin", Host: "a", Timeout: 10 * time.Second,
		Author:   repo.Signature{Name: "Daniel Park", Email: "daniel@example.com", When: now},
		Location: time.UTC, Now: func() time.Time { return now },
		LooseLimit: 1, // pack what the sync left loose: one more step to be killed in
		Hook: func(p string) {
			if p == point {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				time.Sleep(time.Minute)
			}
		},
	})
	if err != nil {
		return 3
	}
	return 4 // the point was never reached
}

// TestCrashAnywhere kills a sync at each named point, then checks that
// the next sync completes, nothing either laptop wrote is lost, and git
// fsck --strict is clean everywhere.
func TestCrashAnywhere(t *testing.T) {
	points := []string{
		"commit:objects-written", "commit:branch-moved", "sync:committed", "sync:fetched",
		"sync:merge-written", "update:file-written", "update:before-index",
		"sync:work-tree-updated", "sync:branch-moved", "sync:pushing", "sync:pushed",
		"pack:written",
	}
	for _, point := range points {
		t.Run(point, func(t *testing.T) {
			w := newWorld(t)
			w.seed(map[string]string{"_config.yml": "title: Diary\n", post: gittest.Post("Hello", "one\ntwo\nthree\nfour\nfive\n")})
			a, b := w.laptop("a"), w.laptop("b")
			b.write("_posts/2022-05-01-b.md", gittest.Post("B", "b wrote this\n"))
			b.write(post, gittest.Post("Hello", "one\ntwo\nthree\nfour\nfive\nb's last line\n"))
			b.mustSync()
			a.write("_posts/2022-05-01-a.md", gittest.Post("A", "a wrote this\n"))
			a.write(post, gittest.Post("Hello", "a's first line\none\ntwo\nthree\nfour\nfive\n"))

			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "DIARY_CRASH_AT="+point, "DIARY_CRASH_REPO="+a.dir)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("the sync was not killed at %s: %v\n%s", point, err, out)
			}

			// Whatever was interrupted, the next sync completes it.
			if _, err := a.sync(); err != nil {
				t.Fatalf("the sync after the crash: %v", err)
			}
			b.mustSync()
			files := w.converged(a, b)
			all := strings.Join(mapValues(files), "\n")
			for _, line := range []string{"a wrote this", "b wrote this", "a's first line", "b's last line"} {
				if !strings.Contains(all, line) {
					t.Errorf("%q was lost; files: %v", line, gittest.Paths(files))
				}
			}
			for p := range files {
				if strings.Contains(p, ".diary-") || strings.HasPrefix(p, "_conflicts/") {
					t.Errorf("left behind: %s", p)
				}
			}
		})
	}
}

// TestCrashHoldingBack kills a sync that holds a committed broken post
// back, at each point of its own commit and around the push: the next
// sync finishes it, the broken post never reaches the remote's tip, its
// bytes stay in a's work tree, and nothing else is lost.
func TestCrashHoldingBack(t *testing.T) {
	points := []string{
		"sync:committed", "sync:fetched", "sync:merge-written", "sync:work-tree-updated", "sync:branch-moved",
		"commit:objects-written", "commit:branch-moved", "sync:held-back", "sync:pushing", "sync:pushed",
	}
	for _, point := range points {
		t.Run(point, func(t *testing.T) {
			w := newWorld(t)
			w.seed(map[string]string{"_config.yml": "title: Diary\n", post: gittest.Post("Hello", "one\n")})
			a, b := w.laptop("a"), w.laptop("b")
			b.write("_posts/2022-05-01-b.md", gittest.Post("B", "b wrote this\n"))
			b.mustSync()
			// a's broken post and its good one, committed by the git CLI:
			// the sync's only commits are the merge and the hold-back.
			bad := strings.Replace(gittest.Post("Hello", "one\n"), "title: Hello", "title: [unclosed", 1)
			a.write(post, bad)
			a.write("_posts/2022-05-01-a.md", gittest.Post("A", "a wrote this\n"))
			gittest.Git(t, a.dir, "add", "-A")
			gittest.Git(t, a.dir, "commit", "-q", "-m", "by hand")

			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "DIARY_CRASH_AT="+point, "DIARY_CRASH_REPO="+a.dir)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("the sync was not killed at %s: %v\n%s", point, err, out)
			}
			gittest.Fsck(t, a.dir)
			gittest.Fsck(t, w.remote)

			if _, err := a.sync(); !errors.Is(err, dsync.ErrUnpublishable) {
				t.Fatalf("the sync after the crash: %v", err)
			}
			if got := readFile(t, a.dir, post); got != bad {
				t.Errorf("a's bytes were lost: %q", got)
			}
			if got, _ := remoteHas(t, w, post); got != gittest.Post("Hello", "one\n") {
				t.Errorf("the remote's tip has %q", got)
			}
			// Killed between the hold-back's branch and its index, the index
			// still holds a's version: git shows it staged ("M "), which
			// the next git commit or diary sync deals with like any change.
			if st := gittest.Git(t, a.dir, "status", "--porcelain"); st != " M "+post+"\n" && (point != "commit:branch-moved" || st != "M  "+post+"\n") {
				t.Errorf("git status after:\n%s", st)
			}
			b.mustSync()
			for _, p := range []string{"_posts/2022-05-01-a.md", "_posts/2022-05-01-b.md"} {
				for _, dir := range []string{a.dir, b.dir} {
					if !strings.Contains(gittest.Read(t, dir, p), "wrote this") {
						t.Errorf("%s lost in %s", p, dir)
					}
				}
			}
			gittest.Fsck(t, a.dir)
			gittest.Fsck(t, b.dir)
			gittest.Fsck(t, w.remote)
		})
	}
}
