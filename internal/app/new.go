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
	"time"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/editor"
	"github.com/gitdiary/diary/internal/regular"
	"github.com/gitdiary/diary/repo"
)

// Editor opens a file for the user and returns when they are done.
type Editor interface {
	Edit(ctx context.Context, path string) error
}

// AddOptions are what `diary new` was asked for.
type AddOptions struct {
	Title string
	// Untitled: no title was given; the entry's date stands in for one.
	Untitled bool
	// Categories override the `category` setting when there are any;
	// several are written as a list.
	Categories []string
	Tags       []string // front matter tags
	Date       string   // --date, as entryDate reads it; "" for now
	Draft      bool
	Body       *string // the text, from --body or --stdin; nil for none
	// Editor, when not nil, is opened on the new entry (the command
	// passes one only on a terminal, and not with --no-edit or a body).
	Editor   func(command string) Editor
	NoCommit bool
	// Template names _templates/NAME.EXT: its front matter keys and its
	// body (which then stands instead of the disclaimer); "" for none.
	Template string
	// Fields are -f KEY=VALUE: front matter keys, each over the
	// template's and the front_matter setting's.
	Fields []string
}

// AddResult says what Add did.
type AddResult struct {
	Path      string // repo-relative, slash-separated
	Abs       string
	Init      *InitResult // not nil when the diary had to be created first
	Discarded bool        // left unchanged in the editor, and removed
	Commit    string      // "" with --no-commit or when discarded
	// URL is where Jekyll publishes the post (as diary url says); ""
	// for a draft, or when the site gives it no URL (then a warning
	// says why).
	URL      string
	Warnings []string
}

// errEditor: the editor failed; the entry is kept, uncommitted. Editors
// should wrap it; an error that does not is wrapped with it.
var errEditor = editor.ErrFailed

func editorError(err error) error {
	if errors.Is(err, errEditor) {
		return err
	}
	return fmt.Errorf("%w: %v", errEditor, err)
}

