package sync

import (
	"time"

	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/repo"
)

// LintWarnings lists, as "path: warning", what Jekyll builds from the post
// p (data, its file) but most likely not as meant (entry's Warnings: a
// date on a day its month lacks, which Jekyll rolls over into the next
// month). They are no reason to hold the post back: sync, status and
// doctor say them and publish it. A post Lint refuses has none here.
func LintWarnings(p string, data []byte, loc *time.Location) []string {
	e, err := entry.Parse(p, data, loc, false)
	if err != nil {
		return nil
	}
	var out []string
	for _, w := range e.Warnings() {
		out = append(out, p+": "+w)
	}
	return out
}

// PublishWarnings is LintWarnings for the posts of commit local that are
// not in commit remote (ZeroHash: none) as they are: those a push of
// local publishes, as Unpublishable finds them.
func PublishWarnings(r *repo.Repo, local, remote repo.Hash, loc *time.Location) ([]string, error) {
	if local == remote {
		return nil, nil
	}
	tree, err := r.ReadTree(local)
	if err != nil {
		return nil, err
	}
	published, err := r.ReadTree(remote)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range repo.ChangedPaths(published, tree) {
		e, ok := tree[p]
		if !ok || !IsPost(p) || e.Mode == repo.ModeSymlink || e.Mode == repo.ModeSubmodule {
			continue
		}
		if size, err := r.BlobSize(e.Hash); err != nil || LintSize(p, size) != "" {
			continue // never read whole; Unpublishable says why
		}
		data, err := r.ReadBlob(e.Hash)
		if err != nil {
			return nil, err
		}
		out = append(out, LintWarnings(p, data, loc)...)
	}
	return out, nil
}
