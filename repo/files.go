package repo

import (
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// Files lists the files of the work tree that git would add: every file
// outside .git that no .gitignore, .git/info/exclude or core.excludesFile
// pattern ignores, as slash-separated relative paths. (go-git's Add and
// AddGlob stage ignored files, so diary decides for itself.)
func (r *Repo) Files() ([]string, error) {
	wfs := osfs.New(r.root)
	patterns, err := gitignore.ReadPatterns(wfs, nil)
	if err != nil {
		return nil, err
	}
	if global, err := gitignore.LoadGlobalPatterns(osfs.New("/")); err == nil {
		patterns = append(global, patterns...)
	}
	m := gitignore.NewMatcher(patterns)
	var out []string
	err = filepath.WalkDir(r.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == r.root {
			return nil
		}
		rel, _ := filepath.Rel(r.root, p)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if d.IsDir() {
			if d.Name() == ".git" || m.Match(parts, true) {
				return fs.SkipDir
			}
			return nil
		}
		if m.Match(parts, false) || !(d.Type().IsRegular() || d.Type()&fs.ModeSymlink != 0) {
			return nil
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	return out, err
}
