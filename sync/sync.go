// Package sync is diary's sync engine: commit what changed, fetch, merge
// the other laptops' entries path by path, and push, without go-git's
// Pull or Merge (Pull corrupts a dirty work tree, and neither merges
// diverged histories). It prints nothing: Run returns a Result and the
// command reports it.
package sync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/regular"
	"github.com/gitdiary/diary/repo"
)

// Held is a post kept out of the push: it would break the site.
type Held struct {
	Path    string `json:"path"`
	Problem string `json:"problem"` // LintSite's "path: reason"
}

// Sentinel errors: errors.Is tells the command which exit code applies.
var (
	// ErrOffline: the remote could not be reached; local work is
	// committed, not pushed (exit 3).
	ErrOffline = errors.New("offline")
	// ErrUnpublishable: posts that would break the site were held back
	// (kept as they are here, not pushed) while everything else was
	// committed and pushed (exit 1).
	ErrUnpublishable = errors.New("posts not fit to publish")
)

// State is how the local branch stands against the remote's.
type State string

// The states.
const (
	UpToDate  State = "up to date"
	Ahead     State = "ahead"
	Behind    State = "behind"
	Diverged  State = "diverged"
	LocalOnly State = "local only" // no remote configured
	NewBranch State = "new branch" // the remote has no such branch yet
	Unknown   State = "unknown"    // the remote was not reached
)

// Options are what Run needs; the caller resolves them from the settings.
type Options struct {
	Repo     *repo.Repo
	Remote   string // a configured remote's name
	Branch   string // "" for the current branch
	Host     string // names this laptop in commit messages and conflict copies
	Author   repo.Signature
	Location *time.Location
	Now      func() time.Time
	Timeout  time.Duration // how long a network step may go without moving a byte (Net.Stall)
	Net      repo.NetOptions
	NoPush   bool
	DryRun   bool
	// Retries bounds fetch-merge-push rounds when the remote moves on
	// during a sync; 3 when zero.
	Retries int
	// LockWait is how long to wait for another diary to finish; 5 s when zero.
	LockWait time.Duration
	// LooseLimit is how many loose objects a sync leaves before it
	// gathers them into a pack (repo.PackLoose); 256 when zero, -1 never.
	LooseLimit int
	// Hook, when not nil, is called at named points of the sync (and of
	// the repository writes under it): fault-injection tests kill the
	// process there. Nothing else sets it.
	Hook func(point string)
}

// net is what each network step takes: the timeout counts stalls (no
// byte sent or received), never a whole transfer (DESIGN.md, timeout).
func (o *Options) net() repo.NetOptions {
	n := o.Net
	if o.Timeout > 0 {
		n.Stall = o.Timeout
	}
	return n
}

func (o *Options) hook(point string) {
	if o.Hook != nil {
		o.Hook(point)
	}
}

// Result says what Run did (or, with DryRun, would do).
type Result struct {
	Committed     []string    `json:"committed"` // paths of the local commit
	Commit        string      `json:"commit,omitempty"`
	Fetched       bool        `json:"fetched"`
	State         State       `json:"state"`
	FastForwarded bool        `json:"fast_forwarded"`
	Merged        bool        `json:"merged"`
	MergeCommit   string      `json:"merge_commit,omitempty"`
	Received      []string    `json:"received"` // paths the remote changed here
	Moved         [][2]string `json:"moved"`    // new local posts moved to a free name
	Conflicts     []Conflict  `json:"conflicts"`
	Pushed        bool        `json:"pushed"`
	Offline       bool        `json:"offline"`
	Unpublishable []string    `json:"unpublishable"` // "path: reason", of Held
	// Held: the posts that would break the site, kept out of what was
	// pushed (or, with DryRun, would be), each with why.
	Held []Held `json:"held"`
	// HoldCommit is the commit that put committed posts of Held back to
	// their published version before the push (holdBack).
	HoldCommit string `json:"hold_commit,omitempty"`
	DryRun     bool   `json:"dry_run"`
	Remote     string `json:"remote"`
	Branch     string `json:"branch"`
	// Warnings: what the change scan skipped, not being a file (a named
	// pipe, a device), for the command to print on stderr.
	Warnings []string `json:"-"`
	// uncommitted are the paths of Held that commitLocal left out of the
	// commit: they are only in the work tree.
	uncommitted []repo.Change
}

