package sync_test

// Benchmarks of the sync engine on the reference diary of DESIGN.md
// ("Speed and size"): 10,000 posts of about 2 KB with a few hundred
// commits of history, a bare remote on the same machine and two laptops
// cloned from it. They run only with -bench:
//
//	go test -run '^$' -bench . -benchmem ./sync/
//
// The diary is generated once (a few seconds) into
// $TMPDIR/diary-bench-<seed>-<posts>, the place and stamp that the
// root's bench_test.go and bench/compare.sh use, and reused while it is
// intact; it is only read (the remote is a clone of it).
// DIARY_BENCH_POSTS=N makes a smaller one. Nothing here runs, or is
// built, in plain `go test`.
//
// BenchmarkTreeMerge (tree_bench_test.go, inside the package, since the
// tree merge is not exported) is the merge of the same divergence on
// trees held in memory.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/gen"
	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/repo"
	dsync "github.com/gitdiary/diary/sync"
)

// referenceDiary returns the generated diary (see gen.Reference).
func referenceDiary(b *testing.B) string {
	b.Helper()
	gittest.NeedGit(b)
	return gen.Reference(b, 3)
}

func benchPosts(b *testing.B) int { return gen.BenchPosts(b, 3) }

// benchWorld is a bare remote cloned from the reference diary and two
// laptops cloned from it by the git CLI, as `git clone` leaves them: a
// pack, and an index whose stat data vouches for every file.
type benchWorld struct {
	b              *testing.B
	remote, a, bee string
	start          string // the remote's first commit, where reset goes back
	editA, editB   string // the old entries each laptop edits
	post           string // a post of the reference's size
	laptops        int
}

func newBenchWorld(b *testing.B, laptops int) *benchWorld {
	b.Helper()
	ref := referenceDiary(b)
	dir := b.TempDir()
	w := &benchWorld{b: b, remote: filepath.Join(dir, "remote.git"), a: filepath.Join(dir, "a"), bee: filepath.Join(dir, "b"), laptops: laptops}
	gittest.Git(b, dir, "clone", "-q", "--bare", ref, w.remote)
	gittest.Git(b, dir, "clone", "-q", w.remote, w.a)
	if laptops > 1 {
		gittest.Git(b, dir, "clone", "-q", w.remote, w.bee)
	}
	w.start = strings.TrimSpace(gittest.Git(b, w.remote, "rev-parse", "refs/heads/main"))
	des, err := os.ReadDir(filepath.Join(w.a, entry.PostsDir))
	if err != nil || len(des) < 3 {
		b.Fatalf("the reference diary's posts: %d, %v", len(des), err)
	}
	w.editA = entry.PostsDir + "/" + des[len(des)/3].Name()
	w.editB = entry.PostsDir + "/" + des[len(des)*2/3].Name()
	data, err := os.ReadFile(filepath.Join(w.a, entry.PostsDir, des[0].Name()))
	if err != nil {
		b.Fatal(err)
	}
	w.post = string(data)
	return w
}

// newPost is a post of the reference's size with its own title, and a
// line that makes its content new.
func (w *benchWorld) newPost(title, line string) string {
	pre, rest, ok := strings.Cut(w.post, "\ntitle: ")
	if !ok {
		w.b.Fatal("the reference's posts have no title line")
	}
	_, after, _ := strings.Cut(rest, "\n")
	return pre + "\ntitle: \"" + title + "\"\n" + after + "\n\n" + line + "\n"
}

func (w *benchWorld) write(root, rel, content string) {
	if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(rel)), []byte(content), 0o644); err != nil {
		w.b.Fatal(err)
	}
}

func (w *benchWorld) appendTo(root, rel, line string) {
	f, err := os.OpenFile(filepath.Join(root, filepath.FromSlash(rel)), os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		_, err = f.WriteString("\n" + line + "\n")
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		w.b.Fatal(err)
	}
}

// reset puts the remote and the laptops back on the first commit, with
// nothing left of the last round (new posts, diary's backup refs).
func (w *benchWorld) reset() {
	gittest.Git(w.b, w.remote, "update-ref", "refs/heads/main", w.start)
	laptops := []string{w.a}
	if w.laptops > 1 {
		laptops = append(laptops, w.bee)
	}
	for _, l := range laptops {
		gittest.Git(w.b, l, "reset", "-q", "--hard", w.start)
		gittest.Git(w.b, l, "clean", "-q", "-f", "-d", "--", entry.PostsDir)
		gittest.Git(w.b, l, "update-ref", "refs/remotes/origin/main", w.start)
		if refs := strings.Fields(gittest.Git(w.b, l, "for-each-ref", "--format=%(refname)", "refs/diary")); len(refs) > 0 {
			for _, r := range refs {
				gittest.Git(w.b, l, "update-ref", "-d", r)
			}
		}
	}
}

