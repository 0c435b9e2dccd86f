package repo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/memory"
)

// Count returns how many commits are reachable from a but not from b,
// as `git rev-list --count b..a` does.
func (r *Repo) Count(a, b Hash) (int, error) {
	if a.IsZero() {
		return 0, nil
	}
	seen := map[Hash]bool{}
	if !b.IsZero() {
		if err := r.walk(b, func(h Hash) { seen[h] = true }); err != nil {
			return 0, err
		}
	}
	n := 0
	err := r.walk(a, func(h Hash) {
		if !seen[h] {
			n++
		}
	})
	return n, err
}

// walk calls f on every commit reachable from start, once each.
func (r *Repo) walk(start Hash, f func(Hash)) error {
	visited := map[Hash]bool{start: true}
	stack := []Hash{start}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		c, err := r.git.CommitObject(h)
		if err != nil {
			return fmt.Errorf("read commit %s: %w", short(h), err)
		}
		f(h)
		for _, p := range c.ParentHashes {
			if !visited[p] {
				visited[p] = true
				stack = append(stack, p)
			}
		}
	}
	return nil
}

// Clone copies the repository at url into dir, a new directory, and
// checks out its default branch.
func Clone(ctx context.Context, url, dir string, o NetOptions) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if des, err := os.ReadDir(abs); err == nil && len(des) > 0 {
		return nil, fmt.Errorf("clone into %s: the directory is not empty: choose another with diary clone URL DIR", abs)
	}
	branch, err := defaultBranch(ctx, url, o)
	if err == nil {
		_, err = git.PlainCloneContext(ctx, abs, false, &git.CloneOptions{URL: url, Auth: o.Auth, Progress: o.Progress, Tags: git.NoTags, ReferenceName: branch})
	}
	if err != nil {
		os.RemoveAll(abs)
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("clone %s: %w: it did not answer in time", Redact(url), ErrUnreachable)
		}
		return nil, (&Repo{}).netError("clone "+Redact(url), "", err)
	}
	return Open(abs)
}

// defaultBranch picks the branch to check out: the one the remote's HEAD
// names, or main, or master, or the first there is. A bare repository
// made by `git init --bare` names master in HEAD even when only main was
// ever pushed, which go-git's clone cannot check out.
func defaultBranch(ctx context.Context, url string, o NetOptions) (plumbing.ReferenceName, error) {
	rem := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: "origin", URLs: []string{url}})
	refs, err := rem.ListContext(ctx, &git.ListOptions{Auth: o.Auth})
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
		return "", fmt.Errorf("the remote has no branch yet: make the diary with diary init DIR --remote %s, then diary sync: %w", Redact(url), transport.ErrEmptyRemoteRepository)
	}
	return first, nil
}

// RecordSync notes the time of a finished sync, for diary status.
func (r *Repo) RecordSync(t time.Time) error {
	dir := filepath.Join(r.gitDir, "diary")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "last-sync"), []byte(t.UTC().Format(time.RFC3339)+"\n"), 0o644)
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
	commit, err := r.git.CommitObject(c)
	if err != nil {
		return time.Time{}, fmt.Errorf("read commit %s: %w", short(c), err)
	}
	return commit.Committer.When, nil
}
