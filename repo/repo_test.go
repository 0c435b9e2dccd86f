package repo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
)

var sig = Signature{Name: "Daniel Park", Email: "daniel@example.com", When: time.Date(2022, 4, 30, 21, 30, 0, 0, time.FixedZone("", 9*3600))}

func TestCommitOnlyThePathsGiven(t *testing.T) {
	gittest.NeedGit(t)
	dir := t.TempDir()
	r, err := Init(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// The first commit, on an unborn branch, with nested paths.
	gittest.Write(t, dir, "_config.yml", "title: x\n")
	gittest.Write(t, dir, "_posts/2022-04-30-a.md", "a\n")
	gittest.Write(t, dir, "_layouts/post.html", "p\n")
	if _, err := r.Commit(ctx, CommitOptions{Paths: []string{"_config.yml", "_posts/2022-04-30-a.md", "_layouts/post.html"}, Message: "first", Author: sig}); err != nil {
		t.Fatal(err)
	}
	if got := gittest.Git(t, dir, "status", "--porcelain"); got != "" {
		t.Fatalf("status after first commit:\n%s", got)
	}
	if h, _ := r.Head(); h.Branch != "main" {
		t.Errorf("branch %q", h.Branch)
	}

	// Something else staged with the git CLI, something else changed:
	// neither goes into diary's commit, and the staged change stays staged.
	gittest.Write(t, dir, "staged.txt", "staged\n")
	gittest.Git(t, dir, "add", "staged.txt")
	gittest.Write(t, dir, "_config.yml", "title: changed\n")
	gittest.Write(t, dir, "_posts/2022-05-01-b.md", "b\n")
	hash, err := r.Commit(ctx, CommitOptions{Paths: []string{"_posts/2022-05-01-b.md"}, Message: "add b", Author: sig})
	if err != nil {
		t.Fatal(err)
	}
	if got := gittest.Git(t, dir, "show", "--name-only", "--format=%H %an <%ae> %s", "HEAD"); got != hash+" Daniel Park <daniel@example.com> add b\n\n_posts/2022-05-01-b.md\n" {
		t.Errorf("HEAD:\n%s", got)
	}
	if got := gittest.Git(t, dir, "status", "--porcelain"); got != " M _config.yml\nA  staged.txt\n" {
		t.Errorf("status:\n%s", got)
	}

	// A removed file is removed from the commit.
	os.Remove(filepath.Join(dir, "_posts/2022-04-30-a.md"))
	if _, err := r.Commit(ctx, CommitOptions{Paths: []string{"_posts/2022-04-30-a.md"}, Message: "rm a", Author: sig}); err != nil {
		t.Fatal(err)
	}
	if got := gittest.Git(t, dir, "ls-tree", "-r", "--name-only", "HEAD"); got != "_config.yml\n_layouts/post.html\n_posts/2022-05-01-b.md\n" {
		t.Errorf("tree:\n%s", got)
	}
	gittest.Git(t, dir, "fsck", "--strict")
	if got := gittest.Git(t, dir, "status", "--porcelain"); got != " M _config.yml\nA  staged.txt\n" {
		t.Errorf("status after removal:\n%s", got)
	}
}

func TestCommitRespectsIndexLock(t *testing.T) {
	dir := t.TempDir()
	r, err := Init(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	gittest.Write(t, dir, "a.md", "a\n")
	lock := filepath.Join(r.GitDir(), "index.lock")
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = r.Commit(context.Background(), CommitOptions{Paths: []string{"a.md"}, Message: "m", Author: sig})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), lock) {
		t.Fatalf("err = %v, want ErrLocked naming %s", err, lock)
	}
	if _, err := os.Stat(lock); err != nil {
		t.Error("diary removed a lock that was not its own")
	}
}

