package sync

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/regular"
	"github.com/gitdiary/diary/repo"
)

// holdBack keeps the posts that would break the site (Unpublishable)
// out of what is about to be pushed: those of HEAD that the remote
// (at remote) does not have as they are are committed back to the
// remote's version (removed where it has none) in one more commit on
// top, which is pushed with the rest; the user's bytes stay in the work
// tree, untouched, as a change the next sync commits once it lints
// clean. Published history is never rewritten: the local commits that
// hold the post are pushed as they are, but the tip, which is what
// Jekyll builds, never holds it. A dry run only says what it would hold.
//
// A kill -9 before the branch moves leaves loose objects only; after
// it, before the index is written, an index that still holds the
// user's version, which Changes then reports as a change staged
// against the new HEAD: either way the next sync lints it from the work
// tree and holds it again.
func holdBack(ctx context.Context, o *Options, res *Result, remote repo.Hash) error {
	r := o.Repo
	head, err := r.Head()
	if err != nil {
		return err
	}
	held, warnings, err := Unpublishable(r, head.Hash, remote, o.Location)
	if err != nil {
		return err
	}
	res.Warnings = append(res.Warnings, warnings...) // said, and published
	if len(held) == 0 {
		return nil
	}
	res.hold(held...)
	if o.DryRun {
		return nil
	}
	published, err := r.ReadTree(remote)
	if err != nil {
		return err
	}
	reset := map[string]*repo.Entry{}
	var names []string
	var now []repo.Change // what the hold-back leaves in the work tree only
	for _, h := range held {
		if e, ok := published[h.Path]; ok {
			reset[h.Path] = &e
			now = append(now, repo.Change{Path: h.Path, Kind: repo.Modified})
		} else {
			reset[h.Path] = nil
			now = append(now, repo.Change{Path: h.Path, Kind: repo.Added})
		}
		names = append(names, path.Base(h.Path))
	}
	msg := fmt.Sprintf("diary(%s): hold back %s until fixed\n\nThese would break the site; they stay on %s as changes to commit:\n", o.Host, strings.Join(names, ", "), o.Host)
	for _, h := range held {
		msg += "  " + h.Problem + "\n"
	}
	commit, err := r.Commit(ctx, repo.CommitOptions{Reset: reset, Message: msg, Author: o.Author})
	if err != nil {
		return err
	}
	res.HoldCommit = commit
	// Should the push be rejected, the next round's merge must not write
	// over them: they are the user's bytes, in the work tree only now.
next:
	for _, c := range now {
		for _, old := range res.uncommitted {
			if old.Path == c.Path {
				continue next // left out of the commit already
			}
		}
		res.uncommitted = append(res.uncommitted, c)
	}
	o.hook("sync:held-back")
	return nil
}

// hold adds posts to res.Held, each path once (the first reason stays:
// the work tree's, which is what the user sees).
func (res *Result) hold(held ...Held) {
	for _, h := range held {
		dup := false
		for _, old := range res.Held {
			dup = dup || old.Path == h.Path
		}
		if !dup {
			res.Held = append(res.Held, h)
			res.Unpublishable = append(res.Unpublishable, h.Problem)
		}
	}
}

// unhold drops p from res.Held: it was committed after all.
func (res *Result) unhold(p string) {
	for i, h := range res.Held {
		if h.Path == p {
			res.Held = append(res.Held[:i], res.Held[i+1:]...)
			res.Unpublishable = append(res.Unpublishable[:i], res.Unpublishable[i+1:]...)
			return
		}
	}
}

// heldError is what a sync that held posts back returns (exit 1): it
// failed for them, and says what went through.
func heldError(res *Result) error {
	n := len(res.Held)
	if n == 0 {
		return nil
	}
	var went string
	switch {
	case res.DryRun:
		went = "everything else would be committed and pushed"
	case res.Pushed:
		went = "everything else was committed and pushed"
	case res.State == UpToDate || res.State == Behind:
		went = "there was nothing else to push"
	default:
		went = "everything else was committed"
	}
	verb, it := "held back", "it"
	if res.DryRun {
		verb = "would be held back"
	}
	var paths []string
	for _, h := range res.Held {
		paths = append(paths, h.Path)
	}
	if n > 1 {
		it = "each"
	}
	return fmt.Errorf("%w: %d %s (kept here as %s is, not pushed): %s; %s; fix %s with diary edit %s, then run diary sync", ErrUnpublishable, n, verb, map[bool]string{true: "each", false: "it"}[n > 1], strings.Join(res.Unpublishable, "; "), went, it, strings.Join(paths, ", "))
}

