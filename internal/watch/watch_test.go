package watch

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestIgnored(t *testing.T) {
	for _, c := range []struct {
		rel  string
		want bool
	}{
		{"_posts/2022-04-30-personal-diary.md", false},
		{"_drafts/idea.md", false},
		{"_conflicts/2022-04-30-personal-diary.laptop.md", false},
		{"assets/img/2022/04/a.png", false},
		{"_config.yml", false},
		{".diary.yml", false},
		{".gitignore", false},
		{".git", true},
		{".git/index", true},
		{".git/refs/heads/main", true},
		{"_site/index.html", true},
		{"_site", true},
		{".jekyll-cache/Jekyll/Cache/x", true},
		{".sass-cache/a", true},
		{"node_modules/x/package.json", true},
		{"_posts/.2022-04-30-personal-diary.md.swp", true},
		{"_posts/.2022-04-30-personal-diary.md.swo", true},
		{"_posts/.2022-04-30-personal-diary.md.swx", true},
		{"_posts/2022-04-30-personal-diary.md~", true},
		{"_posts/4913", true},
		{"_posts/.#2022-04-30-personal-diary.md", true},
		{"_posts/#2022-04-30-personal-diary.md#", true},
		{"_posts/2022-04-30-personal-diary.md.tmp", true},
		{"_posts/#", false},
		{"_posts/a.swp", false}, // not a dot file: not Vim's
		{"_posts/.env.sql", false},
		{"_posts/49130", false},
	} {
		if got := Ignored(c.rel); got != c.want {
			t.Errorf("Ignored(%q) = %v, want %v", c.rel, got, c.want)
		}
	}
}

// tree makes a work tree with a .git, a post, _site and a submodule.
func tree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, d := range []string{".git/refs", "_posts", "_site/x", "theme", "assets/img"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(root, "theme", ".git"), []byte("gitdir: ../.git/modules/theme\n"), 0o644)
	os.WriteFile(filepath.Join(root, "_posts", "2022-04-30-personal-diary.md"), []byte("---\n---\n"), 0o644)
	return root
}

func start(t *testing.T, root string) *Tree {
	t.Helper()
	w, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// next is the next change, or "none" after a while.
func next(w *Tree, wait time.Duration) string {
	select {
	case c := <-w.Changed:
		return c
	case <-time.After(wait):
		return "none"
	}
}

func TestTreeWatchesTheWritersFolders(t *testing.T) {
	root := tree(t)
	w := start(t, root)
	got := w.Watched()
	slices.Sort(got)
	want := []string{".", "_posts", "assets", "assets/img"}
	if !slices.Equal(got, want) {
		t.Errorf("watched %q, want %q", got, want)
	}
}

func TestTreeIgnoresGitSiteSubmoduleAndSwapFiles(t *testing.T) {
	root := tree(t)
	w := start(t, root)
	for _, p := range []string{".git/index", ".git/refs/x", "_site/x/index.html", "theme/a.md",
		"_posts/.2022-04-30-personal-diary.md.swp", "_posts/4913", "_posts/2022-04-30-personal-diary.md~",
		"_posts/.#2022-04-30-personal-diary.md", "_posts/x.tmp"} {
		if err := os.WriteFile(filepath.Join(root, p), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if c := next(w, 300*time.Millisecond); c != "none" {
		t.Errorf("a change that is not the writer's is reported: %q", c)
	}
	// A write to the post is.
	os.WriteFile(filepath.Join(root, "_posts", "2022-04-30-personal-diary.md"), []byte("---\n---\nhello\n"), 0o644)
	if c := next(w, 5*time.Second); c != "_posts/2022-04-30-personal-diary.md" {
		t.Errorf("a write to a post: %q", c)
	}
}

func TestTreeWatchesFoldersMadeLater(t *testing.T) {
	root := tree(t)
	w := start(t, root)
	if err := os.MkdirAll(filepath.Join(root, "_drafts", "deep"), 0o755); err != nil {
		t.Fatal(err)
	}
	if c := next(w, 5*time.Second); c != "_drafts" {
		t.Fatalf("a new folder: %q", c)
	}
	// Drain what the making said, then write in the deepest folder.
	for next(w, 200*time.Millisecond) != "none" {
	}
	os.WriteFile(filepath.Join(root, "_drafts", "deep", "idea.md"), []byte("x"), 0o644)
	if c := next(w, 5*time.Second); c != "_drafts/deep/idea.md" {
		t.Errorf("a file in a folder made later: %q", c)
	}
	// A new _site, or a new folder with its own .git, is not watched.
	// (Made aside and moved in whole, as a clone's appears.)
	aside := filepath.Join(root, "_site", "vendor")
	os.MkdirAll(filepath.Join(aside, ".git"), 0o755)
	if err := os.Rename(aside, filepath.Join(root, "vendor")); err != nil {
		t.Fatal(err)
	}
	for next(w, 200*time.Millisecond) != "none" {
	}
	os.WriteFile(filepath.Join(root, "vendor", "a"), []byte("x"), 0o644)
	if c := next(w, 300*time.Millisecond); c != "none" {
		t.Errorf("a change in a nested repository: %q", c)
	}
	if slices.Contains(w.Watched(), "vendor") {
		t.Errorf("a nested repository is watched: %q", w.Watched())
	}
}
