// Package servers starts real git servers on 127.0.0.1 for tests, and
// stops them when the test ends: OpenSSH's sshd, git http-backend behind
// an httptest server with basic auth, and git daemon. A missing server
// program skips the test, saying why, except under CI=true, where it
// fails it.
package servers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// need finds a program, or skips the test (fails it under CI).
func need(t testing.TB, name, pkg string, dirs ...string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, d := range dirs {
		p := d + "/" + name
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed: .ci/run installs it (Debian package %s)", name, pkg)
	}
	t.Skipf("%s is not installed (Debian package %s): skipping the test that needs it", name, pkg)
	return ""
}

// NeedGit finds the git CLI, which serves the repositories.
func NeedGit(t testing.TB) string {
	t.Helper()
	return need(t, "git", "git")
}

// freePort returns a port on 127.0.0.1 that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// logBuffer collects a server's output from its goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// process is a started server program.
type process struct {
	name string
	cmd  *exec.Cmd
	log  *logBuffer
	done chan struct{}
	err  error
}

// start runs cmd, its output in a log shown when the test fails, and
// stops it when the test ends.
func start(t testing.TB, name string, cmd *exec.Cmd) *process {
	t.Helper()
	p := &process{name: name, cmd: cmd, log: &logBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.log, p.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("%s output:\n%s", name, p.log.String())
		}
	})
	return p
}

// stop ends the process that start started, by its id.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// errExited: the server ended before it was ready.
var errExited = errors.New("exited")

// waitReady waits until addr accepts connections and, when banner is not
// "", sends a line starting with it.
func (p *process) waitReady(addr, banner string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return fmt.Errorf("%s %w: %v", p.name, errExited, p.err)
		default:
		}
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			if banner == "" {
				conn.Close()
				return nil
			}
			conn.SetDeadline(time.Now().Add(2 * time.Second))
			buf := make([]byte, len(banner))
			_, err = io.ReadFull(conn, buf)
			conn.Close()
			if err == nil && string(buf) == banner {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("%s did not listen on %s within %v", p.name, addr, timeout)
}

// addrInUse says whether a server's log shows that its port was taken
// meanwhile.
func addrInUse(log string) bool {
	return strings.Contains(log, "Address already in use") || strings.Contains(log, "address already in use")
}
