package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// DESIGN.md, "Entry files": reading is Jekyll's reading. This test is a
// differential test against Jekyll itself: a site of tricky posts is read
// by diary (`diary list --json`) and by Jekyll's own library (a Ruby
// script, testdata/jekyll/read_posts.rb, that loads the site as `jekyll
// build --future --unpublished` does and prints each post), and the two
// must agree on every post's path, title, date, categories, tags and
// published. Then the site is read again under several permalink
// settings (urlConfigs: every built-in style, custom templates with every
// placeholder, collections.posts.permalink, a permalink from front matter
// defaults, markdown_ext, url and baseurl), and `diary url` must print,
// for every post both read, the URL Jekyll gives it (page.url, or
// absolute_url of it where the site has a url or baseurl), and fail where
// Jekyll fails.
//
// Where they cannot agree, diary must say the post is unreadable rather
// than show other values: a post Jekyll reads with an error or skips must
// be unreadable to diary, and a post Jekyll reads that diary refuses must
// be one the corpus says diary refuses (refuse), with why.

// diffPost is one post of the corpus.
type diffPost struct {
	path string // from the site's root
	data string // the file, byte for byte
	// refuse is why diary refuses a post Jekyll reads without an error:
	// a part of its reading diary does not reproduce, and says so rather
	// than show a different value. "" when diary must read it as Jekyll.
	refuse string
	// skip: Jekyll does not read the file at all (it is in a folder the
	// site excludes): diary must neither list it nor warn about it.
	skip bool
}

// fm is a post of front matter lines and a body.
func fm(lines ...string) string {
	return "---\n" + strings.Join(lines, "\n") + "\n---\nText.\n"
}

