package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/regular"
	"github.com/gitdiary/diary/repo"
	dsync "github.com/gitdiary/diary/sync"
)

// Status is what `diary status` reports.
type Status struct {
	Root        string         `json:"root"`
	Branch      string         `json:"branch"`
	Remote      string         `json:"remote"`
	HasRemote   bool           `json:"has_remote"`
	Uncommitted []StatusChange `json:"uncommitted"`
	Ahead       int            `json:"ahead"`  // commits here the remote lacks, as of the last fetch
	Behind      int            `json:"behind"` // commits there not merged here, as of the last fetch
	Fetched     bool           `json:"fetched"`
	LastSync    *time.Time     `json:"last_sync"`
	Conflicts   []string       `json:"conflicts"` // conflict copies waiting in _conflicts/
	Problems    []string       `json:"problems"`  // posts that sync would not publish
	// Held: the same posts, each with its path and the fix: the next
	// sync holds them back and pushes everything else.
	Held []HeldPost `json:"held"`
	// RemoteProblem: the remote setting names no remote, and it is not
	// the default of a local-only diary (sync refuses it; this says why).
	RemoteProblem string `json:"-"`
	// Autosync: the schedule, and how the last unattended sync ended.
	Autosync *AutosyncReport `json:"autosync,omitempty"`
	// Watch is the pid of the diary watch that runs for this diary; 0
	// when none does.
	Watch int `json:"watch_pid,omitempty"`
	// Warnings: what was skipped, not being a regular file, and a last
	// unattended sync that failed (for stderr).
	Warnings []string `json:"-"`
}

// HeldPost is a post that sync holds back from the push until it is
// fixed: it would break the site.
type HeldPost struct {
	Path    string `json:"path"`
	Problem string `json:"problem"` // "path: reason", as sync says it
	Fix     string `json:"fix"`
}

// heldFix is what to do about a post sync holds back.
func heldFix(p string) string {
	return fmt.Sprintf("fix it with diary edit %s, then diary sync", p)
}

// StatusChange is one uncommitted path.
type StatusChange struct {
	Path string `json:"path"`
	Kind string `json:"kind"` // added, modified, deleted
}

// Status reports the diary's state without touching the network.
func (d *Diary) Status(ctx context.Context) (*Status, error) {
	r := d.Repo
	st := &Status{Root: d.Root, Remote: d.Config.Remote, Uncommitted: []StatusChange{}, Conflicts: []string{}, Problems: []string{}, Held: []HeldPost{}}
	head, err := r.Head()
	if err != nil {
		return nil, err
	}
	st.Branch = head.Branch
	changes, err := r.Changes(ctx)
	if err != nil {
		return nil, err
	}
	st.Warnings = r.NotFiles()
	for _, c := range changes {
		kind := map[repo.ChangeKind]string{repo.Added: "added", repo.Modified: "modified", repo.Deleted: "deleted"}[c.Kind]
		st.Uncommitted = append(st.Uncommitted, StatusChange{c.Path, kind})
	}
	held, warnings, err := d.lintProblems(ctx, changes)
	if err != nil {
		return nil, err
	}
	st.Warnings = append(st.Warnings, warnings...)
	_, rerr := r.RemoteURL(d.Config.Remote)
	for _, h := range held {
		st.Problems = append(st.Problems, h.Problem)
		// Only a diary with a remote publishes, and so holds back: one
		// without commits them (they break the site the day it has one).
		if !errors.Is(rerr, repo.ErrNoRemote) {
			st.Held = append(st.Held, HeldPost{h.Path, h.Problem, heldFix(h.Path)})
		}
	}
	// Posts the site's build leaves out until their date, as GitHub
	// Pages reads it: said on stderr, with when and the fix.
	if site, err := config.ReadSite(d.Root); err == nil {
		if ahead := d.futurePosts(ctx, site); len(ahead) > 0 {
			st.Warnings = append(st.Warnings, futureAdvice(ahead, site, d.Config.Location))
		}
	}
	if err := rerr; err == nil {
		st.HasRemote = true
	} else if errors.Is(err, repo.ErrNoRemote) {
		if err := dsync.NoSuchRemote(r, d.Config.Remote); err != nil {
			st.RemoteProblem = err.Error()
		}
	}
	branch := d.Config.Branch
	if branch == "" {
		branch = head.Branch
	}
	remote, ok, err := r.RemoteBranch(d.Config.Remote, branch)
	if err != nil {
		return nil, err
	}
	if ok {
		st.Fetched = true
		if st.Ahead, st.Behind, err = r.AheadBehind(head.Hash, remote); err != nil {
			return nil, err
		}
	}
	if t := r.LastSync(); !t.IsZero() {
		t = t.In(d.Config.Location)
		st.LastSync = &t
	}
	st.Conflicts, err = conflictCopies(d.Root)
	if err != nil {
		return nil, err
	}
	sort.Strings(st.Problems)
	sort.Slice(st.Held, func(i, j int) bool { return st.Held[i].Path < st.Held[j].Path })
	d.statusAutosync(ctx, st)
	if st.Watch, err = d.WatchRunning(); err != nil {
		st.Warnings = append(st.Warnings, fmt.Sprintf("watch: %v", err))
	}
	return st, nil
}

