package main

import (
	"path/filepath"
	"strings"
)

// home shows a path under the home directory as ~/…, as people write it.
func home(g *globals, p string) string {
	h, ok := g.sys.Env("HOME")
	if !ok || h == "" {
		return p
	}
	h = filepath.Clean(h)
	if p == h {
		return "~"
	}
	if rest, ok := strings.CutPrefix(p, h+string(filepath.Separator)); ok {
		return "~/" + filepath.ToSlash(rest)
	}
	return p
}

// filepathDir is the diary root, given an entry's absolute and relative paths.
func filepathDir(abs, rel string) string {
	return strings.TrimSuffix(strings.TrimSuffix(abs, filepath.FromSlash(rel)), string(filepath.Separator))
}

// dateFlagHelp describes --date WHEN, of new, publish and rename.
const dateFlagHelp = `the entry's date: "YYYY-MM-DD", "YYYY-MM-DD HH:MM", today, yesterday, tomorrow, friday (the last one), "last friday", "next friday", "3 days ago", "2 weeks ago", a day then HH:MM (default: now)`
