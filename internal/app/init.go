package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/atomicfile"
	"github.com/gitdiary/diary/internal/regular"
	"github.com/gitdiary/diary/repo"
)

// InitOptions say what Init makes.
type InitOptions struct {
	Dir    string // "" means where locate points
	Remote string // URL for the remote named by the `remote` setting
	Title  string // site title of a new diary; "My Diary" when empty
	// MergeDriver registers diary merge-file as git's merge driver for
	// posts: in .git/config, and in .gitattributes (committed).
	MergeDriver bool
}

// InitResult says what Init did, for the command to report.
type InitResult struct {
	Root       string
	Adopted    bool      // an existing Jekyll site became a diary
	Already    bool      // it was a diary already; nothing changed
	Learned    []Learned // settings learned from the site, written to .diary.yml
	Timezone   string    // the zone new entries get
	ZoneFrom   string    // where that came from: a file, "flag" or "" for this machine's
	Committed  string    // the commit made, "" when none
	Files      []string  // the files written
	RemoteName string
	ZoneAdded  bool // timezone was added to the adopted site's _config.yml
	Warnings   []string
	// MergeDriver: the merge driver was registered in .git/config now.
	MergeDriver bool
}

// errNotEmpty: init was pointed at a directory full of something else.
var errNotEmpty = errors.New("directory is not empty")

// Init makes a new diary, or adopts an existing Jekyll site as one, as
// `diary init` does.
func Init(ctx context.Context, opts Options, ask InitOptions) (*InitResult, error) {
	dir := ask.Dir
	if dir == "" {
		d, _, err := locate(opts)
		if err != nil {
			return nil, err
		}
		dir = d
	} else {
		dir = abs(dir, opts)
	}
	return initAt(ctx, dir, opts, ask)
}

