package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/internal/servers"
)

// run runs diary in-process with env and returns its exit code and
// everything it printed.
func run(t *testing.T, env map[string]string, dir string, args ...string) (int, string) {
	t.Helper()
	return runTTY(t, false, env, dir, args...)
}

// runTTY is run with stderr a terminal, or not.
func runTTY(t *testing.T, tty bool, env map[string]string, dir string, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	sys := System{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out,
		Env:       func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Now:       func() time.Time { return time.Date(2022, 4, 30, 12, 30, 0, 0, time.UTC) },
		Dir:       dir,
		StderrTTY: tty,
	}
	code := Main(args, sys)
	return code, out.String()
}

// TestNoTokenInAnythingPrinted syncs, clones and checks a diary over
// HTTPS-style basic auth with right and wrong tokens, and fails if the
// token shows in anything diary printed.
func TestNoTokenInAnythingPrinted(t *testing.T) {
	gittest.NeedGit(t)
	const token = "ghp_S3cretT0kenValue1234567890abcdef"
	root := t.TempDir()
	gittest.Bare(t, filepath.Join(root, "diary.git"))
	srv := servers.StartHTTP(t, root, servers.HTTPOptions{User: "x-access-token", Password: token})
	url := srv.URL("diary.git")

	home := t.TempDir()
	env := map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config"), "GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME": "Daniel Park", "GIT_AUTHOR_EMAIL": "daniel@example.com", "TZ": "UTC",
		"DIARY_HOST": "a", "PATH": os.Getenv("PATH"), "GIT_TERMINAL_PROMPT": "0",
	}
	var printed strings.Builder
	step := func(want int, args ...string) string {
		t.Helper()
		code, out := run(t, env, home, args...)
		printed.WriteString(out)
		if code != want {
			t.Fatalf("diary %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out)
		}
		return out
	}
	step(0, "init", filepath.Join(home, "diary"), "--remote", url)
	env["DIARY_REPO"] = filepath.Join(home, "diary")
	step(0, "new", "Hello", "--body", "hi")

	env["DIARY_TOKEN"] = "ghp_WrongT0kenValue1234567890abcdefgh"
	if out := step(1, "sync"); !strings.Contains(out, "refused") && !strings.Contains(out, "credentials") {
		t.Errorf("a wrong token: %s", out)
	}
	step(1, "doctor")
	env["DIARY_TOKEN"] = token
	if out := step(0, "sync"); !strings.Contains(out, "pushed to origin/main") {
		t.Errorf("sync: %s", out)
	}
	step(0, "doctor")
	step(0, "status", "--json")
	// The token in the URL itself is refused before anything is stored.
	withToken := strings.Replace(url, "http://", "http://x-access-token:"+token+"@", 1)
	step(2, "clone", withToken, filepath.Join(home, "b"))
	step(0, "clone", url, filepath.Join(home, "b"))

	t.Logf("everything diary printed:\n%s", printed.String())
	for _, secret := range []string{token, env["DIARY_TOKEN"], "ghp_WrongT0kenValue"} {
		if strings.Contains(printed.String(), secret) {
			t.Errorf("diary printed a token:\n%s", printed.String())
		}
	}
	if data, err := os.ReadFile(filepath.Join(home, "b", ".git", "config")); err != nil || strings.Contains(string(data), token) {
		t.Errorf("the token reached .git/config: %v", err)
	}
}

// The connection to a git:// remote cut in the middle of the fetch, and
// then of the push: sync exits 3 (offline: committed here, not pushed),
// not 1, and finishes with exit 0 once the network is back.
func TestCutConnectionExitsOffline(t *testing.T) {
	root := t.TempDir()
	w := newDiskWorld(t, filepath.Join(root, "diary.git"))
	d := servers.StartDaemon(t, root)
	proxy := servers.StartCutProxy(t, strings.TrimPrefix(d.Base, "git://"))
	url := "git://" + proxy.Addr + "/diary.git"
	dir := filepath.Join(t.TempDir(), "diary")
	w.env["DIARY_REPO"] = dir
	w.diary(0, "clone", url, dir)
	w.peerPush(map[string]string{"assets/img/peer.jpg": randomFile(256 << 10)})

	w.diary(0, "new", "Mine", "--body", "written on the train", "-q")
	proxy.Cut(6000, -1, false)
	if out := w.diary(exitOffline, "sync"); !strings.Contains(out, "offline") || !strings.Contains(out, "the connection was cut") {
		t.Errorf("sync with the fetch cut:\n%s", out)
	}
	proxy.Cut(-1, -1, false)
	w.diary(exitOK, "sync", "--no-push")

	gittest.Write(t, dir, "assets/img/mine.jpg", randomFile(256<<10))
	proxy.Cut(-1, 60<<10, true)
	if out := w.diary(exitOffline, "sync"); !strings.Contains(out, "offline") {
		t.Errorf("sync with the push cut:\n%s", out)
	}
	proxy.Cut(-1, -1, false)
	if out := w.diary(0, "sync"); !strings.Contains(out, "pushed to origin/main") {
		t.Errorf("sync once the network is back:\n%s", out)
	}
	gittest.Fsck(t, dir)
	gittest.Fsck(t, w.remote)
}
