//go:build !linux || diary_portable

package fsstat

import (
	"errors"
	"io/fs"
	"os"
	"reflect"
	"sync/atomic"
	"syscall"
)

// Portable: this is the portable file, which macOS, Windows and the BSDs
// run (and Linux under the diary_portable build tag).
const Portable = true

// FromInfo is the stamp of fi. The inode, device, owner, link count and
// change time come from what Stat returns on this system (a
// *syscall.Stat_t on Unix, whose fields are named differently on each:
// Ctim on Linux, Ctimespec on macOS and the BSDs, Ctime on wasip1),
// read by reflection so that one file builds everywhere; zeros where
// there are none (as on Windows).
func FromInfo(fi fs.FileInfo) Stamp {
	mt := fi.ModTime()
	s := Stamp{Size: fi.Size(), Mode: fi.Mode(), Sec: mt.Unix(), Nsec: int64(mt.Nanosecond())}
	readSys(fi.Sys(), &s)
	return s
}

// Lstat is the stamp of path, not following a last link. A missing
// file (or parent) is fs.ErrNotExist.
func Lstat(path string, s *Stamp) error {
	fi, err := os.Lstat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return fs.ErrNotExist
		}
		return err
	}
	*s = FromInfo(fi)
	return nil
}

// LstatAt is Lstat(path()): the directory open as dirfd is not used.
func LstatAt(dirfd int, name string, path func() string, s *Stamp) error {
	return Lstat(path(), s)
}

func readSys(sys any, s *Stamp) {
	if sys == nil {
		return
	}
	v := reflect.ValueOf(sys)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return
	}
	v = v.Elem()
	l := layouts.Load()
	if l == nil || l.typ != v.Type() {
		l = newLayout(v.Type())
		layouts.Store(l)
	}
	if l.ino < 0 {
		return // not a stat structure (Windows' Win32FileAttributeData)
	}
	s.Sys = true
	s.Ino = uint64(intOf(v.Field(l.ino)))
	if l.dev >= 0 {
		s.Dev = uint64(intOf(v.Field(l.dev)))
	}
	if l.uid >= 0 {
		s.UID = uint32(intOf(v.Field(l.uid)))
	}
	if l.gid >= 0 {
		s.GID = uint32(intOf(v.Field(l.gid)))
	}
	if l.nlink >= 0 {
		s.Nlink = uint64(intOf(v.Field(l.nlink)))
	}
	switch {
	case l.ctim >= 0:
		ts := v.Field(l.ctim)
		s.CSec, s.CNsec = intOf(ts.Field(l.ctimSec)), intOf(ts.Field(l.ctimNsec))
	case l.ctime >= 0: // nanoseconds, or seconds with a CtimeNsec
		s.CSec = intOf(v.Field(l.ctime))
		if l.ctimeNsec >= 0 {
			s.CNsec = intOf(v.Field(l.ctimeNsec))
		}
	}
}

// layout is where a Stat_t keeps what readSys reads: field indexes, -1
// for none.
type layout struct {
	typ                     reflect.Type
	ino, dev, uid, gid      int
	nlink                   int
	ctim, ctimSec, ctimNsec int // a Timespec: Ctim (Linux), Ctimespec (BSDs, macOS)
	ctime, ctimeNsec        int // integers: Ctime (wasip1), CtimeNsec
}

var layouts atomic.Pointer[layout]

func newLayout(t reflect.Type) *layout {
	l := &layout{typ: t, ino: -1, dev: -1, uid: -1, gid: -1, nlink: -1, ctim: -1, ctime: -1, ctimeNsec: -1}
	isInt := func(k reflect.Kind) bool {
		return k >= reflect.Int && k <= reflect.Uint64
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if !isInt(f.Type.Kind()) {
			if (f.Name == "Ctim" || f.Name == "Ctimespec") && f.Type.Kind() == reflect.Struct {
				sec, okS := f.Type.FieldByName("Sec")
				nsec, okN := f.Type.FieldByName("Nsec")
				if okS && okN && len(sec.Index) == 1 && len(nsec.Index) == 1 && isInt(sec.Type.Kind()) && isInt(nsec.Type.Kind()) {
					l.ctim, l.ctimSec, l.ctimNsec = i, sec.Index[0], nsec.Index[0]
				}
			}
			continue
		}
		switch f.Name {
		case "Ino":
			l.ino = i
		case "Dev":
			l.dev = i
		case "Uid":
			l.uid = i
		case "Gid":
			l.gid = i
		case "Nlink":
			l.nlink = i
		case "Ctime":
			l.ctime = i
		case "CtimeNsec":
			l.ctimeNsec = i
		}
	}
	return l
}

func intOf(v reflect.Value) int64 {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return int64(v.Uint())
	}
	return 0
}
