package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gitdiary/diary/internal/atomicfile"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	gittransport "github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/memory"
)

// AheadBehind returns how many commits are reachable from a but not
// from b, and from b but not from a, as `git rev-list --count --left-right
// a...b` does: each history walked once, exactly, whatever the commits'
// dates say.
func (r *Repo) AheadBehind(a, b Hash) (ahead, behind int, err error) {
	fromA, err := r.reachable(a)
	if err != nil {
		return 0, 0, err
	}
	fromB, err := r.reachable(b)
	if err != nil {
		return 0, 0, err
	}
	for h := range fromA {
		if !fromB[h] {
			ahead++
		}
	}
	for h := range fromB {
		if !fromA[h] {
			behind++
		}
	}
	return ahead, behind, nil
}

// reachable returns every commit reachable from start (none for
// ZeroHash), reading of each only its parents.
func (r *Repo) reachable(start Hash) (map[Hash]bool, error) {
	seen := map[Hash]bool{}
	if start.IsZero() {
		return seen, nil
	}
	seen[start] = true
	stack := []Hash{start}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		parents, err := r.parents(h)
		if err != nil {
			return nil, err
		}
		for _, p := range parents {
			if !seen[p] {
				seen[p] = true
				stack = append(stack, p)
			}
		}
	}
	return seen, nil
}

// parents reads commit h's parents from its header, without decoding
// the rest (go-git's decoder parses the signatures and message too).
func (r *Repo) parents(h Hash) ([]Hash, error) {
	data, err := r.readObject(h, plumbing.CommitObject)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", short(h), err)
	}
	var out []Hash
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(line) == 0 {
			break // the end of the header
		}
		if rest, ok := bytes.CutPrefix(line, []byte("parent ")); ok {
			p, ok := ParseHash(string(rest))
			if !ok {
				return nil, fmt.Errorf("read commit %s: a malformed parent line", short(h))
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// cloneMark, under .git, names a clone that has not finished: a kill
// leaves it behind, and the next Clone into the same directory starts
// again instead of calling the directory not empty.
const cloneMark = "diary/clone-unfinished"

// privateFile is the mode of the files diary writes whole under
// .git/diary (the clone mark, the last sync, the index-head record):
// readable by the user alone, as they always were.
const privateFile = 0o600

// Clone makes dir a copy of the repository at url, checked out on the
// remote's default branch, through the same steps as sync: its objects
// arrive through diary's fetch (packs and refs written whole, the new
// commit checked for missing objects), the tree is checked as any
// fetched commit is, and the files are written by Update. go-git's own
// clone is not used: it writes refs and pack indexes in place, so a kill
// left a repository git could not read. Until the clone is done a mark
// in .git says so: a kill at any instant leaves a directory the next
// Clone removes and makes again.
func Clone(ctx context.Context, url, dir string, o NetOptions) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if des, err := os.ReadDir(abs); err == nil && len(des) > 0 {
		if r, err := Open(abs); err == nil && !unfinishedClone(abs) {
			// Already a clone of url (the last one may have been killed
			// as it reported): it is the clone asked for.
			if u, err := r.RemoteURL("origin"); err == nil && u == url {
				return r, nil
			}
		}
		if !unfinishedClone(abs) {
			return nil, fmt.Errorf("clone into %s: the directory is not empty: choose another with diary clone URL DIR", abs)
		}
		// A clone that a kill cut short: nobody has used it yet.
		if err := os.RemoveAll(abs); err != nil {
			return nil, fmt.Errorf("clone into %s: remove the unfinished clone there: %w", abs, err)
		}
	}
	branch, err := defaultBranch(ctx, url, o)
	if err != nil {
		if errors.Is(err, ErrUnreachable) {
			return nil, err // stalled: netStep.end said so
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("clone %s: %w: it did not answer in time", Redact(url), ErrUnreachable)
		}
		return nil, (&Repo{}).netError("clone "+Redact(url), "", err)
	}
	made := false
	fail := func(err error) (*Repo, error) {
		if made {
			os.RemoveAll(abs)
		}
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(abs, ".git", "diary"), 0o755); err != nil {
		return nil, fmt.Errorf("clone into %s: %w", abs, err)
	}
	made = true
	// The mark comes first, before anything of the repository.
	if err := atomicfile.WriteFile(filepath.Join(abs, ".git", filepath.FromSlash(cloneMark)), []byte(Redact(url)+"\n"), privateFile); err != nil {
		return fail(fmt.Errorf("clone into %s: %w", abs, err))
	}
	r, err := Init(abs, branch.Short())
	if err != nil {
		return fail(fmt.Errorf("clone %s: %w", Redact(url), err))
	}
	if err := r.AddRemote("origin", url); err != nil {
		return fail(err)
	}
	// As git clone records it, so that git pull on this laptop works too.
	if err := r.git.CreateBranch(&config.Branch{Name: branch.Short(), Remote: "origin", Merge: branch}); err != nil {
		return fail(fmt.Errorf("clone %s: record branch %s: %w", Redact(url), branch.Short(), err))
	}
	found, err := r.Fetch(ctx, "origin", branch.Short(), o)
	if err != nil {
		return fail(fmt.Errorf("clone %s: %w", Redact(url), err))
	}
	if found {
		h, ok, err := r.Ref(RemoteRef("origin", branch.Short()))
		if err == nil && ok {
			err = r.SetBranch(branch.Short(), ZeroHash, h)
		}
		if err == nil {
			err = r.checkoutClone(ctx)
		}
		if err != nil {
			return fail(fmt.Errorf("clone %s: %w", Redact(url), err))
		}
	}
	return r, nil
}

// CloneDone removes the mark of an unfinished clone, once the caller has
// finished its own steps (settings that name the clone): until then, a
// kill leaves a clone the next Clone starts again.
func (r *Repo) CloneDone() error {
	if err := os.Remove(filepath.Join(r.gitDir, filepath.FromSlash(cloneMark))); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("finish the clone: %w", err)
	}
	return atomicfile.SyncDir(filepath.Join(r.gitDir, "diary"))
}