// Add writes a new entry, opens the editor on it, and commits it alone.
// When there is no diary where locate points, it first makes one there.
func Add(ctx context.Context, opts Options, ask AddOptions) (*AddResult, error) {
	res := &AddResult{}
	title := ""
	if !ask.Untitled {
		t, err := titleOf(ask.Title)
		if err != nil {
			return nil, err
		}
		title = t
	}
	// Check what was asked before anything is made, a new diary included.
	if _, err := entryDate(ask.Date, opts.now(), time.UTC); err != nil {
		return nil, err
	}
	tags, err := cleanWords(entry.FieldTag, ask.Tags)
	if err != nil {
		return nil, err
	}
	categories, err := cleanWords(entry.FieldCategory, ask.Categories)
	if err != nil {
		return nil, err
	}
	if _, err := layerFrontMatter(ask.Fields, nil, ""); err != nil {
		return nil, err
	}
	if ask.Template != "" {
		if err := checkTemplateName(ask.Template); err != nil {
			return nil, err
		}
	}

	d, err := Open(opts)
	if errors.Is(err, errNoDiary) {
		dir, _, lerr := locate(opts)
		if lerr != nil {
			return nil, lerr
		}
		if res.Init, err = initAt(ctx, dir, opts, InitOptions{}); err != nil {
			return nil, err
		}
		d, err = Open(Options{Repo: dir, ConfigFile: opts.ConfigFile, Flags: opts.Flags, Env: opts.Env, Dir: opts.Dir, Now: opts.Now, Warn: opts.Warn})
	}
	if err != nil {
		return nil, err
	}
	cfg := d.Config
	if _, err := d.Repo.OnBranch(cfg.Branch); err != nil {
		return nil, err
	}
	if !ask.NoCommit {
		if err := d.Repo.CheckIdle(); err != nil {
			return nil, err
		}
	}

	when, err := entryDate(ask.Date, opts.now(), cfg.Location)
	if err != nil {
		return nil, err
	}
	// The site's settings: the zone it is built in, its defaults.
	site, siteErr := config.ReadSite(d.Root)
	if written, moved := pagesDate(when, opts.now(), cfg.DateFormat, buildZone(site)); moved {
		res.Warnings = append(res.Warnings, pagesDateWarning(when, written, cfg.DateFormat, site, cfg.Location.String()))
		when = written
	}
	if ask.Untitled {
		title = when.Format("2006-01-02")
	}
	if when.After(opts.now()) {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the entry is dated %s, in the future: Jekyll publishes it only after then", when.Format("2006-01-02 15:04")))
	}
	var tmpl *template
	if ask.Template != "" {
		if tmpl, err = readTemplate(d.Root, ask.Template, cfg.Ext); err != nil {
			return nil, err
		}
	}
	fm, err := layerFrontMatter(ask.Fields, tmpl, cfg.FrontMatter)
	if err != nil {
		return nil, err
	}
	var who string
	// "author: {{ author }}" in a template asks for the usual author.
	if fm.author != nil && entry.FillPlaceholders(*fm.author, nil) == *fm.author {
		who = *fm.author
	} else if who, err = author(d.Repo, cfg, opts.Env); err != nil {
		return nil, err
	}
	switch {
	case fm.flagCategories:
		if categories, err = cleanWords(entry.FieldCategory, append(categories, fm.categories...)); err != nil {
			return nil, err
		}
	case len(categories) == 0 && len(fm.categories) > 0:
		if categories, err = cleanWords(entry.FieldCategory, fm.categories); err != nil {
			return nil, fmt.Errorf("%w (from the template or the front_matter setting)", err)
		}
	}
	if len(fm.tags) > 0 {
		if tags, err = cleanWords(entry.FieldTag, append(fm.tags, tags...)); err != nil {
			return nil, fmt.Errorf("%w (from -f, the template or the front_matter setting)", err)
		}
	}
	mode, err := entry.ParseSlugMode(cfg.Slug)
	if err != nil {
		return nil, err
	}
	if len(categories) == 0 && cfg.Category != "" {
		c, err := cleanWord(entry.FieldCategory, cfg.Category)
		if err != nil {
			return nil, fmt.Errorf("%w (from the category setting: change it with diary config set category NAME)", err)
		}
		categories = []string{c}
	}
	slug := entry.Slugify(title, mode)
	if ask.Untitled {
		slug = "" // the date is in the file name already: "entry"
	}
	dir := postFolder(cfg, site, categories)
	if ask.Draft {
		dir = entry.DraftsDir
	}
	layout := cfg.Layout
	if fm.layout != nil {
		layout = *fm.layout
	} else if l, ok := site.FrontMatterDefault(path.Join(dir, entry.Name(when, slug, cfg.Ext, ask.Draft, 1)), "posts", "layout"); ok && l != "" &&
		(layout == l || cfg.Source("layout").Layer == config.LayerDefault) {
		// The site's defaults give the post its layout (a theme's, by
		// Jekyll's rules for defaults): none is written, so that the
		// theme's applies, unless another was chosen by hand.
		layout = ""
	}
	post := entry.Post{
		Title:      title,
		Author:     who,
		Date:       when,
		DateFormat: cfg.DateFormat,
		Categories: categories,
		// The site's own style, where init learned it.
		CategoryList:  cfg.CategoryStyle == config.CategoryList,
		CategoryWords: cfg.CategoryStyle == config.CategoryWords,
		TagWords:      cfg.TagStyle == config.TagWords,
		Layout:        layout,
		Tags:          tags,
		Disclaimer:    cfg.Disclaimer,
	}
	values := map[string]string{"title": title, "author": who, "date": when.Format(cfg.DateFormat)}
	fill := func(s string) string { return entry.FillPlaceholders(s, values) }
	for _, f := range fm.extra {
		post.Extra = append(post.Extra, f.Fill(fill))
	}
	if ask.Body != nil {
		post.Body = *ask.Body
	}
	if tmpl != nil {
		// The template's body is the body: it has the disclaimer if
		// the writer wants one there. Text given follows it.
		post.Disclaimer = ""
		body := strings.TrimRight(fill(tmpl.body), "\n")
		if body != "" && post.Body != "" {
			body += "\n\n"
		}
		post.Body = body + post.Body
	}
	content := post.Render()

	name, err := entry.Create(filepath.Join(d.Root, filepath.FromSlash(dir)), func(n int) string {
		return entry.Name(when, slug, cfg.Ext, ask.Draft, n)
	}, content)
	if err != nil {
		return nil, err
	}
	res.Path = path.Join(dir, name)
	res.Abs = filepath.Join(d.Root, filepath.FromSlash(dir), name)

	if ask.Editor != nil {
		if err := ask.Editor(cfg.Editor).Edit(ctx, res.Abs); err != nil {
			return res, fmt.Errorf("%w; the entry is kept, uncommitted, at %s: run diary edit %s", editorError(err), res.Path, res.Path)
		}
		after, err := regular.ReadFile(res.Abs)
		if err != nil {
			return res, fmt.Errorf("read %s after editing: %w", res.Path, err)
		}
		if bytes.Equal(after, content) {
			if err := os.Remove(res.Abs); err != nil {
				return res, fmt.Errorf("remove the unchanged entry %s: %w", res.Path, err)
			}
			res.Discarded = true
			return res, nil
		}
		content = after
		if e, err := entry.Parse(res.Path, after, cfg.Location, ask.Draft); err != nil {
			// Nothing is lost: it is committed as written, and sync will
			// not publish it until it parses.
			res.Warnings = append(res.Warnings, fmt.Sprintf("%v: fix it with diary edit %s", err, res.Path))
		} else if err := e.Check(); err != nil {
			res.Warnings = append(res.Warnings, unbuildableWarning(res.Path, err))
		}
	}
	if !ask.Draft {
		res.URL, err = d.newPostURL(res.Path, content, site, siteErr)
		if err != nil {
			res.Warnings = append(res.Warnings, err.Error())
		}
	}
	if ask.NoCommit {
		return res, nil
	}
	res.Commit, err = d.commit(ctx, []string{res.Path}, fmt.Sprintf("add %q", title))
	if err != nil {
		return res, fmt.Errorf("%w; the entry is written at %s but not committed", err, res.Path)
	}
	return res, nil
}