func initAt(ctx context.Context, dir string, opts Options, ask InitOptions) (*InitResult, error) {
	res := &InitResult{Root: dir}
	if ask.Remote != "" {
		if err := checkRemoteURL(ask.Remote); err != nil {
			return nil, err
		}
	}
	r, err := repo.Open(dir)
	isRepo := err == nil
	if err != nil && !errors.Is(err, repo.ErrNotRepo) {
		return nil, err
	}
	site := isSite(dir)
	if !isRepo && !site {
		if err := checkEmpty(dir); err != nil {
			return nil, err
		}
	}
	if isRepo {
		if _, err := os.Stat(config.RepoFile(dir)); err == nil {
			res.Already = true
			if ask.MergeDriver {
				if err := addMergeDriver(ctx, r, opts, res); err != nil {
					return nil, err
				}
			}
			return res, addRemote(r, opts, ask, res)
		}
	}
	// Settings from flags, the environment and the user's file count
	// already (author, timezone…); the repo layer does not exist yet.
	cfg, err := config.Load(config.LoadOptions{Env: opts.Env, Flags: opts.Flags, RepoDir: dir, UserFile: opts.ConfigFile})
	if err != nil {
		return nil, err
	}
	// The first commit needs someone to make it: without one, nothing is
	// written, rather than a site left uncommitted beside the next entry.
	if _, err := identity(r, cfg, opts.Env); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}

	var written []string
	write := func(rel, content string) error {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if _, err := os.Stat(p); err == nil {
			return nil // never overwrite what the user has
		}
		if err := atomicfile.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
		written = append(written, rel)
		return nil
	}

	if site {
		res.Adopted = true
		// The site's settings and its posts, read once for what init
		// learns and for the zone it may pin.
		site, siteErr := config.ReadSite(dir)
		posts, _ := entry.Scan(ctx, dir, entry.ScanOptions{Location: cfg.Location, Site: &site.Reading})
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		learned, err := learn(ctx, dir, site, posts)
		if err != nil {
			return nil, err
		}
		if err := write(".diary.yml", diaryYMLHeader); err != nil {
			return nil, err
		}
		for _, l := range learned {
			err := config.SetLearned(config.RepoFile(dir), l.Key, l.Value, l.From)
			if errors.Is(err, config.ErrInvalid) || errors.Is(err, config.ErrSecret) {
				// A value that cannot be kept in the shared file (one
				// that looks like a secret) is not learned: say so.
				res.Warnings = append(res.Warnings, fmt.Sprintf("not learned from %s: %v", l.From, err))
				continue
			}
			if err != nil {
				return nil, err
			}
			res.Learned = append(res.Learned, l)
		}
		if !contains(written, ".diary.yml") {
			written = append(written, ".diary.yml")
		}
		added, warning, err := pinSiteZone(ctx, dir, site, siteErr, posts, zoneName(cfg, opts.Env))
		if err != nil {
			return nil, err
		}
		if added {
			written = append(written, "_config.yml")
			res.ZoneAdded = true
		}
		if warning != "" {
			res.Warnings = append(res.Warnings, warning)
		}
	} else {
		zone := zoneName(cfg, opts.Env)
		zoneLine := ""
		if zone != "" {
			zoneLine = "timezone: " + zone + "\n"
		}
		title := ask.Title
		if title == "" {
			title = "My Diary"
		}
		files := []struct{ rel, content string }{
			{"_config.yml", fmt.Sprintf(configTemplate, quoteYAML(title), zoneLine)},
			{"_layouts/default.html", defaultLayout},
			{"_layouts/post.html", postLayout},
			{"index.html", indexPage},
			{".diary.yml", diaryYMLHeader},
		}
		for _, f := range files {
			if err := write(f.rel, f.content); err != nil {
				return nil, err
			}
		}
		if err := os.MkdirAll(filepath.Join(dir, entry.PostsDir), 0o755); err != nil {
			return nil, err
		}
	}
	changed, err := ensureGitignore(dir)
	if err != nil {
		return nil, err
	}
	if changed && !contains(written, ".gitignore") {
		written = append(written, ".gitignore")
	}
	if ask.MergeDriver {
		changed, err := ensureMergeAttributes(dir)
		if err != nil {
			return nil, err
		}
		if changed && !contains(written, ".gitattributes") {
			written = append(written, ".gitattributes")
		}
	}

	// Reload: the zone may now come from _config.yml or .diary.yml.
	if cfg, err = config.Load(config.LoadOptions{Env: opts.Env, Flags: opts.Flags, RepoDir: dir, UserFile: opts.ConfigFile}); err != nil {
		return nil, err
	}
	res.Timezone, res.ZoneFrom = cfg.Location.String(), cfg.Source("timezone").File
	if cfg.Source("timezone").Layer == config.LayerFlag {
		res.ZoneFrom = "flag"
	}

	toCommit := written
	if !isRepo {
		if r, err = repo.Init(dir, cfg.Branch); err != nil {
			return nil, err
		}
		// A site that was not in git yet: its first commit holds it all.
		if toCommit, err = r.Files(); err != nil {
			return nil, fmt.Errorf("list files of %s: %w", dir, err)
		}
	}
	if ask.MergeDriver {
		if res.MergeDriver, err = registerMergeDriver(r); err != nil {
			return nil, err
		}
	}
	sort.Strings(written)
	res.Files = written
	if len(toCommit) > 0 {
		id, err := identity(r, cfg, opts.Env)
		if err != nil {
			return nil, err
		}
		when := repo.CommitTime(opts.now(), opts.Env)
		msg := fmt.Sprintf("diary(%s): start the diary", cfg.Host)
		if res.Adopted {
			msg = fmt.Sprintf("diary(%s): adopt this site as a diary", cfg.Host)
		}
		hash, err := r.Commit(ctx, repo.CommitOptions{
			Paths:   toCommit,
			Message: msg,
			Author:  repo.Signature{Name: id.Name, Email: id.Email, When: when},
		})
		if err != nil {
			return nil, err
		}
		res.Committed = hash
	}
	return res, addRemote(r, opts, ask, res)
}

func addRemote(r *repo.Repo, opts Options, ask InitOptions, res *InitResult) error {
	if ask.Remote == "" {
		return nil
	}
	cfg, err := config.Load(config.LoadOptions{Env: opts.Env, Flags: opts.Flags, RepoDir: r.Root(), UserFile: opts.ConfigFile})
	if err != nil {
		return err
	}
	res.RemoteName = cfg.Remote
	return r.AddRemote(cfg.Remote, ask.Remote)
}

// checkRemoteURL refuses a URL with a password or token in it: git
// would keep it in .git/config in plain text.
var credentialURL = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*://[^/@]*:[^/@]*@`)

func checkRemoteURL(u string) error {
	if credentialURL.MatchString(u) {
		return Usagef("the remote URL holds a password or token, which git would store in plain text: give the URL without it and set DIARY_TOKEN instead")
	}
	return nil
}

func isSite(dir string) bool {
	for _, name := range []string{"_config.yml", "_config.yaml", "_config.toml", entry.PostsDir} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

func checkEmpty(dir string) error {
	des, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", dir, err)
	}
	for _, de := range des {
		if !strings.HasPrefix(de.Name(), ".") {
			return fmt.Errorf("%w: %s holds files and is neither a git repository nor a Jekyll site: choose an empty directory, or run git init there first", errNotEmpty, dir)
		}
	}
	return nil
}