// unfinishedClone reports whether dir holds a clone that a kill cut
// short: one with the mark, or one killed while the mark itself was being
// written (nothing but .git/diary holding atomicfile's temporary
// files of the mark).
func unfinishedClone(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, ".git", filepath.FromSlash(cloneMark))); err == nil {
		return true
	}
	only := func(d string, ok func(string) bool) bool {
		des, err := os.ReadDir(d)
		if err != nil {
			return false
		}
		for _, de := range des {
			if !ok(de.Name()) {
				return false
			}
		}
		return true
	}
	return only(dir, func(n string) bool { return n == ".git" }) &&
		only(filepath.Join(dir, ".git"), func(n string) bool { return n == "diary" }) &&
		only(filepath.Join(dir, ".git", "diary"), func(n string) bool { return strings.HasPrefix(n, atomicfile.TempPrefix(cloneMark)) })
}

// checkoutClone writes the files of a fresh clone's HEAD into its empty
// work tree, as sync's fast-forward would from an empty tree.
func (r *Repo) checkoutClone(ctx context.Context) error {
	head, err := r.Head()
	if err != nil || head.Hash.IsZero() {
		return err
	}
	if err := r.CheckCommit(head.Hash, ZeroHash); err != nil {
		return fmt.Errorf("%w; nothing of it was checked out", err)
	}
	to, err := r.ReadTree(head.Hash)
	if err != nil {
		return err
	}
	return r.Update(ctx, ZeroHash, head.Hash, Tree{}, to)
}

