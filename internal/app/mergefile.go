package app

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gitdiary/diary/internal/atomicfile"
	dsync "github.com/gitdiary/diary/sync"
	"github.com/gitdiary/diary/sync/merge"
)

// MergeFileOptions are the arguments of `diary merge-file`, git's
// merge-driver protocol: CURRENT (%A), BASE (%O), OTHER (%B).
type MergeFileOptions struct {
	Current, Base, Other string
	// Post merges the files as Jekyll posts (front matter key by key,
	// tags as sets) whatever their names.
	Post bool
	// Path is the file's path in the work tree (git's %P). When it, or
	// else Current, names a file of _posts/ or _drafts/, the files are
	// merged as a post.
	Path string
	// Dir is the directory relative names are read from ("" for the
	// process's).
	Dir string
	// Labels name CURRENT, BASE and OTHER in conflict markers, as git
	// merge-file's -L does; missing ones are the file names as given.
	Labels []string
}

// MergeFile merges as `diary merge-file` does: the merge of Base and
// Other into Current is written over Current, whole or not at all. It
// returns the number of conflicts (0: clean). Bad input (a file missing,
// a directory, binary data, too many labels) is a usage error and leaves
// Current as it was. It needs no diary: git runs it in any repository.
func MergeFile(o MergeFileOptions) (int, error) {
	if len(o.Labels) > 3 {
		return 0, Usagef("merge-file: at most three -L labels (CURRENT, BASE, OTHER), got %d", len(o.Labels))
	}
	names := []string{o.Current, o.Base, o.Other}
	labels := append([]string(nil), o.Labels...)
	for i := len(labels); i < 3; i++ {
		labels = append(labels, names[i])
	}
	var data [3][]byte
	for i, name := range names {
		d, err := readMergeInput(name, o.Dir)
		if err != nil {
			return 0, err
		}
		data[i] = d
	}
	p := o.Path
	if p == "" {
		p = o.Current
	}
	res, ok := dsync.MergeFile(entryPath(p), o.Post, data[1], data[0], data[2],
		merge.Labels{Ours: labels[0], Base: labels[1], Theirs: labels[2]})
	if !ok {
		for i, name := range names {
			if dsync.Binary(data[i]) {
				return 0, Usagef("merge-file: %s is binary: merge it by hand, or let git keep one side", name)
			}
		}
	}
	if err := atomicfile.WriteFile(inDir(o.Current, o.Dir), res.Merged, 0o644); err != nil {
		return 0, Usagef("merge-file: %w: check that its folder is writable", err)
	}
	return res.Conflicts, nil
}

// readMergeInput reads one of the three files, refusing what is not a
// regular file.
func readMergeInput(name, dir string) ([]byte, error) {
	full := inDir(name, dir)
	st, err := os.Stat(full)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, Usagef("merge-file: read %s: no such file: give the three files git names (%%A %%O %%B)", name)
		}
		return nil, Usagef("merge-file: read %s: %w", name, err)
	}
	if st.IsDir() {
		return nil, Usagef("merge-file: %s is a directory: give three files (CURRENT BASE OTHER)", name)
	}
	if !st.Mode().IsRegular() {
		return nil, Usagef("merge-file: %s is not a regular file: give three files (CURRENT BASE OTHER)", name)
	}
	data, err := os.ReadFile(full)
	if err != nil {
		return nil, Usagef("merge-file: read %s: %w", name, err)
	}
	return data, nil
}

// entryPath turns a file name into the slash path sync judges entries
// by: from its _posts/ or _drafts/ folder on, when it is in one.
func entryPath(name string) string {
	p := filepath.ToSlash(name)
	for _, dir := range []string{"_posts/", "_drafts/"} {
		if strings.HasPrefix(p, dir) {
			return p
		}
		if i := strings.LastIndex(p, "/"+dir); i >= 0 {
			return p[i+1:]
		}
	}
	return p
}

func inDir(name, dir string) string {
	if dir == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(dir, name)
}
