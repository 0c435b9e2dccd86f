package sync

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/repo"
)

// lint checks the posts that a push would publish: those under _posts/
// that differ between the remote's commit (ZeroHash: none) and HEAD. A
// post with conflict markers or front matter that does not parse stays
// committed here, and nothing is pushed until it is fixed.
func lint(r *repo.Repo, o *Options, res *Result, remote repo.Hash) error {
	head, err := r.Head()
	if err != nil {
		return err
	}
	if o.DryRun || head.Hash == remote {
		// A dry run committed nothing; a branch where the remote's is
		// publishes nothing new.
		return nil
	}
	local, err := r.ReadTree(head.Hash)
	if err != nil {
		return err
	}
	published, err := r.ReadTree(remote)
	if err != nil {
		return err
	}
	for _, p := range repo.ChangedPaths(published, local) {
		e, ok := local[p]
		if !ok || !strings.HasPrefix(p, entry.PostsDir+"/") {
			continue
		}
		if _, _, isPost := entry.ParseName(p); !isPost {
			continue
		}
		data, err := r.ReadBlob(e.Hash)
		if err != nil {
			return err
		}
		if problem := Lint(p, data, o.Location); problem != "" {
			res.Unpublishable = append(res.Unpublishable, problem)
		}
	}
	if len(res.Unpublishable) > 0 {
		o.NoPush = true
		return fmt.Errorf("%w: %s: they are committed here; fix them (diary edit PATH), then run diary sync again", ErrUnpublishable, strings.Join(res.Unpublishable, "; "))
	}
	return nil
}

// Lint returns why a post must not be published ("" when it may be): it
// holds conflict markers, or its front matter does not parse.
func Lint(p string, data []byte, loc *time.Location) string {
	for i, line := range bytes.Split(data, []byte("\n")) {
		for _, m := range []string{"<<<<<<< ", ">>>>>>> "} {
			if bytes.HasPrefix(line, []byte(m)) {
				return fmt.Sprintf("%s:%d: conflict markers", p, i+1)
			}
		}
	}
	if _, err := entry.Parse(p, data, loc, false); err != nil {
		return err.Error()
	}
	return ""
}
