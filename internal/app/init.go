package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
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
	Adopted    bool     // an existing Jekyll site became a diary
	Already    bool     // it was a diary already; nothing changed
	Learned    []string // settings learned from existing posts, "key: value"
	Timezone   string   // the zone new entries get
	ZoneFrom   string   // where that came from: a file, "flag" or "" for this machine's
	Committed  string   // the commit made, "" when none
	Files      []string // the files written
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
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	// Settings from flags, the environment and the user's file count
	// already (author, timezone…); the repo layer does not exist yet.
	cfg, err := config.Load(config.LoadOptions{Env: opts.Env, Flags: opts.Flags, RepoDir: dir, UserFile: opts.ConfigFile})
	if err != nil {
		return nil, err
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
		learned, err := learn(ctx, dir, cfg.Location)
		if err != nil {
			return nil, err
		}
		res.Learned = learned.lines()
		if err := write(".diary.yml", diaryYMLHeader); err != nil {
			return nil, err
		}
		for _, kv := range learned {
			if err := config.Set(config.RepoFile(dir), kv.key, kv.value, true); err != nil {
				return nil, err
			}
		}
		if !contains(written, ".diary.yml") {
			written = append(written, ".diary.yml")
		}
		added, warning, err := pinSiteZone(ctx, dir, zoneName(cfg, opts.Env))
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

type setting struct{ key, value string }
type settings []setting

func (s settings) lines() []string {
	var out []string
	for _, kv := range s {
		v := strings.ReplaceAll(kv.value, "\n", "\\n")
		if r := []rune(v); len(r) > 40 {
			v = strings.TrimSpace(string(r[:40])) + " …"
		}
		out = append(out, kv.key+": "+v)
	}
	return out
}

// recentPosts is how many of the newest posts init reads to learn a
// diary's habits.
const recentPosts = 20

var dateOnly = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// learn reads the newest posts of an existing site and returns the
// settings that make new entries look like them: the disclaimer that most
// of them open with ("" when most open with none), and a date-only
// date_format when most of them write dates that way.
func learn(ctx context.Context, dir string, loc *time.Location) (settings, error) {
	names, err := filepath.Glob(filepath.Join(dir, entry.PostsDir, "*"))
	if err != nil {
		return nil, err
	}
	var posts []string
	for _, n := range names {
		if _, _, ok := entry.ParseName(n); ok {
			posts = append(posts, n)
		}
	}
	if len(posts) == 0 {
		return nil, nil
	}
	sort.Slice(posts, func(i, j int) bool { return filepath.Base(posts[i]) > filepath.Base(posts[j]) })
	if len(posts) > recentPosts {
		posts = posts[:recentPosts]
	}
	quotes, layouts := map[string]int{}, map[string]int{}
	dateOnlyCount := 0
	for _, p := range posts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		data, err := regular.ReadFile(p)
		if err != nil {
			continue
		}
		quotes[entry.LeadingQuote(data)]++
		if e, err := entry.Parse(p, data, loc, false); err == nil {
			layouts[e.Layout]++
		}
		if dateOnly.MatchString(entry.DateText(data)) {
			dateOnlyCount++
		}
	}
	var out settings
	if q, ok := majority(quotes, len(posts)); ok {
		out = append(out, setting{"disclaimer", q})
	} else {
		out = append(out, setting{"disclaimer", ""})
	}
	// A site whose posts name no layout, or another one, would warn
	// about a missing "post" layout for every new entry.
	if l, ok := majority(layouts, len(posts)); ok && l != "post" {
		out = append(out, setting{"layout", l})
	}
	if dateOnlyCount*2 > len(posts) {
		out = append(out, setting{"date_format", "2006-01-02"})
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
// a warning says why.
func pinSiteZone(ctx context.Context, dir, zone string) (added bool, warning string, err error) {
	file := filepath.Join(dir, "_config.yml")
	_, err = regular.ReadFile(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, "", nil // a _config.yaml or .toml site: not touched
		}
		return false, "", fmt.Errorf("read %s: %w", file, err)
	}
	site, err := config.ReadSite(dir)
	if err != nil {
		return false, fmt.Sprintf("%s does not parse as YAML, so diary left it alone: fix it, and give it a timezone", file), nil
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
	moved, err := postsMovedByZone(ctx, dir, loc)
	if err != nil {
		return false, "", err
	}
	if len(moved) > 0 {
		return false, fmt.Sprintf("%s sets no timezone, so Jekyll dates posts in the zone of the machine that builds the site; adding timezone: %s would move %d existing posts to another day's URL (%s), so diary left it alone", file, zone, len(moved), moved[0]), nil
	}
	if err := config.SetSiteZone(dir, zone); err != nil {
		return false, fmt.Sprintf("%v; diary left it alone", err), nil
	}
	return true, "", nil
}

// postsMovedByZone lists the posts whose publishing day would change if
// the site's zone became loc instead of UTC: those whose front matter
// date carries a time and offset that fall on different days there.
func postsMovedByZone(ctx context.Context, dir string, loc *time.Location) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, entry.PostsDir, "*"))
	if err != nil {
		return nil, err
	}
	var moved []string
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		data, err := regular.ReadFile(n)
		if err != nil {
			continue
		}
		text := entry.DateText(data)
		if text == "" || dateOnly.MatchString(text) {
			continue
		}
		t, err := entry.ParseDate(text, time.UTC)
		if err != nil {
			continue
		}
		if t.UTC().Format("2006-01-02") != t.In(loc).Format("2006-01-02") {
			moved = append(moved, filepath.Base(n))
		}
	}
	return moved, nil
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
