// Package gen writes a large reference diary for benchmarks and tests: a
// git repository holding diary's minimal site and, by default, 10,000
// posts, one a day, in Korean and English, with a history of a few
// hundred commits that brought them in and 200 more that each add or edit
// one post, like a diary kept for decades.
//
// The objects are written straight into one pack (see pack.go) that
// `git index-pack` checks and indexes, so that building 10,000 posts and
// 532 commits takes seconds. This is a test tool: it uses the git CLI,
// which diary itself never needs. The output is the same for the same
// Options on any machine, to the byte of the pack: identity, dates and
// time zones are all pinned.
package gen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gitdiary/diary/config"
	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/app"
)

// Who writes the generated diary, and where.
const (
	Author   = "Daniel Park"
	Email    = "daniel.park@example.com"
	Timezone = "Asia/Seoul"
	Branch   = "main"
)

// Version changes whenever Generate's output for the same Options does,
// so that caches of generated diaries can tell that theirs is stale.
const Version = "1"

// Defaults of Options.
const (
	DefaultPosts        = 10000
	DefaultExtraCommits = 200
)

// DefaultStart is the newest post's day when Options.Start is zero.
var DefaultStart = time.Date(2025, time.June, 30, 0, 0, 0, 0, kst)

// kst is Korea's zone, without DST since 1988, as a fixed zone so that
// the output does not depend on the machine's zoneinfo.
var kst = time.FixedZone("KST", 9*60*60)

// Options say what Generate writes.
type Options struct {
	// Posts is how many posts there are in the end, one a day; 0 means
	// DefaultPosts.
	Posts int
	// ExtraCommits is how many commits follow the import, each adding or
	// editing one post; 0 means DefaultExtraCommits, a negative number
	// none.
	ExtraCommits int
	// Seed decides every title, text, tag and edit.
	Seed int64
	// Start is the newest post's day; the others go back one a day from
	// it. Zero means DefaultStart.
	Start time.Time
}

func (o Options) withDefaults() (Options, error) {
	switch {
	case o.Posts == 0:
		o.Posts = DefaultPosts
	case o.Posts < 0:
		return o, fmt.Errorf("gen: Posts is %d, want 0 (the default) or more", o.Posts)
	}
	switch {
	case o.ExtraCommits == 0:
		o.ExtraCommits = DefaultExtraCommits
	case o.ExtraCommits < 0:
		o.ExtraCommits = 0
	}
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	y, m, d := o.Start.Date()
	o.Start = time.Date(y, m, d, 0, 0, 0, 0, kst)
	return o, nil
}

// Generate writes the diary into dir, which must not exist or be empty.
// Afterwards `git status --porcelain` is empty and `git fsck --strict`
// is clean. It needs the git CLI.
func Generate(ctx context.Context, dir string, opts Options) error {
	opts, err := opts.withDefaults()
	if err != nil {
		return err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := checkEmpty(dir); err != nil {
		return err
	}
	scratch, err := os.MkdirTemp("", "diary-gen-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)

	site, err := siteFiles(ctx, scratch, opts)
	if err != nil {
		return err
	}
	h := newHistory()
	err = plan(newRand(opts.Seed, 1), site, opts, func(c commit) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		h.commit(c)
		return nil
	})
	if err != nil {
		return err
	}
	h.finish()

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	g := &git{dir: dir, home: scratch}
	if err := g.run(ctx, "init", "-q"); err != nil {
		return err
	}
	if err := g.run(ctx, "symbolic-ref", "HEAD", "refs/heads/"+Branch); err != nil {
		return err
	}
	pack, err := h.s.writePack(filepath.Join(dir, ".git"))
	if err != nil {
		return fmt.Errorf("gen: write the pack: %w", err)
	}
	if err := g.run(ctx, "index-pack", pack); err != nil {
		return err
	}
	if err := g.run(ctx, "update-ref", "refs/heads/"+Branch, h.head.String()); err != nil {
		return err
	}
	return g.run(ctx, "reset", "-q", "--hard")
}

func checkEmpty(dir string) error {
	des, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(des) > 0 {
		return fmt.Errorf("gen: %s is not empty", dir)
	}
	return nil
}

type file struct {
	path    string
	content []byte
}

// siteFiles makes diary's minimal site with app.Init in a scratch
// directory and returns its files (not Init's commit, whose identity
// would be this machine's), with the fixture's disclaimer and the author
// in .diary.yml, as a diary kept for years would have them.
func siteFiles(ctx context.Context, scratch string, opts Options) ([]file, error) {
	siteDir := filepath.Join(scratch, "site")
	env := func(string) (string, bool) { return "", false } // no user config
	_, err := app.Init(ctx, app.Options{
		Flags: map[string]string{"author": Author, "host": "laptop", "timezone": Timezone},
		Env:   env,
		Dir:   scratch,
		Now:   func() time.Time { return rootTime(opts) },
	}, app.InitOptions{Dir: siteDir, Title: Author + "'s Diary"})
	if err != nil {
		return nil, fmt.Errorf("gen: make the site: %w", err)
	}
	for _, kv := range [][2]string{{"author", Author}, {"disclaimer", Disclaimer}} {
		if err := config.Set(config.RepoFile(siteDir), kv[0], kv[1], true); err != nil {
			return nil, fmt.Errorf("gen: %w", err)
		}
	}
	var files []file
	err = filepath.WalkDir(siteDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return fs.SkipDir
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(siteDir, p)
		files = append(files, file{path: filepath.ToSlash(rel), content: data})
		return nil
	})
	return files, err
}

