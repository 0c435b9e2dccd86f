package app

import (
	"context"

	"github.com/gitdiary/diary/repo"
	dsync "github.com/gitdiary/diary/sync"
)

// SyncOptions are what `diary sync` was asked for.
type SyncOptions struct {
	NoPush, DryRun bool
	Progress       func(repo.Progress) // nil: quiet
}

// Sync commits, fetches, merges and pushes, as DESIGN.md orders it.
func (d *Diary) Sync(ctx context.Context, so SyncOptions) (*dsync.Result, error) {
	cfg := d.Config
	id, err := identity(d.Repo, cfg, d.opts.Env)
	if err != nil {
		return nil, err
	}
	net := repo.NetOptions{Progress: so.Progress}
	if url, err := d.Repo.RemoteURL(cfg.Remote); err == nil {
		// Without usable credentials sync still commits locally; the
		// first network step then reports what was refused (exit 1).
		net.Auth, _ = auth(url, d.opts)
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
		Net:      net,
		NoPush:   so.NoPush,
		DryRun:   so.DryRun,
	})
}
