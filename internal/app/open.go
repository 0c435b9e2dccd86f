// Package app is what the commands do: it finds the diary, loads its
// settings and ties entry, config and repo together. cmd/diary parses
// flags, calls one function here and prints what it returns; nothing here
// prints.
package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/repo"
)

// errNoDiary: there is no diary where diary looked.
var errNoDiary = errors.New("no diary")

// Options say where to find the diary and its settings; the command line
// and the environment fill them.
type Options struct {
	Repo       string            // --repo
	ConfigFile string            // --config: the user config file instead of the default
	Flags      map[string]string // settings given as flags
	Env        config.Env        // os.LookupEnv outside tests
	Dir        string            // the working directory
	Now        func() time.Time
	// Passphrase asks the user for an SSH key's passphrase on the
	// terminal; nil without one (then DIARY_SSH_PASSPHRASE or ssh-agent
	// must do).
	Passphrase func(prompt string) (string, error)
	// Self is this diary binary's absolute path, which autosync runs.
	Self string
	// Warn hears what was skipped on the way (a settings file that is
	// not a regular file): the command prints it on stderr. nil: nobody.
	Warn func(msg string)
}

func (o *Options) warn(msg string) {
	if o.Warn != nil {
		o.Warn(msg)
	}
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Diary is an opened diary: its work tree, repository and settings.
type Diary struct {
	Root   string
	Repo   *repo.Repo
	Config *config.Config
	// How says how the diary was found, for messages: "--repo", "DIARY_REPO",
	// "the current directory", a config file, or "the default".
	How  string
	opts Options
}

// locate finds where the diary should be, without requiring that it
// exists: --repo, $DIARY_REPO, the git work tree that holds the working
// directory if it has _posts/ or .diary.yml, `repo` in the user config,
// ~/diary. The first that says something wins.
func locate(opts Options) (dir, how string, err error) {
	if opts.ConfigFile != "" {
		if _, err := os.Stat(opts.ConfigFile); err != nil {
			return "", "", Usagef("--config %s: %v: check the path, or create the file with diary --config %s config set KEY VALUE", opts.ConfigFile, errors.Unwrap(err), opts.ConfigFile)
		}
	}
	if opts.Repo != "" {
		return abs(opts.Repo, opts), "--repo", nil
	}
	if v, ok := opts.Env("DIARY_REPO"); ok && v != "" {
		return abs(v, opts), "DIARY_REPO", nil
	}
	if opts.Dir != "" {
		r, err := repo.Discover(opts.Dir)
		if err == nil && isDiary(r.Root()) {
			return r.Root(), "the current directory", nil
		}
		// A diary whose .git is broken is said, not passed over for
		// another diary; a broken .git elsewhere (a stray one in ~) is
		// none of diary's business, as for git.
		if be := (*repo.BrokenError)(nil); errors.As(err, &be) && isDiary(be.Root) {
			return "", "", err
		}
	}
	cfg, err := config.Load(config.LoadOptions{Env: opts.Env, Flags: opts.Flags, UserFile: opts.ConfigFile})
	if err != nil {
		return "", "", err
	}
	src := cfg.Source("repo")
	how = "the default"
	if src.File != "" {
		how = src.File
	}
	return abs(cfg.Repo, opts), how, nil
}

func abs(p string, opts Options) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, ok := opts.Env("HOME"); ok && home != "" {
			p = filepath.Join(home, p[1:])
		}
	}
	if !filepath.IsAbs(p) && opts.Dir != "" {
		p = filepath.Join(opts.Dir, p)
	}
	return filepath.Clean(p)
}

// isDiary reports whether the work tree root is a diary, or a Jekyll
// site diary can take as one: it has .diary.yml or _posts/, or it is a
// Jekyll site (_config.yml or _config.yaml) whose posts live in the
// _posts/ of one of its folders, a/_posts/ (Hydejack keeps each
// category's posts so, and Jekyll gives them the folder's category).
// Only the root's own entries are looked at, and one folder below each
// of its folders: a big tree is never walked (a/b/_posts/ alone is not
// found; diary init, or --repo, makes such a site a diary).
func isDiary(root string) bool {
	for _, name := range []string{entry.PostsDir, ".diary.yml"} {
		if _, err := os.Stat(filepath.Join(root, name)); err == nil {
			return true
		}
	}
	site := false
	for _, name := range []string{"_config.yml", "_config.yaml"} {
		if _, err := os.Stat(filepath.Join(root, name)); err == nil {
			site = true
		}
	}
	if !site {
		return false
	}
	des, err := os.ReadDir(root)
	if err != nil {
		return false
	}
	for _, de := range des {
		if !de.IsDir() || !entry.SiteFolder(de.Name()) {
			continue
		}
		if fi, err := os.Lstat(filepath.Join(root, de.Name(), entry.PostsDir)); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}

// Open opens the diary that locate finds. It is errNoDiary when that is
// not a git repository.
func Open(opts Options) (*Diary, error) {
	dir, how, err := locate(opts)
	if err != nil {
		return nil, err
	}
	r, err := repo.Open(dir)
	if errors.Is(err, repo.ErrNotRepo) {
		if _, serr := os.Stat(dir); errors.Is(serr, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w at %s (from %s): create one with diary init %s, or diary clone URL", errNoDiary, dir, how, dir)
		}
		return nil, fmt.Errorf("%w: %s (from %s) is not a git repository: run diary init %s to make it a diary", errNoDiary, dir, how, dir)
	}
	if err != nil {
		return nil, err
	}
	return load(r, how, opts)
}

func load(r *repo.Repo, how string, opts Options) (*Diary, error) {
	cfg, err := config.Load(config.LoadOptions{Env: opts.Env, Flags: opts.Flags, RepoDir: r.Root(), UserFile: opts.ConfigFile})
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings {
		opts.warn(w)
	}
	return &Diary{Root: r.Root(), Repo: r, Config: cfg, How: how, opts: opts}, nil
}

// auth finds the credentials for a remote URL: none for local paths,
// ssh-agent, ~/.ssh/config and keys for SSH, a token or git's credential
// helper for HTTPS.
func auth(url string, opts Options) (*repo.Credentials, error) {
	return repo.Auth(url, repo.AuthOptions{Env: opts.Env, Interactive: opts.Passphrase != nil, Passphrase: opts.Passphrase})
}
