package repo

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gitdiary/diary/internal/atomicfile"
	"github.com/gitdiary/diary/internal/fsstat"
)

// Lock files that appear whole.
//
// git takes a lock by creating NAME.lock with O_CREAT|O_EXCL and then
// writing into it; a kill in between leaves an empty lock that nobody can
// tell from a live one. diary takes the same locks (so that git and diary
// exclude each other) in a way that leaves no such instant: the content
// is written to a temporary file first, flushed, and then hard-linked to
// NAME.lock, which fails when NAME.lock exists just as O_EXCL does
// (link(2)). The temporary file stays linked while the lock is held: its
// name, .diary-lock-HOST-PID-RANDOM in the lock's repository directory,
// says which process holds the lock. A lock that has such a twin whose
// process is gone (same host, pid not running) is a dead diary's and is
// taken over; a lock without one is git's (or another program's), and is
// respected.
//
// This is a protocol of its own, not internal/atomicfile's writer: the
// file that appears is NAME.lock, by link(2), never by a rename over it,
// and its temporary twin outlives the write.

// lockTempPrefix starts the name of the temporary twin of every lock
// diary holds.
const lockTempPrefix = ".diary-lock-"

// heldLock is a lock file diary created, with its twin.
type heldLock struct {
	path, twin string
}

// ErrLockHeld: a lock file exists that is not a dead diary's.
var ErrLockHeld = errors.New("lock file exists")

// createLock creates path (a NAME.lock) holding data, atomically: it
// exists whole or not at all. twinDir is the directory its twin goes
// in; it must be on the same file system (the repository's directory).
// A lock left by a dead diary is taken over; any other existing lock is
// ErrLockHeld. flush says whether data must reach the disk before the
// lock appears: yes for a lock that commit renames into place (a ref,
// packed-refs, .git/config); no for one that only excludes others
// (diary.lock, index.lock), whose content matters only while its holder
// lives, and a power cut ends that holder: flushing those cost two of a
// diary new's eleven fsyncs.
func createLock(path, twinDir string, data []byte, flush bool) (*heldLock, error) {
	twin, err := writeTwin(twinDir, data, flush)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	for attempt := 0; ; attempt++ {
		err := os.Link(twin, path)
		if err == nil {
			return &heldLock{path: path, twin: twin}, nil
		}
		if errors.Is(err, fs.ErrNotExist) {
			// The directory of the lock is missing (a new ref's).
			if merr := os.MkdirAll(filepath.Dir(path), 0o755); merr == nil && attempt < 3 {
				continue
			}
		}
		if !errors.Is(err, fs.ErrExist) {
			os.Remove(twin)
			if _, serr := os.Lstat(path); serr == nil || !errors.Is(serr, fs.ErrNotExist) {
				return nil, fmt.Errorf("lock %s: %w", path, err)
			}
			// No hard links here (exFAT or FAT on a USB disk, some
			// network shares): the lock is taken as git takes it.
			l, perr := createPlainLock(path, data, flush)
			if perr == nil || !errors.Is(perr, fs.ErrExist) {
				return l, perr
			}
			if attempt < 3 && takeOverDeadLock(path, twinDir) {
				continue
			}
			return nil, fmt.Errorf("%w: %s", ErrLockHeld, path)
		}
		if attempt < 3 && takeOverDeadLock(path, twinDir) {
			continue
		}
		os.Remove(twin)
		return nil, fmt.Errorf("%w: %s", ErrLockHeld, path)
	}
}

