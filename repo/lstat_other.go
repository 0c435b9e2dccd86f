//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package repo

import "os"

type statData struct {
	size, sec, nsec int64
	mode            Mode
}

func lstatInto(path string, d *statData) error {
	info, err := os.Lstat(path)
	if err != nil {
		return err
	}
	d.size, d.sec, d.nsec, d.mode = info.Size(), info.ModTime().Unix(), int64(info.ModTime().Nanosecond()), modeOf(info)
	return nil
}
