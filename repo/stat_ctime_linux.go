package repo

import (
	"syscall"
	"time"
)

func ctime(st *syscall.Stat_t) time.Time { return time.Unix(st.Ctim.Unix()) }

func mtime(st *syscall.Stat_t) (int64, int64) { return st.Mtim.Sec, st.Mtim.Nsec }