func TestCommitRefusesPathsOutsideTheWorkTree(t *testing.T) {
	dir := t.TempDir()
	r, err := Init(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"../x", "/etc/passwd", ".git/config", "a/.GIT/b", "a//b", "a\\b", "", "./a"} {
		if _, err := r.Commit(context.Background(), CommitOptions{Paths: []string{p}, Message: "m", Author: sig}); err == nil {
			t.Errorf("Commit(%q): no error", p)
		}
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(dir); !errors.Is(err, ErrNotRepo) {
		t.Errorf("Open(empty) = %v, want ErrNotRepo", err)
	}
	if _, err := Init(filepath.Join(dir, "w"), ""); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "w", "_posts")
	os.MkdirAll(sub, 0o755)
	r, err := Discover(sub)
	if err != nil || r.Root() != filepath.Join(dir, "w") {
		t.Errorf("Discover = %v, %v", r, err)
	}
	if _, err := Init(filepath.Join(dir, "w"), ""); err == nil {
		t.Error("Init on a repository: no error")
	}
}

func TestUserIdentityReadsBothGlobalFiles(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "xdg"))
	t.Setenv("GIT_AUTHOR_NAME", "")
	t.Setenv("GIT_AUTHOR_EMAIL", "")
	if _, err := UserIdentity(nil, os.LookupEnv); !errors.Is(err, ErrNoIdentity) {
		t.Fatalf("no config: %v", err)
	}
	// Name only in the XDG file, email only in ~/.gitconfig: git finds
	// both; go-git's global scope would read just one of the files.
	gittest.Write(t, home, "xdg/git/config", "[user]\n\tname = Xdg Name\n")
	gittest.Write(t, home, ".gitconfig", "[user]\n\temail = home@example.com\n")
	id, err := UserIdentity(nil, os.LookupEnv)
	if err != nil || id.Name != "Xdg Name" || id.Email != "home@example.com" {
		t.Fatalf("got %+v, %v", id, err)
	}
	// ~/.gitconfig wins over the XDG file, as in git.
	gittest.Write(t, home, ".gitconfig", "[user]\n\tname = Home Name\n\temail = home@example.com\n")
	if id, _ := UserIdentity(nil, os.LookupEnv); id.Name != "Home Name" {
		t.Errorf("got %+v", id)
	}
	t.Setenv("GIT_AUTHOR_NAME", "Env Name")
	if id, _ := UserIdentity(nil, os.LookupEnv); id.Name != "Env Name" || id.From != "GIT_AUTHOR_NAME" {
		t.Errorf("got %+v", id)
	}
}

