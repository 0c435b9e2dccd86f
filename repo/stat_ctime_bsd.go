//go:build darwin || freebsd || netbsd || openbsd

package repo

import (
	"syscall"
	"time"
)

func ctime(st *syscall.Stat_t) time.Time { return time.Unix(st.Ctimespec.Unix()) }

func mtime(st *syscall.Stat_t) (int64, int64) {
	return int64(st.Mtimespec.Sec), int64(st.Mtimespec.Nsec)
}