// Unpublishable lists the posts of commit local that are not in commit
// remote (ZeroHash: none) as they are, and that must not be published
// on the site that local holds (LintSite, and Collisions with the
// site's other files): what a push of local would hold back. warnings
// are LintWarnings of the same posts, read in the same walk: what the
// push publishes, and says.
func Unpublishable(r *repo.Repo, local, remote repo.Hash, loc *time.Location) (held []Held, warnings []string, err error) {
	if local == remote {
		return nil, nil, nil // nothing new to publish
	}
	tree, err := r.ReadTree(local)
	if err != nil {
		return nil, nil, err
	}
	published, err := r.ReadTree(remote)
	if err != nil {
		return nil, nil, err
	}
	site, err := SiteOfTree(r, tree, loc)
	if err != nil {
		return nil, nil, err
	}
	var problems []Held
	var mine []SiteFile
	for _, p := range repo.ChangedPaths(published, tree) {
		e, ok := tree[p]
		if !ok || !IsPost(p) || e.Mode == repo.ModeSymlink || e.Mode == repo.ModeSubmodule {
			// A link's blob is where it points, not a post: Jekyll on
			// GitHub Pages does not follow links, and diary never reads
			// through one.
			continue
		}
		size, err := r.BlobSize(e.Hash)
		if err != nil {
			return nil, nil, err
		}
		if problem := LintSize(p, size); problem != "" {
			problems = append(problems, Held{p, problem})
			continue // never read whole
		}
		data, err := r.ReadBlob(e.Hash)
		if err != nil {
			return nil, nil, err
		}
		warnings = append(warnings, LintWarnings(p, data, site.Location)...)
		if problem := LintSite(p, data, site); problem != "" {
			problems = append(problems, Held{p, problem})
			continue
		}
		mine = append(mine, SiteFile{Path: p, Data: data})
	}
	if len(mine) > 0 {
		cache := openDestCache(r, site)
		others, err := collisionCandidates(r, tree, mine, nil, site, cache)
		if err != nil {
			return nil, nil, err
		}
		cache.save(tree)
		problems = append(problems, Collisions(mine, others, site)...)
	}
	return problems, warnings, nil
}

// LintFile lints the work-tree post at rel (a slash path below root) as
// Unpublishable lints a committed one: by its size first, never reading
// one over GitHub's limit, then Lint. A link, a named pipe or a device
// is never read: err is then regular.ErrNotRegular's, for the caller to
// warn about (Jekyll does not publish one either).
func LintFile(root, rel string, site *Site) (problem string, err error) {
	full := filepath.Join(root, filepath.FromSlash(rel))
	fi, err := os.Lstat(full)
	if err != nil {
		return "", err
	}
	if fi.Mode().IsRegular() {
		if p := LintSize(rel, fi.Size()); p != "" {
			return p, nil
		}
	}
	data, err := regular.ReadFileNoFollow(full)
	if err != nil {
		return "", err
	}
	return LintSite(rel, data, site), nil
}

// LintSize returns why a post of size bytes must not be published, from
// its size alone ("" when it may be): over repo.MaxBlobSize, GitHub
// refuses it and no diary would fetch it. Such a post is never read:
// a 963 MB one once took 3.3 GB.
func LintSize(p string, size int64) string {
	if size > repo.MaxBlobSize {
		return fmt.Sprintf("%s: %d MB, over GitHub's limit of %d MB for a file: move what is large out of the post (diary attach takes files up to that size)", p, size>>20, repo.MaxBlobSize>>20)
	}
	return ""
}

// IsPost reports whether p is a post that Jekyll publishes (entry.IsPost:
// in _posts/, a folder of it, or a/_posts/, named as a post). Only those
// are held to LintSite.
func IsPost(p string) bool { return entry.IsPost(p) }

// MarkerLine returns the 1-based line of the first conflict marker in
// data ("<<<<<<< " or ">>>>>>> " at the start of a line, as git and diary
// write them), or 0 when there is none.
func MarkerLine(data []byte) int {
	for i, line := range bytes.Split(data, []byte("\n")) {
		for _, m := range []string{"<<<<<<< ", ">>>>>>> "} {
			if bytes.HasPrefix(line, []byte(m)) {
				return i + 1
			}
		}
	}
	return 0
}
