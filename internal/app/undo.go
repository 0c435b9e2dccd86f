package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gitdiary/diary/repo"
)

// UndoResult says what Undo restored.
type UndoResult struct {
	From, To string   // commits, short
	Changed  []string // paths the work tree got back
	Pushed   bool     // the undone commits are on the remote already
}

// errNothingToUndo: no sync has recorded a backup.
var errNothingToUndo = errors.New("nothing to undo")

// Undo puts HEAD and the work tree back to where they were before the
// last sync, from the newest backup under refs/diary/backup/, and drops
// that backup so that another undo goes one sync further back. It
// refuses when uncommitted work would be lost, or a commit made since
// that sync that nothing else keeps.
func (d *Diary) Undo(ctx context.Context) (*UndoResult, error) {
	r := d.Repo
	unlock, err := r.Lock(ctx, 0)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := r.CheckIdle(); err != nil {
		return nil, err
	}
	backups, err := r.Backups()
	if err != nil {
		return nil, err
	}
	if len(backups) == 0 {
		return nil, fmt.Errorf("%w: no sync has moved this diary yet", errNothingToUndo)
	}
	b := backups[len(backups)-1]
	head, err := r.OnBranch(d.Config.Branch)
	if err != nil {
		return nil, err
	}
	changes, err := r.Changes(ctx)
	if err != nil {
		return nil, err
	}
	if len(changes) > 0 {
		var paths []string
		for _, c := range changes {
			paths = append(paths, c.Path)
		}
		return nil, fmt.Errorf("undo would lose uncommitted work in %s: commit it first (diary sync --no-push), or move it away", strings.Join(paths, ", "))
	}
	if err := refuseDropping(r, head, b.Hash); err != nil {
		return nil, err
	}
	from, err := r.ReadTree(head.Hash)
	if err != nil {
		return nil, err
	}
	to, err := r.ReadTree(b.Hash)
	if err != nil {
		return nil, err
	}
	res := &UndoResult{From: repo.Short(head.Hash), To: repo.Short(b.Hash), Changed: repo.ChangedPaths(from, to)}
	if remote, ok, err := r.RemoteBranch(d.Config.Remote, head.Branch); err == nil && ok && remote != b.Hash {
		if pushed, err := r.IsAncestor(head.Hash, remote); err == nil && pushed {
			res.Pushed = true
		}
	}
	if err := r.Update(ctx, head.Hash, b.Hash, from, to); err != nil {
		return nil, err
	}
	if err := r.SetBranch(head.Branch, head.Hash, b.Hash); err != nil {
		return nil, err
	}
	return res, r.RemoveRef(b.Name)
}

// refuseDropping refuses an undo from head back to backup when it would
// drop a commit made since that sync: one that neither the backup, the
// remote's branch nor any other ref keeps. The sync's own merge (first
// parent the backup) is what undo is for, and is not counted.
func refuseDropping(r *repo.Repo, head repo.HeadState, backup repo.Hash) error {
	only, err := r.OnlyOn(head.Branch, head.Hash, backup)
	if err != nil {
		return fmt.Errorf("undo: %w", err)
	}
	var lost []string
	for _, c := range only {
		if len(c.Parents) > 1 && c.Parents[0] == backup {
			continue
		}
		lost = append(lost, repo.Short(c.Hash)+" "+c.Subject)
	}
	if len(lost) == 0 {
		return nil
	}
	noun := "commit"
	if len(lost) > 1 {
		noun = "commits"
	}
	return fmt.Errorf("undo would drop %d %s made since the last sync: %s: nothing was changed; to undo anyway and keep them, name them first with git branch keep %s, then run diary undo again",
		len(lost), noun, strings.Join(lost, "; "), repo.Short(head.Hash))
}
