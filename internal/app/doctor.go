package app

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/repo"
	dsync "github.com/gitdiary/diary/sync"
)

// Severity is how a doctor check came out.
type Severity string

// The severities: only errors make doctor fail.
const (
	SeverityOK      Severity = "ok"
	SeverityWarning Severity = "warning"
	SeverityError   Severity = "error"
)

// Check is one line of `diary doctor`: what was checked, how it came
// out, and what to do about it.
type Check struct {
	Severity Severity `json:"level"`
	Name     string   `json:"name"`
	Say      string   `json:"message"`
}

// Doctor checks what makes diary work on this laptop: the diary, the
// identity, the remote (reachable, credentials accepted, push allowed),
// the clock and time zone, site settings that hide posts, and work that
// waits: uncommitted entries and conflict copies.
func Doctor(ctx context.Context, opts Options) []Check {
	var out []Check
	add := func(s Severity, name, format string, args ...any) {
		out = append(out, Check{s, name, fmt.Sprintf(format, args...)})
	}
	d, err := Open(opts)
	if err != nil {
		add(SeverityError, "diary", "%v", err)
		return out
	}
	add(SeverityOK, "diary", "%s (found by %s)", d.Root, d.How)
	cfg := d.Config

	if id, err := identity(d.Repo, cfg, opts.Env); err != nil {
		add(SeverityError, "identity", "%v", err)
	} else {
		if id.Email == "" {
			add(SeverityWarning, "identity", "commits as %s, with no email: GitHub links no commit to you: git config --global user.email you@example.com", id.Name)
		} else {
			add(SeverityOK, "identity", "commits as %s <%s> (from %s)", id.Name, id.Email, id.From)
		}
		if cfg.Author != "" && cfg.Author != id.Name {
			add(SeverityOK, "author", "entries name %s as author", cfg.Author)
		}
	}

	d.doctorObjects(add)
	d.doctorRemote(ctx, add)
	d.doctorMergeDriver(add)
	d.doctorAutosync(ctx, add)
	d.doctorWatch(add)
	// A site file that cannot be read gives no settings; the checks then
	// say what Jekyll does without them.
	site, _ := config.ReadSite(d.Root)
	d.doctorTime(ctx, site, add)
	d.doctorSite(ctx, site, add)

	if changes, err := d.Repo.Changes(ctx); err != nil {
		add(SeverityError, "work tree", "%v", err)
	} else {
		if len(changes) > 0 {
			add(SeverityWarning, "work tree", "%d uncommitted changes (%s…): diary sync commits them", len(changes), changes[0].Path)
		} else {
			add(SeverityOK, "work tree", "everything is committed")
		}
		d.doctorLint(ctx, changes, add)
	}
	if copies, err := conflictCopies(d.Root); err == nil && len(copies) > 0 {
		add(SeverityWarning, "conflicts", "%d conflict copies wait in _conflicts/ (%s): settle them with diary resolve", len(copies), copies[0])
	} else if err == nil {
		add(SeverityOK, "conflicts", "no conflict copies")
	}
	return out
}

// doctorLint reports what status reports as problems: posts that would
// break the site, which sync holds back from the push while it pushes
// everything else (an error, as sync then fails for them).
func (d *Diary) doctorLint(ctx context.Context, changes []repo.Change, add func(Severity, string, string, ...any)) {
	held, warnings, err := d.lintProblems(ctx, changes)
	sort.Slice(held, func(i, j int) bool { return held[i].Path < held[j].Path })
	// A diary without a remote publishes nothing yet: sync commits them.
	what := "and sync holds it back (everything else is pushed)"
	if len(held) > 1 {
		what = "and sync holds them back (everything else is pushed; diary status lists them)"
	}
	if _, rerr := d.Repo.RemoteURL(d.Config.Remote); errors.Is(rerr, repo.ErrNoRemote) {
		what = "the day the diary is published"
		if len(held) > 1 {
			what += " (diary status lists them)"
		}
	}
	// What Jekyll builds but most likely not as meant: said, not
	// refused (the skipped non-files are the work tree check's).
	var dates []string
	for _, w := range warnings {
		if strings.Contains(w, entry.RolledDateNote) {
			dates = append(dates, w)
		}
	}
	switch len(dates) {
	case 0:
	case 1:
		add(SeverityWarning, "dates", "%s", dates[0])
	default:
		add(SeverityWarning, "dates", "%d posts are dated on a day their month lacks, which Jekyll moves into the next month (diary status lists them): %s", len(dates), dates[0])
	}
	switch {
	case err != nil:
		add(SeverityError, "lint", "%v", err)
	case len(held) == 1:
		add(SeverityError, "lint", "1 post would break the site, %s: %s; %s", what, held[0].Problem, heldFix(held[0].Path))
	case len(held) > 1:
		add(SeverityError, "lint", "%d posts would break the site, %s: %s; %s", len(held), what, held[0].Problem, heldFix(held[0].Path))
	default:
		add(SeverityOK, "lint", "no post would break the site")
	}
}