// jekyllDiffCorpus is the corpus: every case of issue 12 (item 2), and
// cases from Jekyll's own tests and issues (BOM, CRLF, ... closers,
// empty front matter, --- in the body, no final newline, tabs, quoted
// dates, categories and tags in every shape, Korean names, folders,
// extensions, future dates, unpublished posts, keys given twice).
func jekyllDiffCorpus() []diffPost {
	var c []diffPost
	add := func(path, data string) { c = append(c, diffPost{path: path, data: data}) }
	refuse := func(path, data, why string) { c = append(c, diffPost{path: path, data: data, refuse: why}) }

	// Issue 12, item 2.
	add("_posts/2024-01-01-nested-tag.md", fm("title: Nested tag", "tags:", "  - [R|t]", "  - go"))
	add("_posts/2024-01-02-published-no.md", fm("title: No", "published: no"))
	add("_posts/2024-01-03-published-off.md", fm("title: Off", "published: off"))
	add("_posts/2024-01-04-dots.md", "---\ntitle: Dots\n...\nText.\n")

	// published in every spelling YAML 1.1 and Psych give it.
	for i, v := range []string{"yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
		"on", "On", "ON", "off", "Off", "OFF", "y", "n", "~", "null", "", "'no'", `"false"`, "0", "1", "oFF", "tRUE"} {
		add(fmt.Sprintf("_posts/2024-02-%02d-published-%d.md", i%28+1, i), fm("title: Published "+v, "published: "+v))
	}

	// Fences: Jekyll's YAML_FRONT_MATTER_REGEXP.
	add("_posts/2024-03-01-dots-crlf.md", "---\r\ntitle: Dots CRLF\r\n...\r\nText.\r\n")
	add("_posts/2024-03-02-crlf.md", "---\r\ntitle: CRLF\r\ncategories: [a, b]\r\n---\r\nText.\r\n")
	add("_posts/2024-03-03-trailing-blanks.md", "---  \ntitle: Blanks\n---\t \nText.\n")
	add("_posts/2024-03-04-dots-tab.md", "---\ntitle: Dots tab\n...\t\nText.\n")
	add("_posts/2024-03-05-bom.md", "\ufeff---\ntitle: BOM\n---\nText.\n")
	add("_posts/2024-03-06-empty.md", "---\n---\nText.\n")
	add("_posts/2024-03-07-comments.md", "---\n# only a comment\n---\nText.\n")
	add("_posts/2024-03-08-no-final-newline.md", "---\ntitle: No newline\n---")
	add("_posts/2024-03-09-no-body.md", "---\ntitle: No body\n---\n")
	add("_posts/2024-03-10-dashes-in-body.md", "---\ntitle: Dashes\n---\nText.\n---\nmore: text\n---\n")
	add("_posts/2024-03-11-four-dashes.md", "---\ntitle: Four\n----\nx: y\n---\nText.\n")
	add("_posts/2024-03-12-indented-dashes.md", "---\ntitle: Indented\n  ---\n---\nText.\n")
	add("_posts/2024-03-13-dashes-word.md", "---\ntitle: Word\nkey: ---x\n---\nText.\n")
	add("_posts/2024-03-14-null-doc.md", "---\n~\n---\nText.\n")
	add("_posts/2024-03-15-blank-lines.md", "---\n\n\ntitle: Blank lines\n\n---\n\n\nText.\n")
	add("_posts/2024-03-16-dots-then-dashes.md", "---\ntitle: First dots\n...\nx: 1\n---\nText.\n")
	// No front matter by that rule: Jekyll builds them all the same,
	// titled and dated by the file name (issue 20, item 1).
	add("_posts/2024-03-17-no-front-matter.md", "Just text.\n")
	add("_posts/2024-03-18-leading-blank.md", "\n---\ntitle: Leading blank\n---\nText.\n")
	refuse("_posts/2024-03-19-unclosed.md", "---\ntitle: Unclosed\nText.\n", "not closed")
	refuse("_posts/2024-03-20-nbsp-closer.md", "---\ntitle: NBSP\n---\u00a0\nText.\n", "not closed")
	add("_posts/2024-03-21-dashes-text.md", "--- title\n---\nText.\n")

	// Titles.
	add("_posts/2024-04-01-no-title.md", fm("author: Someone"))
	add("_posts/2024-04-02-null-title.md", fm("title:"))
	add("_posts/2024-04-03-false-title.md", fm("title: false"))
	add("_posts/2024-04-04-number-title.md", fm("title: 2024"))
	add("_posts/2024-04-05-float-title.md", fm("title: 1.50"))
	add("_posts/2024-04-06-quoted-title.md", fm(`title: "Re: it's \"quoted\""`))
	add("_posts/2024-04-07-korean.md", fm("title: 오랜만의 산책: 비 오는 날"))
	add("_posts/2024-04-08-block-title.md", fm("title: |", "  Two", "  lines"))
	add("_posts/2024-04-09-folded-title.md", fm("title: >", "  Folded", "  title"))
	add("_posts/2024-04-10-alias.md", fm("name: &n Anchored", "title: *n"))
	add("_posts/2024-04-11-multiline.md", fm("title: A plain", "  title on two lines"))
	add("_posts/2024-04-12-tab-value.md", fm("title:\tTabbed title"))
	add("_posts/2024-04-13-yes-title.md", fm("title: yes"))
	add("_posts/2024-04-14-str-tag.md", fm("title: !!str 12"))
	add("_posts/2024-04-15-emoji-🎉.md", fm("title: 🎉 Party"))
	add("_posts/2024-04-16-trailing-dots...md", fm("layout: post"))
	add("_posts/2024-04-17-date-title.md", fm("title: 2024-04-17"))
	add("_posts/2024-04-18-hash.md", fm("title: C# and F# # a comment"))
	refuse("_posts/2024-04-19-list-title.md", fm("title: [a, b]"), "title must be text")
	add("_posts/2024-04-20-my--double-dash.md", fm("tags: [x]"))

	// Dates.
	add("_posts/2024-05-01-date-only.md", fm("title: Date only", "date: 2024-05-01"))
	add("_posts/2024-05-02-zoned.md", fm("title: Zoned", "date: 2024-05-02 21:30:00 +0900"))
	add("_posts/2024-05-03-utc-z.md", fm("title: Z", "date: 2024-05-03T10:00:00Z"))
	add("_posts/2024-05-04-offset-colon.md", fm("title: Colon", "date: 2024-05-04T10:00:00+09:00"))
	add("_posts/2024-05-05-no-zone.md", fm("title: No zone", "date: 2024-05-05 10:00:00"))
	add("_posts/2024-05-06-quoted-no-zone.md", fm("title: Quoted", "date: '2024-05-06 10:00:00'"))
	add("_posts/2024-05-07-no-seconds.md", fm("title: No seconds", "date: 2024-05-07 10:00"))
	add("_posts/2024-05-08-fraction.md", fm("title: Fraction", "date: 2024-05-08 10:00:00.5 +09:00"))
	add("_posts/2024-05-09-short-offset.md", fm("title: Short", "date: 2024-05-09 10:00:00 -7"))
	add("_posts/2024-05-10-quoted-zoned.md", fm("title: Quoted zoned", `date: "2024-05-10 10:00:00 -0500"`))
	add("_posts/2024-05-11-other-day.md", fm("title: Other day", "date: 2023-12-31"))
	add("_posts/2024-05-12-late-night.md", fm("title: Late", "date: 2024-05-12 23:59:59 +0900"))
	add("_posts/2024-5-3-single-digits.md", fm("title: Single digits"))
	add("_posts/2099-01-01-future.md", fm("title: Future"))
	add("_posts/2024-05-13-future-date.md", fm("title: Future date", "date: 2099-06-01 10:00:00 +0900"))
	add("_posts/2024-05-14-lowercase-t.md", fm("title: t", "date: 2024-05-14t10:00:00z"))
	refuse("_posts/2024-05-15-words.md", fm("title: Words", "date: 'May 15, 2024'"), "is not a date")

	// Categories.
	add("_posts/2024-06-01-category.md", fm("title: c", "category: diary"))
	add("_posts/2024-06-02-category-spaces.md", fm("title: c", "category: my diary"))
	add("_posts/2024-06-03-categories-string.md", fm("title: c", "categories: life work"))
	add("_posts/2024-06-04-categories-flow.md", fm("title: c", "categories: [Blog, Orchestration]"))
	add("_posts/2024-06-05-categories-block.md", fm("title: c", "categories:", "- a", "- b"))
	add("_posts/2024-06-06-both.md", fm("title: c", "category: one", "categories: [two, three]"))
	add("_posts/2024-06-07-both-reversed.md", fm("title: c", "categories: [two, three]", "category: two"))
	add("_posts/2024-06-08-category-list.md", fm("title: c", "category: [x, y]"))
	add("_posts/2024-06-09-null-items.md", fm("title: c", "categories: [a, ~, b]"))
	add("_posts/2024-06-10-number-category.md", fm("title: c", "categories: [2024, 12]"))
	add("_posts/2024-06-11-bool-category.md", fm("title: c", "category: yes"))
	add("_posts/2024-06-12-duplicate-categories.md", fm("title: c", "categories: [a, a, b]"))
	add("_posts/2024-06-13-empty-categories.md", fm("title: c", "categories: []"))
	add("_posts/2024-06-14-null-categories.md", fm("title: c", "categories:", "category:"))
	add("_posts/2024-06-15-korean-categories.md", fm("title: c", "categories: [일기, 생각]"))
	refuse("_posts/2024-06-16-nested-categories.md", fm("title: c", "categories:", "  - [a]"), "a list inside the list")

	// Tags.
	add("_posts/2024-07-01-tags-string.md", fm("title: t", "tags: go rust"))
	add("_posts/2024-07-02-tag.md", fm("title: t", "tag: only one"))
	add("_posts/2024-07-03-tag-and-tags.md", fm("title: t", "tag: one", "tags: [two, three]"))
	add("_posts/2024-07-04-null-tag.md", fm("title: t", "tag:", "tags: [two]"))
	add("_posts/2024-07-05-tags-nested-deep.md", fm("title: t", "tags: [[a, [b]], c]"))
	add("_posts/2024-07-06-tags-bools.md", fm("title: t", "tags: [yes, Off, ~, n]"))
	add("_posts/2024-07-07-tags-numbers.md", fm("title: t", "tags: [12, 1.50, -3]"))
	add("_posts/2024-07-08-tags-duplicates.md", fm("title: t", "tags: [a, b, a]"))
	add("_posts/2024-07-09-tags-quoted.md", fm("title: t", `tags: ['#hash', "a, b", 'it''s']`))
	add("_posts/2024-07-10-tag-list.md", fm("title: t", "tag: [x, y]"))
	add("_posts/2024-07-11-tags-date.md", fm("title: t", "tags: [2024-07-11]"))
	refuse("_posts/2024-07-12-hex-tag.md", fm("title: t", "tags: [0x1F]"), "is a number")
	refuse("_posts/2024-07-13-octal-tag.md", fm("title: t", "tags: [010]"), "is a number")
	refuse("_posts/2024-07-14-sexagesimal.md", fm("title: t", "tags: [1:20]"), "is a number")
	refuse("_posts/2024-07-15-tag-map.md", fm("title: t", "tags:", "  - {a: b}"), "not a mapping")

	// YAML and Psych.
	add("_posts/2024-08-01-key-twice.md", fm("title: First", "title: Last"))
	add("_posts/2024-08-02-published-twice.md", fm("title: p", "published: false", "published: true"))
	add("_posts/2024-08-03-tags-twice.md", fm("title: p", "tags: [a]", "tags: [b]"))
	add("_posts/2024-08-04-other-keys.md", fm("title: Others", "author: {name: Kim, url: x}", "layout: [odd]", "comments: true", "toc: on"))
	add("_posts/2024-08-05-quoted-keys.md", fm(`"title": Quoted key`, `'tags': [q]`))
	add("_posts/2024-08-06-anchored-list.md", fm("base: &t [a, b]", "title: a", "tags: *t"))
	add("_posts/2024-08-07-comment-after.md", fm("title: Comment # not part", "tags: [a] # nor this"))
	add("_posts/2024-08-08-block-in-other.md", fm("title: b", "excerpt: |", "  Line one", "  ---", "  Line three"))
	add("_posts/2024-08-09-tab-in-quote.md", fm("title: \"a\\tb\""))
	add("_posts/2024-08-10-unicode-escape.md", fm(`title: "\uD55C\uAE00"`))
	refuse("_posts/2024-08-11-symbol.md", fm("title: s", "mood: :happy"), "Ruby symbol")
	refuse("_posts/2024-08-12-broken.md", fm("title: [broken"), "does not parse")
	refuse("_posts/2024-08-13-not-mapping.md", fm("- a", "- b"), "not a list of key")
	refuse("_posts/2024-08-14-tab-indent.md", fm("a: 1", "\tb: 2"), "does not parse")
	refuse("_posts/2024-08-15-merge-key.md", fm("base: &b {title: Merged}", "<<: *b"), "merge key")
	refuse("_posts/2024-08-16-not-utf8.md", "---\ntitle: \xff\n---\nText.\n", "not UTF-8")

	// Where posts are, and what they are called.
	add("_posts/일기/2024-09-01-korean-folder.md", fm("title: 폴더 속 글"))
	add("_posts/일기/2024/2024-09-02-deeper.md", fm("title: Deeper"))
	add("_posts/sub/_under/2024-09-03-underscore.md", fm("title: Under"))
	add("diary/_posts/2024-09-04-site-folder.md", fm("title: Site folder", "category: extra"))
	add("a/b/_posts/2024-09-05-two-folders.md", fm("title: Two", "categories: [b, c]"))
	add("일상/_posts/2024-09-06-korean-site-folder.md", fm("title: 일상"))
	add("_posts/2024-09-07-multilingual.en.md", fm("title: English"))
	add("_posts/2024-09-08-multilingual.zh-cn.md", fm("title: 中文"))

	// URLs (issue 14): what :title, :slug and :name make of a name,
	// front matter slug and permalink, categories that need escaping.
	add("_posts/2024-10-01-Hello,-World!-(1).md", fm("title: Punctuation"))
	add("_posts/2024-10-02-front-slug.md", fm("title: s", "slug: My Own Slug"))
	add("_posts/2024-10-03-own-permalink.md", fm("title: p", "permalink: /:year/:title.php"))
	add("_posts/2024-10-04-own-permalink-dir.md", fm("title: p", "permalink: /about/me/"))
	add("_posts/2024-10-05-odd-categories.md", fm("title: c", `categories: ["a?b#c#d", "100%", "[x]", "A/B", "Café", "it's (1)"]`))
	add("_posts/2024-10-06-dots-category.md", fm("title: c", "categories: [.., ./x, a..b]"))
	add("_posts/2024-10-07-upper.MD", fm("title: Upper"))
	add("_posts/2024-10-08-null-slug.md", fm("title: n", "slug:"))
	add("_posts/2021-01-01-iso-week.md", fm("title: ISO week 53 of 2020"))
	add("_posts/2024-10-09-permalink-false.md", fm("title: f", "permalink: false"))
	add("_posts/2024-10-12-permalink-null.md", fm("title: f", "permalink:"))
	add("_posts/2024-10-13-scheme-category.md", fm("title: s", "category: a b:c")) // no URL: Jekyll's build fails
	add("_posts/2024-10-10-Mixed-CASE-이름.md", fm("title: m", "categories: [Mixed Case, MIXED case]"))
	add("_posts/2024-10-11-permalink-placeholders.md", fm("title: pp", "slug: Given", "permalink: /x/:categories/:title/:slug:output_ext"))
	for _, ext := range []string{"markdown", "mkdn", "mkd", "mkdown", "html", "htm", "txt", "textile"} {
		add("_posts/2024-09-09-ext."+ext, fm("title: Extension "+ext))
	}
	// Issue 20: in jekyll_diff_round2_test.go.
	return append(c, jekyllDiffRound2()...)
}

