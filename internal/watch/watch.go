// Package watch tells when files in a diary's work tree change: a
// recursive watcher over fsnotify (which watches one folder, not the
// folders under it), blind to what is not the writer's (git's folder,
// Jekyll's output and caches, submodules, editors' swap and backup
// files). It knows nothing of git or of syncing; internal/app's watch
// loop decides what a change leads to.
package watch

import (
	"github.com/gitdiary/diary/internal/scratch"

	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/fsnotify/fsnotify"
)

// skipDirs are folders whose changes are never the writer's: git's own,
// what Jekyll builds and caches (jekyll build, `bundle exec jekyll
// serve`), and what Node tooling installs.
var skipDirs = map[string]bool{
	".git":          true,
	"_site":         true,
	".jekyll-cache": true,
	".sass-cache":   true,
	"node_modules":  true,
}

// Ignored reports whether a change to the file or folder at rel (slash
// separated, relative to the work tree) is not the writer's: under a
// skipped folder, an editor's scratch file (scratch.Editor: swap files,
// backups, locks), or *.tmp (the temporary file many editors write before
// renaming it over the real one; the rename that follows is seen under
// the real name).
func Ignored(rel string) bool {
	parts := strings.Split(filepath.ToSlash(rel), "/")
	for _, p := range parts[:len(parts)-1] {
		if skipDirs[p] {
			return true
		}
	}
	name := parts[len(parts)-1]
	return skipDirs[name] || scratch.Editor(name) || strings.HasSuffix(name, ".tmp")
}

// Tree watches every folder of a work tree that Ignored does not skip,
// submodules excepted (a folder with a .git of its own), and adds the
// folders created later.
type Tree struct {
	root string
	w    *fsnotify.Watcher
	// Changed receives the path (relative to the root, slash separated)
	// of each change that is not Ignored, or "" when changes may have
	// been missed (the kernel's queue overflowed): then anything may have
	// changed. It is buffered; when the reader lags, changes are dropped
	// rather than queued, since one pending change is as good as many for
	// a sync.
	Changed chan string
	// Err receives the watcher's errors that are not overflows.
	Err chan error

	once sync.Once
	done chan struct{}
}

// New starts watching the work tree at root.
func New(root string) (*Tree, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", root, err)
	}
	t := &Tree{root: root, w: w, Changed: make(chan string, 64), Err: make(chan error, 1), done: make(chan struct{})}
	if err := t.addTree(root); err != nil {
		w.Close()
		return nil, err
	}
	go t.run()
	return t, nil
}

// Close stops watching; Changed is not closed.
func (t *Tree) Close() error {
	var err error
	t.once.Do(func() {
		close(t.done)
		err = t.w.Close()
	})
	return err
}

// Watched lists the folders watched, relative to the root.
func (t *Tree) Watched() []string {
	var out []string
	for _, p := range t.w.WatchList() {
		rel, err := filepath.Rel(t.root, p)
		if err == nil {
			out = append(out, filepath.ToSlash(rel))
		}
	}
	return out
}

// addTree watches dir and every folder under it that is not skipped. A
// folder that vanishes meanwhile is no error (the writer deleted it);
// symbolic links to folders are not followed (git stores the link).
func (t *Tree) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != dir && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if p != dir && errors.Is(err, fs.ErrPermission) {
				return filepath.SkipDir
			}
			return fmt.Errorf("watch %s: %w", p, err)
		}
		if !d.IsDir() {
			return nil
		}
		if p != t.root {
			rel, _ := filepath.Rel(t.root, p)
			if Ignored(rel) || submodule(p) {
				return filepath.SkipDir
			}
		}
		if err := t.w.Add(p); err != nil {
			if p != dir && errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipDir
			}
			return fmt.Errorf("watch %s: %w (on Linux, raise fs.inotify.max_user_watches)", p, err)
		}
		return nil
	})
}

// submodule reports whether the folder dir has a .git of its own (a
// submodule's file, or a nested repository): its changes are its own.
func submodule(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, ".git"))
	return err == nil
}

func (t *Tree) run() {
	for {
		select {
		case <-t.done:
			return
		case ev, ok := <-t.w.Events:
			if !ok {
				return
			}
			t.event(ev)
		case err, ok := <-t.w.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				t.send("")
				continue
			}
			select {
			case t.Err <- err:
			default:
			}
		}
	}
}

func (t *Tree) event(ev fsnotify.Event) {
	rel, err := filepath.Rel(t.root, ev.Name)
	if err != nil || rel == "." || Ignored(rel) {
		return
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
			if submodule(ev.Name) {
				return
			}
			// Files made in it before it was watched are under it
			// already; the change said here covers them.
			if err := t.addTree(ev.Name); err != nil {
				select {
				case t.Err <- err:
				default:
				}
			}
		}
	}
	t.send(filepath.ToSlash(rel))
}

func (t *Tree) send(rel string) {
	select {
	case t.Changed <- rel:
	default:
	}
}