// Run syncs: lock, commit local changes, fetch, classify, fast-forward
// or merge, lint, push (fetch-merge-push again when the remote moved on,
// a bounded number of times). Every step that moves HEAD or rewrites
// work-tree files first records the old HEAD under refs/diary/backup/.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Retries == 0 {
		o.Retries = 3
	}
	r := o.Repo
	if o.Hook != nil {
		r.SetHook(o.Hook)
		defer r.SetHook(nil)
	}
	res := newResult(&o)
	unlock, err := begin(ctx, &o, res)
	if err != nil {
		return res, err
	}
	defer unlock()

	// 1. Commit what changed in the work tree, after mending an index
	// that a killed diary left behind HEAD.
	if !o.DryRun {
		if _, err := r.RepairIndex(ctx); err != nil {
			return res, err
		}
	}
	// A diary with a remote holds back the posts that would break the
	// site; one without publishes nothing, and commits them all.
	_, rerr := r.RemoteURL(o.Remote)
	if err := commitLocal(ctx, &o, res, !errors.Is(rerr, repo.ErrNoRemote)); err != nil {
		return res, err
	}
	o.hook("sync:committed")

	// 2. No remote: the diary is local only, and that is fine; but only
	// when none was asked for (the default origin, and no remote at all):
	// a remote setting that names no remote is a mistake to say.
	if err := rerr; errors.Is(err, repo.ErrNoRemote) {
		if err := NoSuchRemote(r, o.Remote); err != nil {
			return res, err
		}
		res.State = LocalOnly
		if !o.DryRun {
			if err := r.RecordSync(o.Now()); err != nil {
				return res, err
			}
			housekeep(ctx, &o)
		}
		return res, nil
	} else if err != nil {
		return res, err
	}

	for round := 0; ; round++ {
		err := fetchMergePush(ctx, &o, res)
		if err == nil && !o.DryRun {
			if rerr := r.RecordSync(o.Now()); rerr != nil {
				return res, rerr
			}
			housekeep(ctx, &o)
		}
		if err == nil {
			return res, heldError(res)
		}
		if !errors.Is(err, repo.ErrRejected) || round+1 >= o.Retries {
			return res, err
		}
	}
}

func newResult(o *Options) *Result {
	return &Result{DryRun: o.DryRun, Remote: o.Remote, Committed: []string{}, Received: []string{}, Moved: [][2]string{}, Conflicts: []Conflict{}, Unpublishable: []string{}, Held: []Held{}}
}

// begin fills in o's defaults, takes the repository's lock (the caller
// lets it go), and checks that a commit may be made here: no git merge
// or rebase under way, and the branch of the branch setting checked out.
func begin(ctx context.Context, o *Options, res *Result) (unlock func(), err error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.LockWait == 0 {
		o.LockWait = 5 * time.Second
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	r := o.Repo
	release, err := r.Lock(ctx, o.LockWait)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			release()
		}
	}()
	if err := r.CheckIdle(); err != nil {
		return nil, err
	}
	head, err := r.OnBranch(o.Branch)
	if err != nil {
		return nil, err
	}
	if o.Branch == "" {
		o.Branch = head.Branch
	}
	res.Branch = o.Branch
	if o.Branch != head.Branch {
		return nil, fmt.Errorf("the branch setting says %s but %s is checked out: git switch %s, or diary config set branch %s", o.Branch, head.Branch, o.Branch, head.Branch)
	}
	return release, nil
}

