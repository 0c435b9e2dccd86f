package sync

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/repo"
)

// The whole-site check reads the site as the next sync commits it: the
// last commit with the work tree's changes on top. The push's check of
// changed posts finds a permalink that takes any URL of the site, not
// only the URLs of posts of its date or slug.
func TestWorkCollisions(t *testing.T) {
	gittest.NeedGit(t)
	dir := t.TempDir()
	gittest.Git(t, dir, "init", "-q", "-b", "main")
	post := func(title, date, permalink string) string {
		fm := "---\ntitle: " + title + "\ndate: " + date + " 10:00:00 +0900\n"
		if permalink != "" {
			fm += "permalink: " + permalink + "\n"
		}
		return fm + "---\n\n" + title + "\n"
	}
	gittest.Write(t, dir, "_posts/2022-04-01-fixed.md", post("Fixed", "2022-04-01", "/fixed/"))
	gittest.Write(t, dir, "_posts/2022-04-02-old.md", post("Old", "2022-04-02", "/old/"))
	gittest.Write(t, dir, "_posts/2022-04-03-copy.md", post("Copy", "2022-04-03", "/old/"))
	gittest.Write(t, dir, "about.md", "---\ntitle: About\npermalink: /about/\n---\n")
	gittest.Git(t, dir, "add", "-A")
	gittest.Git(t, dir, "commit", "-q", "-m", "site")
	r, err := repo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	head, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	paths := func(held []Held) string {
		var out []string
		for _, h := range held {
			out = append(out, h.Path)
		}
		return strings.Join(out, " ")
	}
	check := func(what, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s: %q, want %q", what, got, want)
		}
	}

	// Committed: old and copy share /old/.
	all, err := SiteCollisions(r, head.Hash, nil, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	check("committed site", paths(all), "_posts/2022-04-02-old.md _posts/2022-04-03-copy.md")

	// In the work tree: copy is gone, a new post takes the page's URL
	// (no date or slug in common with it), another edits its way onto
	// /fixed/.
	if err := os.Remove(filepath.Join(dir, "_posts/2022-04-03-copy.md")); err != nil {
		t.Fatal(err)
	}
	gittest.Write(t, dir, "_posts/2022-05-09-taker.md", post("Taker", "2022-05-09", "/about/"))
	gittest.Write(t, dir, "_posts/2022-04-02-old.md", post("Old", "2022-04-02", "/fixed/"))
	changes, err := r.Changes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	all, err = SiteCollisions(r, head.Hash, changes, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	check("work tree site", paths(all), "_posts/2022-04-01-fixed.md _posts/2022-04-02-old.md _posts/2022-05-09-taker.md about.md")
	mine, err := ChangeCollisions(r, head.Hash, changes, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	check("changed posts", paths(mine), "_posts/2022-04-02-old.md _posts/2022-05-09-taker.md")
}
