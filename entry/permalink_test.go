package entry

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestURL: a post's URL for every built-in style and every placeholder
// Jekyll documents, with Korean titles and categories, spaces, front
// matter permalink and slug, folders above _posts, and the escaping and
// sanitizing of Jekyll's URL class. The expected values are Jekyll
// 4.3's; cmd/diary/jekyll_diff_test.go checks the same rules against
// Jekyll itself on a larger corpus.
func TestURL(t *testing.T) {
	fixture, err := os.ReadFile(filepath.Join("testdata", "2022-04-30-personal-diary.md"))
	if err != nil {
		t.Fatal(err)
	}
	const fixturePath = "_posts/2022-04-30-personal-diary.md"
	all := "/:year/:short_year/:month/:i_month/:short_month/:long_month/:day/:i_day/:y_day/:hour/:minute/:second" +
		"/:w_year/:week/:w_day/:short_day/:long_day/:title/:slug/:name/:path/:collection/:categories/:slugified_categories:output_ext"
	for _, tc := range []struct {
		name, path, data string
		o                URLOptions
		want             string
	}{
		// The built-in styles, on the fixture (category etc, a
		// Saturday, day 120 of 2022, ISO week 17).
		{"default is date", fixturePath, string(fixture), URLOptions{}, "/etc/2022/04/30/personal-diary.html"},
		{"date", fixturePath, string(fixture), URLOptions{Template: PermalinkTemplate("date")}, "/etc/2022/04/30/personal-diary.html"},
		{"pretty", fixturePath, string(fixture), URLOptions{Template: PermalinkTemplate("pretty")}, "/etc/2022/04/30/personal-diary/"},
		{"ordinal", fixturePath, string(fixture), URLOptions{Template: PermalinkTemplate("ordinal")}, "/etc/2022/120/personal-diary.html"},
		{"weekdate", fixturePath, string(fixture), URLOptions{Template: PermalinkTemplate("weekdate")}, "/etc/2022/W17/Sat/personal-diary.html"},
		{"none", fixturePath, string(fixture), URLOptions{Template: PermalinkTemplate("none")}, "/etc/personal-diary.html"},
		{"every placeholder", fixturePath, string(fixture), URLOptions{Template: all},
			"/2022/22/04/4/Apr/April/30/30/120/00/00/00/2022/17/6/Sat/Saturday/personal-diary/personal-diary/2022-04-30-personal-diary/2022-04-30-personal-diary/posts/etc/etc.html"},
		{"month_ then day", fixturePath, string(fixture), URLOptions{Template: "/:year_:month_:day/:title"}, "/2022_04_30/personal-diary"},

		// Time: the date in the site's zone decides the day and hour.
		{"zone", "_posts/2024-05-12-late.md", fm("title: Late", "date: 2024-05-12 23:30:00 +0900"),
			URLOptions{Template: "/:year/:month/:day/:hour:minute/:title/"}, "/2024/05/12/1430/late/"},
		{"zone Seoul", "_posts/2024-05-12-late.md", fm("title: Late", "date: 2024-05-12 23:30:00 +0900"),
			URLOptions{Template: "/:year/:month/:day/:hour:minute/:title/", Location: seoul}, "/2024/05/12/2330/late/"},
		{"ISO week year", "_posts/2021-01-01-new-year.md", fm("title: x"),
			URLOptions{Template: "/:w_year/W:week/:w_day/:title"}, "/2020/W53/5/new-year"},
		{"Sunday", "_posts/2024-06-02-sunday.md", fm("title: x"),
			URLOptions{Template: "/:w_day/:short_day/:i_month/:i_day/:y_day"}, "/7/Sun/6/2/154"},

		// Titles and slugs: :title keeps case and pretty-mode
		// punctuation, :slug and :name are default-mode and downcased;
		// Korean is percent-encoded as UTF-8.
		{"Korean", "_posts/2024-04-07-오랜만의-산책.md", fm("title: 오랜만의 산책"), URLOptions{},
			"/2024/04/07/%EC%98%A4%EB%9E%9C%EB%A7%8C%EC%9D%98-%EC%82%B0%EC%B1%85.html"},
		{"cased title", "_posts/2024-01-01-Hello,-World!-(1).md", fm("title: x"),
			URLOptions{Template: "/:title/:slug/:name"}, "/Hello,-World!-(1)/hello-world-1/2024-01-01-hello-world-1"},
		{"front matter slug", "_posts/2024-01-01-file-name.md", fm("title: x", "slug: My Slug"),
			URLOptions{Template: "/:title/:slug:output_ext"}, "/My-Slug/my-slug.html"},
		{"null slug", "_posts/2024-01-01-file-name.md", fm("title: x", "slug:"),
			URLOptions{Template: "/:title"}, "/file-name"},
		{"trailing dots", "_posts/2024-04-16-trailing-dots...md", fm("title: x"), URLOptions{Template: "/:title/:path"},
			"/trailing-dots/2024-04-16-trailing-dots"},
		{"two dots", "_posts/2024-09-07-multilingual.en.md", fm("title: x"), URLOptions{Template: "/:title/:slug/:name"},
			"/multilingual.en/multilingual-en/2024-09-07-multilingual-en"},

		// Categories: from folders and front matter, downcased, once
		// each; spaces and Korean encoded; slugified for
		// :slugified_categories.
		{"categories", "diary/_posts/2024-06-01-c.md", fm("title: c", "categories: [My Diary, my diary, 일기]"),
			URLOptions{Template: PermalinkTemplate("none")}, "/diary/my%20diary/%EC%9D%BC%EA%B8%B0/c.html"},
		{"slugified categories", "diary/_posts/2024-06-01-c.md", fm("title: c", "categories: [My Diary, my diary, C++]"),
			URLOptions{Template: "/:slugified_categories/:title"}, "/diary/my-diary/c/c"},
		{"no categories", "_posts/2024-06-01-c.md", fm("title: c"), URLOptions{Template: "/:categories/:title/"}, "/c/"},
		{"odd categories", "_posts/2024-06-01-c.md", fm("title: c", `categories: ["a?b#c#d", "100%", "[x]", "a/b"]`),
			URLOptions{Template: "/:categories/:title"}, "/a?b%23c%23d/100%25/%5Bx%5D/a/b/c"},
		{"dots in a category", "_posts/2024-06-01-c.md", fm("title: c", "categories: [.., ./x]"),
			URLOptions{Template: "/:categories/:title"}, "/x/c"},

		// The post's own permalink wins, with placeholders, and gives
		// :output_ext its extension.
		{"permalink", "_posts/2024-01-01-p.md", fm("title: p", "permalink: /about/me/"), URLOptions{}, "/about/me/"},
		{"permalink placeholders", "_posts/2024-01-01-p.md", fm("title: p", "permalink: /:year/:title.php"),
			URLOptions{Template: "/:title:output_ext"}, "/2024/p.php"},
		{"permalink output_ext", "_posts/2024-01-01-p.md", fm("title: p", "permalink: /x/:title:output_ext"),
			URLOptions{}, "/x/p.html"},
		{"defaults permalink", "_posts/2024-01-01-p.md", fm("title: p"), URLOptions{Permalink: "/d/:slug/"}, "/d/p/"},
		{"false over defaults", "_posts/2024-01-01-p.md", fm("title: p", "permalink: false"), URLOptions{Permalink: "/d/:slug/"}, "/2024/01/01/p.html"},
		{"null keeps defaults", "_posts/2024-01-01-p.md", fm("title: p", "permalink:"), URLOptions{Permalink: "/d/:slug/"}, "/d/p/"},
		{"own over defaults", "_posts/2024-01-01-p.md", fm("title: p", "permalink: /own"), URLOptions{Permalink: "/d/:slug/"}, "/own"},
		{"no leading slash, ..", "_posts/2024-01-01-p.md", fm("title: p", "permalink: a/../b//c/./d"), URLOptions{}, "/a/b/c/d"},

		// output_ext: Markdown is .html, anything else keeps its
		// extension, and markdown_ext decides what Markdown is.
		{"html", "_posts/2024-01-01-h.html", fm("title: h"), URLOptions{Template: "/:title:output_ext"}, "/h.html"},
		{"txt", "_posts/2024-01-01-t.txt", fm("title: t"), URLOptions{Template: "/:title:output_ext"}, "/t.txt"},
		{"upper case MD", "_posts/2024-01-01-u.MD", fm("title: u"), URLOptions{Template: "/:title:output_ext"}, "/u.html"},
		{"markdown_ext", "_posts/2024-01-01-m.markdown", fm("title: m"),
			URLOptions{Template: "/:title:output_ext", MarkdownExt: []string{"md"}}, "/m.markdown"},
		{"custom without placeholders", "_posts/2024-01-01-p.md", fm("title: p"), URLOptions{Template: "weekdate2"}, "/weekdate2"},
		{"Title placeholder is text", "_posts/2024-01-01-p.md", fm("title: p"), URLOptions{Template: "/:Title/:title"}, "/:Title/p"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc := tc.o.Location
			e, err := Parse(tc.path, []byte(tc.data), loc, false)
			if err != nil {
				t.Fatal(err)
			}
			got, err := URL(e, []byte(tc.data), tc.o)
			if err != nil || got != tc.want {
				t.Errorf("URL = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestURLErrors: what Jekyll's build fails on is an error that says why,
// and a draft has no URL.
func TestURLErrors(t *testing.T) {
	for _, tc := range []struct {
		name, path, data, template, want string
	}{
		{"unknown placeholder", "_posts/2024-01-01-p.md", fm("title: p"), "/:titel/", ":titel"},
		{"number permalink", "_posts/2024-01-01-p.md", fm("title: p", "permalink: 12"), "", "permalink must be text"},
		{"list slug", "_posts/2024-01-01-p.md", fm("title: p", "slug: [a]"), "", "slug must be text"},
		{"bad scheme", "_posts/2024-01-01-p.md", fm("title: p", "category: a b:c"), "", `category "a b:c" holds ":"`},
		{"host", "_posts/2024-01-01-p.md", fm("title: p", "category: //a b/c"), "", "another site"},
		{"draft", "_drafts/p.md", fm("title: p"), "", "draft"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Parse(tc.path, []byte(tc.data), nil, strings.HasPrefix(tc.path, DraftsDir))
			if err != nil {
				t.Fatal(err)
			}
			got, err := URL(e, []byte(tc.data), URLOptions{Template: tc.template})
			if !errors.Is(err, ErrNoURL) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("URL = %q, %v; want an ErrNoURL naming %s that says %q", got, err, tc.path, tc.want)
			}
		})
	}
}

// TestURLCategoryColon: issue 20, item 8. A category with ":" breaks the
// build only where the permalink makes it the start of the post's URL
// (Addressable reads "12" of "12:30" as a scheme); there URL refuses it
// as a ValueError, which diary new turns into exit 2; elsewhere the post
// has its URL (sync's TestLintVerdictIsJekyllBuild shows both with jekyll).
func TestURLCategoryColon(t *testing.T) {
	for _, tc := range []struct {
		name, template, front, want string // want "": refused
	}{
		{"date", "", "category: \"12:30\"", ""},
		{"pretty", PermalinkTemplate("pretty"), "category: \"12:30\"", ""},
		{"second of two", "", "categories: [a, \"12:30\"]", "/a/12:30/2024/01/01/p.html"},
		{"no :categories", "/:year/:month/:day/:title:output_ext", "category: \"12:30\"", "/2024/01/01/p.html"},
		{"slugified", "/:slugified_categories/:title:output_ext", "category: \"12:30\"", "/12-30/p.html"},
		{"own permalink", "", "category: \"12:30\"\npermalink: /lunch/", "/lunch/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(fm("title: p", tc.front))
			e, err := Parse("_posts/2024-01-01-p.md", data, nil, false)
			if err != nil {
				t.Fatal(err)
			}
			got, err := URL(e, data, URLOptions{Template: tc.template})
			var verr *ValueError
			switch {
			case tc.want == "" && (!errors.As(err, &verr) || verr.Field != FieldCategory || verr.Value != "12:30" || !errors.Is(err, ErrNoURL)):
				t.Errorf("URL = %q, %v; want a ValueError for category 12:30", got, err)
			case tc.want != "" && (err != nil || got != tc.want):
				t.Errorf("URL = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestSiteURL: url and baseurl joined as Jekyll's absolute_url does.
func TestSiteURL(t *testing.T) {
	for _, tc := range []struct{ url, base, path, want string }{
		{"", "", "/a.html", "/a.html"},
		{"https://me.github.io", "", "/a.html", "https://me.github.io/a.html"},
		{"https://me.github.io/", "/diary/", "/a/", "https://me.github.io/diary/a/"},
		{"", "diary", "/a.html", "/diary/a.html"},
		{"http://localhost:4000", "/", "/a.html", "http://localhost:4000/a.html"},
	} {
		if got := SiteURL(tc.url, tc.base, tc.path); got != tc.want {
			t.Errorf("SiteURL(%q, %q, %q) = %q, want %q", tc.url, tc.base, tc.path, got, tc.want)
		}
	}
}

// TestPermalinkTemplate: the built-in styles, and anything else as a
// template.
func TestPermalinkTemplate(t *testing.T) {
	for style, want := range map[string]string{
		"":         "/:categories/:year/:month/:day/:title:output_ext",
		"date":     "/:categories/:year/:month/:day/:title:output_ext",
		"pretty":   "/:categories/:year/:month/:day/:title/",
		"ordinal":  "/:categories/:year/:y_day/:title:output_ext",
		"weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
		"none":     "/:categories/:title:output_ext",
		"Pretty":   "Pretty",
		"/:title/": "/:title/",
	} {
		if got := PermalinkTemplate(style); got != want {
			t.Errorf("PermalinkTemplate(%q) = %q, want %q", style, got, want)
		}
	}
}

// fm is a post of front matter lines and a body.
func fm(lines ...string) string {
	return "---\n" + strings.Join(lines, "\n") + "\n---\nText.\n"
}
