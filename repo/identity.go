package repo

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	format "github.com/go-git/go-git/v5/plumbing/format/config"

	"github.com/gitdiary/diary/internal/regular"
)

// Identity is the user's git identity as git itself would find it.
type Identity struct {
	Name, Email string
	// From says where Name came from (a file or a variable), for doctor
	// and for error messages.
	From string
}

// ErrNoIdentity: no user.name anywhere git would look.
var ErrNoIdentity = errors.New("no git identity")

// UserIdentity reads user.name and user.email the way git does: the
// environment (GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL), then the repository's
// own config (when r is not nil), then ~/.gitconfig, then
// $XDG_CONFIG_HOME/git/config. go-git's own global config reads only the
// first of those two files it finds; people keep their identity in
// either, so both are read here.
//
// env looks up environment variables (os.LookupEnv outside tests).
func UserIdentity(r *Repo, env func(string) (string, bool)) (Identity, error) {
	getenv := func(k string) string { v, _ := env(k); return v }
	var id Identity
	var files []string
	if r != nil {
		files = append(files, filepath.Join(r.gitDir, "config"))
	}
	home := getenv("HOME")
	if home != "" {
		files = append(files, filepath.Join(home, ".gitconfig"))
	}
	xdg := getenv("XDG_CONFIG_HOME")
	if xdg == "" && home != "" {
		xdg = filepath.Join(home, ".config")
	}
	if xdg != "" {
		files = append(files, filepath.Join(xdg, "git", "config"))
	}
	if v, ok := env("GIT_AUTHOR_NAME"); ok && v != "" {
		id.Name, id.From = v, "GIT_AUTHOR_NAME"
	}
	if v, ok := env("GIT_AUTHOR_EMAIL"); ok {
		id.Email = v
	}
	for _, f := range files {
		if id.Name != "" && id.Email != "" {
			break
		}
		name, email, err := readUser(f)
		if err != nil {
			return id, err
		}
		if id.Name == "" && name != "" {
			id.Name, id.From = name, f
		}
		if id.Email == "" {
			id.Email = email
		}
	}
	if id.Name == "" {
		return id, ErrNoIdentity
	}
	return id, nil
}

func readUser(file string) (name, email string, err error) {
	// Only a regular file (or a link to one): a pipe would block.
	f, _, err := regular.Open(file, true)
	if errors.Is(err, fs.ErrNotExist) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("read %s: %w: make it a plain file", file, err)
	}
	defer f.Close()
	cfg := format.New()
	if err := format.NewDecoder(f).Decode(cfg); err != nil {
		return "", "", fmt.Errorf("read %s: %w: fix it with `git config --file %s --list`", file, err, file)
	}
	s := cfg.Section("user")
	return s.Option("name"), s.Option("email"), nil
}

// CommitTime is now, unless GIT_COMMITTER_DATE or GIT_AUTHOR_DATE says
// otherwise, as they do for git: scripts and tests pin commit dates
// that way.
func CommitTime(now time.Time, env func(string) (string, bool)) time.Time {
	for _, v := range []string{"GIT_COMMITTER_DATE", "GIT_AUTHOR_DATE"} {
		if s, _ := env(v); s != "" {
			if t, ok := parseGitDate(s); ok {
				return t
			}
		}
	}
	return now
}

// parseGitDate reads git's internal "@unix ±hhmm" form and ISO 8601.
func parseGitDate(s string) (time.Time, bool) {
	if strings.HasPrefix(s, "@") {
		secs, zone, _ := strings.Cut(s[1:], " ")
		n, err := strconv.ParseInt(secs, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		t := time.Unix(n, 0).UTC()
		if z, err := time.Parse("-0700", zone); err == nil {
			t = t.In(z.Location())
		}
		return t, true
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05 -0700", "2006-01-02T15:04:05-0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