// Refresh fetches the remote's branch and fast-forwards the work tree
// and branch to it when the work tree is clean and the branch strictly
// behind: what edit does first with autosync on, so that the writer
// edits the newest version. It never commits, merges or pushes: with
// local changes, or ahead, or diverged, it leaves everything as it is for
// the sync after the commit (a dirty work tree is not even fetched for).
// Each network step gives up after o.Timeout without a byte moving; it
// takes the repository's lock; an unreachable remote is ErrOffline, with
// nothing changed.
func Refresh(ctx context.Context, o Options) (*Result, error) {
	r := o.Repo
	res := newResult(&o)
	unlock, err := begin(ctx, &o, res)
	if err != nil {
		return res, err
	}
	defer unlock()
	if _, err := r.RemoteURL(o.Remote); errors.Is(err, repo.ErrNoRemote) {
		res.State = LocalOnly
		return res, nil
	} else if err != nil {
		return res, err
	}
	changes, err := r.Changes(ctx)
	if err != nil {
		return res, err
	}
	if len(changes) > 0 {
		res.State = Unknown
		return res, nil
	}
	local, remote, err := fetchClassify(ctx, &o, res)
	if err != nil || res.State != Behind {
		return res, err
	}
	return res, fastForward(ctx, &o, res, local, remote)
}

// housekeep gathers the loose objects into a pack once there are many:
// each entry leaves a new loose version of the _posts tree, which for a
// lifetime diary is 600 KB. It is a saving of room, not of work: when it
// fails (a full disk, a git process at work), the objects stay loose and
// the next sync tries again, so the sync does not fail for it.
func housekeep(ctx context.Context, o *Options) {
	limit := o.LooseLimit
	switch {
	case limit < 0:
		return
	case limit == 0:
		limit = 256
	}
	o.Repo.PackLoose(ctx, limit)
}

// fetchMergePush is one round of fetch, merge and push.
func fetchMergePush(ctx context.Context, o *Options, res *Result) error {
	r := o.Repo
	local, remote, err := fetchClassify(ctx, o, res)
	if err != nil {
		return err
	}
	if local, err = commitCollisions(ctx, o, res, local, remote); err != nil {
		return err
	}
	switch res.State {
	case Behind:
		if err := fastForward(ctx, o, res, local, remote); err != nil {
			return err
		}
	case Diverged:
		if err := mergeRemote(ctx, o, res, local, remote); err != nil {
			return err
		}
	}
	if res.State == UpToDate || res.State == Behind {
		return nil // nothing of ours to publish
	}
	if o.NoPush {
		// Said, not committed: the sync that pushes holds them back.
		head, err := r.Head()
		if err != nil {
			return err
		}
		held, _, err := Unpublishable(r, head.Hash, remote, o.Location)
		res.hold(held...)
		return err
	}
	if err := holdBack(ctx, o, res, remote); err != nil || o.DryRun {
		return err
	}
	o.hook("sync:pushing")
	err = r.Push(ctx, o.Remote, o.Branch, o.net())
	if errors.Is(err, repo.ErrUnreachable) {
		res.Offline = true
		return fmt.Errorf("%w: %v; your entries are committed here and will be pushed by the next diary sync", ErrOffline, err)
	}
	if err != nil {
		return err
	}
	res.Pushed = true
	o.hook("sync:pushed")
	return nil
}