// defaultBranch picks the branch to check out: the one the remote's HEAD
// names, or main, or master, or the first there is. A bare repository
// made by `git init --bare` names master in HEAD even when only main was
// ever pushed, which go-git's clone cannot check out.
func defaultBranch(ctx context.Context, url string, o NetOptions) (_ plumbing.ReferenceName, err error) {
	// A look at the remote's branches, too short for a progress line.
	s := startStep(ctx, "fetch", "clone "+Redact(url), NetOptions{Stall: o.Stall})
	defer func() { err = s.end(err) }()
	rem := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: "origin", URLs: []string{url}})
	refs, err := rem.ListContext(s.ctx, &git.ListOptions{Auth: o.Auth.method()})
	if err != nil {
		return "", err
	}
	branches := map[plumbing.ReferenceName]bool{}
	var head plumbing.ReferenceName
	var first plumbing.ReferenceName
	for _, ref := range refs {
		switch {
		case ref.Name() == plumbing.HEAD && ref.Type() == plumbing.SymbolicReference:
			head = ref.Target()
		case ref.Name().IsBranch():
			branches[ref.Name()] = true
			if first == "" || ref.Name() < first {
				first = ref.Name()
			}
		}
	}
	for _, b := range []plumbing.ReferenceName{head, plumbing.NewBranchReferenceName("main"), plumbing.NewBranchReferenceName("master")} {
		if branches[b] {
			return b, nil
		}
	}
	if first == "" {
		return "", fmt.Errorf("the remote has no branch yet: make the diary with diary init DIR --remote %s, then diary sync: %w", Redact(url), gittransport.ErrEmptyRemoteRepository)
	}
	return first, nil
}

// RecordSync notes the time of a finished sync, for diary status.
func (r *Repo) RecordSync(t time.Time) error {
	dir := filepath.Join(r.gitDir, "diary")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, "last-sync"), []byte(t.UTC().Format(time.RFC3339)+"\n"), privateFile)
}

// LastSync is the time RecordSync noted; zero when none.
func (r *Repo) LastSync() time.Time {
	data, err := os.ReadFile(filepath.Join(r.gitDir, "diary", "last-sync"))
	if err != nil {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339, strings.TrimSpace(string(data)))
	return t
}

// CommitTime returns when commit c was committed.
func (r *Repo) CommitTime(c Hash) (time.Time, error) {
	commit, err := r.git.CommitObject(plumbing.Hash(c))
	if err != nil {
		return time.Time{}, fmt.Errorf("read commit %s: %w", short(c), err)
	}
	return commit.Committer.When, nil
}

// Kept is one commit as undo names it.
type Kept struct {
	Hash    Hash
	Parents []Hash
	Subject string // the message's first line
}

// OnlyOn returns the commits reachable from head but neither from base
// nor from any ref other than refs/heads/branch: the commits that would
// be lost, kept by no other name, if branch moved back to base. Newest
// first, as far as a walk of the parents gives an order.
func (r *Repo) OnlyOn(branch string, head, base Hash) ([]Kept, error) {
	keep, err := r.reachable(base)
	if err != nil {
		return nil, err
	}
	iter, err := r.git.Storer.IterReferences()
	if err != nil {
		return nil, fmt.Errorf("list refs: %w", err)
	}
	mine := plumbing.NewBranchReferenceName(branch)
	var others []Hash
	iter.ForEach(func(ref *plumbing.Reference) error {
		if ref.Type() == plumbing.HashReference && ref.Name() != mine && ref.Name() != plumbing.HEAD {
			others = append(others, Hash(ref.Hash()))
		}
		return nil
	})
	for _, h := range others {
		if keep[h] {
			continue
		}
		more, err := r.reachable(h)
		if err != nil {
			continue // a ref at a missing object keeps nothing
		}
		for c := range more {
			keep[c] = true
		}
	}
	var out []Kept
	seen := map[Hash]bool{}
	stack := []Hash{head}
	for len(stack) > 0 {
		h := stack[0]
		stack = stack[1:]
		if h.IsZero() || seen[h] || keep[h] {
			continue
		}
		seen[h] = true
		data, err := r.readObject(h, plumbing.CommitObject)
		if err != nil {
			return nil, fmt.Errorf("read commit %s: %w", short(h), err)
		}
		parents, err := r.parents(h)
		if err != nil {
			return nil, err
		}
		out = append(out, Kept{Hash: h, Parents: parents, Subject: commitSubject(data)})
		stack = append(stack, parents...)
	}
	return out, nil
}

// commitSubject is the first line of a raw commit's message.
func commitSubject(data []byte) string {
	if i := bytes.Index(data, []byte("\n\n")); i >= 0 {
		data = data[i+2:]
	} else {
		return ""
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		data = data[:i]
	}
	return string(data)
}
