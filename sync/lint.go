package sync

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/repo"
)

// lint checks the posts that a push would publish (Unpublishable). A
// post that would break the site (Lint) stays committed here, and
// nothing is pushed until it is fixed.
func lint(r *repo.Repo, o *Options, res *Result, remote repo.Hash) error {
	head, err := r.Head()
	if err != nil {
		return err
	}
	if o.DryRun {
		return nil // a dry run committed nothing
	}
	problems, err := Unpublishable(r, head.Hash, remote, o.Location)
	if err != nil {
		return err
	}
	res.Unpublishable = append(res.Unpublishable, problems...)
	if len(res.Unpublishable) > 0 {
		o.NoPush = true
		return fmt.Errorf("%w: %s: they are committed here; fix them (diary edit PATH), then run diary sync again", ErrUnpublishable, strings.Join(res.Unpublishable, "; "))
	}
	return nil
}

// Unpublishable lists, as "path: reason", the posts of commit local
// that are not in commit remote (ZeroHash: none) as they are, and that
// must not be published on the site that local holds (LintSite, and
// Collisions with the site's other files): what a push of local would
// refuse.
func Unpublishable(r *repo.Repo, local, remote repo.Hash, loc *time.Location) ([]string, error) {
	if local == remote {
		return nil, nil // nothing new to publish
	}
	tree, err := r.ReadTree(local)
	if err != nil {
		return nil, err
	}
	published, err := r.ReadTree(remote)
	if err != nil {
		return nil, err
	}
	site, err := SiteOfTree(r, tree, loc)
	if err != nil {
		return nil, err
	}
	var problems []string
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
			return nil, err
		}
		if problem := LintSize(p, size); problem != "" {
			problems = append(problems, problem)
			continue // never read whole
		}
		data, err := r.ReadBlob(e.Hash)
		if err != nil {
			return nil, err
		}
		if problem := LintSite(p, data, site); problem != "" {
			problems = append(problems, problem)
			continue
		}
		mine = append(mine, SiteFile{Path: p, Data: data})
	}
	if len(mine) > 0 {
		others, err := collisionCandidates(r, tree, mine)
		if err != nil {
			return nil, err
		}
		problems = append(problems, Collisions(mine, others, site)...)
	}
	return problems, nil
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
// are held to Lint.
func IsPost(p string) bool { return entry.IsPost(p) }

// Lint returns why a post must not be published ("" when it may be) on
// a site of Jekyll's defaults, read in loc: LintSite. A caller that
// knows the site (its permalink, plugins and files) calls LintSite.
func Lint(p string, data []byte, loc *time.Location) string {
	return LintSite(p, data, NewSite(config.Site{}, nil, loc))
}

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