// diffSite is a site of the differential test: its own _config.yml
// (the one the posts are read under), its posts, and the settings its
// URLs are compared under (urlConfigs for the main site).
type diffSite struct {
	name   string
	config string
	posts  []diffPost
	urls   []urlConfig
}

// diffFigures are what one site of the differential test measured.
type diffFigures struct {
	read, posts  int // posts read identically, of all in the corpus
	urls, urlsOf int // URLs identical, of all compared
	unreadable   int
	failing      int // URLs Jekyll fails on
}

func TestJekyllReadsAsDiaryReads(t *testing.T) {
	ruby := requireTool(t, "ruby")
	requireTool(t, "jekyll") // the library comes with it
	git := requireTool(t, "git")
	script, err := filepath.Abs("testdata/jekyll/read_posts.rb")
	if err != nil {
		t.Fatal(err)
	}
	corpus := jekyllDiffCorpus()
	if len(corpus) < 100 {
		t.Fatalf("the corpus has %d posts: it must have at least 100", len(corpus))
	}
	sites := append([]diffSite{{
		name: "main",
		// Seoul: far from UTC, so that a date read in the wrong zone is
		// another day.
		config: "title: Diff\ntimezone: Asia/Seoul\n",
		posts:  corpus,
		urls:   urlConfigs,
	}}, jekyllDiffSites()...)

	var total diffFigures
	for _, s := range sites {
		f := diffOneSite(t, ruby, git, script, s)
		t.Logf("site %s: %d/%d posts read identically, %d/%d URLs identical (%d of them where Jekyll fails); %d posts unreadable to diary",
			s.name, f.read, f.posts, f.urls, f.urlsOf, f.failing, f.unreadable)
		total.read += f.read
		total.posts += f.posts
		total.urls += f.urls
		total.urlsOf += f.urlsOf
		total.failing += f.failing
	}
	t.Logf("posts read identically: %d/%d", total.read, total.posts)
	t.Logf("URLs identical: %d/%d", total.urls, total.urlsOf)
	if total.failing == 0 {
		t.Errorf("no post of the corpus has a URL Jekyll fails on: the corpus no longer tests that diary url fails there too")
	}
}

