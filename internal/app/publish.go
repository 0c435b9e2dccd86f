package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/atomicfile"
	"github.com/gitdiary/diary/internal/regular"
)

// Sentinel errors of Publish, Unpublish and Rename.
var (
	ErrNotDraft = errors.New("not a draft")
	ErrNotPost  = errors.New("not a post")
)

// PublishOptions are what `diary publish` was asked for.
type PublishOptions struct {
	Query string // the draft, matched as edit matches
	Date  string // --date, as entryDate reads it; "" for now
}

// UnpublishOptions are what `diary unpublish` was asked for.
type UnpublishOptions struct {
	Query string // the post, matched as edit matches
}

// MoveResult says what Publish, Unpublish or Rename did. With
// ErrAmbiguous, Matches lists the candidates.
type MoveResult struct {
	From, To string // repo-relative, slash-separated
	Commit   string
	Warnings []string
	Matches  []*entry.Entry
}

// moving is the entry that Publish, Unpublish or Rename moves.
type moving struct {
	rel  string
	data []byte
	e    *entry.Entry
}

// afterCreate, when not nil, is called once the moved entry's new file
// exists and before the old one is removed: tests look at the files
// there, where a kill -9 would leave them.
var afterCreate func(from, to string)

// Publish moves a draft, _drafts/SLUG.EXT, to _posts/DATE-SLUG.EXT, with
// its front matter date set, and commits the move (jekyll-compose's
// publish). Edits of the draft not yet committed move with it and are
// committed too: nothing is left behind or lost.
func (d *Diary) Publish(ctx context.Context, po PublishOptions) (*MoveResult, error) {
	res := &MoveResult{}
	cfg := d.Config
	when, err := entryDate(po.Date, d.opts.now(), cfg.Location)
	if err != nil {
		return res, err
	}
	src, err := d.toMove(ctx, po.Query, res)
	if err != nil {
		return res, err
	}
	if !src.e.Draft {
		return res, fmt.Errorf("%s is %w: publish takes a draft from _drafts/ (diary list --drafts shows them); to re-date a post, use diary rename %s TITLE --date WHEN", src.rel, ErrNotDraft, src.rel)
	}
	// Nothing broken is published: the draft is fixed first.
	if err := src.e.Check(); err != nil {
		return res, fmt.Errorf("%s: %w; fix it with diary edit %s, then publish it", src.rel, err, src.rel)
	}
	// Dated so that the site's build (UTC on GitHub Pages) publishes it
	// at once, as new dates an entry.
	site, _ := config.ReadSite(d.Root)
	if written, moved := pagesDate(when, d.opts.now(), cfg.DateFormat, buildZone(site)); moved {
		res.Warnings = append(res.Warnings, pagesDateWarning(when, written, cfg.DateFormat, site, cfg.Location.String()))
		when = written
	}
	if when.After(d.opts.now()) {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the entry is dated %s, in the future: Jekyll publishes it only after then", when.Format("2006-01-02 15:04")))
	}
	content, err := entry.SetFields(src.data, []entry.KeyText{{Key: "date", Value: entry.DateValue(when, cfg.DateFormat)}})
	if err != nil {
		return res, editByHand(src.rel, err)
	}
	base := path.Base(src.rel)
	slug, ext := splitExt(base, cfg.Ext)
	dir := swapFolder(src.rel, entry.DraftsDir, entry.PostsDir)
	if path.Dir(src.rel) == entry.DraftsDir {
		// Straight from _drafts/: where new would put the post.
		dir = postFolder(cfg, site, src.e.Categories)
	}
	err = d.move(ctx, src, dir, func(n int) string { return entry.Name(when, slug, ext, false, n) }, content, fmt.Sprintf("publish %q", src.e.Title), res)
	return res, err
}

// Unpublish moves a post, _posts/DATE-SLUG.EXT, back to _drafts/SLUG.EXT,
// its date kept in the front matter, and commits the move.
func (d *Diary) Unpublish(ctx context.Context, uo UnpublishOptions) (*MoveResult, error) {
	res := &MoveResult{}
	src, err := d.toMove(ctx, uo.Query, res)
	if err != nil {
		return res, err
	}
	if src.e.Draft || !entry.IsPost(src.rel) {
		return res, fmt.Errorf("%s is %w: unpublish takes a post from _posts/", src.rel, ErrNotPost)
	}
	// The date stays: one the file name alone gave goes into the front
	// matter, as a day.
	content, err := entry.SetFields(src.data, []entry.KeyText{{Key: "date", Value: entry.DateValue(src.e.Date.In(d.Config.Location), "2006-01-02"), IfMissing: true}})
	if err != nil {
		return res, editByHand(src.rel, err)
	}
	_, slug, _ := entry.ParseName(src.rel)
	_, ext := splitExt(path.Base(src.rel), d.Config.Ext)
	dir := swapFolder(src.rel, entry.PostsDir, entry.DraftsDir)
	err = d.move(ctx, src, dir, func(n int) string { return entry.Name(time.Time{}, slug, ext, true, n) }, content, fmt.Sprintf("unpublish %q", src.e.Title), res)
	return res, err
}