// diverge makes DESIGN.md's diverged sync: laptop B writes a new entry
// and edits an old one, commits and pushes with the git CLI; laptop A
// writes a new entry and edits another old one, and has not synced yet.
// The entries carry tag, so that every round moves new objects.
func (w *benchWorld) diverge(tag string) {
	w.reset()
	w.write(w.bee, entry.PostsDir+"/2025-07-02-from-laptop-b.md", w.newPost("From laptop B, "+tag, "Written on B, "+tag+"."))
	w.appendTo(w.bee, w.editB, "An afterthought from B, "+tag+".")
	gittest.Git(w.b, w.bee, "add", "-A")
	gittest.Git(w.b, w.bee, "commit", "-q", "-m", "b: "+tag)
	gittest.Git(w.b, w.bee, "push", "-q")
	w.write(w.a, entry.PostsDir+"/2025-07-01-from-laptop-a.md", w.newPost("From laptop A, "+tag, "Written on A, "+tag+"."))
	w.appendTo(w.a, w.editA, "An afterthought from A, "+tag+".")
}

// open opens laptop A's repository.
func (w *benchWorld) open(b *testing.B) *repo.Repo {
	r, err := repo.Open(w.a)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// options are sync.Run's options for laptop A, as app.Sync gives them,
// with the repository newly opened, as a diary command opens it.
func (w *benchWorld) options() dsync.Options {
	return dsync.Options{
		Repo: w.open(w.b), Remote: "origin", Host: "laptop-a", Timeout: time.Minute,
		Author:   repo.Signature{Name: gen.Author, Email: gen.Email, When: time.Now()},
		Location: time.UTC, Now: time.Now,
	}
}

// BenchmarkSyncNoop is `diary sync` with nothing to do: a clean work
// tree, the remote where the laptop is. DESIGN.md: no slower than
// `git status --porcelain && git fetch && git push` (bench/compare.sh).
func BenchmarkSyncNoop(b *testing.B) {
	w := newBenchWorld(b, 1)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := dsync.Run(ctx, w.options())
		if err != nil {
			b.Fatal(err)
		}
		if res.State != dsync.UpToDate || len(res.Committed) > 0 || res.Pushed {
			b.Fatalf("a no-op sync did something: %+v", res)
		}
	}
}

// BenchmarkSyncDiverged is `diary sync` on laptop A when both laptops
// wrote one new entry and edited one old entry since they last synced:
// commit, fetch, merge, push. Making the divergence (git CLI) is not
// timed. DESIGN.md: no slower than `git add -A && git commit && git
// fetch && git merge && git push` (bench/compare.sh).
func BenchmarkSyncDiverged(b *testing.B) {
	w := newBenchWorld(b, 2)
	ctx := context.Background()
	b.ReportAllocs()
	round := 0
	for b.Loop() {
		b.StopTimer()
		round++
		w.diverge(fmt.Sprintf("round %d", round))
		b.StartTimer()
		res, err := dsync.Run(ctx, w.options())
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if res.State != dsync.Diverged || !res.Merged || !res.Pushed || len(res.Committed) != 2 || len(res.Conflicts) > 0 {
			b.Fatalf("a diverged sync did not commit, merge and push cleanly: %+v", res)
		}
		b.StartTimer()
	}
}

// BenchmarkChanges is repo.Changes, the work tree against HEAD, on a
// laptop with a clean work tree, in a newly opened Repo each time (as in
// a diary command, which opens one; the opening is not timed). "clean"
// has an index as git leaves it, whose stat data vouches for every file;
// "stale-stat" has every post's mtime moved since the index was written
// (as after a copy, a restore from a backup, or a tool that touches
// files), which git's status repairs once by refreshing the index.
func BenchmarkChanges(b *testing.B) {
	w := newBenchWorld(b, 1)
	ctx := context.Background()
	run := func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			r := w.open(b)
			b.StartTimer()
			changes, err := r.Changes(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if len(changes) > 0 {
				b.Fatalf("a clean work tree has changes: %v", changes[0])
			}
		}
	}
	b.Run("clean", run)
	b.Run("stale-stat", func(b *testing.B) {
		old := time.Now().Add(-time.Hour)
		err := filepath.WalkDir(filepath.Join(w.a, entry.PostsDir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			return os.Chtimes(p, old, old)
		})
		if err != nil {
			b.Fatal(err)
		}
		run(b)
	})
}

// BenchmarkReadTree is repo.ReadTree of HEAD, the whole tree flattened,
// in a newly opened Repo each time (the opening is not timed): the first
// read of a commit's tree, which a Repo then remembers.
func BenchmarkReadTree(b *testing.B) {
	w := newBenchWorld(b, 1)
	head, err := w.open(b).Head()
	if err != nil {
		b.Fatal(err)
	}
	posts := benchPosts(b)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		r := w.open(b)
		b.StartTimer()
		t, err := r.ReadTree(head.Hash)
		if err != nil {
			b.Fatal(err)
		}
		if len(t) < posts {
			b.Fatalf("HEAD's tree has %d files, want %d posts or more", len(t), posts)
		}
	}
}
