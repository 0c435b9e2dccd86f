// Package gittest builds real git repositories for tests: a bare remote
// in a temporary directory, and laptops that use it, some of them the
// git CLI, as every user's other tools are.
package gittest

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// Env is the environment the git CLI runs with in tests: no system or
// user config, a fixed identity.
func Env(home string) []string {
	env := []string{}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GIT_") || strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "XDG_CONFIG_HOME=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Git Laptop", "GIT_AUTHOR_EMAIL=git@example.com",
		"GIT_COMMITTER_NAME=Git Laptop", "GIT_COMMITTER_EMAIL=git@example.com",
		"GIT_TERMINAL_PROMPT=0")
}

// NeedGit skips the test when the git CLI is missing, except under CI,
// where that is a failure.
func NeedGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("git is not installed; .ci/run installs it")
		}
		t.Skip("git is not installed: the tests use it as the other laptop")
	}
}

// NeedTool skips the test when the program name is missing, except under
// CI, where that is a failure: pkg names the Debian package that
// .ci/run installs for it.
func NeedTool(t testing.TB, name, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed; .ci/run installs Debian's %s", name, pkg)
		}
		t.Skipf("%s is not installed (Debian's %s)", name, pkg)
	}
}

// Git runs the git CLI in dir and returns its combined output; a failure
// fails the test.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, err := TryGit(dir, args...)
	if err != nil {
		t.Fatalf("git %s (in %s): %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return out
}

// TryGit runs the git CLI in dir and returns its output and error.
func TryGit(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = Env(dir)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Bare makes an empty bare repository whose HEAD names main.
func Bare(t testing.TB, dir string) string {
	t.Helper()
	Git(t, filepath.Dir(dir), "init", "-q", "--bare", "-b", "main", dir)
	return dir
}

// Seeded makes a bare repository at dir, as Bare does, holding one
// commit with one post (_posts/2022-04-01-first.md), pushed by the git
// CLI as another laptop would.
func Seeded(t testing.TB, dir string) string {
	t.Helper()
	Bare(t, dir)
	wt := t.TempDir()
	Git(t, wt, "clone", "-q", dir, ".")
	Write(t, wt, "_posts/2022-04-01-first.md", Post("First", "hello\n"))
	Git(t, wt, "add", "-A")
	Git(t, wt, "commit", "-q", "-m", "first")
	Git(t, wt, "push", "-q", "origin", "HEAD:main")
	return dir
}

// Write writes a work-tree file, making its directories.
func Write(t testing.TB, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Read reads a work-tree file; "" when it does not exist.
func Read(t testing.TB, root, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(data)
}

// Files returns the work tree's files (outside .git) with their content.
func Files(t testing.TB, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() && info.Name() == ".git" {
			return filepath.SkipDir
		}
		if !info.IsDir() {
			rel, _ := filepath.Rel(root, p)
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[filepath.ToSlash(rel)] = string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Paths returns the sorted keys of a Files map.
func Paths(files map[string]string) []string {
	var out []string
	for p := range files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Fsck runs git fsck --strict on a repository and fails the test on any
// complaint.
func Fsck(t testing.TB, dir string) {
	t.Helper()
	Git(t, dir, "fsck", "--strict", "--no-progress")
}

// Post is a small post with front matter, as diary writes them.
func Post(title, body string) string {
	return "---\ntitle: " + title + "\nauthor: Daniel Park\ndate: 2022-04-30 21:30:00 +0900\nlayout: post\n---\n\n> disclaimer\n\n" + body
}

// TryGitOK reports whether a git command succeeds in dir.
func TryGitOK(dir string, args ...string) bool {
	_, err := TryGit(dir, args...)
	return err == nil
}

// Until waits up to limit for cond, which what names, looking every 20
// ms, and fails the test when it does not come: what another process
// (a laptop, a watcher) does happens later, and a fixed sleep is either
// slow or flaky.
func Until(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
	}
}
