package app

import (
	"errors"
	"fmt"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/repo"
)

// identity is who commits: git's user.name and user.email, with the
// configured author standing in for a missing name.
func identity(r *repo.Repo, cfg *config.Config, env config.Env) (repo.Identity, error) {
	id, err := repo.UserIdentity(r, env)
	if errors.Is(err, repo.ErrNoIdentity) && cfg.Author != "" {
		return repo.Identity{Name: cfg.Author, Email: id.Email, From: "author"}, nil
	}
	if errors.Is(err, repo.ErrNoIdentity) {
		return id, fmt.Errorf("%w: tell diary who writes: diary config set author \"Your Name\", or git config --global user.name \"Your Name\" (and user.email)", err)
	}
	return id, err
}

// author is the name written into front matter: the author setting, or
// git's user.name when nothing sets it. Set empty (a site whose posts
// carry no author, as init learns), it is none.
func author(r *repo.Repo, cfg *config.Config, env config.Env) (string, error) {
	if cfg.Author != "" || cfg.Source("author").Layer != config.LayerDefault {
		return cfg.Author, nil
	}
	id, err := identity(r, cfg, env)
	if err != nil {
		return "", err
	}
	return id.Name, nil
}
