package sync

import (
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/regular"
	"github.com/gitdiary/diary/repo"
)

// Site is what the verdict on a post needs of the site it is built in:
// how Jekyll reads its date, what decides its URL, which Liquid tags
// exist, and which files the site holds (for include, post_url, link).
type Site struct {
	Location *time.Location   // the zone Jekyll builds in
	URL      entry.URLOptions // the site's URL settings
	Plugins  []string         // plugins: of _config.yml
	// Open: the site may define Liquid tags and includes diary cannot see
	// (a theme, or a _plugins/ folder of its own): an unknown tag or a
	// missing include is then not held against a post.
	Open bool
	// Files holds the path of every file of the site; nil when they are
	// not known (include, include_relative, post_url and link are then
	// not checked).
	Files map[string]bool

	// pageSuffix ends the URL of a page without a permalink of its own:
	// "/" under a permalink ending in "/" (pretty), else ".html".
	pageSuffix string

	liquid *liquidSite
	stems  map[string]bool
}

// NewSite is the site of cfg (its _config.yml as config.ReadSite or
// ParseSite read it) whose files are files (nil: not known), read in
// loc where cfg names no zone.
func NewSite(cfg config.Site, files map[string]bool, loc *time.Location) *Site {
	if cfg.Timezone != "" {
		if l, err := time.LoadLocation(cfg.Timezone); err == nil {
			loc = l
		}
	}
	if loc == nil {
		loc = time.Local
	}
	s := &Site{
		Location: loc,
		URL: entry.URLOptions{
			Template:    cfg.PostTemplate(),
			Permalink:   cfg.DefaultPermalink,
			MarkdownExt: cfg.MarkdownExt,
			Location:    loc,
		},
		Plugins: cfg.Plugins,
		Open:    cfg.Theme != "",
		Files:   files,
	}
	s.pageSuffix = ".html"
	if strings.HasSuffix(entry.PermalinkTemplate(cfg.Permalink), "/") {
		s.pageSuffix = "/"
	}
	for f := range files {
		if strings.HasPrefix(f, "_plugins/") {
			s.Open = true
			break
		}
	}
	return s
}

// SiteOfTree is the site as the tree of a commit holds it: its
// _config.yml (or _config.yaml) and its files.
func SiteOfTree(r *repo.Repo, tree repo.Tree, loc *time.Location) (*Site, error) {
	files := make(map[string]bool, len(tree))
	for p := range tree {
		files[p] = true
	}
	var cfg config.Site
	for _, name := range []string{"_config.yml", "_config.yaml"} {
		e, ok := tree[name]
		if !ok || e.Mode == repo.ModeSymlink || e.Mode == repo.ModeSubmodule {
			continue
		}
		data, err := r.ReadBlob(e.Hash)
		if err != nil {
			return nil, err
		}
		if cfg, err = config.ParseSite(name, data); err != nil {
			cfg = config.Site{} // Jekyll's build fails: not a post's fault
		}
		break
	}
	return NewSite(cfg, files, loc), nil
}

func (s *Site) liquidSite() *liquidSite {
	if s.liquid != nil {
		return s.liquid
	}
	l := &liquidSite{tags: map[string]liquidTag{}, open: s.Open}
	for name, kind := range liquidTags {
		l.tags[name] = kind
	}
	for _, p := range s.Plugins {
		for name, kind := range pluginTags[p] {
			l.tags[name] = kind
		}
	}
	if s.Files != nil {
		l.has = func(rel string) bool { return s.Files[rel] }
		l.post = func(stem string) bool {
			if s.stems == nil {
				s.stems = map[string]bool{}
				for f := range s.Files {
					if entry.IsPost(f) {
						b := path.Base(f)
						s.stems[strings.TrimSuffix(b, path.Ext(b))] = true
					}
				}
			}
			return s.stems[stem]
		}
	}
	s.liquid = l
	return l
}

