package repo

import (
	"context"
	"errors"
	"fmt"
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
// The lock is created with its holder already in it (createLock: there
// is no instant at which it exists empty), so that the error can name
// the holder. A lock whose holder is gone (same host, pid not running),
// or one that is empty or holds no holder and is not new (only an older
// diary, killed between creating and writing it, leaves one), is taken
// over atomically.
func (r *Repo) Lock(ctx context.Context, wait time.Duration) (unlock func(), err error) {
	return r.LockNamed(ctx, "diary.lock", wait)
}

// HeldError: a diary lock is held by a running process. It is
// ErrBusyDiary.
type HeldError struct {
	Path string
	Pid  int // 0 when the lock names no holder
	Host string
}

func (e *HeldError) Error() string {
	who := "another diary process"
	if e.Pid > 0 {
		who = fmt.Sprintf("diary process %d on %s", e.Pid, e.Host)
	}
	return fmt.Sprintf("%v: %s holds %s: wait for it to finish; if it is not running, remove that file", ErrBusyDiary, who, e.Path)
}

func (e *HeldError) Is(target error) bool { return target == ErrBusyDiary }

// LockNamed takes the lock .git/NAME by Lock's protocol (created whole
// with its holder in it, taken over when the holder is gone), waiting up
// to wait for its holder to give it up. diary.lock is the sync's; diary
// watch holds diary-watch.lock while it runs, so that a second watcher
// can name the first, without holding diary.lock while idle.
func (r *Repo) LockNamed(ctx context.Context, name string, wait time.Duration) (unlock func(), err error) {
	path, err := r.lockPath(name)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	me := fmt.Sprintf("%d %s %s", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	if b := bootID(); b != "" {
		me += " boot=" + b
	}
	me += "\n"
	// Twins that killed diaries left before linking them: litter only.
	removeDeadTwins(r.gitDir)
	if cd := commonDir(r.gitDir); cd != r.gitDir {
		removeDeadTwins(cd)
	}
	deadline := time.Now().Add(wait)
	for {
		l, err := createLock(path, r.gitDir, []byte(me), false)
		if err == nil {
			return l.release, nil
		}
		if !errors.Is(err, ErrLockHeld) {
			return nil, fmt.Errorf("take the diary lock %s: %w", path, err)
		}
		holder, _ := os.ReadFile(path)
		pid, lockHost, lockBoot := parseLock(string(holder))
		if staleLock(path, pid, lockHost, lockBoot, host) {
			takeOver(path, func(moved string) bool {
				now, err := os.ReadFile(moved)
				return err == nil && string(now) == string(holder)
			}, func() {})
			continue
		}
		if time.Now().After(deadline) {
			return nil, &HeldError{Path: path, Pid: pid, Host: lockHost}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// LockHolder is the running process that holds the lock .git/NAME: its
// pid and host, or 0 when the lock is not held (no file, or a dead
// holder's on this host).
func (r *Repo) LockHolder(name string) (pid int, host string, err error) {
	path, err := r.lockPath(name)
	if err != nil {
		return 0, "", err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("read the lock %s: %w", path, err)
	}
	me, _ := os.Hostname()
	pid, host, boot := parseLock(string(data))
	if pid <= 0 || staleLock(path, pid, host, boot, me) {
		return 0, "", nil
	}
	return pid, host, nil
}

// lockPath is where the lock NAME is: a plain file name ending in
// .lock, in the repository's directory.
func (r *Repo) lockPath(name string) (string, error) {
	if name == "" || name != filepath.Base(name) || strings.ContainsAny(name, `/\`) || !strings.HasSuffix(name, ".lock") || name == ".lock" {
		return "", fmt.Errorf("lock name %q: say a file name ending in .lock", name)
	}
	return filepath.Join(r.gitDir, name), nil
}

// staleLock reports whether the diary lock at path, naming pid on
// lockHost in the boot lockBoot ("" when the lock does not say), is a
// dead diary's. A lock of this host from another boot is dead even when
// its pid runs: after a power cut, the pid may be any process's.
func staleLock(path string, pid int, lockHost, lockBoot, host string) bool {
	if pid > 0 {
		if lockHost != host || pid == os.Getpid() {
			return false
		}
		return !processAlive(pid) || lockBoot != "" && lockBoot != bootID()
	}
	// No holder in it: an older diary wrote it after creating it. Give
	// one that is new a moment to do so.
	fi, err := os.Stat(path)
	return err == nil && time.Since(fi.ModTime()) > 2*time.Second
}

// parseLock reads a lock's holder: "PID HOST TIME [boot=ID]".
func parseLock(s string) (pid int, host, boot string) {
	f := strings.Fields(s)
	if len(f) < 2 {
		return 0, "", ""
	}
	pid, _ = strconv.Atoi(f[0])
	for _, x := range f[2:] {
		if b, ok := strings.CutPrefix(x, "boot="); ok {
			boot = b
		}
	}
	return pid, f[1], boot
}