// ensureGitignore adds the lines of gitignoreLines that .gitignore lacks.
func ensureGitignore(dir string) (bool, error) {
	p := filepath.Join(dir, ".gitignore")
	old, err := regular.ReadFile(p)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("read %s: %w", p, err)
	}
	have := map[string]bool{}
	for _, l := range strings.Split(string(old), "\n") {
		have[strings.TrimSpace(l)] = true
	}
	content := string(old)
	changed := false
	for _, l := range gitignoreLines {
		if have[l] || have["/"+l] || have[strings.TrimSuffix(l, "/")] {
			continue
		}
		if content != "" && !strings.HasSuffix(content, "\n") {
			content += "\n"
		}
		content += l + "\n"
		changed = true
	}
	if !changed {
		return false, nil
	}
	return true, atomicfile.WriteFile(p, []byte(content), 0o644)
}

// Learned is one setting init learned from an adopted site, and what
// from: "its posts" or "_config.yml defaults".
type Learned struct {
	Key, Value, From string
}

// String is the setting as init reports it: "key: value", a long or
// several-line value cut short, and "no key" for a value learned empty
// (the posts share no disclaimer, or name no layout).
func (l Learned) String() string {
	if l.Value == "" {
		return "no " + l.Key
	}
	v := strings.ReplaceAll(l.Value, "\n", "\\n")
	if r := []rune(v); len(r) > 40 {
		v = strings.TrimSpace(string(r[:40])) + " …"
	}
	return l.Key + ": " + v
}

// recentPosts is how many of the newest posts init reads to learn a
// diary's habits.
const recentPosts = 20

// dateStyles are the Go layouts of the ways Jekyll posts write their
// date, in the order they are tried: a post's style is the first that
// gives back its date text exactly.
var dateStyles = []string{
	"2006-01-02",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04 -0700",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05-0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.000Z07:00",
}

// dateStyle is the layout in which text is written, "" when none fits.
func dateStyle(text string) string {
	for _, layout := range dateStyles {
		if t, err := time.Parse(layout, text); err == nil && t.Format(layout) == text {
			return layout
		}
	}
	return ""
}

// markdownExts are the extensions Jekyll's Markdown converter takes by
// default (markdown_ext); a new entry is Markdown, so only these count.
var markdownExts = map[string]bool{"markdown": true, "mkdown": true, "mkdn": true, "mkd": true, "md": true}

