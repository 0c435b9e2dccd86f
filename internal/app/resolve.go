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

	"github.com/gitdiary/diary/entry"
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
	// What is at the path now: the remote's version as the sync left it,
	// or a merge begun in the editor, committed by a later sync or not.
	current, err := regular.ReadFile(full)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return res, err
	}
	committed, _, err := d.committedVersion(res.Path)
	if err != nil {
		return res, err
	}

	switch ro.Take {
	case "local", "remote":
		side := local
		if ro.Take == "remote" {
			var ok bool
			if side, ok, err = d.remoteVersion(res.Path); err != nil {
				return res, err
			} else if !ok {
				return res, fmt.Errorf("the remote has no %s any more: take local (diary resolve %s --take local), or remove it and its copy %s by hand", res.Path, res.Path, res.Copy)
			}
		}
		if err := d.takeable(res, ro.Take, side); err != nil {
			return res, err
		}
		if !bytes.Equal(current, committed) && !bytes.Equal(current, side) {
			return res, fmt.Errorf("%s has changes that are not committed (a merge begun in the editor?), which taking a side would lose: finish the merge with diary resolve %s, or drop them with git checkout -- %s, then take a side", res.Path, res.Path, res.Path)
		}
		if !bytes.Equal(current, side) {
			if err := atomicfile.WriteFile(full, side, 0o644); err != nil {
				return res, err
			}
		}
	case "":
		if ro.Editor == nil {
			return res, fmt.Errorf("%w to merge in: run diary resolve %s --take local (or remote), or run it on a terminal", ErrNoTerminal, res.Path)
		}
		// An attempt left with markers, committed by a sync or not, or
		// changes not committed yet, are taken up again as they are.
		if bytes.Equal(current, committed) && dsync.MarkerLine(current) == 0 {
			m := merge.Text(nil, local, current, merge.Labels{Ours: "local (" + d.Config.Host + ")", Theirs: "remote"})
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
		if p := dsync.LintSite(res.Path, merged, d.lintSite()); p != "" && dsync.IsPost(res.Path) {
			return res, fmt.Errorf("%w: %s: edit it again with diary resolve %s; %s is kept until then", errUnresolved, p, res.Path, res.Copy)
		} else if n := dsync.MarkerLine(merged); n > 0 {
			return res, fmt.Errorf("%w: %s:%d still has conflict markers: edit it again with diary resolve %s", errUnresolved, res.Path, n, res.Path)
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
	final, err := regular.ReadFile(full)
	if err != nil {
		return res, err
	}
	res.Commit, err = d.commit(ctx, []string{res.Path, res.Copy}, fmt.Sprintf("resolve %q (%s)", d.titleOf(res.Path, final), how))
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

// takeable refuses a side (took: "local" or "remote") that would leave
// conflict markers at the path, or a post that sync would not publish:
// the copy is kept and nothing changes.
func (d *Diary) takeable(res *ResolveResult, took string, side []byte) error {
	which := "the remote version of " + res.Path
	other := "local"
	if took == "local" {
		which, other = "the local version of "+res.Path+" (kept in "+res.Copy+")", "remote"
	}
	if n := dsync.MarkerLine(side); n > 0 {
		return fmt.Errorf("%s has conflict markers (line %d): taking it would publish them; take %s (diary resolve %s --take %s), or merge the two in the editor (diary resolve %s)", which, n, other, res.Path, other, res.Path)
	}
	if !dsync.IsPost(res.Path) {
		return nil
	}
	if p := dsync.LintSite(res.Path, side, d.lintSite()); p != "" {
		return fmt.Errorf("%s would break the site (%s): take %s (diary resolve %s --take %s), or merge the two in the editor (diary resolve %s)", which, p, other, res.Path, other, res.Path)
	}
	return nil
}

// remoteVersion is p as the remote has it, as of the last fetch (ok is
// false when the remote has no such file); without a remote-tracking
// branch, as committed here.
func (d *Diary) remoteVersion(p string) (data []byte, ok bool, err error) {
	head, err := d.Repo.Head()
	if err != nil {
		return nil, false, err
	}
	branch := d.Config.Branch
	if branch == "" {
		branch = head.Branch
	}
	h, found, err := d.Repo.RemoteBranch(d.Config.Remote, branch)
	if err != nil {
		return nil, false, err
	}
	if !found {
		h = head.Hash
	}
	return d.versionAt(h, p)
}

// committedVersion is p as HEAD has it; ok is false when HEAD has no p.
func (d *Diary) committedVersion(p string) (data []byte, ok bool, err error) {
	head, err := d.Repo.Head()
	if err != nil || head.Hash.IsZero() {
		return nil, false, err
	}
	return d.versionAt(head.Hash, p)
}

// versionAt is p as commit c has it; ok is false when c has no p.
func (d *Diary) versionAt(c repo.Hash, p string) (data []byte, ok bool, err error) {
	t, err := d.Repo.ReadTree(c)
	if err != nil {
		return nil, false, err
	}
	e, ok := t[p]
	if !ok {
		return nil, false, nil
	}
	data, err = d.Repo.ReadBlob(e.Hash)
	return data, err == nil, err
}

// titleOf is what a commit message calls the entry at rel holding data:
// its title, or its file name when it has none or does not parse.
func (d *Diary) titleOf(rel string, data []byte) string {
	if e, err := entry.Parse(rel, data, d.Config.Location, entry.IsDraft(rel)); err == nil && e.Title != "" {
		return e.Title
	}
	return path.Base(rel)
}

// ConflictEntries lists the entries that have a conflict copy waiting,
// as diary resolve takes them.
func (d *Diary) ConflictEntries() ([]string, error) {
	copies, err := conflictCopies(d.Root)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range copies {
		if orig := originalOf(c); orig != "" {
			out = append(out, orig)
		}
	}
	return out, nil
}
