package app

import (
	"context"
	"time"

	"github.com/gitdiary/diary/repo"
	dsync "github.com/gitdiary/diary/sync"
)

// SyncOptions are what `diary sync` was asked for.
type SyncOptions struct {
	NoPush, DryRun bool
	Progress       func(repo.Progress) // nil: quiet
	// Hook is dsync.Options.Hook: fault-injection tests only.
	Hook func(point string)
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
		Hook:     so.Hook,
	})
}

// refreshLockWait is how long edit's fetch first waits for a sync that
// is running: that sync brings the news itself.
const refreshLockWait = 2 * time.Second

// refresh fetches and fast-forwards a clean work tree that is behind the
// remote (sync.Refresh), before edit opens the editor, so that the writer
// edits the newest version. Offline, or on any other failure, the entry
// is edited as it is here, and nothing is said: the sync after the commit
// deals with whatever is out of date. Credentials are only those found
// without asking (agent, key without passphrase, environment).
func (d *Diary) refresh(ctx context.Context) {
	cfg := d.Config
	var net repo.NetOptions
	if url, err := d.Repo.RemoteURL(cfg.Remote); err == nil {
		net.Auth, _ = repo.Auth(url, repo.AuthOptions{Env: d.opts.Env})
	}
	_, _ = dsync.Refresh(ctx, dsync.Options{
		Repo:     d.Repo,
		Remote:   cfg.Remote,
		Branch:   cfg.Branch,
		Host:     cfg.Host,
		Location: cfg.Location,
		Now:      d.opts.now,
		Timeout:  cfg.Timeout,
		Net:      net,
		LockWait: refreshLockWait,
	})
}
