//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package repo

import (
	"io/fs"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

func fillStat(e *index.Entry, fi fs.FileInfo) {}
