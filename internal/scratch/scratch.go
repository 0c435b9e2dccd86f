// Package scratch tells the files editors write beside the writer's own
// while a file is open, which are never the writer's work: a sync does
// not commit them, and diary watch does not wake for them.
package scratch

import "strings"

// Editor reports whether a file named name (no folder) is an editor's
// scratch file: Vim's swap files (.NAME.swp, then .swo, .swn… when the
// earlier names are taken, and .swx, which Vim writes to test a folder;
// Vim's documentation, "swap-file") and "4913", the file Vim creates to
// test whether it may write in a folder; backups ending in ~ (Vim, Emacs,
// nano); Emacs' lock (.#NAME) and auto-save (#NAME#) files. Jekyll
// publishes none of them either (it leaves out names that start with .
// or # or end in ~).
func Editor(name string) bool {
	switch {
	case name == "4913":
		return true
	case strings.HasSuffix(name, "~"):
		return true
	case strings.HasPrefix(name, ".#"):
		return true
	case len(name) > 1 && strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"):
		return true
	case strings.HasPrefix(name, "."):
		return vimSwap(name)
	}
	return false
}

// vimSwap reports whether name ends as a Vim swap file does: .sw and a
// letter. (Past .swa Vim goes on to .svz…; sixteen swap files of one
// entry are not looked for.)
func vimSwap(name string) bool {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 {
		return false
	}
	ext := name[i:]
	return len(ext) == 4 && ext[1] == 's' && ext[2] == 'w' && ext[3] >= 'a' && ext[3] <= 'z'
}
