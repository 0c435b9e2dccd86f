//go:build unix && !diary_portable

// This file is the one platform file not on the Linux axis (linux &&
// !diary_portable): the openat writer is what keeps a link planted in the
// work tree from being written through, with no gap between a look and
// the write, and macOS and the BSDs have openat and O_NOFOLLOW too, so
// their users keep it. The portable writer (workfs_portable.go) is for
// systems without openat (Windows); diary_portable runs it on Linux.

package repo

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// The work tree's writer opens every directory below the work tree's
// root one level at a time, relative to the one above, with O_NOFOLLOW:
// a directory that is a link on disk is never gone through, wherever it
// points (os.Root would follow a link that stays inside the root). The
// root itself may be reached through links of the user's own.

// openParent opens the directory holding rel (slash-separated, below
// root), making missing directories when create is set, and returns it
// with rel's last name.
func openParent(root, rel string, create bool) (int, string, error) {
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, "", &fs.PathError{Op: "open", Path: root, Err: err}
	}
	segs := strings.Split(rel, "/")
	for i, seg := range segs[:len(segs)-1] {
		next, err := openDirAt(fd, seg)
		if err == unix.ENOENT && create {
			if err = unix.Mkdirat(fd, seg, 0o755); err == nil || err == unix.EEXIST {
				next, err = openDirAt(fd, seg)
			}
		}
		unix.Close(fd)
		if err != nil {
			return -1, "", dirError(root, strings.Join(segs[:i+1], "/"), err)
		}
		fd = next
	}
	return fd, segs[len(segs)-1], nil
}

func openDirAt(dirfd int, name string) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// dirError says why the directory dir (below root) could not be opened:
// a link (ELOOP; EMLINK on FreeBSD) or a file (ENOTDIR) where a directory
// should be is refused as unsafe, naming it.
func dirError(root, dir string, err error) error {
	switch err {
	case unix.ELOOP, unix.EMLINK, unix.ENOTDIR:
		return &parentError{dir: dir}
	case unix.ENOENT:
		return &fs.PathError{Op: "open", Path: filepath.Join(root, filepath.FromSlash(dir)), Err: fs.ErrNotExist}
	}
	return &fs.PathError{Op: "open", Path: filepath.Join(root, filepath.FromSlash(dir)), Err: err}
}

