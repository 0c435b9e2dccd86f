//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
)

// TestKillAttachAtEverySyscall: diary attach of a photo and a PDF is
// killed (SIGKILL, by strace's fault injection) at a system call that
// writes, renames or links. Then: the user's files are as they were; the
// entry is as it was, or that and the links, never cut; every file the
// entry links is in the work tree whole; and the next diary sync (no
// remote: it commits) leaves a repository git fsck --strict accepts,
// with nothing left to commit but diary's own temporary files, and none
// of those in a commit.
func TestKillAttachAtEverySyscall(t *testing.T) {
	if testing.Short() {
		t.Skip("kills an attach a few dozen times")
	}
	strace, bin := killTools(t)
	tpl := t.TempDir()
	env := os.Environ()
	for key, v := range pinnedEnv(filepath.Join(tpl, "home")) {
		env = append(env, key+"="+v)
	}
	env = append(env, "DIARY_HOST=laptop-a", "DIARY_TIMEZONE=Asia/Seoul", "EDITOR=false")
	run := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env, cmd.Dir = env, dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("diary %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	os.MkdirAll(filepath.Join(tpl, "home"), 0o755)
	run(tpl, "init", "diary")
	rel := strings.TrimSpace(run(filepath.Join(tpl, "diary"), "-q", "new", "Jeju", "--date", "2022-04-29", "--body", "The sea.", "--no-edit"))
	photo, pdf := randomFile(256<<10), randomFile(64<<10)
	gittest.Write(t, tpl, "files/Sea View.JPG", photo)
	gittest.Write(t, tpl, "files/ticket.pdf", pdf)
	entryBefore, err := os.ReadFile(filepath.Join(tpl, "diary", rel))
	if err != nil {
		t.Fatal(err)
	}
	assets := map[string]string{
		"assets/img/2022/04/jeju-sea-view.jpg": photo,
		"assets/img/2022/04/jeju-ticket.pdf":   pdf,
	}

	attach := func(w, inject string) string {
		log := filepath.Join(w, "strace.log")
		args := []string{"-f", "-qq", "-o", log, "-e", "trace=" + strings.Join(killSyscalls, ",")}
		if inject != "" {
			args = append(args, "-e", inject)
		}
		args = append(args, bin, "--repo", filepath.Join(w, "diary"), "attach", "jeju", filepath.Join(w, "files/Sea View.JPG"), filepath.Join(w, "files/ticket.pdf"))
		cmd := exec.Command(strace, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil && inject == "" {
			t.Fatalf("attach under strace: %v\n%s", err, out)
		}
		data, _ := os.ReadFile(log)
		return string(data)
	}
	copyWorld := func() string {
		w := filepath.Join(t.TempDir(), "w")
		if out, err := exec.Command("cp", "-a", tpl, w).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v\n%s", err, out)
		}
		return w
	}
	counts, calls := mainThreadCalls(t, attach(copyWorld(), ""))

	all := os.Getenv("DIARY_KILL_ALL") != ""
	runs := 0
	for _, sc := range calls {
		for _, when := range killPoints(counts[sc], all) {
			runs++
			t.Run(sc+"-"+strconv.Itoa(when), func(t *testing.T) {
				w := copyWorld()
				attach(w, fmt.Sprintf("inject=%s:signal=SIGKILL:when=%d", sc, when))
				dir := filepath.Join(w, "diary")
				if got := gittest.Files(t, filepath.Join(w, "files")); got["Sea View.JPG"] != photo || got["ticket.pdf"] != pdf {
					t.Errorf("the files attached changed")
				}
				entryNow, err := os.ReadFile(filepath.Join(dir, rel))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.HasPrefix(entryNow, entryBefore) {
					t.Fatalf("the entry lost its text:\n%s", entryNow)
				}
				linked := string(entryNow[len(entryBefore):])
				for p, want := range assets {
					if !strings.Contains(linked, "/"+p+"'") {
						continue
					}
					if got, err := os.ReadFile(filepath.Join(dir, p)); err != nil || string(got) != want {
						t.Errorf("the entry links %s, which is not there whole (%v)", p, err)
					}
				}
				run(dir, "sync")
				gittest.Fsck(t, dir)
				for _, l := range strings.Split(gittest.Git(t, dir, "status", "--porcelain", "--untracked-files=all"), "\n") {
					if l != "" && !strings.Contains(l, "/.diary-tmp-") {
						t.Errorf("left uncommitted after sync: %s", l)
					}
				}
				if tree := gittest.Git(t, dir, "ls-tree", "-r", "--name-only", "HEAD"); strings.Contains(tree, ".diary-") {
					t.Errorf("a temporary file was committed:\n%s", tree)
				}
				for p, want := range assets {
					if b, err := os.ReadFile(filepath.Join(dir, p)); err == nil && string(b) != want {
						t.Errorf("%s holds other bytes than its file", p)
					}
				}
			})
		}
	}
	t.Logf("killed diary attach at %d points (%v calls of the main thread)", runs, counts)
}
