package app

import (
	"context"
	"fmt"
	"path"
	"time"

	"github.com/gitdiary/diary/entry"
)

// RenameOptions are what `diary rename` was asked for.
type RenameOptions struct {
	Query string // the entry, matched as edit matches
	Title string // the new title
	Date  string // --date, as entryDate reads it; "" keeps the date
}

// Rename gives an entry a new title, and so a new slug, and with a date
// a new date (file name and front matter), in one commit that git sees
// as a rename.
func (d *Diary) Rename(ctx context.Context, ro RenameOptions) (*MoveResult, error) {
	res := &MoveResult{}
	cfg := d.Config
	title, err := titleOf(ro.Title)
	if err != nil {
		return res, err
	}
	var when time.Time
	if ro.Date != "" {
		if when, err = entryDate(ro.Date, d.opts.now(), cfg.Location); err != nil {
			return res, err
		}
	}
	mode, err := entry.ParseSlugMode(cfg.Slug)
	if err != nil {
		return res, err
	}
	src, err := d.toMove(ctx, ro.Query, res)
	if err != nil {
		return res, err
	}
	fields := []entry.KeyText{{Key: "title", Value: entry.Quote(title)}}
	if ro.Date != "" {
		fields = append(fields, entry.KeyText{Key: "date", Value: entry.DateValue(when, cfg.DateFormat)})
		if when.After(d.opts.now()) {
			res.Warnings = append(res.Warnings, fmt.Sprintf("the entry is dated %s, in the future: Jekyll publishes it only after then", when.Format("2006-01-02 15:04")))
		}
	} else {
		when = src.e.Date.In(cfg.Location)
		if day, _, ok := entry.ParseName(src.rel); ok && !src.e.Draft {
			// The file name's day stays as it is, whatever the front
			// matter says.
			if t, err := time.ParseInLocation("2006-1-2", day, cfg.Location); err == nil {
				when = t
			}
		}
	}
	content, err := entry.SetFields(src.data, fields)
	if err != nil {
		return res, editByHand(src.rel, err)
	}
	var unbuildable error
	if e, err := entry.Parse(src.rel, content, cfg.Location, src.e.Draft); err == nil {
		unbuildable = d.unbuildable(src.rel, content, e)
	}
	slug := entry.Slugify(title, mode)
	_, ext := splitExt(path.Base(src.rel), cfg.Ext)
	draft := src.e.Draft
	err = d.move(ctx, src, path.Dir(src.rel), func(n int) string { return entry.Name(when, slug, ext, draft, n) }, content, fmt.Sprintf("rename %q to %q", src.e.Title, title), res)
	if err == nil && unbuildable != nil {
		// Renaming did not break it; it is said all the same.
		res.Warnings = append(res.Warnings, unbuildableWarning(res.To, unbuildable))
	}
	return res, err
}
