package sync_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/repo"
	dsync "github.com/gitdiary/diary/sync"
)

// world is a bare remote and the laptops around it.
type world struct {
	t      *testing.T
	dir    string
	remote string
	clock  time.Time
}

func newWorld(t *testing.T) *world {
	gittest.NeedGit(t)
	dir := t.TempDir()
	w := &world{t: t, dir: dir, remote: filepath.Join(dir, "remote.git"), clock: time.Date(2022, 4, 30, 12, 0, 0, 0, time.UTC)}
	gittest.Bare(t, w.remote)
	return w
}

// seed gives the remote a first commit made with the git CLI.
func (w *world) seed(files map[string]string) {
	seed := filepath.Join(w.dir, "seed")
	gittest.Git(w.t, w.dir, "clone", "-q", w.remote, seed)
	for p, c := range files {
		gittest.Write(w.t, seed, p, c)
	}
	gittest.Git(w.t, seed, "add", "-A")
	gittest.Git(w.t, seed, "commit", "-q", "-m", "seed")
	gittest.Git(w.t, seed, "push", "-q", "origin", "HEAD:main")
}

// laptop is a diary laptop: a clone of the remote, synced by sync.Run.
type laptop struct {
	w    *world
	name string
	dir  string
}

func (w *world) laptop(name string) *laptop {
	dir := filepath.Join(w.dir, name)
	if _, err := repo.Clone(context.Background(), w.remote, dir, repo.NetOptions{}); err != nil {
		w.t.Fatalf("clone for %s: %v", name, err)
	}
	return &laptop{w: w, name: name, dir: dir}
}

func (l *laptop) write(p, content string) { gittest.Write(l.w.t, l.dir, p, content) }
func (l *laptop) remove(p string) {
	if err := os.Remove(filepath.Join(l.dir, filepath.FromSlash(p))); err != nil {
		l.w.t.Fatal(err)
	}
}

func (l *laptop) sync(mod ...func(*dsync.Options)) (*dsync.Result, error) {
	l.w.t.Helper()
	r, err := repo.Open(l.dir)
	if err != nil {
		l.w.t.Fatal(err)
	}
	l.w.clock = l.w.clock.Add(time.Minute)
	now := l.w.clock
	o := dsync.Options{
		Repo: r, Remote: "origin", Host: l.name, Timeout: 10 * time.Second,
		Author:   repo.Signature{Name: "Daniel Park", Email: "daniel@example.com", When: now},
		Location: time.UTC, Now: func() time.Time { return now }, LockWait: 200 * time.Millisecond,
	}
	for _, m := range mod {
		m(&o)
	}
	return dsync.Run(context.Background(), o)
}

func (l *laptop) mustSync() *dsync.Result {
	l.w.t.Helper()
	res, err := l.sync()
	if err != nil {
		l.w.t.Fatalf("%s: sync: %v", l.name, err)
	}
	return res
}

// gitLaptop is a laptop that uses the git CLI only.
func (w *world) gitLaptop(name string) string {
	dir := filepath.Join(w.dir, name)
	gittest.Git(w.t, w.dir, "clone", "-q", w.remote, dir)
	return dir
}

// converged checks that every laptop and the remote hold one tree, the
// work trees are clean, and git fsck --strict is happy everywhere.
func (w *world) converged(laptops ...*laptop) map[string]string {
	w.t.Helper()
	var first map[string]string
	remoteHead := strings.TrimSpace(gittest.Git(w.t, w.remote, "rev-parse", "main"))
	for _, l := range laptops {
		files := gittest.Files(w.t, l.dir)
		if first == nil {
			first = files
		} else if !reflect.DeepEqual(files, first) {
			w.t.Errorf("%s's files differ from %s's:\n%v\n%v", l.name, laptops[0].name, gittest.Paths(files), gittest.Paths(first))
		}
		if st := gittest.Git(w.t, l.dir, "status", "--porcelain"); st != "" {
			w.t.Errorf("%s: git status is not clean:\n%s", l.name, st)
		}
		if head := strings.TrimSpace(gittest.Git(w.t, l.dir, "rev-parse", "HEAD")); head != remoteHead {
			w.t.Errorf("%s is at %s, the remote at %s", l.name, head, remoteHead)
		}
		gittest.Fsck(w.t, l.dir)
	}
	gittest.Fsck(w.t, w.remote)
	return first
}

const post = "_posts/2022-04-30-hello.md"

