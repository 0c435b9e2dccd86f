package main

import (
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
)

// TestInterruptExits130: Ctrl-C during a sync that waits on a remote
// which never answers ends diary at once with 130 (128 + SIGINT, as
// shells report it), saying that the entry it committed stays committed.
func TestInterruptExits130(t *testing.T) {
	gittest.NeedGit(t)
	bin := filepath.Join(t.TempDir(), "diary")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// A git:// server that takes the connection and says nothing.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := l.Accept(); err == nil {
			accepted <- c
		}
	}()

	home := t.TempDir()
	dir := filepath.Join(home, "diary")
	env := os.Environ()
	for k, v := range pinnedEnv(home) {
		env = append(env, k+"="+v)
	}
	env = append(env, "DIARY_REPO="+dir, "DIARY_TIMEOUT=10m")
	diary := func(args ...string) *exec.Cmd {
		c := exec.Command(bin, args...)
		c.Env = env
		return c
	}
	if out, err := diary("init", dir, "--remote", "git://"+l.Addr().String()+"/diary.git").CombinedOutput(); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	gittest.Write(t, dir, "_posts/2022-04-30-train.md", "---\ntitle: Train\n---\nwritten on the train\n")

	sync := diary("sync")
	var stderr bytes.Buffer
	sync.Stderr = &stderr
	if err := sync.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-accepted:
		defer c.Close()
	case <-time.After(30 * time.Second):
		sync.Process.Kill()
		t.Fatalf("sync never reached the remote:\n%s", stderr.String())
	}
	start := time.Now()
	if err := sync.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sync.Wait() }()
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		sync.Process.Kill()
		t.Fatalf("sync did not stop within 20 s of Ctrl-C:\n%s", stderr.String())
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Errorf("sync after Ctrl-C: %v, want exit %d\n%s", err, exitInterrupted, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted") || !strings.Contains(stderr.String(), "committed stays committed") {
		t.Errorf("stderr does not say what Ctrl-C left:\n%s", stderr.String())
	}
	t.Logf("stopped %v after Ctrl-C", time.Since(start).Round(time.Millisecond))
	if got := gittest.Git(t, dir, "log", "-1", "--format=%s"); !strings.Contains(got, "Train") {
		t.Errorf("the entry is not committed: %q", got)
	}
	gittest.Fsck(t, dir)
}