// fetchClassify fetches the remote's branch and sets res.State to how
// the local branch (at local) stands against it (at remote).
func fetchClassify(ctx context.Context, o *Options, res *Result) (local, remote repo.Hash, err error) {
	r := o.Repo
	// Fetch into a quarantine ref: the remote-tracking ref takes the
	// commit only once its tree is known to be safe to check out (a
	// hostile or broken remote can send names like ".." or ".git"), and a
	// dry run leaves even the remote-tracking ref as it was.
	tracking := repo.RemoteRef(o.Remote, o.Branch)
	ref := "refs/diary/incoming/" + o.Branch
	// The quarantine ref stays once the remote-tracking ref has taken its
	// commit: the next fetch then finds it already there and writes no ref
	// at all when the remote has not moved (each ref written costs two
	// flushes to disk). Anything else (a refused commit, a dry run, an
	// error) is dropped, so that only a checked commit is ever kept.
	defer func() {
		in, ok, err := r.Ref(ref)
		if err != nil || !ok {
			return
		}
		if tr, tok, terr := r.Ref(tracking); terr == nil && tok && tr == in {
			return
		}
		r.RemoveRef(ref)
	}()
	found, err := r.FetchTo(ctx, o.Remote, o.Branch, ref, o.net())
	if errors.Is(err, repo.ErrUnreachable) {
		res.Offline, res.State = true, Unknown
		return local, remote, fmt.Errorf("%w: %v; your entries are committed here and will be pushed by the next diary sync", ErrOffline, err)
	}
	if err != nil {
		return local, remote, err
	}
	res.Fetched = true
	o.hook("sync:fetched")
	if found {
		incoming, ok, err := r.Ref(ref)
		if err != nil {
			return local, remote, err
		}
		found = ok
		if old, _, _ := r.Ref(tracking); ok && incoming != old {
			if err := r.CheckCommit(incoming, old); err != nil {
				return local, remote, fmt.Errorf("%w; nothing of it was taken, and your entries are committed here", err)
			}
			if !o.DryRun {
				if err := r.SetRef(tracking, incoming); err != nil {
					return local, remote, err
				}
			}
		}
	}
	head, err := r.Head()
	if err != nil {
		return local, remote, err
	}
	if found {
		if remote, found, err = r.Ref(ref); err != nil {
			return local, remote, err
		}
	}
	switch {
	case !found:
		res.State = NewBranch
	case remote == head.Hash:
		res.State = UpToDate
	default:
		ahead, err := r.IsAncestor(remote, head.Hash)
		if err != nil {
			return local, remote, err
		}
		behind := !head.Hash.IsZero() && !ahead
		if behind {
			if behind, err = r.IsAncestor(head.Hash, remote); err != nil {
				return local, remote, err
			}
		}
		switch {
		case head.Hash.IsZero():
			res.State = Behind
		case ahead:
			res.State = Ahead
		case behind:
			res.State = Behind
		default:
			res.State = Diverged
		}
	}

	return head.Hash, remote, nil
}

// commitLocal commits every change in the work tree, as git add -A
// would stage it, in one commit that names this host and the entries;
// with hold, but for the posts that would break the site (LintFile),
// which stay in the work tree as they are, named in res.Held. Only the
// changed posts are read.
func commitLocal(ctx context.Context, o *Options, res *Result, hold bool) error {
	r := o.Repo
	all, err := r.Changes(ctx)
	if err != nil {
		return err
	}
	res.Warnings = append(res.Warnings, r.NotFiles()...)
	var changes []repo.Change
	var site *Site // the site as the work tree holds it, once a post is linted
	for _, c := range all {
		if hold && c.Kind != repo.Deleted && IsPost(c.Path) {
			if site == nil {
				// A _config.yml that does not parse breaks the build
				// whatever the post: the post is judged on defaults.
				cfg, _ := config.ReadSite(r.Root())
				site = NewSite(cfg, nil, o.Location)
			}
			problem, err := LintFile(r.Root(), c.Path, site)
			if err == nil && problem != "" {
				res.hold(Held{c.Path, problem})
				res.uncommitted = append(res.uncommitted, c)
				continue
			}
		}
		changes = append(changes, c)
	}
	if len(changes) == 0 {
		return nil
	}
	paths := make([]string, len(changes))
	for i, c := range changes {
		paths[i] = c.Path
	}
	if o.DryRun {
		res.Committed = paths // what would be committed
		return nil
	}
	msg := commitMessage(r.Root(), o, changes)
	commit, err := r.Commit(ctx, repo.CommitOptions{Paths: paths, Message: msg, Author: o.Author})
	if err != nil {
		return err // nothing says committed: the edits stay in the work tree
	}
	res.Committed, res.Commit = paths, commit
	return nil
}

