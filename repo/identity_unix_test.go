//go:build unix

package repo

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/regular"
)

// TestUserIdentityNeverOpensAPipe: a ~/.gitconfig that is a named pipe
// (with no writer, as a dotfiles trick leaves it) is refused at once,
// with its name, rather than waited on for ever.
func TestUserIdentityNeverOpensAPipe(t *testing.T) {
	home := t.TempDir()
	env := func(k string) (string, bool) {
		v, ok := map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, "xdg")}[k]
		return v, ok
	}
	pipe := filepath.Join(home, ".gitconfig")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := UserIdentity(nil, env)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, regular.ErrNotRegular) {
			t.Errorf("err = %v, want not a regular file", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("UserIdentity still waiting on %s after 10s", pipe)
	}
}