func TestFilesLeavesIgnoredOut(t *testing.T) {
	dir := t.TempDir()
	r, err := Init(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	gittest.Write(t, dir, ".gitignore", "_site/\n*.log\n")
	gittest.Write(t, dir, "_site/index.html", "x")
	gittest.Write(t, dir, "a.log", "x")
	gittest.Write(t, dir, "_posts/2022-04-30-a.md", "x")
	gittest.Write(t, dir, ".git/info/exclude", "secret.txt\n")
	gittest.Write(t, dir, "secret.txt", "x")
	files, err := r.Files()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(files, " "); got != ".gitignore _posts/2022-04-30-a.md" {
		t.Errorf("Files = %s", got)
	}
}

// TestChangesLeaveEditorScratchOut: what an editor writes beside an entry
// while it is open (Vim's swap files and its 4913 probe, backups ending
// in ~, Emacs' lock and auto-save files) is never taken for the writer's
// work, so a sync while the editor is open commits none of it. A
// tracked file with such a name stays the user's.
func TestChangesLeaveEditorScratchOut(t *testing.T) {
	dir := t.TempDir()
	r, err := Init(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	gittest.Write(t, dir, "kept~", "committed on purpose")
	gittest.Git(t, dir, "add", "kept~")
	gittest.Git(t, dir, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q", "-m", "kept")
	gittest.Write(t, dir, "kept~", "changed")
	for _, name := range []string{
		"_posts/.2022-04-30-a.md.swp", "_posts/.2022-04-30-a.md.swo", "_posts/.2022-04-30-a.md.swx",
		"_posts/4913", "_posts/2022-04-30-a.md~", "_posts/.#2022-04-30-a.md", "_posts/#2022-04-30-a.md#",
	} {
		gittest.Write(t, dir, name, "scratch")
	}
	gittest.Write(t, dir, "_posts/2022-04-30-a.md", "the entry")
	gittest.Write(t, dir, "_posts/.hidden.md", "a dotfile of the user's")
	gittest.Write(t, dir, "_posts/notes.swp.md", "not a swap file")
	ch, err := r.Changes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range ch {
		got = append(got, c.Path)
	}
	if want := "_posts/.hidden.md _posts/2022-04-30-a.md _posts/notes.swp.md kept~"; strings.Join(got, " ") != want {
		t.Errorf("Changes = %s, want %s", strings.Join(got, " "), want)
	}
	files, err := r.Files()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.Join(files, " "), "swp ") || strings.Contains(strings.Join(files, " "), "#") {
		t.Errorf("Files lists editors' scratch files: %v", files)
	}
}

// A commit with Reset records the given entries for its paths (or
// removes them) and leaves the files on disk untouched: each then shows
// as a change still to commit, to diary's Changes and to git status.
func TestCommitResetLeavesTheWorkTree(t *testing.T) {
	gittest.NeedGit(t)
	dir := t.TempDir()
	r, err := Init(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	gittest.Write(t, dir, "_posts/2022-04-30-a.md", "published\n")
	if _, err := r.Commit(ctx, CommitOptions{Paths: []string{"_posts/2022-04-30-a.md"}, Message: "first", Author: sig}); err != nil {
		t.Fatal(err)
	}
	head, _ := r.Head()
	published, err := r.ReadTree(head.Hash)
	if err != nil {
		t.Fatal(err)
	}
	gittest.Write(t, dir, "_posts/2022-04-30-a.md", "broken\n")
	gittest.Write(t, dir, "_posts/2022-05-01-b.md", "new and broken\n")
	gittest.Write(t, dir, "other.md", "other\n")
	if _, err := r.Commit(ctx, CommitOptions{Paths: []string{"_posts/2022-04-30-a.md", "_posts/2022-05-01-b.md", "other.md"}, Message: "all", Author: sig}); err != nil {
		t.Fatal(err)
	}
	e := published["_posts/2022-04-30-a.md"]
	if _, err := r.Commit(ctx, CommitOptions{Reset: map[string]*Entry{"_posts/2022-04-30-a.md": &e, "_posts/2022-05-01-b.md": nil}, Message: "hold back", Author: sig}); err != nil {
		t.Fatal(err)
	}
	if got := gittest.Git(t, dir, "show", "HEAD:_posts/2022-04-30-a.md"); got != "published\n" {
		t.Errorf("HEAD has %q", got)
	}
	if got := gittest.Git(t, dir, "ls-tree", "-r", "--name-only", "HEAD"); got != "_posts/2022-04-30-a.md\nother.md\n" {
		t.Errorf("tree:\n%s", got)
	}
	if got := gittest.Read(t, dir, "_posts/2022-04-30-a.md"); got != "broken\n" {
		t.Errorf("the work tree's file became %q", got)
	}
	if got := gittest.Git(t, dir, "status", "--porcelain"); got != " M _posts/2022-04-30-a.md\n?? _posts/2022-05-01-b.md\n" {
		t.Errorf("git status:\n%s", got)
	}
	changes, err := r.Changes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2 || changes[0] != (Change{"_posts/2022-04-30-a.md", Modified}) || changes[1] != (Change{"_posts/2022-05-01-b.md", Added}) {
		t.Errorf("Changes: %v", changes)
	}
	gittest.Git(t, dir, "fsck", "--strict")
	if _, err := r.Commit(ctx, CommitOptions{Paths: []string{"other.md"}, Reset: map[string]*Entry{"other.md": nil}, Message: "x", Author: sig}); err == nil {
		t.Error("a path both from disk and reset was taken")
	}
}
