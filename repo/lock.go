package repo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ErrBusyDiary: another diary process holds the diary's lock.
var ErrBusyDiary = errors.New("another diary is running")

// Lock takes the diary lock (.git/diary.lock), one diary process at a
// time per repository, waiting up to wait for a running one to finish.
// A lock left by a process that is gone (same host, pid not running) is
// taken over. The lock names its holder so that the error can too.
func (r *Repo) Lock(ctx context.Context, wait time.Duration) (unlock func(), err error) {
	path := filepath.Join(r.gitDir, "diary.lock")
	host, _ := os.Hostname()
	me := fmt.Sprintf("%d %s %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	deadline := time.Now().Add(wait)
	for {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			_, werr := f.WriteString(me)
			f.Close()
			if werr != nil {
				os.Remove(path)
				return nil, fmt.Errorf("write %s: %w", path, werr)
			}
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("take the diary lock %s: %w", path, err)
		}
		holder, _ := os.ReadFile(path)
		pid, lockHost := parseLock(string(holder))
		if pid > 0 && lockHost == host && !processAlive(pid) {
			// Its process is gone: take the lock over, by renaming our
			// own lock file over it so that two takers cannot both win.
			tmp := fmt.Sprintf("%s.%d", path, os.Getpid())
			if err := os.WriteFile(tmp, []byte(me), 0o644); err == nil {
				if now, _ := os.ReadFile(path); string(now) == string(holder) {
					if os.Rename(tmp, path) == nil {
						return func() { os.Remove(path) }, nil
					}
				}
				os.Remove(tmp)
			}
			continue
		}
		if time.Now().After(deadline) {
			who := "another diary process"
			if pid > 0 {
				who = fmt.Sprintf("diary process %d on %s", pid, lockHost)
			}
			return nil, fmt.Errorf("%w: %s holds %s: wait for it to finish; if it is not running, remove that file", ErrBusyDiary, who, path)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func parseLock(s string) (pid int, host string) {
	f := strings.Fields(s)
	if len(f) < 2 {
		return 0, ""
	}
	pid, _ = strconv.Atoi(f[0])
	return pid, f[1]
}