// learn reads the site's _config.yml defaults and its newest posts,
// wherever in _posts/ they are, and returns the settings that make new
// entries look like them. Each is learned only when more than half of
// the posts that tell agree: the disclaimer they open with (none when
// they share none), the layout they name (none when defaults give posts
// one, so that Jekyll applies the theme's), the author they carry, their
// extension, how they write the date, their categories and their tags
// (a list, or a text of words), and whether
// they live in folders named for their first category (_posts/<category>/,
// or <category>/_posts/).
func learn(ctx context.Context, dir string, site config.Site, posts []*entry.Entry) ([]Learned, error) {
	var recent [][]byte
	var used []*entry.Entry
	for _, e := range posts {
		if len(recent) == recentPosts {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		data, err := regular.ReadFile(filepath.Join(dir, filepath.FromSlash(e.Path)))
		if err != nil {
			continue
		}
		recent, used = append(recent, data), append(used, e)
	}
	n := len(recent)
	quotes, layouts, authors := map[string]int{}, map[string]int{}, map[string]int{}
	exts, dates := map[string]int{}, map[string]int{}
	lists, withCats, inFolder, inSite := 0, 0, 0, 0
	catWords, withTags, tagWords := 0, 0, 0
	homes := map[string]int{} // the folders of <folder>/_posts/ posts
	for i, data := range recent {
		e := used[i]
		// In <category>/_posts/: the folder above _posts/ is the
		// category Jekyll gives the post first.
		if i := strings.Index(e.Path, "/"+entry.PostsDir+"/"); i > 0 && len(e.Categories) > 0 {
			if top, _, _ := strings.Cut(e.Path[:i], "/"); top == e.Categories[0] {
				inSite++
				homes[top]++
			}
		}
		quotes[entry.LeadingQuote(data)]++
		layouts[e.Layout]++
		authors[e.Author]++
		if ext := strings.ToLower(strings.TrimPrefix(path.Ext(e.Path), ".")); markdownExts[ext] {
			exts[ext]++
		}
		if style := dateStyle(entry.DateText(data)); style != "" {
			dates[style]++
		}
		if entry.ListStyle(data, "categories") == entry.StyleWords {
			catWords++
		}
		switch entry.ListStyle(data, "tags") {
		case entry.StyleWords:
			withTags++
			tagWords++
		case entry.StyleList:
			withTags++
		}
		if list, ok := entry.CategoriesAsList(data); ok {
			withCats++
			if list {
				lists++
			}
			if len(e.Categories) > 0 && path.Dir(e.Path) == entry.PostFolder(e.Categories, true) {
				inFolder++
			}
		}
	}
	var out []Learned
	posted := func(key, value string) { out = append(out, Learned{key, value, "its posts"}) }
	// A disclaimer only when the posts share one: a blog whose posts
	// open with none must not get diary's English default.
	q, _ := majority(quotes, n)
	posted("disclaimer", q)
	switch l, ok := majority(layouts, n); {
	case site.PostLayout != "":
		out = append(out, Learned{"layout", "", "_config.yml defaults"})
	case ok && l != "post":
		// A site whose posts name no layout, or another one, would warn
		// about a missing "post" layout for every new entry.
		posted("layout", l)
	}
	// The name the posts carry, or none when they carry none (the
	// theme then shows the site's author); git's user.name otherwise.
	if a, ok := majority(authors, n); ok {
		posted("author", a)
	}
	if x, ok := majority(exts, n); ok && x != "md" {
		posted("ext", x)
	}
	if d, ok := majority(dates, n); ok && d != "2006-01-02 15:04:05 -0700" {
		posted("date_format", d)
	}
	switch {
	case catWords*2 > withCats:
		posted("category_style", config.CategoryWords)
	case lists*2 > withCats:
		posted("category_style", config.CategoryList)
	}
	if tagWords*2 > withTags {
		posted("tag_style", config.TagWords)
	}
	switch {
	case inSite*2 > n:
		posted("folders", config.FoldersCategoryPosts)
		// Every post in one folder's _posts/ (blog/_posts/): that is
		// where the site keeps its posts, so a new one without a
		// category goes there too, as the others carry that category.
		if len(homes) == 1 && inSite == n && n > 1 {
			for home := range homes {
				posted("category", home)
			}
		}
	case inFolder*2 > withCats:
		posted("folders", config.FoldersCategory)
	}
	return out, nil
}

// majority returns the value more than half of n counted things share.
func majority(counts map[string]int, n int) (string, bool) {
	for v, c := range counts {
		if c*2 > n {
			return v, true
		}
	}
	return "", false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// zoneName is the IANA name to write into a new site's _config.yml: the
// configured one, else this machine's.
func zoneName(cfg *config.Config, env config.Env) string {
	if cfg.Timezone != "" {
		return cfg.Timezone
	}
	return localZoneName(env)
}

// pinSiteZone gives an adopted site's _config.yml the diary's time zone
// when it has none. Without one, Jekyll dates posts in the zone of the
// machine that builds the site (UTC on GitHub Pages), so an entry written
// at 07:30 in Seoul on 2 May would be published under 1 May while its
// file says 2 May. The zone is added only when no existing post would
// move to another day's URL by it; otherwise the site is left alone and
// a warning says which.
func pinSiteZone(ctx context.Context, dir string, site config.Site, siteErr error, posts []*entry.Entry, zone string) (added bool, warning string, err error) {
	file := filepath.Join(dir, "_config.yml")
	if siteErr != nil {
		return false, fmt.Sprintf("%v: diary left it alone: fix it, and give it a timezone", siteErr), nil
	}
	if site.File != file {
		return false, "", nil // a _config.yaml or .toml site: not touched
	}
	if site.Timezone != "" {
		return false, "", nil
	}
	if zone == "" {
		return false, fmt.Sprintf("%s sets no timezone and this machine's zone has no name diary can tell: add timezone: Area/City to it, or posts written near midnight may be published under another day", file), nil
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return false, "", nil
	}
	// As GitHub Pages builds it now (UTC), and with the zone added.
	moved, err := urlsMovedByZone(ctx, dir, site, postPaths(posts), time.UTC, loc)
	if err != nil {
		return false, "", err
	}
	if len(moved) > 0 {
		return false, fmt.Sprintf("%s sets no timezone, so Jekyll dates posts in the zone of the machine that builds the site (UTC on GitHub Pages); adding timezone: %s would move %s, so diary left it alone (diary new dates posts so that Pages builds them at once)", file, zone, movedSaid(moved)), nil
	}
	if err := config.SetSiteZone(dir, zone); err != nil {
		return false, fmt.Sprintf("%v; diary left it alone", err), nil
	}
	return true, "", nil
}

// localZoneName is this machine's IANA zone name, "" when it cannot be
// told: $TZ, /etc/timezone, or the target of /etc/localtime.
func localZoneName(env config.Env) string {
	tz, _ := env("TZ")
	if tz := strings.TrimPrefix(tz, ":"); tz != "" && !filepath.IsAbs(tz) {
		return tz
	}
	if data, err := os.ReadFile("/etc/timezone"); err == nil {
		if s := strings.TrimSpace(string(data)); s != "" {
			return s
		}
	}
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		if _, name, ok := strings.Cut(target, "zoneinfo/"); ok {
			return name
		}
	}
	return ""
}
