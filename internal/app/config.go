package app

import (
	"errors"
	"time"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/repo"
)

// LoadConfig resolves the settings as the diary locate finds would have
// them; outside any diary, without a repo layer.
func LoadConfig(opts Options) (*config.Config, error) {
	dir, _, err := locate(opts)
	if err != nil {
		return nil, err
	}
	lo := config.LoadOptions{Env: opts.Env, Flags: opts.Flags, UserFile: opts.ConfigFile}
	if r, err := repo.Open(dir); err == nil {
		lo.RepoDir = r.Root()
	}
	return config.Load(lo)
}

// ConfigItems are the lines of `diary config list`: every setting with
// its value and source. An author left unset (not set empty) shows the git user.name that
// stands in for it, and where that came from.
func ConfigItems(opts Options) ([]config.Item, error) {
	cfg, err := LoadConfig(opts)
	if err != nil {
		return nil, err
	}
	items := cfg.List()
	for i, it := range items {
		if it.Key == "author" && it.Value == "" && it.Source.Layer == config.LayerDefault {
			var r *repo.Repo
			if dir, _, err := locate(opts); err == nil {
				r, _ = repo.Open(dir)
			}
			if id, err := repo.UserIdentity(r, opts.Env); err == nil {
				items[i].Value = id.Name
				items[i].Source = config.Source{Layer: "git", File: id.From}
			}
		}
	}
	return items, nil
}

// SetConfig writes one setting: into this machine's config file, or with
// shared into the diary's .diary.yml. It returns the file written.
func SetConfig(opts Options, key, value string, shared bool) (string, error) {
	// A category every new entry would carry is held to what new holds
	// a typed one to (config knows nothing of entries).
	if key == "category" && value != "" {
		if _, err := cleanWord(entry.FieldCategory, value); err != nil {
			return "", err
		}
		// And to the URL of the diary's site, when there is one.
		if d, err := Open(opts); err == nil {
			post := entry.Post{Title: "entry", Date: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), DateFormat: "2006-01-02", Categories: []string{value}}
			if err := d.unbuildableURL(entry.PostsDir+"/2000-01-01-entry.md", post.Render()); err != nil {
				return "", Usagef("%v", err)
			}
		}
	}
	file := opts.ConfigFile
	if file == "" {
		file = config.UserFile(opts.Env)
	}
	if shared {
		d, err := Open(opts)
		if err != nil {
			return "", err
		}
		file = config.RepoFile(d.Root)
	}
	err := config.Set(file, key, value, shared)
	if errors.Is(err, config.ErrUnknownKey) || errors.Is(err, config.ErrInvalid) || errors.Is(err, config.ErrSecret) {
		return "", &usageError{err}
	}
	return file, err
}