// diffOneSite writes the site s, reads it with Jekyll and with diary,
// and compares every post and URL.
func diffOneSite(t *testing.T, ruby, git, script string, s diffSite) diffFigures {
	t.Helper()
	tmp := t.TempDir()
	home := filepath.Join(tmp, "home")
	site := filepath.Join(tmp, "site")
	corpus := s.posts
	files := map[string]string{"_config.yml": s.config}
	for _, p := range corpus {
		if _, dup := files[p.path]; dup {
			t.Fatalf("%s: %s is twice in the corpus", s.name, p.path)
		}
		files[p.path] = p.data
	}
	for name, data := range files {
		full := filepath.Join(site, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, dir := range []string{home, site} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command(git, "init", "-q", site).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}

	var configs []string
	for _, c := range s.urls {
		file := filepath.Join(tmp, c.name)
		if err := os.WriteFile(file, []byte(c.config), 0o644); err != nil {
			t.Fatal(err)
		}
		configs = append(configs, file)
	}
	jekyll := readWithJekyll(t, ruby, script, site, home, configs...)
	diary, unreadable := readWithDiary(t, site, home)

	var f diffFigures
	f.unreadable = len(unreadable)
	for _, p := range corpus {
		j, jok := jekyll[p.path]
		d, dok := diary[p.path]
		why, refused := unreadable[p.path]
		f.posts++
		same := false
		switch {
		case dok && refused:
			t.Errorf("%s: diary both lists it and warns that it cannot read it (%s)", p.path, why)
		case p.skip:
			// Jekyll does not read it at all (an excluded folder):
			// diary must neither list it nor warn about it.
			switch {
			case jok:
				t.Errorf("%s: the corpus says Jekyll does not read it, but it reads %+v", p.path, j)
			case dok || refused:
				t.Errorf("%s: Jekyll does not read it, but diary lists it (%+v) or warns (%s)", p.path, d, why)
			default:
				same = true
			}
		case !dok && !refused:
			t.Errorf("%s: diary neither lists it nor says it cannot read it; Jekyll: %+v", p.path, j)
		case !jok || j.Error != "":
			// Jekyll cannot read it (or skips it): diary must refuse it.
			if !refused {
				t.Errorf("%s: Jekyll cannot read it (%s), but diary lists %+v", p.path, jekyllWhy(j, jok), d)
			} else {
				same = true
			}
		case refused && p.refuse == "":
			t.Errorf("%s: diary cannot read it (%s), but Jekyll reads %+v", p.path, why, j)
		case refused && !strings.Contains(why, p.refuse):
			t.Errorf("%s: diary cannot read it because %s; the corpus says because %q", p.path, why, p.refuse)
		case !refused && p.refuse != "":
			t.Errorf("%s: diary reads it as %+v, but the corpus says it refuses it (%s): drop refuse if diary now reads it as Jekyll does (%+v)", p.path, d, p.refuse, j)
		case refused:
			// Jekyll reads it; diary says why not, as the corpus expects.
		default:
			if diffs := comparePosts(t, d, j); len(diffs) > 0 {
				t.Errorf("%s: diary and Jekyll read it differently:\n\t%s\nthe file:\n%s", p.path, strings.Join(diffs, "\n\t"), p.data)
			} else {
				same = true
			}
		}
		if same {
			f.read++
		}
	}
	// Nothing else: no post either finds that the corpus does not hold.
	for p := range jekyll {
		if !slices.ContainsFunc(corpus, func(c diffPost) bool { return c.path == p }) {
			t.Errorf("Jekyll reads %s, which is not in the corpus", p)
		}
	}
	for p := range diary {
		if !slices.ContainsFunc(corpus, func(c diffPost) bool { return c.path == p }) {
			t.Errorf("diary lists %s, which is not in the corpus", p)
		}
	}

	// URLs: each setting in turn as the site's _config.yml, and diary
	// url asked for every post that Jekyll reads. A draft has no URL to
	// diary (it is dated only when published); a post diary refuses
	// counts as a URL it does not give.
	for _, c := range s.urls {
		if err := os.WriteFile(filepath.Join(site, "_config.yml"), []byte(c.config), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, p := range corpus {
			j, jok := jekyll[p.path]
			if !jok || j.Error != "" || j.Draft {
				continue
			}
			f.urlsOf++
			if _, refused := unreadable[p.path]; refused {
				continue
			}
			ju, ok := j.URLs[c.name]
			if !ok {
				t.Errorf("%s: read_posts.rb gave no URL under %s", p.path, c.name)
				continue
			}
			want := ju.URL
			if c.absolute {
				want = ju.Abs
			}
			got, stderr, code := diaryURL(t, site, home, p.path)
			if ju.Error != "" {
				f.failing++
			}
			switch {
			case ju.Error != "" && code == 0:
				t.Errorf("%s under %s: Jekyll fails (%s), but diary url prints %q", p.path, c.name, ju.Error, got)
			case ju.Error != "" && code != 1:
				t.Errorf("%s under %s: Jekyll fails (%s); diary url exits %d, want 1: %s", p.path, c.name, ju.Error, code, stderr)
			case ju.Error == "" && (code != 0 || got != want):
				t.Errorf("%s under %s: diary url gives %q (exit %d, %s), Jekyll %q", p.path, c.name, got, code, strings.TrimSpace(stderr), want)
			default:
				f.urls++
			}
		}
	}
	return f
}

// urlConfig is one setting the URLs of a site are compared under.
// absolute: the site has a url or baseurl, so diary url's answer is
// compared with Jekyll's absolute_url, not page.url.
type urlConfig struct {
	name, config string
	absolute     bool
}

// urlConfigs are the site settings under which the URLs of the corpus are
// compared. absolute: the site has a url or baseurl, so diary url's
// answer is compared with Jekyll's absolute_url, not page.url.
var urlConfigs = []urlConfig{
	{"default.yml", "timezone: Asia/Seoul\n", false},
	{"date.yml", "timezone: Asia/Seoul\npermalink: date\n", false},
	{"pretty-url.yml", "timezone: Asia/Seoul\npermalink: pretty\nurl: https://me.example.org\nbaseurl: /blog/\n", true},
	{"ordinal-baseurl.yml", "timezone: Asia/Seoul\npermalink: ordinal\nbaseurl: /diary\n", true},
	{"weekdate.yml", "timezone: Asia/Seoul\npermalink: weekdate\n", false},
	{"none-markdown-ext.yml", "timezone: Asia/Seoul\npermalink: none\nmarkdown_ext: md,mkd\n", false},
	{"custom-all.yml", "timezone: Asia/Seoul\npermalink: /:categories/:slugified_categories/:year/:short_year/:month/:i_month/:short_month/:long_month/:day/:i_day/:y_day/:hour/:minute/:second/:w_year/W:week/:w_day/:short_day/:long_day/:title/:slug/:name/:path/:collection/:month_:day:output_ext\n", false},
	{"custom-short.yml", "timezone: America/New_York\npermalink: /:year/:title\n", false},
	{"collections.yml", "timezone: Asia/Seoul\npermalink: pretty\ncollections:\n  posts:\n    permalink: /c/:title/\n", false},
	{"defaults.yml", "timezone: Asia/Seoul\ndefaults:\n  - scope:\n      path: \"\"\n      type: posts\n    values:\n      permalink: /d/:slug:output_ext\n", false},
}

// diaryURL runs diary url PATH on the site, in-process.
func diaryURL(t *testing.T, site, home, path string) (stdout, stderr string, code int) {
	t.Helper()
	stdout, stderr, code = diaryOnSite(site, home, "url", path)
	return strings.TrimSuffix(stdout, "\n"), stderr, code
}

// diaryOnSite runs diary on the site, in-process, with the pinned
// environment, the machine in New York (not the site's zone) and the
// clock at the start of 2025.
func diaryOnSite(site, home string, args ...string) (stdout, stderr string, code int) {
	env := pinnedEnv(home)
	env["TZ"] = "America/New_York" // the machine's zone is not the site's
	var out, errb bytes.Buffer
	sys := System{
		Stdin:  strings.NewReader(""),
		Stdout: &out,
		Stderr: &errb,
		Env: func(k string) (string, bool) {
			v, ok := env[k]
			return v, ok
		},
		Now: func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) },
		Dir: site,
	}
	code = Main(append([]string{"--repo", site}, args...), sys)
	return out.String(), errb.String(), code
}