// postFolder is the folder a new post with these categories goes into,
// as the site files its posts (the folders setting, learned by init):
// _posts/, _posts/<category>/, or <category>/_posts/ unless the site's
// exclude list leaves that folder out.
func postFolder(cfg *config.Config, site config.Site, categories []string) string {
	switch cfg.Folders {
	case config.FoldersCategory:
		return entry.PostFolder(categories, true)
	case config.FoldersCategoryPosts:
		dir := entry.CategoryPostsFolder(categories)
		top, _, _ := strings.Cut(dir, "/")
		for _, x := range site.Exclude {
			if strings.Trim(x, "/") == top {
				return entry.PostsDir
			}
		}
		return dir
	}
	return entry.PostsDir
}

// commit records paths in one commit named for this host; with autosync
// on, a sync then starts in the background.
func (d *Diary) commit(ctx context.Context, paths []string, what string) (string, error) {
	hash, err := d.commitLocked(ctx, paths, what)
	if err != nil {
		return hash, err
	}
	// The writer hears of a background sync that failed at the next
	// command that writes, not only in status.
	if w := d.UnattendedFailure(); w != "" {
		d.opts.warn(w)
	}
	if d.Config.Autosync {
		// After the lock is let go, so that the sync does not wait for it.
		d.startSync()
	}
	return hash, nil
}

func (d *Diary) commitLocked(ctx context.Context, paths []string, what string) (string, error) {
	id, err := identity(d.Repo, d.Config, d.opts.Env)
	if err != nil {
		return "", err
	}
	// One diary at a time: a sync running now finishes first.
	unlock, err := d.Repo.Lock(ctx, 5*time.Second)
	if err != nil {
		return "", err
	}
	defer unlock()
	// Each command asks before it writes; this is the last word: no
	// commit lands on a detached HEAD, where git switch would drop it.
	if _, err := d.Repo.OnBranch(d.Config.Branch); err != nil {
		return "", err
	}
	return d.Repo.Commit(ctx, repo.CommitOptions{
		Paths:   paths,
		Message: fmt.Sprintf("diary(%s): %s", d.Config.Host, what),
		Author:  repo.Signature{Name: id.Name, Email: id.Email, When: repo.CommitTime(d.opts.now(), d.opts.Env)},
	})
}

func titleOf(t string) (string, error) {
	title, err := entry.CleanTitle(t)
	if err != nil {
		return "", Usagef("%v", err)
	}
	return title, nil
}

func cleanWords(what string, words []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, w := range words {
		c, err := cleanWord(what, w)
		if err != nil {
			return nil, err
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out, nil
}

// cleanWord checks a category or tag as entry.CleanValue does: kept as
// typed, refused when it would break the Jekyll build.
func cleanWord(what, w string) (string, error) {
	c, err := entry.CleanValue(what, w)
	if err != nil {
		return "", Usagef("%v", err)
	}
	return c, nil
}
