package app

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// TestLayerFrontMatter: -f over the template over the front_matter
// setting, keys in the order they first appear (template, setting,
// flags); diary's own keys go to their fields, title and date ignored.
func TestLayerFrontMatter(t *testing.T) {
	tmpl, err := parseTemplate("_templates/t.md", []byte("---\ntitle: {{ title }}\ndate: 2020-01-01\nlayout: trip\ncomments: false\nrating: 3\ncategories: [여행]\ntags: travel\n---\nbody {{ title }}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if tmpl.body != "body {{ title }}\n" {
		t.Errorf("body = %q", tmpl.body)
	}
	for _, tc := range []struct {
		name    string
		flags   []string
		tmpl    bool
		setting string
		keys    string // extra keys with their values, as Text gives them
		layout  string
		author  string
		cats    string
		tags    string
	}{
		{name: "setting only", setting: "{comments: true, toc: false}", keys: "comments=true toc=false"},
		{name: "template over setting", tmpl: true, setting: "{comments: true, toc: false, layout: page}", keys: "comments=false rating=3 toc=false", layout: "trip", cats: "여행", tags: "travel"},
		{name: "flags over both", tmpl: true, setting: "{toc: false}", flags: []string{"toc=true", "rating=5", "layout=x", "author=Guest", "pin=1"}, keys: "comments=false rating=5 toc=true pin=1", layout: "x", author: "Guest", cats: "여행", tags: "travel"},
		{name: "setting's author and layout", setting: "{author: Kim, layout: page}", layout: "page", author: "Kim"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tp *template
			if tc.tmpl {
				tp = tmpl
			}
			fm, err := layerFrontMatter(tc.flags, tp, tc.setting)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, f := range fm.extra {
				v, _ := f.Text()
				keys = append(keys, f.Key+"="+v)
			}
			str := func(p *string) string {
				if p == nil {
					return ""
				}
				return *p
			}
			if got := strings.Join(keys, " "); got != tc.keys {
				t.Errorf("extra = %q, want %q", got, tc.keys)
			}
			if str(fm.layout) != tc.layout || str(fm.author) != tc.author {
				t.Errorf("layout, author = %q, %q, want %q, %q", str(fm.layout), str(fm.author), tc.layout, tc.author)
			}
			if got := strings.Join(fm.categories, ","); got != tc.cats {
				t.Errorf("categories = %q, want %q", got, tc.cats)
			}
			if got := strings.Join(fm.tags, ","); got != tc.tags {
				t.Errorf("tags = %q, want %q", got, tc.tags)
			}
		})
	}
	// -f category(ies) and tags are the flags' own, joined, over the
	// template's (in the keys' order: categories is the template's key,
	// so it comes first).
	fm, err := layerFrontMatter([]string{"tags=[a, b]", "category=x", "categories=[y, z]"}, tmpl, "{categories: [s]}")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(fm.tags, ",") + " " + strings.Join(fm.categories, ","); got != "a,b y,z,x" || !fm.flagCategories {
		t.Errorf("tags and categories from -f = %q (%v), want \"a,b y,z,x\"", got, fm.flagCategories)
	}
	for _, bad := range [][]string{{"title=x"}, {"date=2022-01-01"}, {"noequals"}, {"layout=[a, b]"}, {"tags={a: 1}"}} {
		if _, err := layerFrontMatter(bad, nil, ""); !errors.Is(err, ErrUsage) {
			t.Errorf("layerFrontMatter(%q) err = %v, want a usage error", bad, err)
		}
	}
	for _, bad := range []string{"---\ntitle: [x\n---\n", "---\nx: 1\n", "---\n- a\n---\n", "---\nx: !!binary aGk=\n---\n"} {
		if _, err := parseTemplate("_templates/bad.md", []byte(bad)); !errors.Is(err, ErrUsage) {
			t.Errorf("parseTemplate(%q) err = %v, want a usage error", bad, err)
		}
	}
}

// TestCappedReader: a file that grows past the limit is an error, never a
// copy cut short at the limit.
func TestCappedReader(t *testing.T) {
	c := &cappedReader{r: strings.NewReader("12345"), name: "f", left: 5}
	if data, err := io.ReadAll(c); err != nil || string(data) != "12345" {
		t.Errorf("at the limit: %q, %v", data, err)
	}
	c = &cappedReader{r: strings.NewReader("123456"), name: "f", left: 5}
	if _, err := io.ReadAll(c); err == nil || !strings.Contains(err.Error(), "grew past") {
		t.Errorf("over the limit: err = %v", err)
	}
}
