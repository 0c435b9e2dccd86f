package main

// The differential test's cases of issue 20 (real blogs, round two):
// jekyllDiffRound2 are posts of the main site (Asia/Seoul, no exclude,
// no defaults), jekyllDiffSites are sites of their own, for what needs
// its own _config.yml (exclude and include, path-scoped defaults, a zone
// whose abbreviations are not Seoul's). Each was run against the diary
// of before the fix and seen to fail; jekyll_diff_test.go's
// TestJekyllReadsAsDiaryReads runs them.

// jekyllDiffRound2 are the main site's posts of issue 20.
func jekyllDiffRound2() []diffPost {
	var c []diffPost
	add := func(path, data string) { c = append(c, diffPost{path: path, data: data}) }
	refuse := func(path, data, why string) { c = append(c, diffPost{path: path, data: data, refuse: why}) }

	// Item 1: no front matter. Jekyll's PostReader makes a post of
	// every file named as one, and titles and dates it by its name.
	add("_posts/2020-01-01-no-fm.md", "# H\n")
	add("_posts/2020-01-02-empty-file.md", "")
	add("_posts/2020-01-03-no-fm-crlf.md", "Line one\r\nLine two\r\n")
	add("_posts/2020-01-04-bom-only.md", "\ufeffText after a byte order mark.\n")
	add("_posts/2020-01-05-fence-later.md", "Text.\n---\ntitle: Not front matter\n---\n")
	add("sub/_posts/2020-01-06-no-fm-folder.md", "Text in a folder's posts.\n")
	add("_drafts/no-fm-draft.md", "A draft without front matter.\n")

	// Item 4: zone abbreviations, as Ruby's Time.parse reads them in the
	// site's zone (Seoul): its table of UTC, Z, UT, GMT, the US zones and
	// the military letters, in any case; the site's own zone's names
	// (KST); and any other word ignored (the time is then the site's).
	add("_posts/2016-04-02-cest-in-seoul.md", fm("title: CEST", "date: 2016-04-02 08:10 CEST"))
	add("_posts/2016-04-03-kst.md", fm("title: KST", "date: 2016-04-03 08:10 KST"))
	add("_posts/2016-04-04-est-lower.md", fm("title: est", "date: 2016-04-04 08:10 est"))
	add("_posts/2016-04-05-pdt-seconds.md", fm("title: PDT", "date: 2016-04-05 08:10:00 PDT"))
	add("_posts/2016-04-06-utc-word.md", fm("title: UTC", "date: 2016-04-06 08:10 UTC"))
	add("_posts/2016-04-07-gmt.md", fm("title: GMT", "date: 2016-04-07 23:10 GMT"))
	add("_posts/2016-04-08-z-spaced.md", fm("title: Z", "date: 2016-04-08 08:10 Z"))
	add("_posts/2016-04-09-military.md", fm("title: A", "date: 2016-04-09 08:10 A"))
	add("_posts/2016-04-10-military-j.md", fm("title: J", "date: 2016-04-10 08:10 J"))
	add("_posts/2016-04-11-t-cest.md", fm("title: T CEST", "date: 2016-04-11T08:10:00 CEST"))
	add("_posts/2016-04-12-foo.md", fm("title: FOO", "date: 2016-04-12 08:10 FOO"))
	add("_posts/2016-04-13-quoted-edt.md", fm("title: EDT", "date: '2016-04-13 20:10:00 EDT'"))
	add("_posts/2016-04-14-ut.md", fm("title: UT", "date: 2016-04-14 08:10 UT"))
	// An offset that is not the site's is printed by Jekyll in the
	// site's zone: the same instant, Seoul's offset.
	add("_posts/2016-04-15-offset-printed.md", fm("title: Offset", "date: 2016-04-15 08:10:00 -0500"))

	// Item 8, the date rollover: Ruby's Time rolls a day 29 to 31 that
	// the month lacks over into the next month (2026-02-30 is March 2),
	// and refuses 32.
	add("_posts/2026-03-01-rolled.md", fm("title: Rolled", "date: 2026-02-30"))
	add("_posts/2026-03-02-rolled-time.md", fm("title: Rolled time", "date: 2026-02-31 10:00"))
	add("_posts/2026-03-03-rolled-quoted.md", fm("title: Rolled quoted", "date: '2026-04-31'"))
	add("_posts/2026-03-04-rolled-timestamp.md", fm("title: Rolled stamp", "date: 2026-02-29 10:00:00 +0900"))
	add("_posts/2026-02-30-rolled-name.md", fm("title: Rolled name"))
	add("_posts/2026-02-31-rolled-name-only.md", "No front matter, a day February lacks.\n")
	refuse("_posts/2026-03-05-day-32.md", fm("title: Day 32", "date: 2026-02-32"), "is not a date")

	// Item 6 (c): Jekyll keeps a tag given twice twice in page.tags.
	add("_posts/2024-11-01-docker-twice.md", fm("title: Docker", "tags: [docker, compose, docker]"))
	add("_posts/2024-11-02-tag-twice.md", fm("title: Tag", "tag: [x, x]"))
	add("_posts/2024-11-03-tags-string-twice.md", fm("title: Words", "tags: go go rust"))
	add("_posts/2024-11-04-tags-block-twice.md", fm("title: Block", "tags:", "- a", "- b", "- a"))
	// Categories as merge_categories! joins them: a null categories
	// drops the folder's; one that is no string stays beside its text;
	// a number alone cannot be joined, and the post is not read.
	add("nullcat/_posts/2024-11-07-null-categories-folder.md", fm("title: n", "categories:"))
	add("numcat/_posts/2024-11-08-number-in-folder.md", fm("title: n", "categories: [2024, numcat, true]", "category: 2024"))
	add("_posts/2024-11-09-categories-number.md", fm("title: n", "categories: 2024"))

	// Item 6 (b) and (d): drafts, in a folder of the site as well,
	// published (Jekyll's data["published"] defaults to true) unless
	// they say otherwise, and in their folder's category.
	add("_drafts/plain-draft.md", fm("title: Plain draft"))
	add("_drafts/dated-draft.md", fm("title: Dated draft", "date: 2024-11-05 10:00:00 +0900", "tags: [d, d]"))
	add("_drafts/unpublished-draft.md", fm("title: Unpublished draft", "published: false"))
	add("blog/_drafts/draft-in-blog.md", fm("title: Draft in blog", "categories: [notes]"))
	add("blog/_posts/2024-11-06-post-in-blog.md", fm("title: Post in blog"))
	add("a/b/_drafts/two-folders.md", fm("title: Two folders"))
	return c
}

