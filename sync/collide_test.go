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

// The push's collision check keeps where each candidate goes, by blob
// and path, in .git/diary/destinations: the next check reads it rather
// than the blobs (seen here by a destination planted in it), a cache of
// other settings is not used, and one that cannot be parsed is started
// afresh.
func TestDestCache(t *testing.T) {
	gittest.NeedGit(t)
	dir := t.TempDir()
	gittest.Git(t, dir, "init", "-q", "-b", "main")
	post := "---\ntitle: Day\ndate: 2022-04-01 10:00:00 +0900\n---\n\nday\n"
	gittest.Write(t, dir, "_posts/2022-04-01-day.md", post)
	gittest.Write(t, dir, "_posts/2021-04-01-day.md", strings.Replace(post, "2022", "2021", 1))
	gittest.Git(t, dir, "add", "-A")
	gittest.Git(t, dir, "commit", "-q", "-m", "old")
	remote := gittest.Git(t, dir, "rev-parse", "HEAD")
	gittest.Write(t, dir, "_posts/2023-04-01-day.md", strings.Replace(post, "2022", "2023", 1))
	gittest.Git(t, dir, "add", "-A")
	gittest.Git(t, dir, "commit", "-q", "-m", "new")
	r, err := repo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := r.Head()
	published, ok := repo.ParseHash(strings.TrimSpace(remote))
	if !ok {
		t.Fatalf("rev-parse said %q", remote)
	}
	check := func(what string, want int) {
		t.Helper()
		held, _, err := Unpublishable(r, head.Hash, published, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if len(held) != want {
			t.Errorf("%s: %d held back (%v), want %d", what, len(held), held, want)
		}
	}
	check("no cache yet", 0)
	file := filepath.Join(r.GitDir(), destCacheFile)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the check left no cache: %v", err)
	}
	// Both older posts of the slug were read and their places kept.
	for _, p := range []string{"2021-04-01-day.md", "2022-04-01-day.md"} {
		if !strings.Contains(string(data), p) {
			t.Errorf("the cache does not hold %s:\n%s", p, data)
		}
	}
	if strings.Contains(string(data), "2023-04-01") {
		t.Errorf("the cache holds the post being published, which no other check asks for:\n%s", data)
	}
	// Planted: the cache now says 2022's goes where 2023's does, which
	// only a check that believes the cache can see.
	planted := strings.Replace(string(data), `"/2022/04/01/day.html"`, `"/2023/04/01/day.html"`, 1)
	if planted == string(data) {
		t.Fatalf("no destination of 2022's post in the cache:\n%s", data)
	}
	if err := os.WriteFile(file, []byte(planted), 0o644); err != nil {
		t.Fatal(err)
	}
	check("a cache that says they collide", 1)
	// A cache of another build, zone or permalink is not believed.
	first, rest, _ := strings.Cut(planted, "\n")
	if err := os.WriteFile(file, []byte(first[:len(first)-1]+"x\"\n"+rest), 0o644); err != nil {
		t.Fatal(err)
	}
	check("a cache of other settings", 0)
	if err := os.WriteFile(file, []byte("\x00garbage\n\t\t\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	check("a cache that does not parse", 0)
}
