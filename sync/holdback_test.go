package sync_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
	dsync "github.com/gitdiary/diary/sync"
)

// A post that would break the site is held back alone (issue 20, item
// 2): it stays out of what is pushed, byte for byte where the user left
// it, and every other change is committed, merged and pushed.

const broken = "_posts/2022-04-29-broken.md"

var brokenText = gittest.Post("Broken", "<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n")

// remoteHas returns the remote's main version of p, and whether it has one.
func remoteHas(t *testing.T, w *world, p string) (string, bool) {
	t.Helper()
	out, err := gittest.TryGit(w.remote, "show", "main:"+p)
	return out, err == nil
}

func heldPaths(res *dsync.Result) []string {
	var out []string
	for _, h := range res.Held {
		out = append(out, h.Path)
	}
	return out
}

func readFile(t *testing.T, root, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestHeldBackAlone(t *testing.T) {
	t.Run("an uncommitted broken post stays out of the commit, the rest is pushed", func(t *testing.T) {
		w := newWorld(t)
		w.seed(map[string]string{post: gittest.Post("Hello", "one\n")})
		a := w.laptop("a")
		a.write(broken, brokenText)
		a.write("_posts/2022-05-01-new.md", gittest.Post("New", "new\n"))
		a.write(post, gittest.Post("Hello", "one\ntwo\n"))
		res, err := a.sync()
		if !errors.Is(err, dsync.ErrUnpublishable) || !strings.Contains(err.Error(), broken) {
			t.Fatalf("err %v", err)
		}
		if !res.Pushed {
			t.Fatalf("nothing pushed: %+v", res)
		}
		if got := heldPaths(res); len(got) != 1 || got[0] != broken {
			t.Errorf("held %v", got)
		}
		for _, p := range res.Committed {
			if p == broken {
				t.Errorf("the broken post was committed: %v", res.Committed)
			}
		}
		if _, ok := remoteHas(t, w, broken); ok {
			t.Error("the broken post reached the remote")
		}
		if got, _ := remoteHas(t, w, "_posts/2022-05-01-new.md"); got != gittest.Post("New", "new\n") {
			t.Errorf("the new post did not reach the remote: %q", got)
		}
		if got, _ := remoteHas(t, w, post); got != gittest.Post("Hello", "one\ntwo\n") {
			t.Errorf("the edit did not reach the remote: %q", got)
		}
		if got := readFile(t, a.dir, broken); got != brokenText {
			t.Errorf("the broken post was changed on disk: %q", got)
		}
		if st := gittest.Git(t, a.dir, "status", "--porcelain"); st != "?? "+broken+"\n" {
			t.Errorf("git status:\n%s", st)
		}
		gittest.Fsck(t, a.dir)
		gittest.Fsck(t, w.remote)

		// Fixed: the next sync commits and pushes it.
		a.write(broken, gittest.Post("Broken", "y\n"))
		res = a.mustSync()
		if !res.Pushed || len(res.Held) != 0 {
			t.Errorf("not pushed once fixed: %+v", res)
		}
		w.converged(a)
	})

	t.Run("a committed broken post is held back at its published version", func(t *testing.T) {
		w := newWorld(t)
		w.seed(map[string]string{post: gittest.Post("Hello", "one\n")})
		a := w.laptop("a")
		// Committed by the git CLI (or by diary new/edit, or an older
		// diary), among other commits.
		a.write("_posts/2022-05-01-new.md", gittest.Post("New", "new\n"))
		gittest.Git(t, a.dir, "add", "-A")
		gittest.Git(t, a.dir, "commit", "-q", "-m", "new")
		bad := strings.Replace(gittest.Post("Hello", "one\n"), "title: Hello", "title: [unclosed", 1)
		a.write(post, bad)
		a.write(broken, brokenText)
		gittest.Git(t, a.dir, "add", "-A")
		gittest.Git(t, a.dir, "commit", "-q", "-m", "broken")
		a.write("_posts/2022-05-02-other.md", gittest.Post("Other", "other\n"))

		res, err := a.sync()
		if !errors.Is(err, dsync.ErrUnpublishable) || !res.Pushed {
			t.Fatalf("%+v, %v", res, err)
		}
		if got := strings.Join(heldPaths(res), " "); got != broken+" "+post {
			t.Errorf("held %q", got)
		}
		if _, ok := remoteHas(t, w, broken); ok {
			t.Error("the broken new post is at the remote's tip")
		}
		if got, _ := remoteHas(t, w, post); got != gittest.Post("Hello", "one\n") {
			t.Errorf("the remote's tip has %q, not the published version", got)
		}
		for _, p := range []string{"_posts/2022-05-01-new.md", "_posts/2022-05-02-other.md"} {
			if _, ok := remoteHas(t, w, p); !ok {
				t.Errorf("%s did not reach the remote", p)
			}
		}
		// The user's bytes stay in the work tree, as a change still to
		// commit.
		if got := readFile(t, a.dir, post); got != bad {
			t.Errorf("%s on disk: %q", post, got)
		}
		if got := readFile(t, a.dir, broken); got != brokenText {
			t.Errorf("%s on disk: %q", broken, got)
		}
		if st := gittest.Git(t, a.dir, "status", "--porcelain"); st != " M "+post+"\n?? "+broken+"\n" {
			t.Errorf("git status:\n%s", st)
		}
		gittest.Fsck(t, a.dir)
		gittest.Fsck(t, w.remote)

		// Not fixed yet: the next sync holds them again and pushes nothing.
		remoteBefore := gittest.Git(t, w.remote, "rev-parse", "main")
		headBefore := gittest.Git(t, a.dir, "rev-parse", "HEAD")
		res, err = a.sync()
		if !errors.Is(err, dsync.ErrUnpublishable) || len(res.Held) != 2 || res.Commit != "" {
			t.Errorf("again: %+v, %v", res, err)
		}
		if gittest.Git(t, w.remote, "rev-parse", "main") != remoteBefore || gittest.Git(t, a.dir, "rev-parse", "HEAD") != headBefore {
			t.Error("a sync with only held posts moved a branch")
		}

		// Fixed: committed and pushed.
		a.write(post, gittest.Post("Hello", "one, fixed\n"))
		a.write(broken, gittest.Post("Broken", "fixed\n"))
		res = a.mustSync()
		if !res.Pushed || len(res.Held) != 0 {
			t.Errorf("once fixed: %+v", res)
		}
		w.converged(a)
	})

	t.Run("the other laptop changed the held post", func(t *testing.T) {
		w := newWorld(t)
		base := gittest.Post("Hello", "one\ntwo\nthree\nfour\nfive\n")
		w.seed(map[string]string{post: base})
		a, b := w.laptop("a"), w.laptop("b")
		b.write(post, strings.Replace(base, "five", "five from b", 1))
		b.mustSync()
		// a breaks the front matter of the same post, and writes another.
		bad := strings.Replace(base, "title: Hello", "title: [unclosed", 1)
		a.write(post, bad)
		a.write("_posts/2022-05-01-new.md", gittest.Post("New", "new\n"))
		res, err := a.sync()
		if err == nil || !res.Pushed {
			t.Fatalf("%+v, %v", res, err)
		}
		if _, ok := remoteHas(t, w, "_posts/2022-05-01-new.md"); !ok {
			t.Error("the new post did not reach the remote")
		}
		if got, _ := remoteHas(t, w, post); got != strings.Replace(base, "five", "five from b", 1) {
			t.Errorf("the remote's tip has %q", got)
		}
		// Nothing of a's is lost: its bytes, merged with b's edit, are in
		// the work tree (or kept as a conflict copy).
		files := gittest.Files(t, a.dir)
		all := strings.Join(mapValues(files), "\n")
		if !strings.Contains(all, "title: [unclosed") || !strings.Contains(files[post], "five from b") {
			t.Errorf("files %v:\n%s", gittest.Paths(files), files[post])
		}
		gittest.Fsck(t, a.dir)
		gittest.Fsck(t, w.remote)
		b.mustSync()
		if got := gittest.Read(t, b.dir, "_posts/2022-05-01-new.md"); got != gittest.Post("New", "new\n") {
			t.Errorf("b has %q", got)
		}
	})

	t.Run("behind, the other laptop's edit overlaps the held post's", func(t *testing.T) {
		w := newWorld(t)
		base := gittest.Post("Hello", "one\ntwo\n")
		w.seed(map[string]string{post: base})
		a, b := w.laptop("a"), w.laptop("b")
		b.write(post, strings.Replace(base, "two", "two from b", 1))
		b.mustSync()
		mine := strings.Replace(base, "two", "<<<<<<< mine\ntwo from a\n=======\n2\n>>>>>>> other\n", 1)
		a.write(post, mine)
		res, err := a.sync()
		if err != nil && !errors.Is(err, dsync.ErrUnpublishable) {
			t.Fatalf("%+v, %v", res, err)
		}
		if got, _ := remoteHas(t, w, post); got != strings.Replace(base, "two", "two from b", 1) {
			t.Errorf("the remote's tip has %q", got)
		}
		// a's bytes are kept whole: in the work tree, or as a conflict copy.
		found := false
		for _, c := range gittest.Files(t, a.dir) {
			found = found || c == mine
		}
		if !found {
			t.Errorf("a's version was lost: %v", gittest.Paths(gittest.Files(t, a.dir)))
		}
		gittest.Fsck(t, a.dir)
		gittest.Fsck(t, w.remote)
	})

	t.Run("the other laptop deleted the held post", func(t *testing.T) {
		w := newWorld(t)
		w.seed(map[string]string{post: gittest.Post("Hello", "one\n"), "a.md": "a\n"})
		a, b := w.laptop("a"), w.laptop("b")
		b.remove(post)
		b.mustSync()
		a.write(post, brokenText)
		a.write("_posts/2022-05-01-new.md", gittest.Post("New", "new\n"))
		res, err := a.sync()
		if !errors.Is(err, dsync.ErrUnpublishable) || !res.Pushed {
			t.Fatalf("%+v, %v", res, err)
		}
		if _, ok := remoteHas(t, w, post); ok {
			t.Error("the held post reached the remote's tip")
		}
		if got := readFile(t, a.dir, post); got != brokenText {
			t.Errorf("a's bytes: %q", got)
		}
		gittest.Fsck(t, a.dir)
	})

	t.Run("the remote moves on between the hold-back and the push", func(t *testing.T) {
		w := newWorld(t)
		base := gittest.Post("Hello", "one\ntwo\nthree\n")
		w.seed(map[string]string{post: base})
		a := w.laptop("a")
		c := w.gitLaptop("c")
		bad := strings.Replace(base, "title: Hello", "title: [unclosed", 1)
		a.write(post, bad)
		a.write("_posts/2022-05-01-new.md", gittest.Post("New", "new\n"))
		gittest.Git(t, a.dir, "add", "-A")
		gittest.Git(t, a.dir, "commit", "-q", "-m", "by hand")
		// c's edit of the held post lands just before a's first push,
		// which the remote then rejects.
		pushed := false
		res, err := a.sync(func(o *dsync.Options) {
			o.Hook = func(point string) {
				if point == "sync:pushing" && !pushed {
					pushed = true
					gittest.Write(t, c, post, strings.Replace(base, "three", "three from c", 1))
					gittest.Git(t, c, "commit", "-q", "-am", "c")
					gittest.Git(t, c, "push", "-q", "origin", "HEAD:main")
				}
			}
		})
		if !errors.Is(err, dsync.ErrUnpublishable) || !res.Pushed {
			t.Fatalf("%+v, %v", res, err)
		}
		if got, _ := remoteHas(t, w, post); got != strings.Replace(base, "three", "three from c", 1) {
			t.Errorf("the remote's tip has %q", got)
		}
		if _, ok := remoteHas(t, w, "_posts/2022-05-01-new.md"); !ok {
			t.Error("the new post did not reach the remote")
		}
		// a's broken title, merged with c's edit, waits in the work tree.
		if got := readFile(t, a.dir, post); !strings.Contains(got, "title: [unclosed") || !strings.Contains(got, "three from c") {
			t.Errorf("a's post on disk: %q", got)
		}
		gittest.Fsck(t, a.dir)
		gittest.Fsck(t, w.remote)
	})

	t.Run("committed broken, and edited since, still broken", func(t *testing.T) {
		w := newWorld(t)
		w.seed(map[string]string{post: gittest.Post("Hello", "one\n")})
		a := w.laptop("a")
		a.write(post, brokenText)
		gittest.Git(t, a.dir, "commit", "-q", "-am", "broken")
		again := brokenText + "more\n"
		a.write(post, again)
		a.write("_posts/2022-05-01-new.md", gittest.Post("New", "new\n"))
		res, err := a.sync()
		if !errors.Is(err, dsync.ErrUnpublishable) || !res.Pushed || len(res.Held) != 1 {
			t.Fatalf("%+v, %v", res, err)
		}
		if got, _ := remoteHas(t, w, post); got != gittest.Post("Hello", "one\n") {
			t.Errorf("the remote's tip has %q", got)
		}
		if got := readFile(t, a.dir, post); got != again {
			t.Errorf("on disk: %q", got)
		}
		gittest.Fsck(t, a.dir)
	})

	t.Run("--no-push names what the push would hold back, after a merge too", func(t *testing.T) {
		w := newWorld(t)
		base := gittest.Post("Hello", "one\ntwo\nthree\n")
		w.seed(map[string]string{post: base})
		a, b := w.laptop("a"), w.laptop("b")
		b.write("_posts/2022-05-01-b.md", gittest.Post("B", "b\n"))
		b.mustSync()
		a.write(post, strings.Replace(base, "title: Hello", "title: [unclosed", 1))
		gittest.Git(t, a.dir, "commit", "-q", "-am", "broken")
		res, err := a.sync(func(o *dsync.Options) { o.NoPush = true })
		if !errors.Is(err, dsync.ErrUnpublishable) || !res.Merged || res.Pushed || len(res.Held) != 1 || res.HoldCommit != "" {
			t.Fatalf("%+v, %v", res, err)
		}
	})

	t.Run("dry run says what would be held back", func(t *testing.T) {
		w := newWorld(t)
		w.seed(map[string]string{post: gittest.Post("Hello", "one\n")})
		a := w.laptop("a")
		a.write(broken, brokenText)
		a.write("_posts/2022-05-01-new.md", gittest.Post("New", "new\n"))
		// It ends as the sync would: exit 1, for the post it holds back.
		res, err := a.sync(func(o *dsync.Options) { o.DryRun = true })
		if !errors.Is(err, dsync.ErrUnpublishable) || !strings.Contains(err.Error(), "would be held back") {
			t.Fatalf("dry run: %v", err)
		}
		if got := heldPaths(res); len(got) != 1 || got[0] != broken || !strings.Contains(res.Held[0].Problem, "conflict markers") {
			t.Errorf("held %+v", res.Held)
		}
		if len(res.Committed) != 1 || res.Committed[0] != "_posts/2022-05-01-new.md" {
			t.Errorf("would commit %v", res.Committed)
		}
		// Committed and not pushed: the dry run names it too.
		gittest.Git(t, a.dir, "add", "-A")
		gittest.Git(t, a.dir, "commit", "-q", "-m", "all")
		res, err = a.sync(func(o *dsync.Options) { o.DryRun = true })
		if !errors.Is(err, dsync.ErrUnpublishable) || len(res.Held) != 1 || res.Held[0].Path != broken {
			t.Errorf("committed: %+v, %v", res, err)
		}
		if st := gittest.Git(t, a.dir, "status", "--porcelain"); st != "" {
			t.Errorf("the dry run changed the work tree:\n%s", st)
		}
	})
}

// mapValues lists m's values (in no order).
func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