// jekyllPostJSON is one post as read_posts.rb prints it.
type jekyllPostJSON struct {
	Path       string   `json:"path"`
	Error      string   `json:"error"`
	Title      string   `json:"title"`
	Date       string   `json:"date"`
	Categories []string `json:"categories"`
	Tags       []string `json:"tags"`
	Published  bool     `json:"published"`
	Draft      bool     `json:"draft"`
	// URLs are the post's URLs under each of urlConfigs, by name.
	URLs map[string]struct {
		URL   string `json:"url"`
		Abs   string `json:"abs"`
		Error string `json:"error"`
	} `json:"urls"`
}

func jekyllWhy(j jekyllPostJSON, ok bool) string {
	if !ok {
		return "it skips it"
	}
	return j.Error
}

// readWithJekyll runs read_posts.rb on the site.
// Each of configs is a settings file read instead of _config.yml for the
// posts' URLs.
func readWithJekyll(t *testing.T, ruby, script, site, home string, configs ...string) map[string]jekyllPostJSON {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, ruby, append([]string{script, site}, configs...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "LANG=C.UTF-8", "TZ=America/New_York"}
	cmd.WaitDelay = 10 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ruby %s: %v\n%s", script, err, stderr.String())
	}
	var posts []jekyllPostJSON
	if err := json.Unmarshal(out, &posts); err != nil {
		t.Fatalf("read_posts.rb printed no JSON: %v\n%s\n%s", err, out, stderr.String())
	}
	m := map[string]jekyllPostJSON{}
	for _, p := range posts {
		m[p.Path] = p
	}
	return m
}