// LintSite returns why the post at p (its file, data) must not be
// published on site ("" when it may be): conflict markers, front matter
// Jekyll cannot read, a value that breaks the build (entry's Check), a
// URL Jekyll cannot build (a category with ":" where the permalink holds
// :categories), and Liquid that stops the build (see checkLiquid).
func LintSite(p string, data []byte, site *Site) string {
	if n := MarkerLine(data); n > 0 {
		return fmt.Sprintf("%s:%d: conflict markers", p, n)
	}
	e, err := entry.Parse(p, data, site.Location, false)
	if err != nil {
		return err.Error()
	}
	if err := e.Check(); err != nil {
		return p + ": " + err.Error()
	}
	if _, err := entry.URL(e, data, site.URL); err != nil {
		return err.Error()
	}
	parts, _ := entry.Split(data)
	if !entry.RendersLiquid(parts) {
		return ""
	}
	if line, why := checkLiquid(p, string(parts.Body), site.liquidSite()); why != "" {
		head := len(parts.BOM) + len(parts.Opener) + len(parts.YAML) + len(parts.Closer)
		return fmt.Sprintf("%s:%d: %s", p, strings.Count(string(data[:head]), "\n")+line, why)
	}
	return ""
}

// A SiteFile is a file of the site that Jekyll publishes at a URL of its
// own choosing: a post (or a page with permalink: in its front matter).
type SiteFile struct {
	Path string
	Data []byte
	// dest is where Jekyll writes it ("" nowhere), when known is set:
	// from the cache of destinations, without Data.
	dest  string
	known bool
}

// Collisions lists, with "path: reason", the files of the site that
// Jekyll would write to the same destination as another (Jekyll's
// "Conflict: The following destination is shared by multiple files":
// one of them is lost), each named once, with the others it collides
// with. Only the files in mine are reported (nil: all); others names the
// rest of the site's posts and pages. A post's URL is entry.URL's, the
// one `diary url` prints; a page's is its permalink. A file whose URL
// cannot be computed is left to LintSite.
func Collisions(mine, others []SiteFile, site *Site) []Held {
	byDest := map[string][]string{}
	report := map[string]bool{}
	add := func(files []SiteFile, reported bool) {
		for _, f := range files {
			dest, ok := destination(f, site)
			if !ok {
				continue
			}
			byDest[dest] = append(byDest[dest], f.Path)
			if reported {
				report[f.Path] = true
			}
		}
	}
	add(mine, true)
	add(others, mine == nil)
	var out []Held
	for dest, paths := range byDest {
		if len(paths) < 2 {
			continue
		}
		sort.Strings(paths)
		for i, p := range paths {
			if !report[p] {
				continue
			}
			rest := append(append([]string{}, paths[:i]...), paths[i+1:]...)
			out = append(out, Held{p, fmt.Sprintf("%s: Jekyll publishes it at %s, as it does %s, and keeps only one of them: change the permalink, title or date of one", p, dest, strings.Join(rest, " and "))})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Problem < out[j].Problem })
	return out
}

// destination is the file of _site that Jekyll writes f to, as a URL
// path: a URL ending in "/" gets index.html (Jekyll's
// URL#destination), and Jekyll unescapes the URL for the file name.
func destination(f SiteFile, site *Site) (string, bool) {
	if f.known {
		return f.dest, f.dest != ""
	}
	var u string
	if entry.IsPost(f.Path) {
		e, err := entry.Parse(f.Path, f.Data, site.Location, false)
		if err != nil || !e.Published {
			return "", false
		}
		if u, err = entry.URL(e, f.Data, site.URL); err != nil {
			return "", false
		}
	} else {
		var ok bool
		if u, ok = pageURL(f, site); !ok {
			return "", false
		}
	}
	if strings.HasSuffix(u, "/") {
		u += "index.html"
	} else if path.Ext(u) == "" {
		u += ".html"
	}
	// Addressable::URI.unencode, as Jekyll's URL#destination applies
	// it: %XX decoded, "+" left as it is.
	if d, err := url.PathUnescape(u); err == nil {
		u = d
	}
	return u, true
}

