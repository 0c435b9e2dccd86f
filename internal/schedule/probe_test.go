package schedule

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestPickDoesNotHangOnAStuckUserManager: status and doctor ask which
// scheduler this laptop has on every run, and on Linux that asks
// systemd's user manager. One that never answers (a wedged D-Bus, whose
// own time-out is 25 s) must not hang them: the probe gives up and cron
// is taken.
func TestPickDoesNotHangOnAStuckUserManager(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the systemd probe runs on Linux only")
	}
	bin := t.TempDir()
	stuck := "#!/bin/sh\nexec sleep 60\n"
	if err := os.WriteFile(filepath.Join(bin, "systemctl"), []byte(stuck), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	home := t.TempDir()
	env := Env(func(k string) (string, bool) {
		if k == "HOME" {
			return home, true
		}
		return "", false
	})
	type picked struct {
		s   Scheduler
		err error
	}
	done := make(chan picked, 1)
	go func() {
		s, err := Pick(context.Background(), env, "linux", "")
		done <- picked{s, err}
	}()
	select {
	case p := <-done:
		if p.err != nil {
			t.Fatal(p.err)
		}
		if p.s.Name() != Cron {
			t.Errorf("a user manager that does not answer gave %s, want %s", p.s.Name(), Cron)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Pick waited on a systemctl that never answers")
	}
}
