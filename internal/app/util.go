package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/repo"
)

// ErrUsage marks an error in what the user asked for (exit code 2), as
// opposed to a failure to do it (exit code 1). Such errors match it with
// errors.Is without saying "bad usage" in their text.
var ErrUsage = errors.New("bad usage")

type usageError struct{ err error }

func (e *usageError) Error() string        { return e.err.Error() }
func (e *usageError) Unwrap() error        { return e.err }
func (e *usageError) Is(target error) bool { return target == ErrUsage }

// Usagef returns an error in what the user asked for.
func Usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

func quoteYAML(s string) string { return entry.Quote(s) }

// writeFileAtomic writes a file whole or not at all: a temporary file in
// the same directory, synced, then renamed over the name.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".diary-tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

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

// author is the name written into front matter.
func author(r *repo.Repo, cfg *config.Config, env config.Env) (string, error) {
	if cfg.Author != "" {
		return cfg.Author, nil
	}
	id, err := identity(r, cfg, env)
	if err != nil {
		return "", err
	}
	return id.Name, nil
}

// localZoneName is this machine's IANA zone name, "" when it cannot be
// told: $TZ, /etc/timezone, or the target of /etc/localtime.
func localZoneName(env config.Env) string {
	tz, _ := env("TZ")
	if tz := strings.TrimPrefix(tz, ":"); tz != "" && !filepath.IsAbs(tz) {
		return tz
	}
	if data, err := os.ReadFile("/etc/timezone"); err == nil {
		if s := strings.TrimSpace(string(data)); s != "" {
			return s
		}
	}
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		if _, name, ok := strings.Cut(target, "zoneinfo/"); ok {
			return name
		}
	}
	return ""
}