// warningRE is how diary list warns about a file it cannot read.
var warningRE = regexp.MustCompile(`(?m)^diary: warning: (.+?)(?::\d+)?: (.*): skipped$`)

// readWithDiary runs diary list --json on the site, in-process, and
// returns what it lists and, by path, why it cannot read the rest.
func readWithDiary(t *testing.T, site, home string) (map[string]jsonEntry, map[string]string) {
	t.Helper()
	stdout, stderr, code := diaryOnSite(site, home, "list", "--json", "--drafts")
	if code != 0 {
		t.Fatalf("diary list --json --drafts: exit %d\n%s", code, stderr)
	}
	var entries []jsonEntry
	if err := json.Unmarshal([]byte(stdout), &entries); err != nil {
		t.Fatalf("diary list --json printed no JSON: %v\n%s", err, stdout)
	}
	m := map[string]jsonEntry{}
	for _, e := range entries {
		m[e.Path] = e
	}
	unreadable := map[string]string{}
	for _, w := range warningRE.FindAllStringSubmatch(stderr, -1) {
		unreadable[w[1]] = w[2]
	}
	if rest := warningRE.ReplaceAllString(stderr, ""); strings.TrimSpace(rest) != "" {
		t.Errorf("diary list said more than warnings about posts:\n%s", rest)
	}
	return m, unreadable
}

