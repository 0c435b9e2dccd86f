package repo

import (
	"io/fs"
	"path/filepath"
	"strings"
)

// Files lists the files of the work tree that git would add: every file
// outside .git that no .gitignore, .git/info/exclude or core.excludesFile
// pattern ignores, as slash-separated relative paths. (go-git's Add and
// AddGlob stage ignored files, so diary decides for itself.)
func (r *Repo) Files() ([]string, error) {
	m, err := r.ignoreMatcher()
	if err != nil {
		return nil, err
	}
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
		if m.Match(parts, false) || IsTemp(d.Name()) || !(d.Type().IsRegular() || d.Type()&fs.ModeSymlink != 0) {
			return nil
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	return out, err
}