// toMove finds the entry to move, as edit finds one, and reads it: it
// must parse, since its front matter is to be rewritten.
func (d *Diary) toMove(ctx context.Context, q string, res *MoveResult) (*moving, error) {
	// Before find, which writes the list cache: nothing is written.
	if _, err := d.Repo.OnBranch(d.Config.Branch); err != nil {
		return nil, err
	}
	var found EditResult
	rel, err := d.find(ctx, q, &found)
	if err != nil {
		res.Matches = found.Matches
		return nil, err
	}
	res.From = rel
	if err := d.Repo.CheckIdle(); err != nil {
		return nil, err
	}
	// A link is kept by git as a link: what it points at is no entry to
	// move, and never copied into the diary.
	data, err := regular.ReadFileNoFollow(filepath.Join(d.Root, filepath.FromSlash(rel)))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w: diary moves only entries that are files", rel, err)
	}
	draft := entry.IsDraft(rel)
	if !draft && !entry.IsPost(rel) {
		return nil, fmt.Errorf("%s is neither a post in _posts/ nor a draft in _drafts/: name an entry (diary list --drafts shows them)", rel)
	}
	e, err := entry.Parse(rel, data, d.Config.Location, draft)
	if err != nil {
		return nil, fmt.Errorf("%w: fix it with diary edit %s first", err, rel)
	}
	return &moving{rel: rel, data: data, e: e}, nil
}

// move writes content under the first free name(n) in dir (a new file,
// never over another), removes the old file, and commits both paths in
// one commit, which git sees as a rename. A kill at any step leaves the
// old file, or both, never neither. When name(n) is the file's own name
// before any free one, the file is rewritten in place (and when that
// changes nothing, nothing is committed: Commit stays "").
func (d *Diary) move(ctx context.Context, src *moving, dir string, name func(n int) string, content []byte, what string, res *MoveResult) error {
	absDir := filepath.Join(d.Root, filepath.FromSlash(dir))
	oldAbs := filepath.Join(d.Root, filepath.FromSlash(src.rel))
	if own, ok := ownName(absDir, oldAbs, name); ok {
		res.To = path.Join(dir, own)
		if bytes.Equal(content, src.data) {
			return nil // nothing to change, nothing committed
		}
		if err := atomicfile.WriteFile(oldAbs, content, 0o644); err != nil {
			return err
		}
		return d.commitMove(ctx, []string{src.rel}, what, res)
	}
	base, err := entry.Create(absDir, name, content)
	if err != nil {
		return fmt.Errorf("%w; %s is as it was", err, src.rel)
	}
	res.To = path.Join(dir, base)
	// The new name is on disk before the old one goes.
	if err := atomicfile.SyncDir(absDir); err != nil {
		return fmt.Errorf("%w; %s and %s both exist: remove one, then run diary sync", err, src.rel, res.To)
	}
	if afterCreate != nil {
		afterCreate(src.rel, res.To)
	}
	if err := os.Remove(oldAbs); err != nil {
		return fmt.Errorf("remove %s: %w; it is also at %s: remove one, then run diary sync", src.rel, err, res.To)
	}
	if err := atomicfile.SyncDir(filepath.Dir(oldAbs)); err != nil {
		return fmt.Errorf("%w; %s is now %s: run diary sync to commit it", err, src.rel, res.To)
	}
	return d.commitMove(ctx, []string{src.rel, res.To}, what, res)
}

func (d *Diary) commitMove(ctx context.Context, paths []string, what string, res *MoveResult) error {
	var err error
	res.Commit, err = d.commit(ctx, paths, what)
	if err != nil {
		return fmt.Errorf("%w; %s is now %s, not committed: run diary sync to commit it", err, res.From, res.To)
	}
	return nil
}

// ownName reports the name, among name(1), name(2)…, that the file old
// already has in dir, when none before it is free: a rename that keeps
// the name rewrites the file in place rather than moving it to SLUG-2.
func ownName(dir, old string, name func(n int) string) (string, bool) {
	if filepath.Clean(dir) != filepath.Dir(old) {
		return "", false
	}
	for n := 1; n <= 1000; n++ {
		cand := name(n)
		if cand == filepath.Base(old) {
			return cand, true
		}
		if _, err := os.Lstat(filepath.Join(dir, cand)); errors.Is(err, fs.ErrNotExist) {
			return "", false
		}
	}
	return "", false
}

// swapFolder is the folder of rel with its _drafts or _posts folder
// (from, the first one in rel, as Jekyll finds it) made the other (to),
// and the folders inside it kept: a/_drafts/b/x.md is in a/_posts/b.
func swapFolder(rel, from, to string) string {
	parts := strings.Split(path.Dir(rel), "/")
	for i, p := range parts {
		if p == from {
			parts[i] = to
			break
		}
	}
	return strings.Join(parts, "/")
}

// splitExt cuts a file name into its slug and extension (without the
// dot); a name without one takes the ext setting.
func splitExt(base, ext string) (string, string) {
	if e := path.Ext(base); len(e) > 1 {
		return strings.TrimSuffix(base, e), e[1:]
	}
	return base, ext
}

// editByHand says that a front matter cannot be rewritten by diary.
func editByHand(rel string, err error) error {
	return fmt.Errorf("%s: %w: fix it with diary edit %s first", rel, err, rel)
}
