package diary

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/regular"
	"github.com/gitdiary/diary/repo"
	dsync "github.com/gitdiary/diary/sync"
	"gopkg.in/yaml.v3"
)

// Level is how a doctor check came out.
type Level string

// The levels: only errors make doctor fail.
const (
	OK      Level = "ok"
	Warning Level = "warning"
	Error   Level = "error"
)

// Check is one line of `diary doctor`: what was checked, how it came
// out, and what to do about it.
type Check struct {
	Level Level  `json:"level"`
	Name  string `json:"name"`
	Say   string `json:"message"`
}

// Doctor checks what makes diary work on this laptop: the diary, the
// identity, the remote (reachable, credentials accepted, push allowed),
// the clock and time zone, site settings that hide posts, and work that
// waits: uncommitted entries and conflict copies.
func Doctor(ctx context.Context, opts Options) []Check {
	var out []Check
	add := func(l Level, name, format string, args ...any) {
		out = append(out, Check{l, name, fmt.Sprintf(format, args...)})
	}
	d, err := Open(opts)
	if err != nil {
		add(Error, "diary", "%v", err)
		return out
	}
	add(OK, "diary", "%s (found by %s)", d.Root, d.How)
	cfg := d.Config

	if id, err := identity(d.Repo, cfg, opts.Env); err != nil {
		add(Error, "identity", "%v", err)
	} else {
		who := id.Name
		if id.Email != "" {
			who += " <" + id.Email + ">"
		}
		add(OK, "identity", "commits as %s (from %s)", who, id.From)
		if cfg.Author != "" && cfg.Author != id.Name {
			add(OK, "author", "entries name %s as author", cfg.Author)
		}
	}

	d.doctorObjects(add)
	d.doctorRemote(ctx, add)
	d.doctorMergeDriver(add)
	site := siteSettings(d.Root)
	d.doctorTime(site, add)
	d.doctorSite(site, add)

	if changes, err := d.Repo.Changes(ctx); err != nil {
		add(Error, "work tree", "%v", err)
	} else if len(changes) > 0 {
		add(Warning, "work tree", "%d uncommitted changes (%s…): diary sync commits them", len(changes), changes[0].Path)
	} else {
		add(OK, "work tree", "everything is committed")
	}
	if copies, err := conflictCopies(d.Root); err == nil && len(copies) > 0 {
		add(Warning, "conflicts", "%d conflict copies wait in _conflicts/ (%s): settle them with diary resolve", len(copies), copies[0])
	} else if err == nil {
		add(OK, "conflicts", "no conflict copies")
	}
	return out
}

// doctorMergeDriver says whether git's own merges (git merge, git pull,
// tools built on the git CLI) merge posts the way diary does.
func (d *Diary) doctorMergeDriver(add func(Level, string, string, ...any)) {
	cmd, err := registeredDriver(d.Repo)
	switch {
	case err != nil:
		add(Error, "merge driver", "%v", err)
	case cmd == "":
		add(Warning, "merge driver", "not registered: git merge and git pull merge posts as plain text; register diary merge-file with diary init --merge-driver")
	case !namesMergeDriver(d.Root):
		add(Warning, "merge driver", "registered, but .gitattributes sends no file to it: add it with diary init --merge-driver")
	default:
		add(OK, "merge driver", "git merges posts with %s", cmd)
	}
}

// doctorObjects checks that the branch and its remote-tracking ref
// point at commits this laptop has whole: a fetch cut short in an older
// diary, or damaged object files, leave a ref that every sync then
// fails on.
func (d *Diary) doctorObjects(add func(Level, string, string, ...any)) {
	head, err := d.Repo.Head()
	if err != nil {
		add(Error, "objects", "%v: the repository is damaged; git fsck says how", err)
		return
	}
	if head.Branch == "" {
		return // detached: the branch checks are undo's and sync's
	}
	refs := []string{"refs/heads/" + head.Branch}
	if _, err := d.Repo.RemoteURL(d.Config.Remote); err == nil {
		refs = append(refs, repo.RemoteRef(d.Config.Remote, head.Branch))
	}
	whole := 0
	for i, name := range refs {
		h, ok, err := d.Repo.Ref(name)
		if err != nil {
			add(Error, "objects", "%s: %v: the repository is damaged; git fsck says how", name, err)
			continue
		}
		if !ok {
			continue // an unborn branch, or not fetched yet
		}
		if err := d.Repo.Intact(h); err != nil {
			fix := "the object files are damaged: git fsck says which; a fresh diary clone (then copy over the entries only this laptop has) is a way out"
			if i > 0 {
				fix = "run diary sync, which fetches it again"
			}
			add(Error, "objects", "%s points at %s, which this laptop does not have whole (%v): %s", name, repo.Short(h), err, fix)
			continue
		}
		whole++
	}
	if whole == len(refs) {
		add(OK, "objects", "%s: every file of the last commit is here", strings.Join(refs, " and "))
	}
}