// createPlainLock creates path with O_EXCL and writes data into it, as
// git does, for file systems that cannot hard-link. A kill between the
// two leaves the lock short, as git's would be; such a lock has no twin,
// so it is respected and named, as git's is (diary.lock, whose holder is
// in it, is still taken over by Lock).
func createPlainLock(path string, data []byte, flush bool) (*heldLock, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	_, err = f.Write(data)
	if err == nil && flush {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &heldLock{path: path}, nil
}

// writeTwin writes data to a new temporary file in dir named for this
// process, flushed to disk when flush is set.
func writeTwin(dir string, data []byte, flush bool) (string, error) {
	var rnd [6]byte
	rand.Read(rnd[:])
	host, _ := os.Hostname()
	tail := hex.EncodeToString(rnd[:])
	if b := bootTag(); b != "" {
		tail = b + "." + tail
	}
	name := filepath.Join(dir, fmt.Sprintf("%s%s-%d-%s", lockTempPrefix, hex.EncodeToString([]byte(host)), os.Getpid(), tail))
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil && flush {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// bootTag is the part of this boot's id (bootID) that a twin's name
// carries, "" where there is none.
func bootTag() string {
	b := strings.ReplaceAll(bootID(), "-", "")
	if len(b) > 12 {
		b = b[:12]
	}
	return b
}

// twinOwner parses a twin's name, .diary-lock-HOST-PID-[BOOT.]RANDOM
// (HOST in hex): the host, pid and boot ("" in an older diary's name)
// of the diary that made it.
func twinOwner(name string) (host string, pid int, boot string, ok bool) {
	rest, found := strings.CutPrefix(filepath.Base(name), lockTempPrefix)
	if !found {
		return "", 0, "", false
	}
	parts := strings.Split(rest, "-")
	if len(parts) != 3 {
		return "", 0, "", false
	}
	h, err := hex.DecodeString(parts[0])
	if err != nil {
		return "", 0, "", false
	}
	pid, err = strconv.Atoi(parts[1])
	if err != nil || pid <= 0 {
		return "", 0, "", false
	}
	boot, _, _ = strings.Cut(parts[2], ".")
	if boot == parts[2] {
		boot = ""
	}
	return string(h), pid, boot, true
}

// deadTwin reports whether name is a twin made by a diary on this host
// that is no longer running: its pid is gone, or it ran in an earlier
// boot (after a power cut, its pid may be any process's).
func deadTwin(name string) bool {
	host, pid, boot, ok := twinOwner(name)
	me, _ := os.Hostname()
	if !ok || host != me || pid == os.Getpid() {
		return false
	}
	return !processAlive(pid) || boot != "" && boot != bootTag()
}

// deadTwinOf finds the twin of lock path in dir when it is a dead
// diary's; "" when the lock has no twin (git's) or its diary runs.
func deadTwinOf(path, dir string) string {
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	for _, de := range des {
		if !strings.HasPrefix(de.Name(), lockTempPrefix) {
			continue
		}
		twin := filepath.Join(dir, de.Name())
		if ti, err := os.Lstat(twin); err == nil && os.SameFile(fi, ti) {
			if deadTwin(twin) {
				return twin
			}
			return ""
		}
	}
	return ""
}

// takeOverDeadLock removes lock path when a dead diary left it, and
// reports whether it did. Two diaries may try at once: the lock is
// first renamed to a name of this process's own, which only one of them
// can do to that file, and only the one that moved the dead lock
// removes it (one that moved a lock someone took meanwhile puts it back).
func takeOverDeadLock(path, dir string) bool {
	twin := deadTwinOf(path, dir)
	if twin == "" {
		return false
	}
	return takeOver(path, func(moved string) bool {
		a, err1 := os.Lstat(moved)
		b, err2 := os.Lstat(twin)
		return err1 == nil && err2 == nil && os.SameFile(a, b)
	}, func() { os.Remove(twin) })
}

// takeOver moves path aside, and removes it when stale says the file
// moved is the one found stale (then calls done); otherwise it puts the
// file back. It reports whether path was removed.
func takeOver(path string, stale func(moved string) bool, done func()) bool {
	var rnd [6]byte
	rand.Read(rnd[:])
	moved := path + ".stale-" + hex.EncodeToString(rnd[:])
	if os.Rename(path, moved) != nil {
		return false
	}
	if !stale(moved) {
		// Not the file found stale: someone took the lock meanwhile.
		if os.Link(moved, path) == nil {
			os.Remove(moved)
		}
		return false
	}
	os.Remove(moved)
	done()
	return true
}

// commit renames the lock over target (git's commit of a lock file),
// flushes the directory, and drops the twin.
func (l *heldLock) commit(target string) error {
	err := os.Rename(l.path, target)
	if err == nil {
		err = atomicfile.SyncDir(filepath.Dir(target))
	}
	if err != nil {
		l.release()
		return err
	}
	if l.twin != "" {
		os.Remove(l.twin)
	}
	return nil
}

// release gives the lock up without committing it.
func (l *heldLock) release() {
	os.Remove(l.path)
	if l.twin != "" {
		os.Remove(l.twin)
	}
}

// removeDeadTwins removes the twins in dir that dead diaries left
// behind before they linked them to a lock.
func removeDeadTwins(dir string) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, de := range des {
		if !strings.HasPrefix(de.Name(), lockTempPrefix) || !deadTwin(de.Name()) {
			continue
		}
		// One still linked elsewhere may be a lock's twin: without it,
		// the lock would look like git's. It is left for the takeover.
		name := filepath.Join(dir, de.Name())
		if fi, err := os.Lstat(name); err == nil && linkCount(fi) == 1 {
			os.Remove(name)
		}
	}
}

// linkCount is how many names a file has; 1 where it cannot be told.
func linkCount(fi fs.FileInfo) int {
	if s := fsstat.FromInfo(fi); s.Nlink > 0 {
		return int(s.Nlink)
	}
	return 1
}