// doctorMergeDriver says whether git's own merges (git merge, git pull,
// tools built on the git CLI) merge posts the way diary does.
func (d *Diary) doctorMergeDriver(add func(Severity, string, string, ...any)) {
	cmd, err := registeredDriver(d.Repo)
	switch {
	case err != nil:
		add(SeverityError, "merge driver", "%v", err)
	case cmd == "":
		add(SeverityWarning, "merge driver", "not registered: git merge and git pull merge posts as plain text; register diary merge-file with diary init --merge-driver")
	case !namesMergeDriver(d.Root):
		add(SeverityWarning, "merge driver", "registered, but .gitattributes sends no file to it: add it with diary init --merge-driver")
	default:
		add(SeverityOK, "merge driver", "git merges posts with %s", cmd)
	}
}

// doctorObjects checks that the branch and its remote-tracking ref
// point at commits this laptop has whole: a fetch cut short in an older
// diary, or damaged object files, leave a ref that every sync then
// fails on.
func (d *Diary) doctorObjects(add func(Severity, string, string, ...any)) {
	head, err := d.Repo.Head()
	if err != nil {
		add(SeverityError, "objects", "%v: the repository is damaged; git fsck says how", err)
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
			add(SeverityError, "objects", "%s: %v: the repository is damaged; git fsck says how", name, err)
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
			add(SeverityError, "objects", "%s points at %s, which this laptop does not have whole (%v): %s", name, repo.Short(h), err, fix)
			continue
		}
		whole++
	}
	if whole == len(refs) {
		add(SeverityOK, "objects", "%s: every file of the last commit is here", strings.Join(refs, " and "))
	}
}

func (d *Diary) doctorRemote(ctx context.Context, add func(Severity, string, string, ...any)) {
	cfg := d.Config
	url, err := d.Repo.RemoteURL(cfg.Remote)
	if errors.Is(err, repo.ErrNoRemote) {
		if err := dsync.NoSuchRemote(d.Repo, cfg.Remote); err != nil {
			add(SeverityError, "remote", "%v", err)
			return
		}
		add(SeverityWarning, "remote", "no remote named %s: the diary is on this laptop only; give it one with diary init --remote URL", cfg.Remote)
		return
	}
	if err != nil {
		add(SeverityError, "remote", "%v", err)
		return
	}
	add(SeverityOK, "remote", "%s is %s", cfg.Remote, repo.Redact(url))
	a, err := auth(url, d.opts)
	if err != nil {
		add(SeverityError, "credentials", "%v", err)
		return
	}
	net := repo.NetOptions{Auth: a}
	pctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	n, err := d.Repo.Probe(pctx, cfg.Remote, net)
	cancel()
	var hostKey *repo.HostKeyError
	switch {
	case errors.As(err, &hostKey):
		add(SeverityOK, "reachable", "%s answers", cfg.Remote)
		add(SeverityError, "known_hosts", "%v", err)
		return
	case errors.Is(err, repo.ErrUnreachable):
		add(SeverityError, "reachable", "%v", err)
		return
	case errors.Is(err, repo.ErrAuth):
		add(SeverityOK, "reachable", "%s answers", cfg.Remote)
		add(SeverityError, "credentials", "%v", err)
		return
	case err != nil:
		add(SeverityError, "reachable", "%v", err)
		return
	}
	branches := fmt.Sprintf("%d branches", n)
	if n == 1 {
		branches = "1 branch"
	}
	add(SeverityOK, "reachable", "%s answers, with %s", cfg.Remote, branches)
	if strings.HasPrefix(url, "ssh://") || scpLike.MatchString(url) {
		add(SeverityOK, "known_hosts", "the host key is known")
	}
	add(SeverityOK, "credentials", "accepted")
	pctx, cancel = context.WithTimeout(ctx, cfg.Timeout)
	err = d.Repo.ProbePush(pctx, cfg.Remote, net)
	cancel()
	if err != nil {
		add(SeverityError, "push", "%v", err)
	} else {
		add(SeverityOK, "push", "%s would take a push", cfg.Remote)
	}
}