func TestMergeTable(t *testing.T) {
	base := gittest.Post("Hello", "one\ntwo\nthree\nfour\nfive\n")
	tests := []struct {
		name      string
		seed      map[string]string
		a, b      func(l *laptop)
		want      map[string]string // files after both synced (subset)
		absent    []string
		conflicts int
	}{
		{
			name: "new post on one side",
			a:    func(l *laptop) { l.write("_posts/2022-05-01-a.md", gittest.Post("A", "a\n")) },
			want: map[string]string{"_posts/2022-05-01-a.md": gittest.Post("A", "a\n")},
		},
		{
			name: "new posts on both sides",
			a:    func(l *laptop) { l.write("_posts/2022-05-01-a.md", gittest.Post("A", "a\n")) },
			b:    func(l *laptop) { l.write("_posts/2022-05-01-b.md", gittest.Post("B", "b\n")) },
			want: map[string]string{"_posts/2022-05-01-a.md": gittest.Post("A", "a\n"), "_posts/2022-05-01-b.md": gittest.Post("B", "b\n")},
		},
		{
			name: "same change on both",
			seed: map[string]string{post: base},
			a:    func(l *laptop) { l.write(post, strings.Replace(base, "two", "TWO", 1)) },
			b:    func(l *laptop) { l.write(post, strings.Replace(base, "two", "TWO", 1)) },
			want: map[string]string{post: strings.Replace(base, "two", "TWO", 1)},
		},
		{
			name: "edits that do not overlap",
			seed: map[string]string{post: base},
			a:    func(l *laptop) { l.write(post, strings.Replace(base, "one", "ONE", 1)) },
			b:    func(l *laptop) { l.write(post, strings.Replace(base, "five", "FIVE", 1)) },
			want: map[string]string{post: strings.Replace(strings.Replace(base, "one", "ONE", 1), "five", "FIVE", 1)},
		},
		{
			name: "front matter and body edited on different sides",
			seed: map[string]string{post: base},
			a:    func(l *laptop) { l.write(post, strings.Replace(base, "title: Hello", "title: Hello again", 1)) },
			b:    func(l *laptop) { l.write(post, base+"six\n") },
			want: map[string]string{post: strings.Replace(base, "title: Hello", "title: Hello again", 1) + "six\n"},
		},
		{
			name:      "overlapping edits: remote keeps the path, local kept as a conflict copy",
			seed:      map[string]string{post: base},
			a:         func(l *laptop) { l.write(post, strings.Replace(base, "three", "three from a", 1)) },
			b:         func(l *laptop) { l.write(post, strings.Replace(base, "three", "three from b", 1)) },
			want:      map[string]string{post: strings.Replace(base, "three", "three from b", 1), "_conflicts/_posts/2022-04-30-hello~a-20220430T120200.md": strings.Replace(base, "three", "three from a", 1)},
			conflicts: 1,
		},
		{
			name: "a new post at the same path on both: both kept",
			a:    func(l *laptop) { l.write(post, gittest.Post("Hello", "from a\n")) },
			b:    func(l *laptop) { l.write(post, gittest.Post("Hello", "from b\n")) },
			want: map[string]string{post: gittest.Post("Hello", "from b\n"), "_posts/2022-04-30-hello-2.md": gittest.Post("Hello", "from a\n")},
		},
		{
			name:   "deleted here, modified there: the modified file stays",
			seed:   map[string]string{post: base},
			a:      func(l *laptop) { l.remove(post) },
			b:      func(l *laptop) { l.write(post, base+"more\n") },
			want:   map[string]string{post: base + "more\n"},
			absent: []string{"_conflicts"},
		},
		{
			name: "modified here, deleted there: the modified file stays",
			seed: map[string]string{post: base},
			a:    func(l *laptop) { l.write(post, base+"more\n") },
			b:    func(l *laptop) { l.remove(post) },
			want: map[string]string{post: base + "more\n"},
		},
		{
			name: "deleted on one side only",
			seed: map[string]string{post: base, "_posts/2022-04-29-x.md": gittest.Post("X", "x\n")},
			a:    func(l *laptop) { l.remove("_posts/2022-04-29-x.md") },
			b:    func(l *laptop) { l.write(post, base+"more\n") },
			want: map[string]string{post: base + "more\n"}, absent: []string{"_posts/2022-04-29-x.md"},
		},
		{
			name: "renamed here, modified there: the modification lands at the new path",
			seed: map[string]string{post: base},
			a: func(l *laptop) {
				l.remove(post)
				l.write("_posts/2022-04-30-hello-world.md", base)
			},
			b:      func(l *laptop) { l.write(post, base+"more\n") },
			want:   map[string]string{"_posts/2022-04-30-hello-world.md": base + "more\n"},
			absent: []string{post},
		},
		{
			name: "modified here, renamed there",
			seed: map[string]string{post: base},
			a:    func(l *laptop) { l.write(post, base+"more\n") },
			b: func(l *laptop) {
				l.remove(post)
				l.write("_posts/2022-04-30-hello-world.md", base)
			},
			want:   map[string]string{"_posts/2022-04-30-hello-world.md": base + "more\n"},
			absent: []string{post},
		},
		{
			name:      "binary modified on both: remote stays, local copied",
			seed:      map[string]string{"assets/p.bin": "\x00\x01base"},
			a:         func(l *laptop) { l.write("assets/p.bin", "\x00\x01from a") },
			b:         func(l *laptop) { l.write("assets/p.bin", "\x00\x01from b") },
			want:      map[string]string{"assets/p.bin": "\x00\x01from b", "_conflicts/assets/p~a-20220430T120200.bin": "\x00\x01from a"},
			conflicts: 1,
		},
		{
			name: "tags added on both: the union",
			seed: map[string]string{post: "---\ntitle: Hello\ntags: [a]\n---\ntext\n"},
			a:    func(l *laptop) { l.write(post, "---\ntitle: Hello\ntags: [a, from-a]\n---\ntext\n") },
			b:    func(l *laptop) { l.write(post, "---\ntitle: Hello\ntags: [a, from-b]\n---\ntext\n") },
			want: map[string]string{post: "---\ntitle: Hello\ntags: [a, from-a, from-b]\n---\ntext\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			seed := map[string]string{"_config.yml": "title: Diary\n"}
			for p, c := range tt.seed {
				seed[p] = c
			}
			w.seed(seed)
			a, b := w.laptop("a"), w.laptop("b")
			if tt.b != nil {
				tt.b(b)
			}
			b.mustSync()
			tt.a(a)
			res, err := a.sync()
			if err != nil {
				t.Fatalf("a: sync: %v", err)
			}
			if len(res.Conflicts) != tt.conflicts {
				t.Errorf("conflicts %v, want %d", res.Conflicts, tt.conflicts)
			}
			b.mustSync()
			files := w.converged(a, b)
			for p, want := range tt.want {
				if got, ok := files[p]; !ok || got != want {
					t.Errorf("%s = %q, want %q\nfiles: %v", p, got, want, gittest.Paths(files))
				}
			}
			for _, p := range tt.absent {
				for f := range files {
					if f == p || strings.HasPrefix(f, p+"/") {
						t.Errorf("%s should be gone; files: %v", f, gittest.Paths(files))
					}
				}
			}
			// A git CLI laptop pulls what diary made without trouble.
			g := w.gitLaptop("g")
			gittest.Git(t, g, "pull", "-q", "--no-rebase")
			if got := gittest.Files(t, g); !reflect.DeepEqual(got, files) {
				t.Errorf("the git CLI laptop sees %v, diary's %v", gittest.Paths(got), gittest.Paths(files))
			}
		})
	}
}