// pageURL is the URL of the page f (a Markdown or HTML file with front
// matter, in a folder Jekyll reads, outside _posts), as Jekyll's Page#url
// makes it: its permalink: when it gives one, else its folder and base
// name, with ".html" or "/" after it as the site's permalink style ends
// (Page#template; an index page is its folder).
func pageURL(f SiteFile, site *Site) (string, bool) {
	if !pagePath(f.Path) {
		return "", false
	}
	dir, base := path.Split(f.Path)
	ext := path.Ext(base)
	if _, ok := entry.Split(f.Data); !ok {
		return "", false // a static file, copied as it is
	}
	if p, ok := entry.PagePermalink(f.Data); ok {
		if strings.Contains(p, ":") {
			return "", false // placeholders: left to Jekyll
		}
		return "/" + strings.TrimPrefix(p, "/"), true
	}
	stem := strings.TrimSuffix(base, ext)
	if stem == "index" {
		return "/" + dir, true
	}
	outExt := ".html"
	if strings.HasPrefix(strings.ToLower(ext), ".htm") {
		outExt = ext
	}
	if site.pageSuffix == "/" {
		return "/" + dir + stem + "/", true
	}
	return "/" + dir + stem + outExt, true
}

// pagePath says whether a file at p may be a page, by its path alone: a
// Markdown or HTML file, in no folder (and of no name) that starts with
// one of "._#~", which Jekyll does not read as pages.
func pagePath(p string) bool {
	dir, base := path.Split(p)
	switch strings.ToLower(path.Ext(base)) {
	case ".md", ".markdown", ".html", ".htm":
	default:
		return false
	}
	for _, c := range strings.Split(strings.TrimSuffix(dir, "/"), "/") {
		if c != "" && strings.ContainsRune("._#~", rune(c[0])) {
			return false
		}
	}
	return !strings.ContainsRune("._#~", rune(base[0]))
}

// collisionCandidates are the files of tree, other than mine, that a
// push of mine is checked against for a shared destination without
// reading every post of a lifetime diary: every page, and each post that
// shares a date or a slug (from its file name) with one of mine; every
// post when one of mine has a permalink: of its own, which may take any
// URL. An older post elsewhere whose own permalink: takes the URL of a
// new post without one is found by doctor, which checks the whole site
// (SiteCollisions).
func collisionCandidates(r *repo.Repo, tree repo.Tree, mine []SiteFile, skip map[string]bool, site *Site, cache *destCache) ([]SiteFile, error) {
	dates, slugs, own := map[string]bool{}, map[string]bool{}, map[string]bool{}
	anyURL := false
	for _, f := range mine {
		own[f.Path] = true
		if d, slug, ok := cutPostName(path.Base(f.Path)); ok {
			dates[d], slugs[slug] = true, true
		}
		if _, ok := entry.PagePermalink(f.Data); ok {
			anyURL = true
		}
	}
	return treeFiles(r, tree, func(p string) bool {
		if own[p] || skip[p] {
			return false
		}
		// A file of a _posts folder is a post, or is copied as it is:
		// never a page. Posts are ruled out by their names alone, cut as
		// mine are: ParseName's pattern and IsPost's walk of the folders
		// cost microseconds a path, which on 10,000 posts was most of
		// this check's time.
		if anyURL || !strings.Contains(p, "_posts/") {
			return true
		}
		d, slug, ok := cutPostName(path.Base(p))
		return ok && (dates[d] || slugs[slug])
	}, site, cache)
}

// cutPostName cuts a file name as Jekyll's post name pattern cuts a
// post's (entry.ParseName): the date before its third "-", the slug
// after it without the extension; ok is false when it has no three.
func cutPostName(base string) (date, slug string, ok bool) {
	i, n := 0, 0
	for ; i < len(base) && n < 3; i++ {
		if base[i] == '-' {
			n++
		}
	}
	if n < 3 {
		return "", "", false
	}
	rest := base[i:]
	return base[:i-1], strings.TrimSuffix(rest, path.Ext(rest)), true
}