func (d *Diary) doctorTime(ctx context.Context, site config.Site, add func(Severity, string, string, ...any)) {
	cfg := d.Config
	now := d.opts.now()
	siteZone := site.Timezone
	switch {
	case siteZone == "":
		// The advice says what following it does to the URLs already
		// published: a post whose day differs in the two zones moves.
		entries, _ := entry.Scan(ctx, d.Root, entry.ScanOptions{Location: cfg.Location, Cache: d.listCache()})
		moved, err := urlsMovedByZone(ctx, d.Root, site, postPaths(entries), time.UTC, cfg.Location)
		if err != nil {
			add(SeverityError, "time zone", "%v", err)
			break
		}
		add(SeverityWarning, "time zone", "_config.yml sets no timezone: Jekyll dates posts in the builder's zone (UTC on GitHub Pages), so entries written near midnight may appear under another day; adding timezone: %s to _config.yml would move %s", cfg.Location, movedSaid(moved))
	case siteZone != cfg.Location.String():
		add(SeverityWarning, "time zone", "entries are dated in %s but the site builds in %s (_config.yml): set one of them to the other (diary config set timezone %s --shared)", cfg.Location, siteZone, siteZone)
	default:
		add(SeverityOK, "time zone", "%s, here and in _config.yml", siteZone)
	}
	if head, err := d.Repo.Head(); err == nil && !head.Hash.IsZero() {
		if when, err := d.Repo.CommitTime(head.Hash); err == nil && when.After(now.Add(time.Hour)) {
			add(SeverityWarning, "clock", "the last commit is dated %s, after this laptop's clock (%s): check the clock, or new entries will sort before older ones", when.Format(time.RFC3339), now.Format(time.RFC3339))
			return
		}
	}
	add(SeverityOK, "clock", "%s", now.In(cfg.Location).Format("2006-01-02 15:04 MST"))
}

// doctorSite looks for site settings that hide posts.
func (d *Diary) doctorSite(ctx context.Context, site config.Site, add func(Severity, string, string, ...any)) {
	entries, _ := entry.Scan(ctx, d.Root, entry.ScanOptions{Location: d.Config.Location, Cache: d.listCache(), Site: d.siteReading()})
	var hidden []string
	for _, e := range entries {
		if !e.Published {
			hidden = append(hidden, e.Path)
		}
	}
	// Future as the site's build reads the dates (UTC on GitHub Pages
	// for a site without a timezone), not as this laptop does.
	ahead := d.futurePosts(ctx, site)
	if len(ahead) > 0 {
		add(SeverityWarning, "future posts", "%s", futureAdvice(ahead, site, d.Config.Location))
	}
	if len(hidden) > 0 {
		add(SeverityWarning, "unpublished", "%d posts say published: false (%s), so Jekyll leaves them out", len(hidden), hidden[0])
	}
	for _, x := range site.Exclude {
		if strings.TrimSuffix(x, "/") == entry.PostsDir {
			add(SeverityError, "site", "_config.yml excludes _posts: no post is published; remove it from exclude")
			return
		}
	}
	if len(ahead) == 0 && len(hidden) == 0 {
		add(SeverityOK, "site", "no setting hides a post")
	}
}

// scpLike is git's user@host:path form of an SSH URL.
var scpLike = regexp.MustCompile(`^[^/:@]+@[^/:]+:`)

// doctorAutosync says whether a scheduled sync is installed and how the
// last unattended sync ended: a warning when it failed.
func (d *Diary) doctorAutosync(ctx context.Context, add func(Severity, string, string, ...any)) {
	rep, err := AutosyncStatus(ctx, d.opts)
	if err != nil {
		add(SeverityWarning, "autosync", "%v", err)
		return
	}
	state := "off: sync by hand, or turn it on with diary autosync on"
	if rep.Schedule.On {
		state = "on (" + rep.Schedule.Backend + ")"
	}
	if w := d.UnattendedFailure(); w != "" {
		add(SeverityWarning, "autosync", "%s; %s", state, w)
		return
	}
	if rep.Last != nil {
		state += fmt.Sprintf("; the last unattended sync ended well at %s", rep.Last.Ended.Local().Format("2006-01-02 15:04"))
	}
	add(SeverityOK, "autosync", "%s", state)
}

// doctorWatch says whether a diary watch runs for the diary.
func (d *Diary) doctorWatch(add func(Severity, string, string, ...any)) {
	switch pid, err := d.WatchRunning(); {
	case err != nil:
		add(SeverityWarning, "watch", "%v", err)
	case pid > 0:
		add(SeverityOK, "watch", "running (pid %d)", pid)
	default:
		add(SeverityOK, "watch", "not running")
	}
}
