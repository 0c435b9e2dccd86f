package app

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"time"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/regular"
)

// ErrDraftURL: a draft has no URL; Jekyll publishes it only once it is
// a post.
var ErrDraftURL = errors.New("a draft has no URL until it is published")

// URLOptions are what `diary url` was asked for.
type URLOptions struct {
	Entry string // matched as edit matches its query
}

// URLResult is the entry found and the URL Jekyll publishes it at. With
// ErrAmbiguous, Matches lists the candidates.
type URLResult struct {
	Path string
	// URL is absolute when the site's _config.yml has a url, else the
	// path from the server's root, baseurl included.
	URL      string
	Warnings []string
	Matches  []*entry.Entry
}

// URL finds an entry as edit does and returns the URL Jekyll publishes
// it at, from the site's url, baseurl and permalink settings and the
// post's own front matter. A draft is an error (ErrDraftURL): its URL
// depends on the date it is published with.
func (d *Diary) URL(ctx context.Context, o URLOptions) (*URLResult, error) {
	res := &URLResult{}
	var found EditResult
	rel, err := d.find(ctx, o.Entry, &found)
	res.Matches = found.Matches
	if err != nil {
		return res, err
	}
	res.Path = rel
	if entry.IsDraft(rel) {
		return res, fmt.Errorf("%s: %w: publish it with diary publish %s, then ask again", rel, ErrDraftURL, rel)
	}
	site, err := config.ReadSite(d.Root)
	if err != nil {
		return res, fmt.Errorf("%w: fix it, then ask again", err)
	}
	if !site.Reading.IsPost(rel) {
		return res, fmt.Errorf("%s is not a post Jekyll publishes (a file named YYYY-MM-DD-SLUG.EXT in _posts/, in no folder _config.yml excludes): name a post", rel)
	}
	data, err := regular.ReadFile(filepath.Join(d.Root, filepath.FromSlash(rel)))
	if err != nil {
		return res, fmt.Errorf("read %s: %w", rel, err)
	}
	e, url, err := d.postURL(rel, data, site)
	if err != nil {
		return res, err
	}
	res.URL = url
	if !e.Published {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s has published: false, so Jekyll does not build it: this URL shows nothing until it is published", rel))
	} else if !site.Future && e.Date.After(d.opts.now()) {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s is dated %s, in the future: Jekyll builds it only after then", rel, e.Date.Format("2006-01-02 15:04")))
	}
	return res, nil
}

// postURL is the URL of the post at rel (data, its file) on site: the
// one computation `diary url` and `diary new` share. The post is read in
// the zone the site is built in (buildZone: its own timezone, else UTC,
// as GitHub Pages builds it), which decides the day in its URL.
func (d *Diary) postURL(rel string, data []byte, site config.Site) (*entry.Entry, string, error) {
	return siteURL(rel, data, site, buildZone(site))
}

// siteURL is the URL of the post at rel on site when the site is built
// in loc.
func siteURL(rel string, data []byte, site config.Site, loc *time.Location) (*entry.Entry, string, error) {
	e, err := site.Reading.Parse(rel, data, loc, false)
	if err != nil {
		return nil, "", fmt.Errorf("%w: fix it with diary edit %s", err, rel)
	}
	// The permalink the front matter defaults give this post: by its
	// path and type, the most specific set winning.
	permalink, _ := site.Reading.DefaultText(rel, "posts", "permalink")
	p, err := entry.URL(e, data, entry.URLOptions{
		Template:    site.PostTemplate(),
		Permalink:   permalink,
		MarkdownExt: site.MarkdownExt,
		Location:    loc,
	})
	if err != nil {
		return e, "", err
	}
	return e, entry.SiteURL(site.URL, site.BaseURL, p), nil
}

// newPostURL is the URL of the post diary new just wrote at rel on
// site; siteErr is the error reading site gave.
func (d *Diary) newPostURL(rel string, data []byte, site config.Site, siteErr error) (string, error) {
	if siteErr != nil {
		return "", fmt.Errorf("%w: the entry is kept, but its URL is unknown until that is fixed", siteErr)
	}
	_, url, err := d.postURL(rel, data, site)
	var perr *entry.ParseError
	var verr *entry.ValueError
	if errors.As(err, &perr) || errors.As(err, &verr) {
		return "", nil // new has warned about it already
	}
	if err != nil {
		return "", fmt.Errorf("%w; the entry is kept", err)
	}
	return url, nil
}

// unbuildableURL returns why the entry at rel (data, its file) would
// have no URL Jekyll can build on the diary's site because of a value in
// it (an entry.ValueError: a category with ":" where the site's
// permalink starts the URL with :categories), else nil. A draft is
// judged as the post it becomes. Other reasons a URL cannot be made (the
// site's own settings) are not the entry's: url and new report them.
func (d *Diary) unbuildableURL(rel string, data []byte) error {
	if entry.IsDraft(rel) {
		rel = path.Join(entry.PostsDir, "2000-01-01-"+path.Base(rel))
	}
	site, err := config.ReadSite(d.Root)
	if err != nil {
		return nil
	}
	_, _, err = d.postURL(rel, data, site)
	var verr *entry.ValueError
	if errors.As(err, &verr) {
		return verr
	}
	return nil
}

// unbuildable is every reason the entry e (read from data, at rel) would
// break the build: its values (entry's Check) and its URL on the site.
func (d *Diary) unbuildable(rel string, data []byte, e *entry.Entry) error {
	if err := e.Check(); err != nil {
		return err
	}
	return d.unbuildableURL(rel, data)
}
