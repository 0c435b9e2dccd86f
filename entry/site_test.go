package entry

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestFnmatch: fnmatch against Ruby's File.fnmatch with no flags, as
// `ruby -e 'p File.fnmatch(PATTERN, PATH)'` answered for each pair.
func TestFnmatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*.txt", "_posts/a.txt", true}, // "*" crosses "/"
		{"*.txt", "a.md", false},
		{"docs", "docs", true},
		{"_posts/*/x", "_posts/a/b/x", true},
		{"?ocs", "docs", true},
		{"[a-c]*", "blog", true},
		{"[!a-c]*", "blog", false},
		{"[^b]log", "blog", false},
		{`a\*b`, "a*b", true},
		{`a\*b`, "axb", false},
		{"[", "[", false}, // never closed
		{"[abc", "[abc", false},
		{"*", "_posts/.x", true}, // no FNM_DOTMATCH needed past the start
		{"**/*.md", "_posts/x.md", true},
		{"_posts/20??-*", "_posts/2024-x.md", true},
		{"일기/*", "일기/a", true},
		{"?", "일", true},
		{"[가-힣]", "한", true},
		{"a[]]b", "a]b", false}, // "[]" is empty
		{"a[!]]b", "a]b", false},
		{"*a", "bbb", false},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false},
		{"Docs", "docs", false},
		{"[]-]", "-", false},
		{"x/", "x", false},
	}
	for _, tt := range tests {
		if got := fnmatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("fnmatch(%q, %q) = %v, Ruby says %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

// TestScanHonoursExcludeAndInclude: Scan finds the posts and drafts of a
// site with exclude and include as Jekyll's EntryFilter passes them
// (issue 20, item 3; jekyll_diff_round2_test.go shows Jekyll agreeing),
// and exactly those Site.IsPost and Site.IsDraft accept, with and without
// the cache (whose walk differs) and with the filter's shortcuts taken
// or not.
func TestScanHonoursExcludeAndInclude(t *testing.T) {
	root := t.TempDir()
	post := "---\ntitle: t\n---\n"
	seen := []string{
		"_posts/2024-01-01-a.md",
		"documents/_posts/2024-01-02-b.md",
		"_posts/old/2019-01-02-keep.md",
		"_posts/_hidden/2024-02-01-c.md",
		"_blog/_posts/2024-02-03-d.md",
		"vendor/_posts/2024-02-06-e.md",
		"_drafts/kept.md",
		"blog/_drafts/x.md",
	}
	hidden := []string{
		"docs/_posts/2024-01-01-doc.md",
		"test/_posts/2024-01-02-test.md",
		"_posts/2024-01-03-text.txt",
		"notes/_posts/2024-01-04-note.md",
		"archive/_posts/2024-01-05-archived.md",
		"_posts/old/2019-01-01-drop.md",
		"_posts/_other/2024-02-02-still-hidden.md",
		"node_modules/_posts/2024-02-04-modules.md",
		"vendor/bundle/_posts/2024-02-05-vendor.md",
		"Gemfiles-notes/_posts/2024-02-07-gemfile-prefix.md",
		"_drafts/draft.txt",
		"_posts/.dot/2024-02-08-f.md",
	}
	for _, p := range append(append([]string(nil), seen...), hidden...) {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(post), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	site := &Site{
		Exclude: JekyllExcludes([]string{"docs", "test/_posts", "*.txt", "notes/", "arch", "_posts/old"}, true, false),
		Include: JekyllIncludes([]string{"2019-01-02-keep.md", "_hidden", "_blog"}, true),
	}
	plain := &Site{Exclude: JekyllExcludes([]string{"docs", "test/_posts", "notes/", "arch"}, true, false), Include: JekyllIncludes(nil, false)}
	for _, tc := range []struct {
		site       *Site
		seen, hide []string
	}{
		{site, seen, hidden},
		// No pattern reaches into a _posts folder, none lets a hidden
		// name in: the shortcuts are taken.
		{plain,
			[]string{"_posts/2024-01-01-a.md", "_posts/2024-01-03-text.txt", "_posts/old/2019-01-01-drop.md", "_posts/old/2019-01-02-keep.md", "documents/_posts/2024-01-02-b.md", "vendor/_posts/2024-02-06-e.md", "_drafts/kept.md", "_drafts/draft.txt", "blog/_drafts/x.md"},
			[]string{"_posts/_hidden/2024-02-01-c.md", "_blog/_posts/2024-02-03-d.md", "docs/_posts/2024-01-01-doc.md", "notes/_posts/2024-01-04-note.md", "archive/_posts/2024-01-05-archived.md"}},
	} {
		for _, cache := range []string{"", filepath.Join(t.TempDir(), "cache")} {
			for run := range 2 {
				es, errs := Scan(context.Background(), root, ScanOptions{Drafts: true, Location: time.UTC, Cache: cache, Site: tc.site})
				if len(errs) > 0 {
					t.Fatalf("cache %q, run %d: %v", cache, run, errs)
				}
				var got []string
				for _, e := range es {
					got = append(got, e.Path)
					if !tc.site.IsPost(e.Path) && !tc.site.IsDraft(e.Path) {
						t.Errorf("Scan found %s, which Site.IsPost and IsDraft refuse", e.Path)
					}
				}
				sort.Strings(got)
				want := slices.Clone(tc.seen)
				sort.Strings(want)
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("cache %q, run %d: Scan found\n%s\nwant\n%s", cache, run, strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			}
		}
		for _, p := range tc.hide {
			if tc.site.IsPost(p) || tc.site.IsDraft(p) {
				t.Errorf("Site.IsPost(%q) or IsDraft, a path Jekyll does not read", p)
			}
		}
	}
}

// TestDefaultsPrecedence: FrontmatterDefaults#all's order, by path
// length and type, whatever order the sets are written in; and a scope
// path is a prefix of the text of the post's path.
func TestDefaultsPrecedence(t *testing.T) {
	e, err := defaultsSite.Parse("blog/_posts/2022-01-02-a.md", []byte("---\n---\n"), seoul, false)
	if err != nil {
		t.Fatal(err)
	}
	if e.Title != "Default" || e.Author != "Me" || e.Layout != "post" ||
		strings.Join(e.Categories, ",") != "blog,dc,2024,2024,fromdefaults" || strings.Join(e.Tags, ",") != "d" {
		t.Errorf("got %+v", *e)
	}
	e, err = defaultsSite.Parse("_posts/2022-01-02-a.md", []byte("---\ntags: [own]\npublished: true\n---\n"), seoul, false)
	if err != nil {
		t.Fatal(err)
	}
	if !e.Published || strings.Join(e.Tags, ",") != "one" || !e.Date.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, seoul)) {
		t.Errorf("got %+v: tag from the defaults wins over the post's tags, its own published and the defaults' date", *e)
	}
	if text, ok := defaultsSite.DefaultText("blogger/_posts/2022-01-02-a.md", "title"); !ok || text != "Default" {
		t.Errorf("DefaultText(blogger/..., title) = %q, %v: blog is a prefix of blogger", text, ok)
	}
	// A longer path wins over a shorter one written after it.
	s := &Site{Defaults: []Default{defaultsSite.Defaults[1], defaultsSite.Defaults[0]}}
	s.Defaults[0].Path = "blog/_posts"
	s.Defaults[1].Values = defaultsSite.Defaults[1].Values // title: Default
	if text, _ := s.DefaultText("blog/_posts/2022-01-02-a.md", "title"); text != "Default" {
		t.Errorf("title %q", text)
	}
}
