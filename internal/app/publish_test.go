package app

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/regular"
)

// testOptions are the options of a diary at a new folder, with a home of
// its own and the clock pinned; the diary is made by its first entry.
func testOptions(t *testing.T) Options {
	t.Helper()
	home := t.TempDir()
	env := map[string]string{
		"HOME":                home,
		"XDG_CONFIG_HOME":     filepath.Join(home, ".config"),
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME":     "Daniel Park",
		"GIT_AUTHOR_EMAIL":    "daniel@example.com",
		"DIARY_HOST":          "test",
		"DIARY_TIMEZONE":      "Asia/Seoul",
	}
	dir := filepath.Join(t.TempDir(), "diary")
	now := time.Date(2022, 4, 30, 21, 30, 0, 0, time.UTC)
	return Options{
		Repo: dir,
		Dir:  dir,
		Env:  func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Now:  func() time.Time { return now },
	}
}

// TestMoveOrder: between writing the new file and removing the old one,
// where a kill -9 could stop publish, unpublish or rename, both files
// are on disk, whole, and nothing is committed yet; after, only the new
// one is, committed. At worst both, never neither.
func TestMoveOrder(t *testing.T) {
	ctx := context.Background()
	opts := testOptions(t)
	body := "Go to the sea.\n한국어 문장도.\n"
	add, err := Add(ctx, opts, AddOptions{Title: "Summer plans", Draft: true, Body: &body})
	if err != nil {
		t.Fatal(err)
	}
	d, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	head := func() string {
		out, err := exec.Command("git", "-C", d.Root, "rev-parse", "HEAD").Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	for _, step := range []struct {
		name     string
		run      func() (*MoveResult, error)
		from, to string
	}{
		{"publish", func() (*MoveResult, error) { return d.Publish(ctx, PublishOptions{Query: "summer-plans"}) },
			add.Path, "_posts/2022-05-01-summer-plans.md"},
		{"rename", func() (*MoveResult, error) {
			return d.Rename(ctx, RenameOptions{Query: "summer-plans", Title: "Sea", Date: "yesterday"})
		}, "_posts/2022-05-01-summer-plans.md", "_posts/2022-04-30-sea.md"},
		{"unpublish", func() (*MoveResult, error) { return d.Unpublish(ctx, UnpublishOptions{Query: "sea"}) },
			"_posts/2022-04-30-sea.md", "_drafts/sea.md"},
	} {
		before := head()
		called := false
		afterCreate = func(from, to string) {
			called = true
			if from != step.from || to != step.to {
				t.Errorf("%s: moving %s to %s, want %s to %s", step.name, from, to, step.from, step.to)
			}
			for _, p := range []string{from, to} {
				data, err := regular.ReadFile(filepath.Join(d.Root, filepath.FromSlash(p)))
				if err != nil {
					t.Errorf("%s: between the steps: %v", step.name, err)
					continue
				}
				if !bytes.HasSuffix(data, []byte(body)) {
					t.Errorf("%s: between the steps, %s is not whole:\n%s", step.name, p, data)
				}
			}
			if h := head(); h != before {
				t.Errorf("%s: committed before the old file was removed", step.name)
			}
		}
		res, err := step.run()
		afterCreate = nil
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if !called {
			t.Fatalf("%s: the move made no new file", step.name)
		}
		if _, err := os.Lstat(filepath.Join(d.Root, filepath.FromSlash(step.from))); !os.IsNotExist(err) {
			t.Errorf("%s: %s is still there: %v", step.name, step.from, err)
		}
		if res.To != step.to || res.Commit == "" || head() == before {
			t.Errorf("%s: %+v", step.name, res)
		}
		out, err := exec.Command("git", "-C", d.Root, "status", "--porcelain").Output()
		if err != nil || len(out) > 0 {
			t.Errorf("%s: not all committed: %s %v", step.name, out, err)
		}
	}
}
