//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/repo"
)

// The system calls at which TestKillPublishAtEverySyscall kills diary:
// those of killSyscalls, and unlinkat, by which the old file goes.
var moveKillSyscalls = append([]string{"unlinkat"}, killSyscalls...)

// moveText is the draft's text, which must never be lost.
const moveText = "Go to the sea, every word of it."

// TestKillPublishAtEverySyscall kills diary publish (SIGKILL, by strace's
// fault injection, in a diary whose main goroutine is locked to one
// thread) at every call, in turn, of each system call that writes,
// renames, links or unlinks. After each kill the draft's text is whole in
// the work tree, at the old path, the new one, or both (never neither);
// the next diary sync finishes (exit 0: the diary has no remote), leaves
// nothing uncommitted but diary's own temporary files, the text is in
// HEAD, and git fsck --strict is clean.
func TestKillPublishAtEverySyscall(t *testing.T) {
	if testing.Short() {
		t.Skip("kills publish a few dozen times")
	}
	strace, bin := killTools(t)
	tpl := t.TempDir()
	home := filepath.Join(tpl, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	env := os.Environ()
	for key, v := range pinnedEnv(home) {
		env = append(env, key+"="+v)
	}
	env = append(env, "DIARY_HOST=laptop-a", "TZ=Asia/Seoul")
	run := func(dir string, args ...string) (string, error) {
		cmd := exec.Command(bin, append([]string{"--repo", filepath.Join(dir, "diary")}, args...)...)
		cmd.Env = append(env, "HOME="+filepath.Join(dir, "home"), "XDG_CONFIG_HOME="+filepath.Join(dir, "home", ".config"))
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run(tpl, "init"); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	if out, err := run(tpl, "new", "Summer plans", "--draft", "--no-edit", "--body", moveText); err != nil {
		t.Fatalf("new: %v\n%s", err, out)
	}
	const draft, post = "_drafts/summer-plans.md", "_posts/2022-04-30-summer-plans.md"

	kills := 0
	for _, sc := range moveKillSyscalls {
		for n := 1; ; n++ {
			if n > 300 {
				t.Fatalf("%s: publish did not finish in %d runs (killed each time, or failing)", sc, n-1)
			}
			dir := filepath.Join(t.TempDir(), "w")
			if out, err := exec.Command("cp", "-a", tpl, dir).CombinedOutput(); err != nil {
				t.Fatalf("cp: %v\n%s", err, out)
			}
			point := fmt.Sprintf("%s #%d", sc, n)
			cmd := exec.Command(strace, "-f", "-qq", "-o", "/dev/null", "-e", "trace="+sc,
				"-e", fmt.Sprintf("inject=%s:signal=SIGKILL:when=%d", sc, n),
				bin, "--repo", filepath.Join(dir, "diary"), "publish", "summer-plans", "--date", "2022-04-30")
			cmd.Env = append(env, "HOME="+filepath.Join(dir, "home"), "XDG_CONFIG_HOME="+filepath.Join(dir, "home", ".config"))
			out, _ := cmd.Output()
			finished := strings.TrimSpace(string(out)) == post
			if !finished {
				kills++
			}
			root := filepath.Join(dir, "diary")
			whole := 0
			for _, p := range []string{draft, post} {
				data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
				if err == nil && strings.Contains(string(data), moveText+"\n") {
					whole++
				}
			}
			if whole == 0 {
				t.Fatalf("killed at %s: the text is in neither %s nor %s", point, draft, post)
			}
			if out, err := run(dir, "sync"); err != nil {
				t.Fatalf("killed at %s: the next sync: %v\n%s", point, err, out)
			}
			// A temporary file the kill left is diary's, not the writer's:
			// it is never committed (repo.IsTemp), and nothing else may be
			// left out.
			for _, l := range strings.Split(gittest.Git(t, root, "status", "--porcelain", "-uall"), "\n") {
				if l != "" && !(strings.HasPrefix(l, "?? ") && repo.IsTemp(path.Base(l[3:]))) {
					t.Errorf("killed at %s: uncommitted after sync: %s", point, l)
				}
			}
			if _, err := gittest.TryGit(root, "grep", "-q", "-F", moveText, "HEAD"); err != nil {
				t.Errorf("killed at %s: the text is in no file of HEAD", point)
			}
			if out, err := gittest.TryGit(root, "fsck", "--strict", "--no-progress"); err != nil {
				t.Errorf("killed at %s: git fsck --strict: %v\n%s", point, err, out)
			}
			if finished {
				break
			}
		}
	}
	if kills < len(moveKillSyscalls) {
		t.Fatalf("only %d kills: strace injected too few", kills)
	}
	t.Logf("killed publish %d times", kills)
}
