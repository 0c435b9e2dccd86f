package app

import (
	"context"
	"io"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/repo"
)

// CloneResult says what Clone did.
type CloneResult struct {
	Root       string
	Remembered string // the user config file where the diary's place was written
}

// Clone makes this laptop a copy of the diary at url, in dir (the `repo`
// setting's place when ""), and remembers dir as this machine's diary.
func Clone(ctx context.Context, opts Options, url, dir string, progress io.Writer) (*CloneResult, error) {
	if err := checkRemoteURL(url); err != nil {
		return nil, err
	}
	if dir == "" {
		cfg, err := config.Load(config.LoadOptions{Env: opts.Env, Flags: opts.Flags, UserFile: opts.ConfigFile})
		if err != nil {
			return nil, err
		}
		dir = cfg.Repo
	}
	dir = abs(dir, opts)
	cfg, err := config.Load(config.LoadOptions{Env: opts.Env, Flags: opts.Flags, UserFile: opts.ConfigFile})
	if err != nil {
		return nil, err
	}
	a, err := auth(url, opts)
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, cfg.Timeout*10)
	defer cancel()
	r, err := repo.Clone(cctx, url, dir, repo.NetOptions{Auth: a, Progress: progress})
	if err != nil {
		return nil, err
	}
	if namesMergeDriver(r.Root()) {
		// The diary asks for diary's merge driver: git's config is not
		// cloned, so register it on this laptop too.
		if _, err := registerMergeDriver(r); err != nil {
			return &CloneResult{Root: r.Root()}, err
		}
	}
	file := opts.ConfigFile
	if file == "" {
		file = config.UserFile(opts.Env)
	}
	if err := config.Set(file, "repo", r.Root(), false); err != nil {
		return &CloneResult{Root: r.Root()}, err
	}
	if err := r.CloneDone(); err != nil {
		return &CloneResult{Root: r.Root()}, err
	}
	return &CloneResult{Root: r.Root(), Remembered: file}, nil
}
