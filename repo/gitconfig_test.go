package repo_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/repo"
)

// TestSetConfigSection: a section diary sets is one git reads, and the
// sections around it (a remote, a branch, options diary knows nothing
// of) stay as git wrote them.
func TestSetConfigSection(t *testing.T) {
	gittest.NeedGit(t)
	dir := t.TempDir()
	gittest.Git(t, dir, "init", "-q", "-b", "main")
	gittest.Git(t, dir, "remote", "add", "origin", "https://example.com/diary.git")
	gittest.Git(t, dir, "config", "branch.main.remote", "origin")
	gittest.Git(t, dir, "config", "someone.else", "keep me")
	gittest.Git(t, dir, "config", "merge.other.driver", "other-tool %A %O %B")
	r, err := repo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	driver := "'/opt/my diary/diary' merge-file --path %P %A %O %B"
	if err := r.SetConfigSection("merge", "diary", [][2]string{{"name", "diary"}, {"driver", driver}}); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"merge.diary.driver": driver,
		"merge.diary.name":   "diary",
		"merge.other.driver": "other-tool %A %O %B",
		"remote.origin.url":  "https://example.com/diary.git",
		"branch.main.remote": "origin",
		"someone.else":       "keep me",
	} {
		if got := strings.TrimSpace(gittest.Git(t, dir, "config", "--get", key)); got != want {
			t.Errorf("git config %s = %q, want %q", key, got, want)
		}
	}
	got, err := r.ConfigSection("merge", "diary")
	if err != nil || len(got) != 2 || got[1] != [2]string{"driver", driver} {
		t.Errorf("ConfigSection = %q, %v", got, err)
	}

	// A config.lock is git's: diary waits its turn, and says so.
	lock := filepath.Join(dir, ".git", "config.lock")
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err = r.SetConfigSection("merge", "diary", [][2]string{{"name", "x"}})
	if err == nil || !strings.Contains(err.Error(), "config.lock exists") {
		t.Errorf("with config.lock: %v", err)
	}
	if _, err := os.Stat(lock); err != nil {
		t.Errorf("git's lock is gone: %v", err)
	}
}
