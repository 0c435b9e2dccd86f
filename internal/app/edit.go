package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/regular"
)

// Sentinel errors of Edit.
var (
	ErrNotFound   = errors.New("no such entry")
	ErrAmbiguous  = errors.New("several entries match")
	ErrNoTerminal = errors.New("no terminal")
)

// EditOptions are what `diary edit` was asked for.
type EditOptions struct {
	// Query is a path, a file name (with or without extension), a slug
	// or a part of one, a date (YYYY-MM-DD), or words of the title; ""
	// for the newest.
	Query string
	// Editor makes the editor from the configured command line; nil
	// without a terminal.
	Editor func(command string) Editor
}

// EditResult says what Edit did. With ErrAmbiguous, Matches lists the
// candidates.
type EditResult struct {
	Path     string
	Changed  bool
	Commit   string
	Warnings []string
	Matches  []*entry.Entry
}

// Edit opens one entry in the editor and commits it if it changed.
func (d *Diary) Edit(ctx context.Context, eo EditOptions) (*EditResult, error) {
	res := &EditResult{}
	// Before find, which writes the list cache: nothing is written.
	if _, err := d.Repo.OnBranch(d.Config.Branch); err != nil {
		return res, err
	}
	if d.Config.Autosync && eo.Editor != nil {
		d.refresh(ctx)
	}
	rel, err := d.find(ctx, eo.Query, res)
	if err != nil {
		return res, err
	}
	res.Path = rel
	if err := d.Repo.CheckIdle(); err != nil {
		return res, err
	}
	if eo.Editor == nil {
		return res, fmt.Errorf("%w to open the editor in: open %s in your editor, then commit it with diary sync", ErrNoTerminal, rel)
	}
	full := filepath.Join(d.Root, filepath.FromSlash(rel))
	before, err := regular.ReadFile(full)
	if err != nil {
		return res, fmt.Errorf("read %s: %w", rel, err)
	}
	if err := eo.Editor(d.Config.Editor).Edit(ctx, full); err != nil {
		return res, fmt.Errorf("%w; whatever was saved is in %s, uncommitted", editorError(err), rel)
	}
	after, err := regular.ReadFile(full)
	if err != nil {
		return res, fmt.Errorf("read %s after editing: %w", rel, err)
	}
	if bytes.Equal(before, after) {
		return res, nil
	}
	res.Changed = true
	if e, err := entry.Parse(rel, after, d.Config.Location, entry.IsDraft(rel)); err != nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%v: it is committed, but diary sync will not publish it until it parses: run diary edit %s", err, rel))
	} else if err := e.Check(); err != nil {
		res.Warnings = append(res.Warnings, unbuildableWarning(rel, err))
	}
	// An entry made with --no-commit is added by its first commit.
	verb := "edit"
	if _, ok, err := d.committedVersion(rel); err == nil && !ok {
		verb = "add"
	}
	res.Commit, err = d.commit(ctx, []string{rel}, fmt.Sprintf("%s %q", verb, d.titleOf(rel, after)))
	if err != nil {
		return res, fmt.Errorf("%w; your changes are saved in %s but not committed", err, rel)
	}
	return res, nil
}

// unbuildableWarning says that the entry at rel, just written, holds a
// value Jekyll cannot build (err, from entry's Check): nothing is lost,
// and nothing broken is published.
func unbuildableWarning(rel string, err error) string {
	return fmt.Sprintf("%s: %v; it is kept, but diary sync will not publish it until it is fixed: run diary edit %s", rel, err, rel)
}

// find resolves a query to one entry: an existing path first (so that a
// post whose front matter is broken can still be opened and fixed), then
// the file name, the slug, the date, the whole title, and a part of the
// title or slug.
func (d *Diary) find(ctx context.Context, q string, res *EditResult) (string, error) {
	if q != "" {
		if rel, ok := d.pathOf(q); ok {
			return rel, nil
		}
	}
	all, _ := entry.Scan(ctx, d.Root, entry.ScanOptions{Drafts: true, Location: d.Config.Location, Cache: d.listCache(), Site: d.siteReading()})
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if q == "" {
		if len(all) == 0 {
			return "", fmt.Errorf("%w: the diary has no entries yet: write one with diary new", ErrNotFound)
		}
		return all[0].Path, nil
	}
	lq := strings.ToLower(q)
	// Exact ways of naming one entry first, then looser ones: the first
	// tier with a match decides.
	tiers := []func(e *entry.Entry) bool{
		func(e *entry.Entry) bool {
			base := path.Base(e.Path)
			return base == q || strings.TrimSuffix(base, path.Ext(base)) == q
		},
		func(e *entry.Entry) bool {
			slug := slugOf(e.Path)
			return slug == q || slug+path.Ext(e.Path) == q
		},
		func(e *entry.Entry) bool { return e.Date.In(d.Config.Location).Format("2006-01-02") == q },
		func(e *entry.Entry) bool { return strings.EqualFold(e.Title, q) },
		func(e *entry.Entry) bool {
			return strings.Contains(strings.ToLower(e.Title), lq) || strings.Contains(strings.ToLower(slugOf(e.Path)), lq)
		},
	}
	for _, match := range tiers {
		var found []*entry.Entry
		for _, e := range all {
			if match(e) {
				found = append(found, e)
			}
		}
		switch {
		case len(found) == 1:
			return found[0].Path, nil
		case len(found) > 1:
			res.Matches = found
			return "", fmt.Errorf("%w %q: name one by its path", ErrAmbiguous, q)
		}
	}
	return "", fmt.Errorf("%w matches %q: diary list shows them all", ErrNotFound, q)
}

// pathOf returns q as a repo-relative path when it names a file of the
// diary: relative to the diary, to the working directory, or absolute.
func (d *Diary) pathOf(q string) (string, bool) {
	cands := []string{filepath.Join(d.Root, filepath.FromSlash(q))}
	if filepath.IsAbs(q) {
		cands = []string{q}
	} else if d.opts.Dir != "" {
		cands = append(cands, filepath.Join(d.opts.Dir, q))
	}
	for _, c := range cands {
		fi, err := os.Stat(c)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		rel, err := filepath.Rel(d.Root, c)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		return filepath.ToSlash(rel), true
	}
	return "", false
}

func slugOf(p string) string {
	if _, slug, ok := entry.ParseName(p); ok {
		return slug
	}
	base := path.Base(p)
	return strings.TrimSuffix(base, path.Ext(base))
}
