package repo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/gitdiary/diary/repo/odb"
)

// objectsDir is where loose objects go: the common directory's objects
// for a linked work tree, .git/objects otherwise.
func (r *Repo) objectsDir() string { return filepath.Join(commonDir(r.gitDir), "objects") }

// commonDir is the directory that a linked work tree's gitDir shares
// with the main one (objects, refs); gitDir itself otherwise.
func commonDir(gitDir string) string {
	if data, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		dir := strings.TrimSpace(string(data))
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(gitDir, dir)
		}
		return dir
	}
	return gitDir
}

// rawTree reads tree h's raw bytes.
func (r *Repo) rawTree(h Hash) ([]byte, error) {
	data, err := r.readObject(h, plumbing.TreeObject)
	if err != nil {
		return nil, fmt.Errorf("read tree %s: %w", short(h), err)
	}
	return data, nil
}

// readObject reads object h, which must be of type t.
func (r *Repo) readObject(h Hash, t plumbing.ObjectType) ([]byte, error) {
	return odb.ReadTyped(r.git.Storer, plumbing.Hash(h), t)
}

// writeLoose stores data as a loose object (odb.WriteLoose).
func (r *Repo) writeLoose(t plumbing.ObjectType, data []byte) (plumbing.Hash, error) {
	return odb.WriteLoose(r.objectsDir(), t, data)
}

// PackLoose gathers the loose objects into one pack when there are at
// least min of them, as git gc --auto does for the git CLI, and returns
// how many it packed. Nothing is lost on the way, whenever a crash comes
// (odb.PackLoose says how).
func (r *Repo) PackLoose(ctx context.Context, min int) (int, error) {
	return odb.PackLoose(ctx, r.objectsDir(), min, r.hook)
}
