package config

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestReadSiteLastKeyWins: a key given twice takes its last value, as
// Ruby's Psych (and so Jekyll) takes it, for every key diary reads.
func TestReadSiteLastKeyWins(t *testing.T) {
	dir := t.TempDir()
	text := "timezone: Europe/Paris\nfuture: true\nexclude: [_posts]\ntimezone: ' Asia/Seoul '\nfuture: false\nexclude: [vendor/]\n"
	if err := os.WriteFile(filepath.Join(dir, "_config.yml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	site, err := ReadSite(dir)
	if err != nil {
		t.Fatal(err)
	}
	if site.Timezone != "Asia/Seoul" || site.Future || !slices.Equal(site.Exclude, []string{"vendor/"}) {
		t.Errorf("ReadSite = %+v, want the last of each key", site)
	}
}

// TestReadSiteFiles: _config.yaml when there is no .yml, nothing and no
// error for a site with neither.
func TestReadSiteFiles(t *testing.T) {
	dir := t.TempDir()
	if site, err := ReadSite(dir); err != nil || site.File != "" {
		t.Fatalf("ReadSite of a site without settings = %+v, %v", site, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "_config.yaml"), []byte("timezone: Asia/Seoul\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if site, err := ReadSite(dir); err != nil || site.Timezone != "Asia/Seoul" || filepath.Base(site.File) != "_config.yaml" {
		t.Fatalf("ReadSite with _config.yaml = %+v, %v", site, err)
	}
}

// TestSetSiteZone: an empty timezone key (minimal-mistakes' stock
// config) is set in place, comments and other lines kept; a file
// without one gets it at the end; and either way it reads back once.
func TestSetSiteZone(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty key", "title: Site\n# where posts are dated\ntimezone: # e.g. America/New_York\nlocale: en-US\n",
			"title: Site\n# where posts are dated\ntimezone: Asia/Seoul # e.g. America/New_York\nlocale: en-US\n"},
		{"empty key last", "title: Site\ntimezone:\n", "title: Site\ntimezone: Asia/Seoul\n"},
		{"no key", "title: Site",
			"title: Site\n# Added by diary init, so that posts are dated in the zone they are written in.\ntimezone: Asia/Seoul\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "_config.yml")
			if err := os.WriteFile(p, []byte(tc.in), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := SetSiteZone(dir, "Asia/Seoul"); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(p)
			if string(got) != tc.want {
				t.Errorf("_config.yml after SetSiteZone:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestReadSitePostLayout: the layout front matter defaults give every
// post, in the shapes Chirpy and minimal-mistakes ship.
func TestReadSitePostLayout(t *testing.T) {
	for _, tc := range []struct{ name, config, want string }{
		{"chirpy", "defaults:\n  - scope:\n      path: \"\" # all\n      type: posts\n    values:\n      layout: post\n      comments: true\n  - scope:\n      path: _drafts\n    values:\n      comments: false\n  - scope:\n      path: \"\"\n      type: tabs\n    values:\n      layout: page\n", "post"},
		{"minimal-mistakes", "defaults:\n  # _posts\n  - scope:\n      path: \"\"\n      type: posts\n    values:\n      layout: single\n      author_profile: true\n  # _pages\n  - scope:\n      path: \"\"\n      type: pages\n    values:\n      layout: single\n", "single"},
		{"all files", "defaults:\n  - scope:\n      path: \"\"\n    values:\n      layout: default\n", "default"},
		{"a subfolder only", "defaults:\n  - scope:\n      path: _posts/일기\n    values:\n      layout: single\n", ""},
		{"pages only", "defaults:\n  - scope:\n      type: pages\n    values:\n      layout: page\n", ""},
		{"none", "title: x\n", ""},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "_config.yml"), []byte(tc.config), 0o644); err != nil {
			t.Fatal(err)
		}
		site, err := ReadSite(dir)
		if err != nil || site.PostLayout != tc.want {
			t.Errorf("%s: PostLayout = %q, %v; want %q", tc.name, site.PostLayout, err, tc.want)
		}
	}
}

// TestReadSiteURLSettings: what decides a post's URL: url, baseurl,
// permalink, collections.posts.permalink, a permalink front matter
// defaults give every post, and markdown_ext; each as Jekyll reads it.
func TestReadSiteURLSettings(t *testing.T) {
	for _, tc := range []struct {
		name, config string
		want         Site
	}{
		{"none", "title: x\n", Site{}},
		{"url and baseurl", "url: https://me.github.io/\nbaseurl: /diary\n",
			Site{URL: "https://me.github.io/", BaseURL: "/diary"}},
		{"empty values", "url:\nbaseurl: \"\"\npermalink:\n", Site{}},
		{"style", "permalink: pretty\n", Site{Permalink: "pretty"}},
		{"custom, last wins", "permalink: date\npermalink: /:year/:title/\n", Site{Permalink: "/:year/:title/"}},
		{"collections", "permalink: pretty\ncollections:\n  posts:\n    permalink: /c/:title\n  recipes:\n    output: true\n",
			Site{Permalink: "pretty", PostsPermalink: "/c/:title"}},
		{"collections as a list", "collections: [recipes]\n", Site{}},
		{"defaults for posts", "defaults:\n  - scope:\n      path: \"\"\n      type: posts\n    values:\n      permalink: /d/:slug/\n      layout: post\n",
			Site{PostLayout: "post", DefaultPermalink: "/d/:slug/"}},
		{"defaults for a folder only", "defaults:\n  - scope:\n      path: _posts/2024\n    values:\n      permalink: /x/\n", Site{}},
		{"markdown_ext", "markdown_ext: \"md, MarkDown\"\n", Site{MarkdownExt: []string{"md", " MarkDown"}}},
		{"not text", "url: [a]\npermalink: 12\nbaseurl: {a: b}\n", Site{}},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "_config.yml"), []byte(tc.config), 0o644); err != nil {
			t.Fatal(err)
		}
		site, err := ReadSite(dir)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		tc.want.File = site.File
		if site.URL != tc.want.URL || site.BaseURL != tc.want.BaseURL || site.Permalink != tc.want.Permalink ||
			site.PostsPermalink != tc.want.PostsPermalink || site.DefaultPermalink != tc.want.DefaultPermalink ||
			site.PostLayout != tc.want.PostLayout || !slices.Equal(site.MarkdownExt, tc.want.MarkdownExt) {
			t.Errorf("%s: ReadSite = %+v\nwant %+v", tc.name, site, tc.want)
		}
	}
}

// TestFrontMatterDefaultJekyll: the defaults FrontMatterDefault picks
// are the ones Jekyll 4.3's own FrontmatterDefaults#find picks, for a
// config with every kind of scope: typed and untyped sets of one path,
// longer paths, a path with a leading "/", a glob, the old type names, a
// null value, an item without values.
func TestFrontMatterDefaultJekyll(t *testing.T) {
	ruby, err := exec.LookPath("ruby")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ruby (with Debian's jekyll) is needed to judge the defaults")
		}
		t.Skip("no ruby")
	}
	dir := t.TempDir()
	config := `title: t
defaults:
  - scope: {path: "", type: posts}
    values: {layout: single, author: typed}
  - scope: {path: ""}
    values: {layout: page, comments: true}
  - scope: {path: work}
    values: {layout: work}
  - scope: {path: /life}
    values: {layout: slash}
  - scope: {path: "life/_posts", type: post}
    values: {layout: life}
  - scope: {path: "trips/*"}
    values: {layout: glob}
  - scope: {path: notes, type: pages}
    values: {layout: notes}
  - scope: {path: _drafts}
    values: {layout: ~}
  - scope: {path: _posts/2023}
  - scope: {type: posts}
    values: {author: later}
`
	files := []string{
		"_posts/2022-01-01-a.md", "work/_posts/2022-01-01-b.md", "workshop/_posts/2022-01-01-c.md",
		"life/_posts/2022-01-01-d.md", "life/x.md", "trips/seoul/_posts/2022-01-01-e.md", "notes/_posts/2022-01-01-f.md",
		"_drafts/g.md", "_posts/2023/2023-01-01-h.md", "index.md",
	}
	write := func(rel, text string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("_config.yml", config)
	var asks strings.Builder
	for _, f := range files {
		write(f, "---\n---\n")
		for _, typ := range []string{"posts", "pages"} {
			for _, key := range []string{"layout", "author", "comments"} {
				fmt.Fprintf(&asks, "%s %s %s\n", f, typ, key)
			}
		}
	}
	script := `require "jekyll"
site = Jekyll::Site.new(Jekyll.configuration("source" => ARGV[0], "destination" => ARGV[0] + "/_site", "quiet" => true))
STDIN.each_line do |l|
  path, type, key = l.split
  sets = site.frontmatter_defaults.send(:matching_sets, path, type.to_sym).select { |s| s["values"].key?(key) }
  v = site.frontmatter_defaults.find(path, type.to_sym, key)
  puts(sets.empty? ? "-" : v.is_a?(String) ? "=" + v : "=")
end`
	cmd := exec.Command(ruby, "-e", script, dir)
	cmd.Stdin = strings.NewReader(asks.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("jekyll: %v\n%s", err, out)
	}
	site, err := ReadSite(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSpace(string(out)), "\n")
	for i, ask := range strings.Split(strings.TrimSpace(asks.String()), "\n") {
		f := strings.Fields(ask)
		v, ok := site.FrontMatterDefault(f[0], f[1], f[2])
		got := "-"
		if ok {
			got = "=" + v
		}
		if i >= len(want) || got != want[i] {
			t.Errorf("FrontMatterDefault(%s) = %q, Jekyll says %q", ask, got, want[min(i, len(want)-1)])
		}
	}
}