// comparePosts lists how diary's reading of a post differs from Jekyll's.
func comparePosts(t *testing.T, d jsonEntry, j jekyllPostJSON) []string {
	var diffs []string
	if d.Title != j.Title {
		diffs = append(diffs, fmt.Sprintf("title: diary %q, Jekyll %q", d.Title, j.Title))
	}
	// The instant, and the offset Jekyll prints it with (the site's
	// zone's, since Jekyll reads every date into it).
	dt, err1 := time.Parse(time.RFC3339, d.Date)
	jt, err2 := time.Parse(time.RFC3339, j.Date)
	_, doff := dt.Zone()
	_, joff := jt.Zone()
	if err1 != nil || err2 != nil || !dt.Equal(jt) || doff != joff {
		diffs = append(diffs, fmt.Sprintf("date: diary %s, Jekyll %s", d.Date, j.Date))
	}
	if d.Draft != j.Draft {
		diffs = append(diffs, fmt.Sprintf("draft: diary %v, Jekyll %v", d.Draft, j.Draft))
	}
	if !slices.Equal(d.Categories, j.Categories) {
		diffs = append(diffs, fmt.Sprintf("categories: diary %q, Jekyll %q", d.Categories, j.Categories))
	}
	if !slices.Equal(d.Tags, j.Tags) {
		diffs = append(diffs, fmt.Sprintf("tags: diary %q, Jekyll %q", d.Tags, j.Tags))
	}
	if d.Published != j.Published {
		diffs = append(diffs, fmt.Sprintf("published: diary %v, Jekyll %v", d.Published, j.Published))
	}
	return diffs
}
