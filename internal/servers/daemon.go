package servers

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Daemon is git daemon on 127.0.0.1, pushes enabled.
type Daemon struct {
	Base string // git://127.0.0.1:PORT
}

// StartDaemon serves the repositories under root (git://…/NAME is
// root/NAME) with git daemon --export-all --enable=receive-pack, until
// the test ends.
func StartDaemon(t testing.TB, root string) *Daemon {
	t.Helper()
	gitBin := NeedGit(t)
	execPath, err := exec.Command(gitBin, "--exec-path").Output()
	if err != nil {
		t.Fatalf("git --exec-path: %v", err)
	}
	need(t, "git-daemon", "git", strings.TrimSpace(string(execPath)))
	for try := 0; ; try++ {
		port := freePort(t)
		cmd := exec.Command(gitBin, "daemon", "--export-all", "--enable=receive-pack", "--reuseaddr",
			"--informative-errors", "--verbose", "--base-path="+root, "--listen=127.0.0.1", fmt.Sprintf("--port=%d", port))
		cmd.Env = append(cmd.Environ(), "GIT_CONFIG_NOSYSTEM=1")
		p := start(t, "git daemon", cmd)
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		err := p.waitReady(addr, "", 10*time.Second)
		if err == nil {
			return &Daemon{Base: "git://" + addr}
		}
		if errors.Is(err, errExited) && addrInUse(p.log.String()) && try < 3 {
			continue
		}
		t.Fatalf("%v\n%s", err, p.log.String())
	}
}

// URL is the URL of the repository at root/name.
func (d *Daemon) URL(name string) string {
	return d.Base + "/" + strings.TrimPrefix(filepath.ToSlash(name), "/")
}