// checkParents refuses rel when a directory above it is a link or a file
// on disk; a missing one is fine (nothing is there to write through).
func checkParents(root, rel string) error {
	fd, _, err := openParent(root, rel, false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	unix.Close(fd)
	return nil
}

// writeAt writes rel from rd: a link (its target read from rd) or a
// file of mode perm, made under a temporary name, synced and renamed
// over rel's name, which is replaced, never written through.
func writeAt(root, rel string, link bool, perm os.FileMode, rd io.Reader) error {
	dirfd, name, err := openParent(root, rel, true)
	if err != nil {
		return err
	}
	defer unix.Close(dirfd)
	tmp := tempName()
	if link {
		data, err := io.ReadAll(io.LimitReader(rd, 4096))
		if err != nil {
			return err
		}
		if err := unix.Symlinkat(string(data), dirfd, tmp); err != nil {
			return &fs.PathError{Op: "symlink", Path: rel, Err: err}
		}
	} else {
		fd, err := unix.Openat(dirfd, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, uint32(perm))
		if err != nil {
			return &fs.PathError{Op: "create", Path: rel, Err: err}
		}
		f := os.NewFile(uintptr(fd), filepath.Join(root, filepath.FromSlash(rel)))
		_, err = io.Copy(f, rd)
		if err == nil {
			err = f.Sync()
		}
		if err == nil {
			err = f.Chmod(perm) // past the umask, as git sets the x bit
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			unix.Unlinkat(dirfd, tmp, 0)
			return err
		}
	}
	if err := unix.Renameat(dirfd, tmp, dirfd, name); err != nil {
		unix.Unlinkat(dirfd, tmp, 0)
		return &fs.PathError{Op: "rename", Path: rel, Err: err}
	}
	return nil
}

// removeAt removes the file or link rel; a missing one is no error.
func removeAt(root, rel string) error {
	dirfd, name, err := openParent(root, rel, false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer unix.Close(dirfd)
	if err := unix.Unlinkat(dirfd, name, 0); err != nil && err != unix.ENOENT {
		return &fs.PathError{Op: "remove", Path: rel, Err: err}
	}
	return nil
}

// removeEmptyDirsAt removes the directory rel and its parents while
// they are empty, never going through a link (unlinkat with
// AT_REMOVEDIR removes only a real, empty directory).
func removeEmptyDirsAt(root, rel string) {
	for rel != "." && rel != "" && rel != "/" {
		dirfd, name, err := openParent(root, rel, false)
		if err != nil {
			return
		}
		err = unix.Unlinkat(dirfd, name, unix.AT_REMOVEDIR)
		unix.Close(dirfd)
		if err != nil {
			return
		}
		rel = pathDir(rel)
	}
}

// mkdirAt makes the directory rel (and those above it) unless there.
func mkdirAt(root, rel string) error {
	dirfd, name, err := openParent(root, rel, true)
	if err != nil {
		return err
	}
	defer unix.Close(dirfd)
	if err := unix.Mkdirat(dirfd, name, 0o755); err != nil && err != unix.EEXIST {
		return &fs.PathError{Op: "mkdir", Path: rel, Err: err}
	}
	return nil
}

// createNewAt is CreateNew: the temporary file is written in the opened
// folder, then linked (linkat) to the first free name; a file system
// without hard links gets an exclusive create (O_EXCL) of that name.
func createNewAt(root, dir string, name func(n int) string, src io.Reader) (string, error) {
	dirfd, _, err := openParent(root, dir+"/x", true)
	if err != nil {
		return "", err
	}
	defer unix.Close(dirfd)
	tmp := tempName()
	fd, err := unix.Openat(dirfd, tmp, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
	if err != nil {
		return "", &fs.PathError{Op: "create", Path: dir + "/" + tmp, Err: err}
	}
	f := os.NewFile(uintptr(fd), filepath.Join(root, filepath.FromSlash(dir), tmp))
	defer f.Close()
	defer unix.Unlinkat(dirfd, tmp, 0)
	_, err = io.Copy(f, src)
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		return "", &fs.PathError{Op: "write", Path: dir + "/" + tmp, Err: err}
	}
	for n := 1; n <= maxNewNames; n++ {
		final := name(n)
		err := unix.Linkat(dirfd, tmp, dirfd, final, 0)
		if err == unix.EEXIST {
			continue
		}
		if err != nil {
			// No hard links here (FAT on a USB disk): copy once more,
			// into a file only this call can have made.
			var ok bool
			if ok, err = createExclAt(dirfd, final, f); !ok && err == nil {
				continue
			}
			if err != nil {
				return "", &fs.PathError{Op: "create", Path: dir + "/" + final, Err: err}
			}
		}
		if err := unix.Fsync(dirfd); err != nil {
			return "", &fs.PathError{Op: "sync", Path: dir, Err: err}
		}
		return dir + "/" + final, nil
	}
	return "", fmt.Errorf("%w: %s and %d more names like it in %s", ErrNameTaken, name(1), maxNewNames-1, dir)
}

// createExclAt copies the temporary file f into a new file name of
// dirfd; ok is false when name exists.
func createExclAt(dirfd int, name string, f *os.File) (ok bool, err error) {
	fd, err := unix.Openat(dirfd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
	if err == unix.EEXIST {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := copyTemp(os.NewFile(uintptr(fd), name), f); err != nil {
		unix.Unlinkat(dirfd, name, 0)
		return false, err
	}
	return true, nil
}
