package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/gitdiary/diary/internal/atomicfile"
	"github.com/gitdiary/diary/internal/regular"
	"github.com/gitdiary/diary/repo"
	dsync "github.com/gitdiary/diary/sync"
	"github.com/gitdiary/diary/sync/merge"
)

// ResolveOptions are what `diary resolve` was asked for.
type ResolveOptions struct {
	Entry  string // a conflict copy, the entry it belongs to, or words of either; "" when there is one
	Take   string // "local", "remote", or "" to merge in the editor
	Editor func(command string) Editor
}

// ResolveResult says what Resolve did. With ErrAmbiguous, Copies lists
// the candidates.
type ResolveResult struct {
	Path   string // the entry
	Copy   string // its conflict copy, now removed
	Took   string
	Commit string
	Copies []string
}

// errUnresolved: the merged text still has conflict markers or does not
// parse; it is kept in the work tree for another go.
var errUnresolved = errors.New("not resolved yet")

// Resolve settles one conflict copy: the local version (in _conflicts/)
// or the remote one (at the path) is taken, or both are merged in the
// editor, with conflict markers to guide; then the copy is removed and
// the result committed.
func (d *Diary) Resolve(ctx context.Context, ro ResolveOptions) (*ResolveResult, error) {
	res := &ResolveResult{}
	if ro.Take != "" && ro.Take != "local" && ro.Take != "remote" {
		return res, Usagef("--take %q: use local or remote", ro.Take)
	}
	copies, err := conflictCopies(d.Root)
	if err != nil {
		return nil, err
	}
	if len(copies) == 0 {
		return nil, fmt.Errorf("%w: there are no conflict copies to resolve", ErrNotFound)
	}
	var found []string
	for _, c := range copies {
		orig := originalOf(c)
		if ro.Entry == "" || c == ro.Entry || orig == ro.Entry || strings.Contains(strings.ToLower(c), strings.ToLower(ro.Entry)) {
			found = append(found, c)
		}
	}
	switch {
	case len(found) == 0:
		return nil, fmt.Errorf("%w: no conflict copy matches %q: diary status lists them", ErrNotFound, ro.Entry)
	case len(found) > 1:
		res.Copies = found
		return res, fmt.Errorf("%w: %d conflict copies: name one, as in diary resolve %s", ErrAmbiguous, len(found), found[0])
	}
	res.Copy, res.Path = found[0], originalOf(found[0])
	if res.Path == "" {
		return res, fmt.Errorf("%s is not named like a conflict copy (PATH~HOST-STAMP.EXT): move it where it belongs by hand", res.Copy)
	}
	if err := d.Repo.CheckIdle(); err != nil {
		return res, err
	}
	if _, err := d.Repo.OnBranch(d.Config.Branch); err != nil {
		return res, err
	}
	full := filepath.Join(d.Root, filepath.FromSlash(res.Path))
	local, err := regular.ReadFile(filepath.Join(d.Root, filepath.FromSlash(res.Copy)))
	if err != nil {
		return res, err
	}
	remote, err := regular.ReadFile(full)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return res, err
	}

	switch ro.Take {
	case "local":
		if err := atomicfile.WriteFile(full, local, 0o644); err != nil {
			return res, err
		}
	case "remote":
	case "":
		if ro.Editor == nil {
			return res, fmt.Errorf("%w to merge in: run diary resolve %s --take local (or remote), or run it on a terminal", ErrNoTerminal, res.Path)
		}
		committed, _ := d.committedVersion(res.Path)
		// A previous attempt left in the work tree is taken up again.
		if bytes.Equal(remote, committed) {
			m := merge.Text(nil, local, remote, merge.Labels{Ours: "local (" + d.Config.Host + ")", Theirs: "remote"})
			if err := atomicfile.WriteFile(full, m.Merged, 0o644); err != nil {
				return res, err
			}
		}
		if err := ro.Editor(d.Config.Editor).Edit(ctx, full); err != nil {
			return res, fmt.Errorf("%w; the attempt is in %s and %s is kept", editorError(err), res.Path, res.Copy)
		}
		merged, err := regular.ReadFile(full)
		if err != nil {
			return res, err
		}
		if p := dsync.Lint(res.Path, merged, d.Config.Location); p != "" && dsync.IsPost(res.Path) {
			return res, fmt.Errorf("%w: %s: edit it again with diary resolve %s; %s is kept until then", errUnresolved, p, res.Path, res.Copy)
		} else if bytes.Contains(merged, []byte("\n<<<<<<< ")) || bytes.HasPrefix(merged, []byte("<<<<<<< ")) {
			return res, fmt.Errorf("%w: %s still has conflict markers: edit it again with diary resolve %s", errUnresolved, res.Path, res.Path)
		}
	}
	if err := os.Remove(filepath.Join(d.Root, filepath.FromSlash(res.Copy))); err != nil {
		return res, err
	}
	repo.RemoveEmptyDirs(d.Root, filepath.Dir(filepath.Join(d.Root, filepath.FromSlash(res.Copy))))
	res.Took = ro.Take
	how := "merged"
	if ro.Take != "" {
		how = "took " + ro.Take
	}
	res.Commit, err = d.commit(ctx, []string{res.Path, res.Copy}, fmt.Sprintf("resolve %q (%s)", path.Base(res.Path), how))
	return res, err
}

// originalOf maps _conflicts/<stem>~<HOST>-<STAMP><ext> back to
// <stem><ext>; "" for a name not made that way.
func originalOf(copy string) string {
	rest, ok := strings.CutPrefix(copy, dsync.ConflictsDir+"/")
	if !ok {
		return ""
	}
	i := strings.LastIndex(rest, "~")
	if i < 0 {
		return ""
	}
	ext := path.Ext(rest[i:])
	return rest[:i] + ext
}

func (d *Diary) committedVersion(p string) ([]byte, error) {
	head, err := d.Repo.Head()
	if err != nil {
		return nil, err
	}
	t, err := d.Repo.ReadTree(head.Hash)
	if err != nil {
		return nil, err
	}
	e, ok := t[p]
	if !ok {
		return nil, nil
	}
	return d.Repo.ReadBlob(e.Hash)
}