// jekyllDiffSites are the sites of their own.
func jekyllDiffSites() []diffSite {
	var c []diffPost
	add := func(path, data string) { c = append(c, diffPost{path: path, data: data}) }
	skip := func(path, data string) { c = append(c, diffPost{path: path, data: data, skip: true}) }

	// Item 3: exclude and include as Jekyll's EntryFilter reads them:
	// a pattern is joined to the site's folder and matches a path with
	// File.fnmatch (no FNM_PATHNAME: * crosses "/"), or as a prefix of
	// the text (arch takes in archive/), or a folder with a "/" after
	// it; include wins over exclude, and lets in a name that starts
	// with "_" (checked against the path from the folder being read,
	// and the base name).
	skip("docs/_posts/2024-01-01-doc.md", fm("title: Doc"))
	skip("test/_posts/2024-01-02-test.md", fm("title: Test"))
	skip("_posts/2024-01-03-text.txt", fm("title: Text"))
	skip("notes/_posts/2024-01-04-note.md", fm("title: Note"))
	skip("archive/_posts/2024-01-05-archived.md", fm("title: Archived"))
	add("documents/_posts/2024-01-06-documents.md", fm("title: Not docs"))
	skip("_posts/old/2019-01-01-drop.md", fm("title: Dropped"))
	add("_posts/old/2019-01-02-keep.md", fm("title: Kept by include"))
	add("_posts/_hidden/2024-02-01-included.md", fm("title: Included underscore"))
	skip("_posts/_other/2024-02-02-still-hidden.md", fm("title: Still hidden"))
	add("_blog/_posts/2024-02-03-underscore-site-folder.md", fm("title: Underscore folder"))
	skip("node_modules/_posts/2024-02-04-modules.md", fm("title: Default exclude"))
	skip("vendor/bundle/_posts/2024-02-05-vendor.md", fm("title: Vendor"))
	add("vendor/_posts/2024-02-06-vendor-own.md", fm("title: Vendor own"))
	skip("Gemfiles-notes/_posts/2024-02-07-gemfile-prefix.md", fm("title: Gemfile prefix"))
	skip("_drafts/draft.txt", "A text draft.\n")
	add("_drafts/kept-draft.md", fm("title: Kept draft"))

	// Item 4: in Berlin, CET and CEST are the site's own zone's names
	// (of January and of July, whatever the day).
	add("_posts/2016-04-02-cest.md", fm("title: CEST", "date: 2016-04-02 08:10 CEST"))
	add("_posts/2016-01-02-cest-in-winter.md", fm("title: CEST in winter", "date: 2016-01-02 08:10 CEST"))
	add("_posts/2016-07-02-cet-in-summer.md", fm("title: CET in summer", "date: 2016-07-02 08:10 cet"))
	add("_posts/2016-04-03-kst-in-berlin.md", fm("title: KST in Berlin", "date: 2016-04-03 08:10 KST"))

	// Item 6 (a): front matter defaults, by path (a prefix of the
	// post's path, so blog takes in blogger/) and type, the most
	// specific winning; categories from defaults join the post's own.
	add("_posts/2024-03-01-root.md", fm("title: Root"))
	add("blog/_posts/2024-03-02-scoped.md", fm("title: Scoped"))
	add("blog/_posts/deep/2024-03-03-deep.md", fm("tags: [own]"))
	add("blogger/_posts/2024-03-04-prefix.md", fm("title: Prefix"))
	add("blog/_posts/2024-03-05-own-permalink.md", fm("title: Own", "permalink: /own/:title/"))
	add("blog/_posts/2024-03-06-own-category.md", fm("title: Own category", "category: mine", "categories: [theirs]"))
	add("blog/_drafts/scoped-draft.md", fm("title: Scoped draft"))
	add("cats/_posts/2024-03-07-union.md", fm("title: Union", "categories: [fc, dc]"))
	add("_posts/2024-03-08-hidden-by-default.md", fm("title: Hidden by default"))
	add("_posts/2024-03-09-shown-anyway.md", fm("title: Shown", "published: true"))
	add("blog/_posts/2024-03-10-no-fm-scoped.md", "No front matter, defaults still apply.\n")
	// A null in front matter leaves the default (deep_merge_hashes
	// keeps a value over nil).
	add("blog/_posts/deep/2024-03-11-nulls-over-defaults.md", fm("title:", "category:", "tags:"))
	add("cats/_posts/2024-03-12-null-categories-default.md", fm("title: n", "categories: ~"))

	config := `title: Scoped
timezone: Europe/Berlin
exclude: [docs, test/_posts, "*.txt", notes/, arch, _posts/old]
include: [2019-01-02-keep.md, _hidden, _blog]
defaults:
  - scope: {path: blog/_posts/deep, type: posts}
    values: {title: Default title, tags: [deep]}
  - scope: {path: blog, type: posts}
    values: {permalink: "/blog/:year/:title/", category: fromdefaults, layout: blog}
  - scope: {path: "", type: posts}
    values: {layout: post, permalink: "/all/:title/"}
  - scope: {path: cats}
    values: {categories: [dc, extra, 2024]}
  - scope: {path: _posts/2024-03-08-hidden-by-default.md}
    values: {published: false}
  - scope: {path: _posts/2024-03-09}
    values: {published: false}
`
	return []diffSite{{
		name:   "scoped",
		config: config,
		posts:  c,
		urls:   []urlConfig{{name: "scoped.yml", config: config}},
	}}
}