func TestGitLaptopAndDiaryLaptop(t *testing.T) {
	w := newWorld(t)
	w.seed(map[string]string{"_config.yml": "title: Diary\n", post: gittest.Post("Hello", "one\n")})
	a := w.laptop("a")
	g := w.gitLaptop("g")
	// The git CLI laptop commits and pushes; diary merges with its own
	// new entry; the git CLI pulls the merge and pushes again.
	gittest.Write(t, g, "_posts/2022-05-02-g.md", gittest.Post("G", "from git\n"))
	gittest.Git(t, g, "add", "-A")
	gittest.Git(t, g, "commit", "-q", "-m", "from the git CLI")
	gittest.Git(t, g, "push", "-q")
	a.write("_posts/2022-05-02-a.md", gittest.Post("A", "from diary\n"))
	res := a.mustSync()
	if !res.Merged || !res.Pushed {
		t.Fatalf("result %+v", res)
	}
	parents := strings.Fields(gittest.Git(t, a.dir, "log", "-1", "--format=%P"))
	if len(parents) != 2 {
		t.Errorf("the merge has parents %v", parents)
	}
	gittest.Git(t, g, "pull", "-q", "--no-rebase")
	gittest.Write(t, g, post, gittest.Post("Hello", "one\ntwo\n"))
	gittest.Git(t, g, "commit", "-q", "-am", "edit")
	gittest.Git(t, g, "push", "-q")
	a.mustSync()
	files := gittest.Files(t, a.dir)
	if files[post] != gittest.Post("Hello", "one\ntwo\n") || files["_posts/2022-05-02-g.md"] == "" || files["_posts/2022-05-02-a.md"] == "" {
		t.Errorf("files %v", files)
	}
	gittest.Fsck(t, a.dir)
	gittest.Fsck(t, g)
}

