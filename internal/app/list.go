package app

import (
	"context"
	"path/filepath"
	"slices"
	"time"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/entry"
)

// ListOptions filter `diary list`.
type ListOptions struct {
	Since, Until string // YYYY-MM-DD, inclusive; "" for no bound
	Category     string
	Tag          string
	Drafts       bool
	Limit        int // the newest N only; 0 for all
}

// List returns the entries that match, newest first, and one error for
// each file that could not be read as an entry.
func (d *Diary) List(ctx context.Context, lo ListOptions) ([]*entry.Entry, []error, error) {
	loc := d.Config.Location
	if lo.Limit < 0 {
		return nil, nil, Usagef("-n %d is not a count: give how many of the newest entries to list", lo.Limit)
	}
	since, err := day(lo.Since, "--since", loc)
	if err != nil {
		return nil, nil, err
	}
	until, err := day(lo.Until, "--until", loc)
	if err != nil {
		return nil, nil, err
	}
	if !until.IsZero() {
		until = until.AddDate(0, 0, 1) // the whole of that day
	}
	all, warnings := entry.Scan(ctx, d.Root, entry.ScanOptions{Drafts: lo.Drafts, Location: loc, Cache: d.listCache(), Site: d.siteReading()})
	if err := ctx.Err(); err != nil {
		return nil, warnings, err
	}
	out := all[:0]
	for _, e := range all {
		switch {
		case !since.IsZero() && e.Date.Before(since):
		case !until.IsZero() && !e.Date.Before(until):
		case lo.Category != "" && !slices.Contains(e.Categories, lo.Category):
		case lo.Tag != "" && !slices.Contains(e.Tags, lo.Tag):
		default:
			out = append(out, e)
		}
		if lo.Limit > 0 && len(out) == lo.Limit {
			break
		}
	}
	return out, warnings, nil
}

// siteReading is what of the site's _config.yml the entry scanner and
// parser apply (entry.Site: exclude, include, front matter defaults),
// read by config.ReadSite. A _config.yml that cannot be read gives
// Jekyll's own settings (nil); doctor and url say what is wrong with it.
func (d *Diary) siteReading() *entry.Site {
	site, err := config.ReadSite(d.Root)
	if err != nil {
		return nil
	}
	return &site.Reading
}

// listCache is where List keeps what it read of each post, so that the
// next List reads only what changed: in the repository, out of the work
// tree, per work tree. "" (no cache) without a repository.
func (d *Diary) listCache() string {
	if d.Repo == nil || d.Repo.GitDir() == "" {
		return ""
	}
	return filepath.Join(d.Repo.GitDir(), "diary", "list-cache")
}

func day(s, flag string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return time.Time{}, Usagef("%s %q is not a date: use YYYY-MM-DD", flag, s)
	}
	return t, nil
}