// commitCollisions commits the posts commitLocal held back that the
// remote changed since the merge base (it edited, added or deleted
// them): the merge must not write over the user's bytes in the work
// tree, and merges them with the remote's change once they are in a
// commit. What the merge makes of them is then linted with the rest
// before the push (holdBack): a clean merge that still would break the
// site stays in the work tree, held back again; one that conflicts
// leaves the remote's version at the path and the user's in
// _conflicts/, which Jekyll does not publish. It returns the local
// commit to merge, and turns a branch that was behind into a diverged
// one. A dry run only merges what is committed.
func commitCollisions(ctx context.Context, o *Options, res *Result, local, remote repo.Hash) (repo.Hash, error) {
	if len(res.uncommitted) == 0 || o.DryRun || (res.State != Behind && res.State != Diverged) {
		return local, nil
	}
	r := o.Repo
	base := local
	if res.State == Diverged {
		b, ok, err := r.MergeBase(local, remote)
		if err != nil {
			return local, err
		}
		if !ok {
			b = repo.ZeroHash
		}
		base = b
	}
	baseTree, err := r.ReadTree(base)
	if err != nil {
		return local, err
	}
	theirs, err := r.ReadTree(remote)
	if err != nil {
		return local, err
	}
	var changes, keep []repo.Change
	for _, c := range res.uncommitted {
		b, inB := baseTree[c.Path]
		t, inT := theirs[c.Path]
		if inB == inT && b == t {
			keep = append(keep, c)
			continue
		}
		changes = append(changes, c)
	}
	if len(changes) == 0 {
		return local, nil
	}
	paths := make([]string, len(changes))
	for i, c := range changes {
		paths[i] = c.Path
	}
	commit, err := r.Commit(ctx, repo.CommitOptions{Paths: paths, Message: commitMessage(r.Root(), o, changes), Author: o.Author})
	if err != nil {
		return local, err
	}
	for _, p := range paths {
		res.unhold(p)
	}
	res.uncommitted = keep
	res.Committed = append(res.Committed, paths...)
	if res.Commit == "" {
		res.Commit = commit
	}
	if res.State == Behind {
		res.State = Diverged
	}
	h, _ := repo.ParseHash(commit)
	return h, nil
}