func TestEdges(t *testing.T) {
	t.Run("no remote: committed, local only", func(t *testing.T) {
		gittest.NeedGit(t)
		dir := t.TempDir()
		gittest.Git(t, dir, "init", "-q", "-b", "main")
		l := &laptop{w: &world{t: t}, name: "a", dir: dir}
		l.write(post, gittest.Post("Hello", "x\n"))
		res, err := l.sync()
		if err != nil || res.State != dsync.LocalOnly || len(res.Committed) != 1 {
			t.Fatalf("%+v, %v", res, err)
		}
		msg := gittest.Git(t, dir, "log", "-1", "--format=%s")
		if msg != "diary(a): add \"Hello\"\n" {
			t.Errorf("message %q", msg)
		}
	})
	t.Run("remote unreachable: committed, offline", func(t *testing.T) {
		w := newWorld(t)
		w.seed(map[string]string{"a.md": "a\n"})
		a := w.laptop("a")
		os.Rename(w.remote, w.remote+".away") // the USB disk is not mounted
		a.write(post, gittest.Post("Hello", "x\n"))
		res, err := a.sync()
		if !errors.Is(err, dsync.ErrOffline) || !res.Offline || res.Commit == "" {
			t.Fatalf("%+v, %v", res, err)
		}
		os.Rename(w.remote+".away", w.remote)
		res = a.mustSync()
		if !res.Pushed {
			t.Errorf("not pushed once back: %+v", res)
		}
	})
	t.Run("empty remote: push creates the branch", func(t *testing.T) {
		w := newWorld(t)
		dir := filepath.Join(w.dir, "a")
		gittest.Git(t, w.dir, "init", "-q", "-b", "main", dir)
		gittest.Git(t, dir, "remote", "add", "origin", w.remote)
		l := &laptop{w: w, name: "a", dir: dir}
		l.write(post, gittest.Post("Hello", "x\n"))
		res := l.mustSync()
		if res.State != dsync.NewBranch || !res.Pushed {
			t.Fatalf("%+v", res)
		}
		w.converged(l)
	})
	t.Run("unrelated histories: merged against an empty base", func(t *testing.T) {
		w := newWorld(t)
		w.seed(map[string]string{"README.md": "made on GitHub\n"})
		dir := filepath.Join(w.dir, "a")
		gittest.Git(t, w.dir, "init", "-q", "-b", "main", dir)
		gittest.Git(t, dir, "remote", "add", "origin", w.remote)
		l := &laptop{w: w, name: "a", dir: dir}
		l.write(post, gittest.Post("Hello", "x\n"))
		res := l.mustSync()
		if !res.Merged || !res.Pushed {
			t.Fatalf("%+v", res)
		}
		files := w.converged(l)
		if files["README.md"] != "made on GitHub\n" || files[post] == "" {
			t.Errorf("files %v", gittest.Paths(files))
		}
	})
	t.Run("a post with conflict markers is held back, neither committed nor pushed", func(t *testing.T) {
		w := newWorld(t)
		w.seed(map[string]string{"a.md": "a\n"})
		a := w.laptop("a")
		before := gittest.Git(t, w.remote, "rev-parse", "main")
		a.write(post, gittest.Post("Hello", "<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n"))
		res, err := a.sync()
		if !errors.Is(err, dsync.ErrUnpublishable) || res.Pushed || res.Commit != "" {
			t.Fatalf("%+v, %v", res, err)
		}
		if !strings.Contains(err.Error(), post) {
			t.Errorf("error does not name the post: %v", err)
		}
		if after := gittest.Git(t, w.remote, "rev-parse", "main"); after != before {
			t.Error("the remote moved")
		}
		a.write(post, gittest.Post("Hello", "y\n"))
		if res := a.mustSync(); !res.Pushed {
			t.Errorf("not pushed once fixed: %+v", res)
		}
	})
	t.Run("broken front matter is not pushed", func(t *testing.T) {
		w := newWorld(t)
		w.seed(map[string]string{"a.md": "a\n"})
		a := w.laptop("a")
		a.write(post, "---\ntitle: [unclosed\n---\n")
		if _, err := a.sync(); !errors.Is(err, dsync.ErrUnpublishable) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("detached HEAD", func(t *testing.T) {
		w := newWorld(t)
		w.seed(map[string]string{"a.md": "a\n"})
		a := w.laptop("a")
		gittest.Git(t, a.dir, "checkout", "-q", "--detach")
		if _, err := a.sync(); !errors.Is(err, repo.ErrDetached) || !strings.Contains(err.Error(), "git switch") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("index.lock held by git", func(t *testing.T) {
		w := newWorld(t)
		w.seed(map[string]string{"a.md": "a\n"})
		a := w.laptop("a")
		os.WriteFile(filepath.Join(a.dir, ".git", "index.lock"), nil, 0o644)
		a.write(post, gittest.Post("Hello", "x\n"))
		if _, err := a.sync(); !errors.Is(err, repo.ErrLocked) || !strings.Contains(err.Error(), "index.lock") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("a merge left in progress by git", func(t *testing.T) {
		w := newWorld(t)
		w.seed(map[string]string{"a.md": "a\n"})
		a := w.laptop("a")
		head := strings.TrimSpace(gittest.Git(t, a.dir, "rev-parse", "HEAD"))
		os.WriteFile(filepath.Join(a.dir, ".git", "MERGE_HEAD"), []byte(head+"\n"), 0o644)
		if _, err := a.sync(); !errors.Is(err, repo.ErrBusy) || !strings.Contains(err.Error(), "git merge --abort") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("another diary running", func(t *testing.T) {
		w := newWorld(t)
		w.seed(map[string]string{"a.md": "a\n"})
		a := w.laptop("a")
		host, _ := os.Hostname()
		os.WriteFile(filepath.Join(a.dir, ".git", "diary.lock"), []byte("1 "+host+" now\n"), 0o644)
		_, err := a.sync()
		if !errors.Is(err, repo.ErrBusyDiary) || !strings.Contains(err.Error(), "process 1") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("a lock left by a dead process is taken over", func(t *testing.T) {
		w := newWorld(t)
		w.seed(map[string]string{"a.md": "a\n"})
		a := w.laptop("a")
		host, _ := os.Hostname()
		os.WriteFile(filepath.Join(a.dir, ".git", "diary.lock"), []byte("999999999 "+host+" then\n"), 0o644)
		a.mustSync()
		if _, err := os.Stat(filepath.Join(a.dir, ".git", "diary.lock")); !os.IsNotExist(err) {
			t.Error("the lock was left behind")
		}
	})
	t.Run("dry run changes nothing", func(t *testing.T) {
		w := newWorld(t)
		w.seed(map[string]string{"a.md": "a\n"})
		a, b := w.laptop("a"), w.laptop("b")
		b.write("_posts/2022-05-01-b.md", gittest.Post("B", "b\n"))
		b.mustSync()
		a.write(post, gittest.Post("Hello", "x\n"))
		head := gittest.Git(t, a.dir, "rev-parse", "HEAD")
		refs := gittest.Git(t, a.dir, "for-each-ref")
		res, err := a.sync(func(o *dsync.Options) { o.DryRun = true })
		if after := gittest.Git(t, a.dir, "for-each-ref"); after != refs {
			t.Errorf("refs changed:\n%s\nto\n%s", refs, after)
		}
		if err != nil || res.State != dsync.Diverged && res.State != dsync.Behind || len(res.Committed) != 1 {
			t.Fatalf("%+v, %v", res, err)
		}
		if gittest.Git(t, a.dir, "rev-parse", "HEAD") != head || gittest.Git(t, a.dir, "status", "--porcelain") != "?? _posts/\n" {
			t.Errorf("dry run changed the repository: %s", gittest.Git(t, a.dir, "status", "--porcelain"))
		}
	})
	t.Run("ignored files are not committed", func(t *testing.T) {
		w := newWorld(t)
		w.seed(map[string]string{".gitignore": "_site/\n*.log\n"})
		a := w.laptop("a")
		a.write("_site/index.html", "built")
		a.write("debug.log", "x")
		a.write(post, gittest.Post("Hello", "x\n"))
		res := a.mustSync()
		if !reflect.DeepEqual(res.Committed, []string{post}) {
			t.Errorf("committed %v", res.Committed)
		}
	})
}

// TestIsPost: what lint, and diary status after it, hold to Lint.
func TestIsPost(t *testing.T) {
	for p, want := range map[string]bool{
		"_posts/2022-04-30-personal-diary.md":   true,
		"_posts/2022/2022-04-30-in-a-folder.md": true,
		"_posts/README.md":                      false,
		"_drafts/2022-04-30-draft.md":           false,
		"2022-04-30-at-the-root.md":             false,
		"_conflicts/_posts/2022-04-30-a~b.md":   false,
	} {
		if got := dsync.IsPost(p); got != want {
			t.Errorf("IsPost(%q) = %v, want %v", p, got, want)
		}
	}
}