func rootTime(opts Options) time.Time {
	return opts.Start.AddDate(0, 0, -opts.Posts).Add(20 * time.Hour)
}

// post is one generated post and the day it is for.
type post struct {
	path string
	p    entry.Post
}

func (p *post) render() []byte { return p.p.Render() }

// makePosts makes every post, oldest first. The older 60% write their
// dates as the fixture does (2006-01-02), as people do by hand; the newer
// ones as diary new does.
func makePosts(r *rand.Rand, opts Options) []*post {
	posts := make([]*post, opts.Posts)
	handWritten := opts.Posts * 6 / 10
	for i := range posts {
		day := opts.Start.AddDate(0, 0, i-(opts.Posts-1))
		when := day.Add(time.Duration(20*60+r.IntN(4*60)) * time.Minute).Add(time.Duration(r.IntN(60)) * time.Second)
		t := title(r)
		ep := entry.Post{
			Title:      t,
			Author:     Author,
			Date:       when,
			DateFormat: "2006-01-02 15:04:05 -0700",
			Categories: nonEmpty(pick(r, categories)),
			Layout:     "post",
			Disclaimer: Disclaimer,
			Body:       body(r, 1200+r.IntN(700)),
		}
		if i < handWritten {
			ep.DateFormat = "2006-01-02"
		}
		if r.IntN(10) < 3 {
			ep.Tags = tags(r, nil)
		}
		name := entry.Name(when, entry.Slugify(t, entry.SlugDefault), "md", false, 1)
		posts[i] = &post{path: path.Join(entry.PostsDir, name), p: ep}
	}
	return posts
}

