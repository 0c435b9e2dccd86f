package repo

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	format "github.com/go-git/go-git/v5/plumbing/format/config"
)

// ConfigSection returns the options of [section "subsection"] in
// .git/config, in the file's order; none when it is missing.
func (r *Repo) ConfigSection(section, subsection string) ([][2]string, error) {
	cfg, err := r.readConfig()
	if err != nil {
		return nil, err
	}
	if !cfg.HasSection(section) || !cfg.Section(section).HasSubsection(subsection) {
		return nil, nil
	}
	var out [][2]string
	for _, o := range cfg.Section(section).Subsection(subsection).Options {
		out = append(out, [2]string{o.Key, o.Value})
	}
	return out, nil
}

// SetConfigSection sets options of [section "subsection"] in
// .git/config, each to one value, and leaves every other section and
// option as it is. The file is written as git writes it: whole, under
// config.lock, so that git and diary never change it at once and a crash
// leaves the old file or the new one.
func (r *Repo) SetConfigSection(section, subsection string, options [][2]string) error {
	cfg, err := r.readConfig()
	if err != nil {
		return err
	}
	sub := cfg.Section(section).Subsection(subsection)
	for _, kv := range options {
		sub.SetOption(kv[0], kv[1])
	}
	var buf bytes.Buffer
	if err := format.NewEncoder(&buf).Encode(cfg); err != nil {
		return fmt.Errorf("write %s: %w", r.configPath(), err)
	}
	return writeLocked(r.configPath(), buf.Bytes())
}

func (r *Repo) configPath() string { return filepath.Join(r.gitDir, "config") }

func (r *Repo) readConfig() (*format.Config, error) {
	cfg := format.New()
	data, err := os.ReadFile(r.configPath())
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", r.configPath(), err)
	}
	if err := format.NewDecoder(bytes.NewReader(data)).Decode(cfg); err != nil {
		return nil, fmt.Errorf("read %s: %w: fix it with git config --edit", r.configPath(), err)
	}
	return cfg, nil
}

// writeLocked replaces path under git's lock protocol, taken as diary
// takes every lock (lockfile.go): PATH.lock appears whole, a dead
// diary's is taken over, and any other is a running git's, respected
// and named.
func writeLocked(path string, data []byte) error {
	lock := path + ".lock"
	l, err := createLock(lock, filepath.Dir(path), data, true)
	if errors.Is(err, ErrLockHeld) {
		return fmt.Errorf("write %s: %s exists: another git is changing it; try again when it is done, or remove the lock if no git runs", path, lock)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := l.commit(path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