// commitMessage is `diary(HOST): add "Title"; edit "Other"; delete "Old"`,
// naming at most a few entries and counting the rest.
func commitMessage(root string, o *Options, changes []repo.Change) string {
	const most = 5
	var parts []string
	others := 0
	for _, c := range changes {
		verb := map[repo.ChangeKind]string{repo.Added: "add", repo.Modified: "edit", repo.Deleted: "delete"}[c.Kind]
		if !isEntry(c.Path) || len(parts) == most {
			others++
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %q", verb, titleOf(root, c, o.Location)))
	}
	if others > 0 {
		noun := "files"
		if others == 1 {
			noun = "file"
		}
		if len(parts) > 0 {
			parts = append(parts, fmt.Sprintf("and %d more %s", others, noun))
		} else {
			parts = append(parts, fmt.Sprintf("update %d %s", others, noun))
		}
	}
	return fmt.Sprintf("diary(%s): %s", o.Host, strings.Join(parts, "; "))
}

func titleOf(root string, c repo.Change, loc *time.Location) string {
	full := filepath.Join(root, filepath.FromSlash(c.Path))
	// Only a file of a post's size is read for its title: never a huge
	// one; regular refuses a FIFO, a device or a link.
	if fi, err := os.Lstat(full); c.Kind != repo.Deleted && err == nil && LintSize(c.Path, fi.Size()) == "" {
		data, err := regular.ReadFileNoFollow(full)
		if err == nil {
			if e, err := entry.Parse(c.Path, data, loc, false); err == nil && e.Title != "" {
				return e.Title
			}
		}
	}
	return path.Base(c.Path)
}

// fastForward moves the work tree and branch to the remote's commit.
func fastForward(ctx context.Context, o *Options, res *Result, local, remote repo.Hash) error {
	r := o.Repo
	from, err := r.ReadTree(local)
	if err != nil {
		return err
	}
	to, err := r.ReadTree(remote)
	if err != nil {
		return err
	}
	res.Received = repo.ChangedPaths(from, to)
	if o.DryRun {
		return nil
	}
	if err := r.Backup(local, o.Now()); err != nil {
		return err
	}
	// The files first, then the branch: a crash in between leaves the
	// remote's files looking like local edits, which the next sync
	// commits and merges to the same result. The other order would make
	// the old files look like edits that undo the remote's.
	if err := r.Update(ctx, local, remote, from, to); err != nil {
		return err
	}
	o.hook("sync:work-tree-updated")
	if err := r.SetBranch(o.Branch, local, remote); err != nil {
		return err
	}
	o.hook("sync:branch-moved")
	res.FastForwarded = true
	return nil
}

// mergeRemote merges the remote's commit into the local branch with a
// two-parent commit, path by path.
func mergeRemote(ctx context.Context, o *Options, res *Result, local, remote repo.Hash) error {
	r := o.Repo
	base, ok, err := r.MergeBase(local, remote)
	if err != nil {
		return err
	}
	if !ok {
		base = repo.ZeroHash // unrelated histories: merge against an empty tree
	}
	trees := make([]repo.Tree, 3)
	for i, h := range []repo.Hash{base, local, remote} {
		if trees[i], err = r.ReadTree(h); err != nil {
			return err
		}
	}
	tm := &treeMerge{store: r, host: o.Host, now: o.Now()}
	out, err := tm.merge(trees[0], trees[1], trees[2])
	if err != nil {
		return err
	}
	res.Conflicts = append(res.Conflicts, out.conflicts...)
	for from, to := range out.moved {
		res.Moved = append(res.Moved, [2]string{from, to})
	}
	sort.Slice(res.Moved, func(i, j int) bool { return res.Moved[i][0] < res.Moved[j][0] })
	res.Received = repo.ChangedPaths(trees[1], out.tree)
	if o.DryRun {
		return nil
	}
	treeHash, err := r.WriteTree(out.tree)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("diary(%s): merge %s/%s", o.Host, o.Remote, o.Branch)
	if len(out.conflicts) > 0 {
		msg += fmt.Sprintf("\n\nKept %d conflict copies in %s/ (diary status lists them, diary resolve settles them):\n", len(out.conflicts), ConflictsDir)
		for _, c := range out.conflicts {
			msg += fmt.Sprintf("  %s -> %s\n", c.Path, c.Copy)
		}
	}
	commit, err := r.CommitTree(treeHash, []repo.Hash{local, remote}, msg, o.Author)
	if err != nil {
		return err
	}
	o.hook("sync:merge-written")
	if err := r.Backup(local, o.Now()); err != nil {
		return err
	}
	if err := r.Update(ctx, local, commit, trees[1], out.tree); err != nil {
		return err
	}
	o.hook("sync:work-tree-updated")
	if err := r.SetBranch(o.Branch, local, commit); err != nil {
		return err
	}
	o.hook("sync:branch-moved")
	res.Merged, res.MergeCommit = true, commit.String()
	return nil
}

// DefaultRemote is the remote sync talks to when none is set.
const DefaultRemote = "origin"

// NoSuchRemote, for a remote setting that names no remote in .git/config,
// is nil when it is the default and the diary has no remote at all (the
// diary is local only); else the error that says which remotes there are
// and how to fix the setting. sync, status and doctor say the same.
func NoSuchRemote(r *repo.Repo, remote string) error {
	names, err := r.RemoteNames()
	if err != nil {
		return err
	}
	if remote == DefaultRemote && len(names) == 0 {
		return nil
	}
	has := "this diary has no remote"
	fix := fmt.Sprintf("add it with diary init --remote URL (or git remote add %s URL), or set it back to the default with diary config set remote %s (a diary with no remote syncs nowhere)", remote, DefaultRemote)
	if len(names) > 0 {
		has = "this diary has " + strings.Join(names, ", ")
		fix = fmt.Sprintf("set remote to one of them (diary config set remote %s), or add it with diary init --remote URL (or git remote add %s URL)", names[0], remote)
	}
	return fmt.Errorf("no remote named %s in %s (%s): %s", remote, filepath.Join(r.GitDir(), "config"), has, fix)
}
