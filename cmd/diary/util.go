package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/gitdiary/diary/entry"
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

// listMatches prints, on stderr, the entries a query matched when it
// matched several: date, title and path a line, for the user to pick one
// by its path.
func listMatches(g *globals, loc *time.Location, matches []*entry.Entry) {
	for _, e := range matches {
		fmt.Fprintf(g.sys.Stderr, "  %s\t%s\t%s\n", e.Date.In(loc).Format("2006-01-02"), oneLine(e.Title), e.Path)
	}
}