// statusAutosync adds the schedule and the last unattended sync; one that
// failed is a warning, so that a conflict or an offline push from the
// background does not go unseen.
func (d *Diary) statusAutosync(ctx context.Context, st *Status) {
	rep, err := AutosyncStatus(ctx, d.opts)
	if err != nil {
		st.Warnings = append(st.Warnings, fmt.Sprintf("autosync: %v", err))
		return
	}
	st.Autosync = rep
	if w := d.UnattendedFailure(); w != "" {
		st.Warnings = append(st.Warnings, w)
	}
}

// lintProblems lists the posts that sync would hold back from the push
// (dsync.LintSite), for status and doctor alike: the uncommitted ones as
// they are in the work tree (dsync.LintFile, as sync lints them before
// its commit), and the committed ones that the remote does not have (as
// of the last fetch). Without a remote-tracking branch (a local-only
// diary, or one never pushed) that is every committed post: all of them
// are published with the first push. warnings name what was skipped,
// not being a regular file, and what Jekyll builds but not as meant
// (dsync.LintWarnings: a date on a day its month lacks), which is
// published all the same.
func (d *Diary) lintProblems(ctx context.Context, changes []repo.Change) (problems []dsync.Held, warnings []string, err error) {
	r := d.Repo
	linted := map[string]bool{} // the posts read from the work tree
	site := d.lintSite()
	for _, c := range changes {
		if c.Kind == repo.Deleted || !dsync.IsPost(c.Path) {
			continue
		}
		linted[c.Path] = true
		p, err := dsync.LintFile(d.Root, c.Path, site)
		if errors.Is(err, regular.ErrNotRegular) {
			warnings = append(warnings, notRegularWarning(c.Path, err))
		} else if err == nil {
			if p != "" {
				problems = append(problems, dsync.Held{Path: c.Path, Problem: p})
			}
			if data, err := regular.ReadFileNoFollow(filepath.Join(d.Root, filepath.FromSlash(c.Path))); err == nil {
				warnings = append(warnings, dsync.LintWarnings(c.Path, data, d.Config.Location)...)
			}
		}
	}
	head, err := r.Head()
	if err != nil {
		return problems, warnings, err
	}
	// What the uncommitted posts would do to the site's other files:
	// share a destination, where Jekyll keeps one of them.
	if len(linted) > 0 {
		shared, err := dsync.ChangeCollisions(r, head.Hash, changes, d.Config.Location)
		if err != nil {
			return nil, nil, err
		}
	shared:
		for _, h := range shared {
			for _, old := range problems {
				if old.Path == h.Path {
					continue shared // one reason a post is enough
				}
			}
			problems = append(problems, h)
		}
	}
	if head.Hash.IsZero() {
		return problems, warnings, nil
	}
	branch := d.Config.Branch
	if branch == "" {
		branch = head.Branch
	}
	remote, ok, err := r.RemoteBranch(d.Config.Remote, branch)
	if err != nil {
		return nil, nil, err
	}
	var committed []dsync.Held
	var notes []string
	if ok {
		// Only what the remote lacks is published by the next push.
		if ahead, _, err := r.AheadBehind(head.Hash, remote); err != nil || ahead == 0 {
			return problems, warnings, err
		}
		if committed, notes, err = dsync.Unpublishable(r, head.Hash, remote, d.Config.Location); err != nil {
			return nil, nil, err
		}
	} else {
		committed, notes = d.lintAll(ctx)
	}
	// An uncommitted post was read as it is now (above).
notes:
	for _, w := range notes {
		for path := range linted {
			if strings.HasPrefix(w, path+":") {
				continue notes
			}
		}
		warnings = append(warnings, w)
	}
	// An uncommitted post was read as it is now, which is what the next
	// sync commits; its committed version is not reported too.
	for _, h := range committed {
		if !linted[h.Path] {
			problems = append(problems, h)
		}
	}
	return problems, warnings, nil
}