func (d *Diary) doctorRemote(ctx context.Context, add func(Level, string, string, ...any)) {
	cfg := d.Config
	url, err := d.Repo.RemoteURL(cfg.Remote)
	if errors.Is(err, repo.ErrNoRemote) {
		if err := dsync.NoSuchRemote(d.Repo, cfg.Remote); err != nil {
			add(Error, "remote", "%v", err)
			return
		}
		add(Warning, "remote", "no remote named %s: the diary is on this laptop only; add one with git remote add %s URL", cfg.Remote, cfg.Remote)
		return
	}
	if err != nil {
		add(Error, "remote", "%v", err)
		return
	}
	add(OK, "remote", "%s is %s", cfg.Remote, repo.Redact(url))
	a, err := auth(url, d.opts)
	if err != nil {
		add(Error, "credentials", "%v", err)
		return
	}
	net := repo.NetOptions{Auth: a}
	pctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	n, err := d.Repo.Probe(pctx, cfg.Remote, net)
	cancel()
	var hostKey *repo.HostKeyError
	switch {
	case errors.As(err, &hostKey):
		add(OK, "reachable", "%s answers", cfg.Remote)
		add(Error, "known_hosts", "%v", err)
		return
	case errors.Is(err, repo.ErrUnreachable):
		add(Error, "reachable", "%v", err)
		return
	case errors.Is(err, repo.ErrAuth):
		add(OK, "reachable", "%s answers", cfg.Remote)
		add(Error, "credentials", "%v", err)
		return
	case err != nil:
		add(Error, "reachable", "%v", err)
		return
	}
	branches := fmt.Sprintf("%d branches", n)
	if n == 1 {
		branches = "1 branch"
	}
	add(OK, "reachable", "%s answers, with %s", cfg.Remote, branches)
	if strings.HasPrefix(url, "ssh://") || scpLike.MatchString(url) {
		add(OK, "known_hosts", "the host key is known")
	}
	add(OK, "credentials", "accepted")
	pctx, cancel = context.WithTimeout(ctx, cfg.Timeout)
	err = d.Repo.ProbePush(pctx, cfg.Remote, net)
	cancel()
	if err != nil {
		add(Error, "push", "%v", err)
	} else {
		add(OK, "push", "%s would take a push", cfg.Remote)
	}
}

func (d *Diary) doctorTime(site map[string]any, add func(Level, string, string, ...any)) {
	cfg := d.Config
	now := d.opts.now()
	siteZone, _ := site["timezone"].(string)
	switch {
	case siteZone == "":
		add(Warning, "time zone", "_config.yml sets no timezone: Jekyll dates posts in the builder's zone (UTC on GitHub Pages), so entries written near midnight may appear under another day; add timezone: %s to _config.yml", cfg.Location)
	case siteZone != cfg.Location.String():
		add(Warning, "time zone", "entries are dated in %s but the site builds in %s (_config.yml): set one of them to the other (diary config set timezone %s --shared)", cfg.Location, siteZone, siteZone)
	default:
		add(OK, "time zone", "%s, here and in _config.yml", siteZone)
	}
	if head, err := d.Repo.Head(); err == nil && !head.Hash.IsZero() {
		if when, err := d.Repo.CommitTime(head.Hash); err == nil && when.After(now.Add(time.Hour)) {
			add(Warning, "clock", "the last commit is dated %s, after this laptop's clock (%s): check the clock, or new entries will sort before older ones", when.Format(time.RFC3339), now.Format(time.RFC3339))
			return
		}
	}
	add(OK, "clock", "%s", now.In(cfg.Location).Format("2006-01-02 15:04 MST"))
}

// doctorSite looks for site settings that hide posts.
func (d *Diary) doctorSite(site map[string]any, add func(Level, string, string, ...any)) {
	now := d.opts.now()
	future, _ := site["future"].(bool)
	entries, _ := entry.Scan(context.Background(), d.Root, entry.ScanOptions{Location: d.Config.Location, Cache: d.listCache()})
	var ahead, hidden []string
	for _, e := range entries {
		if !future && e.Date.After(now) {
			ahead = append(ahead, e.Path)
		}
		if !e.Published {
			hidden = append(hidden, e.Path)
		}
	}
	if len(ahead) > 0 {
		add(Warning, "future posts", "%d posts are dated in the future (%s), and Jekyll publishes them only then: set future: true in _config.yml to publish them now", len(ahead), ahead[0])
	}
	if len(hidden) > 0 {
		add(Warning, "unpublished", "%d posts say published: false (%s), so Jekyll leaves them out", len(hidden), hidden[0])
	}
	if ex, ok := site["exclude"].([]any); ok {
		for _, x := range ex {
			if s, _ := x.(string); strings.TrimSuffix(s, "/") == entry.PostsDir {
				add(Error, "site", "_config.yml excludes _posts: no post is published; remove it from exclude")
				return
			}
		}
	}
	if len(ahead) == 0 && len(hidden) == 0 {
		add(OK, "site", "no setting hides a post")
	}
}

func siteSettings(root string) map[string]any {
	data, err := regular.ReadFile(filepath.Join(root, "_config.yml"))
	if err != nil {
		return map[string]any{}
	}
	var m map[string]any
	if yaml.Unmarshal(data, &m) != nil || m == nil {
		return map[string]any{}
	}
	return m
}

// scpLike is git's user@host:path form of an SSH URL.
var scpLike = regexp.MustCompile(`^[^/:@]+@[^/:]+:`)
