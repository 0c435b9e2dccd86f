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

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
