package app

import (
	"context"
	"slices"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/repo"
)

// CloneResult says what Clone did.
type CloneResult struct {
	Root       string
	Remembered string   // the user config file where the diary's place was written
	Submodules []string // the submodules' paths: left empty, as git clone leaves them
}

// Clone makes this laptop a copy of the diary at url, in dir (the `repo`
// setting's place when ""), and remembers dir as this machine's diary.
func Clone(ctx context.Context, opts Options, url, dir string, progress func(repo.Progress)) (*CloneResult, error) {
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
	// The timeout bounds stalls, not the clone: a large diary over a slow
	// link takes as long as it takes, while bytes move.
	r, err := repo.Clone(ctx, url, dir, repo.NetOptions{Auth: a, Progress: progress, Stall: cfg.Timeout})
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
	// The submodules are only a hint: the clone is done and remembered,
	// so a tree that cannot be read now is not a failed clone (the next
	// command reports a broken repository in its own words).
	subs, _ := submodules(r)
	return &CloneResult{Root: r.Root(), Remembered: file, Submodules: subs}, nil
}

// submodules lists the gitlinks of HEAD, sorted: a theme's assets (as
// Chirpy ships assets/lib) that diary never checks out or commits into.
func submodules(r *repo.Repo) ([]string, error) {
	head, err := r.Head()
	if err != nil || head.Hash.IsZero() {
		return nil, err
	}
	t, err := r.ReadTree(head.Hash)
	if err != nil {
		return nil, err
	}
	var out []string
	for p, e := range t {
		if e.Mode == repo.ModeSubmodule {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out, nil
}