// tags adds one to three tags to have.
func tags(r *rand.Rand, have []string) []string {
	out := slices.Clone(have)
	for range 1 + r.IntN(3) {
		t := pick(r, tagPool)
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// edit changes a post the way people change old entries: a line added
// at the end, a paragraph rewritten, tags added.
func edit(r *rand.Rand, p *post) {
	b := &p.p.Body
	switch r.IntN(3) {
	case 0:
		*b = strings.TrimRight(*b, "\n") + "\n\n 덧붙임: " + koSentence(r) + " " + enSentence(r) + "\n"
	case 1:
		p.p.Tags = tags(r, p.p.Tags)
	default:
		lines := strings.Split(*b, "\n")
		var paras []int
		for i, l := range lines {
			if len(l) > 40 && strings.HasPrefix(l, " ") {
				paras = append(paras, i)
			}
		}
		if len(paras) == 0 {
			*b += paragraph(r) + "\n"
			return
		}
		lines[paras[r.IntN(len(paras))]] = paragraph(r)
		*b = strings.Join(lines, "\n")
	}
}

// commit is one commit of the history.
type commit struct {
	when  time.Time
	msg   string
	files []file
}

// plan makes the history, oldest commit first: the site, then the posts
// in batches of a month or so, as if imported from an old blog and then
// written over the years, then ExtraCommits that each add one of the
// newest posts or edit an older one, from two laptops.
func plan(r *rand.Rand, site []file, opts Options, emit func(commit) error) error {
	posts := makePosts(r, opts)

	adds := min(opts.ExtraCommits*3/10, opts.Posts/2)
	edits := opts.ExtraCommits - adds
	if opts.Posts == 0 {
		edits = 0 // nothing to edit
	}

	if err := emit(commit{when: rootTime(opts), msg: "diary(laptop): start the diary", files: site}); err != nil {
		return err
	}
	last := rootTime(opts)
	later := func(t time.Time) time.Time {
		if !t.After(last) {
			t = last.Add(time.Duration(1+r.IntN(30)) * time.Minute)
		}
		last = t
		return t
	}

	imported := opts.Posts - adds
	for i := 0; i < imported; {
		n := min(5+r.IntN(51), imported-i)
		batch := posts[i : i+n]
		c := commit{
			when: later(batch[n-1].p.Date.Add(time.Duration(1+r.IntN(36)) * time.Hour)),
			msg: fmt.Sprintf("Add %d posts, %s to %s", n,
				batch[0].p.Date.Format("2006-01-02"), batch[n-1].p.Date.Format("2006-01-02")),
		}
		if n == 1 {
			c.msg = fmt.Sprintf("Add %q", batch[0].p.Title)
		}
		for _, p := range batch {
			c.files = append(c.files, file{path: p.path, content: p.render()})
		}
		if err := emit(c); err != nil {
			return err
		}
		i += n
	}

	// The extra commits: adds in date order, edits spread between them.
	kinds := make([]bool, adds+edits) // true: add
	for i := range adds {
		kinds[i] = true
	}
	r.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	next := imported
	hosts := []string{"laptop", "desktop"}
	for _, add := range kinds {
		host := hosts[r.IntN(len(hosts))]
		var p *post
		var c commit
		if add {
			p = posts[next]
			next++
			c.when = later(p.p.Date.Add(time.Duration(1+r.IntN(50)) * time.Minute))
			c.msg = fmt.Sprintf("diary(%s): add %q", host, p.p.Title)
		} else {
			// Mostly entries of the last year or so, sometimes any.
			k := next
			if r.IntN(10) < 7 {
				k = min(next, 365)
			}
			p = posts[next-1-r.IntN(k)]
			edit(r, p)
			c.when = later(last.Add(time.Duration(10+r.IntN(6*60)) * time.Minute))
			c.msg = fmt.Sprintf("diary(%s): edit %q", host, p.p.Title)
		}
		c.files = []file{{path: p.path, content: p.render()}}
		if err := emit(c); err != nil {
			return err
		}
	}
	return nil
}

// git runs the git CLI in dir with a pinned environment: no system or
// global config, a fixed identity and dates, so that the same input
// gives the same objects on any machine.
type git struct {
	dir, home string
}

func (g *git) env() []string {
	const date = "@946684800 +0900" // only commands that make commits would use it
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + g.home,
		"XDG_CONFIG_HOME=" + g.home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + os.DevNull,
		"GIT_TERMINAL_PROMPT=0",
		"GIT_AUTHOR_NAME=" + Author,
		"GIT_AUTHOR_EMAIL=" + Email,
		"GIT_AUTHOR_DATE=" + date,
		"GIT_COMMITTER_NAME=" + Author,
		"GIT_COMMITTER_EMAIL=" + Email,
		"GIT_COMMITTER_DATE=" + date,
		"LC_ALL=C",
		"TZ=UTC",
	}
}

func (g *git) run(ctx context.Context, args ...string) error {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = g.dir
	cmd.Env = g.env()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("gen: git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}

// Git runs the git CLI in dir with the environment Generate uses, and
// returns its output; for tests and benchmarks that check or prepare a
// generated diary.
func Git(ctx context.Context, dir string, args ...string) (string, error) {
	home, err := os.MkdirTemp("", "diary-gen-home-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(home)
	g := &git{dir: dir, home: home}
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Env = g.env()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// nonEmpty is the one category a post has, or none for "".
func nonEmpty(category string) []string {
	if category == "" {
		return nil
	}
	return []string{category}
}