// lintSite is the site that the work tree's posts are linted against,
// as sync's commit lints them: its _config.yml (dsync.NewSite), read in
// the diary's zone where it names none.
func (d *Diary) lintSite() *dsync.Site {
	cfg, _ := config.ReadSite(d.Root) // a broken _config.yml is doctor's to report
	return dsync.NewSite(cfg, nil, d.Config.Location)
}

// lintAll lints every post of the work tree, for a diary whose posts
// are all still to be published: through the list cache, so that a
// status of a lifetime diary reads only the posts that changed, rather
// than 10,000 blobs (3 s). It finds what breaks the build (front matter
// that does not parse, a value entry's Check refuses); conflict markers
// in the text of a post committed by hand are left to sync, which lints
// every post of the first push in full.
func (d *Diary) lintAll(ctx context.Context) (problems []dsync.Held, warnings []string) {
	entries, errs := entry.Scan(ctx, d.Root, entry.ScanOptions{Location: d.Config.Location, Cache: d.listCache(), Site: d.siteReading()})
	for _, err := range errs {
		if !errors.Is(err, regular.ErrNotRegular) {
			problems = append(problems, dsync.Held{Path: errPath(err), Problem: err.Error()})
		}
	}
	for _, e := range entries {
		if !dsync.IsPost(e.Path) {
			continue
		}
		for _, w := range e.Warnings() {
			warnings = append(warnings, e.Path+": "+w)
		}
		if err := e.Check(); err != nil {
			problems = append(problems, dsync.Held{Path: e.Path, Problem: e.Path + ": " + err.Error()})
			continue
		}
		// A category with ":" breaks the build where the site's
		// permalink starts the URL with it: only such posts are read.
		if slices.ContainsFunc(e.Categories, func(c string) bool { return strings.ContainsRune(c, ':') }) {
			if data, err := regular.ReadFileNoFollow(filepath.Join(d.Root, filepath.FromSlash(e.Path))); err == nil {
				if err := d.unbuildableURL(e.Path, data); err != nil {
					problems = append(problems, dsync.Held{Path: e.Path, Problem: e.Path + ": " + err.Error()})
				}
			}
		}
	}
	return problems, warnings
}

// conflictCopies lists the files under _conflicts/.
func conflictCopies(root string) ([]string, error) {
	var out []string
	base := filepath.Join(root, dsync.ConflictsDir)
	err := filepath.WalkDir(base, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !de.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if out == nil {
		out = []string{}
	}
	return out, err
}

// notRegularWarning says that the post at rel was not read: it is a
// link, a named pipe or a device (err says which), which Jekyll does not
// publish either.
func notRegularWarning(rel string, err error) string {
	msg := err.Error()
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		msg = pe.Err.Error() // without the absolute path
	}
	return fmt.Sprintf("%s: %s: skipped, never read", rel, msg)
}

// errPath is the path a scan error is about ("" when it names none).
func errPath(err error) string {
	var pe *entry.ParseError
	if errors.As(err, &pe) {
		return pe.Path
	}
	return ""
}