// treeFiles are the posts and pages of tree that want takes (nil: all),
// each with its destination: a file that may have a URL of its own,
// kept in a blob no larger than GitHub takes, read unless the cache
// knows where it goes. Links and submodules are never read.
func treeFiles(r *repo.Repo, tree repo.Tree, want func(p string) bool, site *Site, cache *destCache) ([]SiteFile, error) {
	var out []SiteFile
	for p, e := range tree {
		if e.Mode == repo.ModeSymlink || e.Mode == repo.ModeSubmodule || (want != nil && !want(p)) {
			continue
		}
		if !entry.IsPost(p) && !pagePath(p) {
			continue
		}
		if dest, ok := cache.get(e.Hash, p); ok {
			out = append(out, SiteFile{Path: p, dest: dest, known: true})
			continue
		}
		if size, err := r.BlobSize(e.Hash); err != nil || size > repo.MaxBlobSize {
			continue
		}
		data, err := r.ReadBlob(e.Hash)
		if err != nil {
			return nil, err
		}
		f := SiteFile{Path: p, Data: data}
		f.dest, _ = destination(f, site)
		f.known = true
		cache.put(e.Hash, p, f.dest)
		out = append(out, f)
	}
	return out, nil
}

// SiteCollisions is the whole-site check of shared destinations, which
// reads every post and page (Collisions of all of them): the site of
// commit with the work tree's changes on top (changes, as r.Changes
// lists them), as the next sync commits it. A file of the work tree
// that is not a regular one, or is over GitHub's limit, is left out, as
// sync leaves it out of the push.
func SiteCollisions(r *repo.Repo, commit repo.Hash, changes []repo.Change, loc *time.Location) ([]Held, error) {
	return workCollisions(r, commit, changes, loc, true)
}

// ChangeCollisions is the check a push makes (Unpublishable), for the
// changed posts of the work tree: those of changes that would share a
// destination with a file of commit (collisionCandidates) or with one
// another, as the next sync commits them.
func ChangeCollisions(r *repo.Repo, commit repo.Hash, changes []repo.Change, loc *time.Location) ([]Held, error) {
	return workCollisions(r, commit, changes, loc, false)
}

func workCollisions(r *repo.Repo, commit repo.Hash, changes []repo.Change, loc *time.Location, whole bool) ([]Held, error) {
	changed := map[string]bool{}
	var mine []SiteFile
	for _, c := range changes {
		changed[c.Path] = true
		if c.Kind == repo.Deleted || (!whole && !entry.IsPost(c.Path)) {
			continue
		}
		full := filepath.Join(r.Root(), filepath.FromSlash(c.Path))
		if fi, err := os.Lstat(full); err != nil || !fi.Mode().IsRegular() || fi.Size() > repo.MaxBlobSize {
			continue
		}
		data, err := regular.ReadFileNoFollow(full)
		if err != nil {
			continue
		}
		mine = append(mine, SiteFile{Path: c.Path, Data: data})
	}
	if !whole && len(mine) == 0 {
		return nil, nil
	}
	var tree repo.Tree
	if !commit.IsZero() {
		var err error
		if tree, err = r.ReadTree(commit); err != nil {
			return nil, err
		}
	}
	site, err := SiteOfTree(r, tree, loc)
	if err != nil {
		return nil, err
	}
	// The committed files, but for those the work tree changed.
	cache := openDestCache(r, site)
	var others []SiteFile
	if whole {
		others, err = treeFiles(r, tree, func(p string) bool { return !changed[p] }, site, cache)
	} else {
		others, err = collisionCandidates(r, tree, mine, changed, site, cache)
	}
	if err != nil {
		return nil, err
	}
	cache.save(tree)
	if whole {
		return Collisions(nil, append(others, mine...), site), nil
	}
	return Collisions(mine, others, site), nil
}
