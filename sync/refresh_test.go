package sync_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/repo"
	dsync "github.com/gitdiary/diary/sync"
)

func (l *laptop) refresh() (*dsync.Result, error) {
	l.w.t.Helper()
	r, err := repo.Open(l.dir)
	if err != nil {
		l.w.t.Fatal(err)
	}
	now := l.w.clock
	return dsync.Refresh(context.Background(), dsync.Options{
		Repo: r, Remote: "origin", Host: l.name, Timeout: 10 * time.Second,
		Location: time.UTC, Now: func() time.Time { return now }, LockWait: 200 * time.Millisecond,
	})
}

// TestRefresh: edit's fetch first fast-forwards only a clean work tree
// that is strictly behind; anything else is left for the sync after the
// commit, with nothing written.
func TestRefresh(t *testing.T) {
	w := newWorld(t)
	post := "_posts/2022-04-30-a.md"
	w.seed(map[string]string{post: gittest.Post("A", "first\n")})
	a, b := w.laptop("a"), w.laptop("b")
	head := func(l *laptop) string { return strings.TrimSpace(gittest.Git(t, l.dir, "rev-parse", "HEAD")) }

	// Up to date: nothing.
	res, err := a.refresh()
	if err != nil || res.State != dsync.UpToDate || res.FastForwarded {
		t.Fatalf("up to date: %+v %v", res, err)
	}

	// Behind and clean: fast-forwarded, work tree and branch.
	b.write(post, gittest.Post("A", "first\nfrom b\n"))
	b.mustSync()
	res, err = a.refresh()
	if err != nil || res.State != dsync.Behind || !res.FastForwarded {
		t.Fatalf("behind: %+v %v", res, err)
	}
	if got := gittest.Read(t, a.dir, post); !strings.Contains(got, "from b") {
		t.Fatalf("not fast-forwarded: %q", got)
	}
	if head(a) != head(b) {
		t.Fatal("the branch did not move")
	}
	if out := gittest.Git(t, a.dir, "status", "--porcelain"); out != "" {
		t.Fatalf("not clean after: %s", out)
	}

	// Behind with an uncommitted change: nothing moves, nothing is lost.
	b.write(post, gittest.Post("A", "first\nfrom b\nagain\n"))
	b.mustSync()
	a.write("_posts/2022-04-29-mine.md", gittest.Post("Mine", "unsaved\n"))
	before := head(a)
	res, err = a.refresh()
	if err != nil || res.FastForwarded || res.Fetched {
		t.Fatalf("dirty: %+v %v", res, err)
	}
	if head(a) != before || strings.Contains(gittest.Read(t, a.dir, post), "again") {
		t.Fatal("a dirty work tree was fast-forwarded")
	}
	if !strings.Contains(gittest.Read(t, a.dir, "_posts/2022-04-29-mine.md"), "unsaved") {
		t.Fatal("the uncommitted entry was lost")
	}
	a.mustSync() // commits and merges: both

	// Diverged: fetched, never merged here.
	b.write(post, gittest.Post("A", "b's\n"))
	b.mustSync()
	a.write("_posts/2022-04-28-other.md", gittest.Post("Other", "x\n"))
	gittest.Git(t, a.dir, "add", "-A")
	gittest.Git(t, a.dir, "commit", "-qm", "local")
	before = head(a)
	res, err = a.refresh()
	if err != nil || res.State != dsync.Diverged || res.FastForwarded || res.Merged {
		t.Fatalf("diverged: %+v %v", res, err)
	}
	if head(a) != before {
		t.Fatal("diverged: HEAD moved")
	}

	// Ahead: nothing pushed.
	a.mustSync()
	a.write("_posts/2022-04-27-ahead.md", gittest.Post("Ahead", "x\n"))
	gittest.Git(t, a.dir, "add", "-A")
	gittest.Git(t, a.dir, "commit", "-qm", "ahead")
	remoteBefore := gittest.Git(t, w.dir, "--git-dir", w.remote, "rev-parse", "main")
	res, err = a.refresh()
	if err != nil || res.State != dsync.Ahead || res.Pushed {
		t.Fatalf("ahead: %+v %v", res, err)
	}
	if gittest.Git(t, w.dir, "--git-dir", w.remote, "rev-parse", "main") != remoteBefore {
		t.Fatal("refresh pushed")
	}

	// Unreachable: ErrOffline, nothing changed.
	gittest.Git(t, a.dir, "remote", "set-url", "origin", filepath.Join(w.dir, "gone.git"))
	before = head(a)
	res, err = a.refresh()
	if !errors.Is(err, dsync.ErrOffline) || head(a) != before {
		t.Fatalf("offline: %+v %v", res, err)
	}
	gittest.Fsck(t, a.dir)
}
