//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
)

// TestInputsThatAreNotFiles puts a named pipe, a symlink to one and a
// symlink to /dev/zero among the posts, and then makes _config.yml and
// .diary.yml pipes: status, list, new and sync each finish (a pipe with
// no writer would block a reader forever, /dev/zero would fill memory),
// warn about what they skipped, and read none of it.
func TestInputsThatAreNotFiles(t *testing.T) {
	gittest.NeedGit(t)
	root := t.TempDir()
	remote := gittest.Bare(t, filepath.Join(root, "remote.git"))
	home := filepath.Join(root, "home")
	dir := filepath.Join(home, "diary")
	env := map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config"), "GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME": "Daniel Park", "GIT_AUTHOR_EMAIL": "daniel@example.com", "TZ": "UTC",
		"DIARY_HOST": "a", "PATH": os.Getenv("PATH"),
	}
	var pipes []string
	mkfifo := func(p string) {
		t.Helper()
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatalf("mkfifo %s: %v", p, err)
		}
		pipes = append(pipes, p)
	}
	// diary runs each command in-process, bounded: a command still
	// running after the bound has hung, and the test unblocks it (a
	// writer that opens and closes each pipe gives its reader EOF) so
	// that it fails rather than blocks.
	diary := func(want int, args ...string) string {
		t.Helper()
		type result struct {
			code int
			out  string
		}
		done := make(chan result, 1)
		go func() {
			code, out := run(t, env, home, args...)
			done <- result{code, out}
		}()
		var res result
		select {
		case res = <-done:
		case <-time.After(20 * time.Second):
			t.Errorf("diary %s hung on an input that is not a file", strings.Join(args, " "))
			for res.out == "" {
				for _, p := range pipes {
					if f, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
						f.Close()
					}
				}
				select {
				case res = <-done:
				case <-time.After(100 * time.Millisecond):
				}
			}
		}
		if res.code != want {
			t.Errorf("diary %s: exit %d, want %d\n%s", strings.Join(args, " "), res.code, want, res.out)
		}
		return res.out
	}
	warned := func(out, name string) {
		t.Helper()
		if !strings.Contains(out, name) || !strings.Contains(out, "not a regular file") {
			t.Errorf("no warning that %s is not a regular file:\n%s", name, out)
		}
	}

	diary(0, "init", dir, "--remote", remote)
	env["DIARY_REPO"] = dir
	diary(0, "new", "First", "--body", "one", "--date", "2022-04-26")
	diary(0, "sync")

	posts := filepath.Join(dir, "_posts")
	mkfifo(filepath.Join(root, "pipe"))
	mkfifo(filepath.Join(posts, "2022-04-29-pipe.md"))
	for name, target := range map[string]string{"2022-04-28-to-pipe.md": filepath.Join(root, "pipe"), "2022-04-27-zero.md": "/dev/zero"} {
		if err := os.Symlink(target, filepath.Join(posts, name)); err != nil {
			t.Fatal(err)
		}
	}

	out := diary(0, "status")
	warned(out, "2022-04-29-pipe.md")
	warned(out, "2022-04-28-to-pipe.md")
	warned(out, "2022-04-27-zero.md")
	for range 2 { // the second from the list cache
		out = diary(0, "list")
		warned(out, "2022-04-29-pipe.md")
		warned(out, "2022-04-28-to-pipe.md")
		warned(out, "2022-04-27-zero.md")
		if !strings.Contains(out, "First") {
			t.Errorf("list lost the real post:\n%s", out)
		}
	}
	t.Logf("list:\n%s", out)
	// The links are committed as links (nothing is lost), but a link
	// out of the diary is never pushed: no other laptop would take it.
	out = diary(1, "sync")
	warned(out, "2022-04-29-pipe.md")
	if !strings.Contains(out, "no diary would take it from the remote") {
		t.Errorf("the sync pushed, or did not say why not:\n%s", out)
	}
	for _, p := range []string{"_posts/2022-04-29-pipe.md", "_posts/2022-04-28-to-pipe.md", "_posts/2022-04-27-zero.md"} {
		if err := os.Remove(filepath.Join(dir, p)); err != nil {
			t.Fatal(err)
		}
	}
	diary(0, "sync")

	// The site's settings and diary's own, each a pipe in turn.
	for _, name := range []string{"_config.yml", ".diary.yml"} {
		p, away := filepath.Join(dir, name), filepath.Join(root, name)
		if err := os.Rename(p, away); err != nil {
			t.Fatal(err)
		}
		mkfifo(p)
		out := diary(0, "new", "With "+name, "--body", "text", "--no-commit")
		warned(out, name)
		out = diary(0, "sync", "--no-push")
		warned(out, name)
		os.Remove(p)
		if err := os.Rename(away, p); err != nil {
			t.Fatal(err)
		}
	}
}
