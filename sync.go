package diary

import (
	"context"
	"io"

	"github.com/gitdiary/diary/repo"
	dsync "github.com/gitdiary/diary/sync"
)

// SyncOptions are what `diary sync` was asked for.
type SyncOptions struct {
	NoPush, DryRun bool
	Progress       io.Writer // nil: quiet
}

// Sync commits, fetches, merges and pushes, as DESIGN.md orders it.
func (d *Diary) Sync(ctx context.Context, so SyncOptions) (*dsync.Result, error) {
	cfg := d.Config
	id, err := identity(d.Repo, cfg, d.opts.Env)
	if err != nil {
		return nil, err
	}
	return dsync.Run(ctx, dsync.Options{
		Repo:     d.Repo,
		Remote:   cfg.Remote,
		Branch:   cfg.Branch,
		Host:     cfg.Host,
		Author:   repo.Signature{Name: id.Name, Email: id.Email, When: repo.CommitTime(d.opts.now(), d.opts.Env)},
		Location: cfg.Location,
		Now:      d.opts.now,
		Timeout:  cfg.Timeout,
		Net:      repo.NetOptions{Progress: so.Progress},
		NoPush:   so.NoPush,
		DryRun:   so.DryRun,
	})
}
