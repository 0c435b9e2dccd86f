package entry

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

var seoul = mustZone("Asia/Seoul")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func TestRenderLooksLikeTheFixture(t *testing.T) {
	fixture, err := os.ReadFile(filepath.Join("testdata", "2022-04-30-personal-diary.md"))
	if err != nil {
		t.Fatal(err)
	}
	disclaimer := LeadingQuote(fixture)
	body := string(Body(fixture))
	// The body under the disclaimer: from the first heading on.
	text := body[strings.Index(body, "### Oh! my google!"):]
	p := Post{
		Title:      "Personal Diary",
		Author:     "Daniel Park",
		Date:       time.Date(2022, 4, 30, 0, 0, 0, 0, seoul),
		DateFormat: "2006-01-02",
		Categories: []string{"etc"},
		Layout:     "post",
		Disclaimer: disclaimer,
		Body:       text,
	}
	if got := p.Render(); !bytes.Equal(got, fixture) {
		t.Errorf("Render differs from the fixture:\n%s", diffLines(string(fixture), string(got)))
	}
}

func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) && i < len(g); i++ {
		if w[i] != g[i] {
			return fmt.Sprintf("line %d:\nwant %s\ngot  %s", i+1, w[i], g[i])
		}
	}
	return fmt.Sprintf("lengths differ: want %d lines, got %d", len(w), len(g))
}

func TestParseFixture(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "2022-04-30-personal-diary.md"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := Parse("_posts/2022-04-30-personal-diary.md", data, seoul, false)
	if err != nil {
		t.Fatal(err)
	}
	if e.Title != "Personal Diary" || e.Author != "Daniel Park" || e.Layout != "post" || !e.Published || e.Draft {
		t.Errorf("got %+v", e)
	}
	if want := time.Date(2022, 4, 30, 0, 0, 0, 0, seoul); !e.Date.Equal(want) {
		t.Errorf("date %v, want %v", e.Date, want)
	}
	if strings.Join(e.Categories, ",") != "etc" {
		t.Errorf("categories %q", e.Categories)
	}
	if q := LeadingQuote(data); !strings.HasPrefix(q, "심심할 때") || !strings.HasSuffix(q, "emotional.") {
		t.Errorf("disclaimer %q", q)
	}
	if DateText(data) != "2022-04-30" {
		t.Errorf("DateText %q", DateText(data))
	}
}

func TestParse(t *testing.T) {
	utc := time.UTC
	tests := []struct {
		name, file, data string
		want             Entry
		err              string // substring of the error, "" for none
	}{
		{name: "date only", file: "_posts/2022-01-02-a.md", data: "---\ntitle: A\ndate: 2022-01-02\n---\n",
			want: Entry{Title: "A", Date: time.Date(2022, 1, 2, 0, 0, 0, 0, seoul)}},
		{name: "zoned", file: "_posts/2022-01-02-a.md", data: "---\ndate: 2022-01-02 23:30:00 -0700\n---\n",
			want: Entry{Date: time.Date(2022, 1, 2, 23, 30, 0, 0, time.FixedZone("", -7*3600))}},
		{name: "rfc3339", file: "_posts/2022-01-02-a.md", data: "---\ndate: 2022-01-02T10:00:00Z\n---\n",
			want: Entry{Date: time.Date(2022, 1, 2, 10, 0, 0, 0, utc)}},
		{name: "no zone", file: "_posts/2022-01-02-a.md", data: "---\ndate: 2022-01-02 10:00\n---\n",
			want: Entry{Date: time.Date(2022, 1, 2, 10, 0, 0, 0, seoul)}},
		{name: "file name date", file: "_posts/2021-3-4-a.md", data: "---\ntitle: x\n---\n",
			want: Entry{Title: "x", Date: time.Date(2021, 3, 4, 0, 0, 0, 0, seoul)}},
		// Jekyll 4.3's Document#populate_categories: categories, then category.
		{name: "categories list", file: "_posts/2022-01-02-a.md", data: "---\ncategories: [a, b]\ncategory: c\n---\n",
			want: Entry{Categories: []string{"a", "b", "c"}}},
		{name: "categories words", file: "_posts/2022-01-02-a.md", data: "---\ncategories: a b  a\n---\n",
			want: Entry{Categories: []string{"a", "b"}}},
		{name: "tags block list", file: "_posts/2022-01-02-a.md", data: "---\ntags:\n  - x y\n  - z\n---\n",
			want: Entry{Tags: []string{"x y", "z"}}},
		{name: "unpublished", file: "_posts/2022-01-02-a.md", data: "---\npublished: false\n---\n",
			want: Entry{Published: false}},
		{name: "published yes", file: "_posts/2022-01-02-a.md", data: "---\npublished: yes\n---\n",
			want: Entry{Published: true}},
		{name: "crlf", file: "_posts/2022-01-02-a.md", data: "---\r\ntitle: CR\r\n---\r\nbody\r\n",
			want: Entry{Title: "CR"}},
		{name: "bom", file: "_posts/2022-01-02-a.md", data: "\ufeff---\ntitle: BOM\n---\n",
			want: Entry{Title: "BOM"}},
		{name: "empty front matter", file: "_posts/2022-01-02-a.md", data: "---\n---\ntext\n"},
		{name: "numeric title", file: "_posts/2022-01-02-a.md", data: "---\ntitle: 2022\n---\n",
			want: Entry{Title: "2022"}},
		{name: "quoted title", file: "_posts/2022-01-02-a.md", data: "---\ntitle: 'Re: it''s'\n---\n",
			want: Entry{Title: "Re: it's"}},
		// Issue 12, item 2: what Jekyll reads and diary read otherwise.
		{name: "dots close", file: "_posts/2022-01-02-a.md", data: "---\ntitle: Dots\n...\nbody\n",
			want: Entry{Title: "Dots"}},
		{name: "dots close crlf", file: "_posts/2022-01-02-a.md", data: "---\r\ntitle: Dots\r\n... \r\nbody\r\n",
			want: Entry{Title: "Dots"}},
		{name: "published no", file: "_posts/2022-01-02-a.md", data: "---\npublished: no\n---\n",
			want: Entry{Published: false}},
		{name: "published off", file: "_posts/2022-01-02-a.md", data: "---\npublished: Off\n---\n",
			want: Entry{Published: false}},
		{name: "published null", file: "_posts/2022-01-02-a.md", data: "---\npublished:\n---\n",
			want: Entry{Published: false}},
		{name: "published quoted no", file: "_posts/2022-01-02-a.md", data: "---\npublished: 'no'\n---\n",
			want: Entry{Published: true}},
		{name: "nested tag list", file: "_posts/2022-01-02-a.md", data: "---\ntags:\n  - [R|t]\n  - go\n---\n",
			want: Entry{Tags: []string{"R|t", "go"}}},
		{name: "key twice", file: "_posts/2022-01-02-a.md", data: "---\ntitle: First\ntitle: Last\n---\n",
			want: Entry{Title: "Last"}},
		{name: "tag wins over tags", file: "_posts/2022-01-02-a.md", data: "---\ntag: one\ntags: [two, three]\n---\n",
			want: Entry{Tags: []string{"one"}}},
		{name: "boolean tag", file: "_posts/2022-01-02-a.md", data: "---\ntags: [yes, ~, b]\n---\n",
			want: Entry{Tags: []string{"true", "b"}}},
		// Psych reads a timestamp without a zone as UTC; a quoted one is
		// Time.parse's, in the site's zone.
		{name: "timestamp without zone", file: "_posts/2022-01-02-a.md", data: "---\ndate: 2022-01-02 10:00:00\n---\n",
			want: Entry{Date: time.Date(2022, 1, 2, 10, 0, 0, 0, utc)}},
		{name: "quoted time without zone", file: "_posts/2022-01-02-a.md", data: "---\ndate: '2022-01-02 10:00:00'\n---\n",
			want: Entry{Date: time.Date(2022, 1, 2, 10, 0, 0, 0, seoul)}},
		{name: "folder above _posts", file: "diary/_posts/2022-01-02-a.md", data: "---\ncategory: x\n---\n",
			want: Entry{Categories: []string{"diary", "x"}}},
		{name: "folder inside _posts", file: "_posts/일기/2022-01-02-a.md", data: "---\ntitle: 일기\n---\n",
			want: Entry{Title: "일기"}},
		{name: "no title", file: "_posts/2022-01-02-my-first-post.md", data: "---\n---\n",
			want: Entry{Title: "My First Post"}},
		{name: "symbol", file: "_posts/2022-01-02-a.md", data: "---\ntitle: x\nmood: :happy\n---\n", err: ":3: :happy is a Ruby symbol"},
		{name: "hex tag", file: "_posts/2022-01-02-a.md", data: "---\ntags:\n- 0x1F\n---\n", err: ":3: tags: 0x1F is a number"},
		{name: "nested categories", file: "_posts/2022-01-02-a.md", data: "---\ncategories:\n- [a]\n---\n", err: "a list inside the list"},
		// An indented --- is no fence, but the title's second line.
		{name: "dashes inside", file: "_posts/2022-01-02-a.md", data: "---\ntitle: x\n  ---\n---\n",
			want: Entry{Title: "x ---"}},
		{name: "unclosed", file: "_posts/2022-01-02-a.md", data: "---\ntitle: x\n", err: ":1: front matter is not closed"},
		// Issue 20, item 1: Jekyll builds a post without front matter,
		// titled and dated by its name.
		{name: "no front matter", file: "_posts/2022-01-02-a.md", data: "# hi\n"},
		{name: "leading blank line", file: "_posts/2022-01-02-a.md", data: "\n---\ntitle: x\n---\n"},
		{name: "empty file", file: "_posts/2022-01-02-a.md", data: ""},
		{name: "no front matter, folder", file: "blog/_posts/2022-01-02-a.md", data: "text\n",
			want: Entry{Categories: []string{"blog"}}},
		// Issue 20, items 4 and 8: zone names as Ruby's Time.parse
		// reads them in the site's zone, and days a month lacks.
		{name: "zone word known", file: "_posts/2022-01-02-a.md", data: "---\ndate: 2022-01-02 08:10 EST\n---\n",
			want: Entry{Date: time.Date(2022, 1, 2, 22, 10, 0, 0, seoul)}},
		{name: "zone word the site's", file: "_posts/2022-01-02-a.md", data: "---\ndate: 2022-01-02 08:10 kst\n---\n",
			want: Entry{Date: time.Date(2022, 1, 2, 8, 10, 0, 0, seoul)}},
		{name: "zone word unknown", file: "_posts/2022-01-02-a.md", data: "---\ndate: 2022-01-02 08:10 CEST\n---\n",
			want: Entry{Date: time.Date(2022, 1, 2, 8, 10, 0, 0, seoul)}},
		{name: "zone word after offset", file: "_posts/2022-01-02-a.md", data: "---\ndate: 2022-01-02 08:10:00 +0000 KST\n---\n",
			want: Entry{Date: time.Date(2022, 1, 2, 17, 10, 0, 0, seoul)}},
		{name: "pm", file: "_posts/2022-01-02-a.md", data: "---\ndate: 2022-01-02 08:10 PM\n---\n", err: "not a date"},
		{name: "rolled over", file: "_posts/2022-01-02-a.md", data: "---\ndate: 2026-02-30\n---\n",
			want: Entry{Date: time.Date(2026, 3, 2, 0, 0, 0, 0, seoul)}},
		{name: "rolled over, time", file: "_posts/2022-01-02-a.md", data: "---\ndate: 2026-04-31 10:00:00 +0900\n---\n",
			want: Entry{Date: time.Date(2026, 5, 1, 10, 0, 0, 0, seoul)}},
		{name: "day 32", file: "_posts/2022-01-02-a.md", data: "---\ndate: 2026-01-32\n---\n", err: "not a date"},
		{name: "rolled file name", file: "_posts/2023-02-29-a.md", data: "---\n---\n",
			want: Entry{Date: time.Date(2023, 3, 1, 0, 0, 0, 0, seoul)}},
		// Issue 20, item 6: tags as page.tags keeps them, twice when
		// given twice; categories that are numbers beside their text.
		{name: "tags twice", file: "_posts/2022-01-02-a.md", data: "---\ntags: [docker, k8s, docker]\n---\n",
			want: Entry{Tags: []string{"docker", "k8s", "docker"}}},
		{name: "number categories", file: "_posts/2022-01-02-a.md", data: "---\ncategories: [2024, a]\n---\n",
			want: Entry{Categories: []string{"2024", "a", "2024"}}},
		{name: "number categories scalar", file: "_posts/2022-01-02-a.md", data: "---\ncategories: 2024\n---\n", err: "no text or list"},
		{name: "tags number", file: "_posts/2022-01-02-a.md", data: "---\ntags: 12\n---\n"},
		{name: "null categories keep the folder's", file: "x/_posts/2022-01-02-a.md", data: "---\ncategories:\n---\n",
			want: Entry{Categories: []string{"x"}}},
		{name: "broken yaml", file: "_posts/2022-01-02-a.md", data: "---\ntitle: a\nb: c: d\n---\n", err: ":3: front matter does not parse"},
		{name: "tab indent", file: "_posts/2022-01-02-a.md", data: "---\na: 1\n\tb: 2\n---\n", err: ":3: front matter does not parse"},
		{name: "not a mapping", file: "_posts/2022-01-02-a.md", data: "---\n- a\n---\n", err: ":2: front matter is not a list of key: value lines"},
		{name: "bad date", file: "_posts/2022-01-02-a.md", data: "---\ntitle: a\ndate: soon\n---\n", err: `:3: date "soon" is not a date`},
		{name: "title a list", file: "_posts/2022-01-02-a.md", data: "---\ntitle: [a]\n---\n", err: ":2: title must be text"},
		{name: "not utf-8", file: "_posts/2022-01-02-a.md", data: "---\ntitle: \xff\n---\n", err: "not UTF-8"},
		{name: "binary", file: "_posts/2022-01-02-a.md", data: "\x00\x01\x02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.file, []byte(tt.data), seoul, false)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), tt.file) {
					t.Fatalf("error %v, want one naming %s with %q", err, tt.file, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want.Title == "" {
				want.Title = "A" // Jekyll's title from the slug
			}
			if want.Date.IsZero() {
				want.Date = time.Date(2022, 1, 2, 0, 0, 0, 0, seoul)
			}
			if !strings.HasPrefix(tt.name, "unpublished") && !strings.HasPrefix(tt.name, "published") {
				want.Published = true
			}
			if e.Title != want.Title || !e.Date.Equal(want.Date) || e.Published != want.Published ||
				strings.Join(e.Categories, "|") != strings.Join(want.Categories, "|") ||
				strings.Join(e.Tags, "|") != strings.Join(want.Tags, "|") {
				t.Errorf("got %+v\nwant %+v", *e, want)
			}
		})
	}
}

func TestQuoteScalar(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Personal Diary", "Personal Diary"},
		{"개인 일기", "개인 일기"},
		{"🎉", "🎉"},
		{"Oh! my google!", "Oh! my google!"},
		{"it's", "it's"},
		{"x:y", "x:y"},
		{"2022 review", "2022 review"},
		{"", `''`},
		{"null", `'null'`},
		{"Yes", `'Yes'`},
		{"off", `'off'`},
		{"~", `'~'`},
		{"2022-04-30", `'2022-04-30'`},
		{"1:20", `'1:20'`},
		{"012", `'012'`},
		{".5", `'.5'`},
		{":sym", `':sym'`},
		{"- x", `'- x'`},
		{"a: b", `'a: b'`},
		{"a #b", `'a #b'`},
		{"#tag", `'#tag'`},
		{"key: [v", `'key: [v'`},
		{"ends:", `'ends:'`},
		{"'quoted'", `'''quoted'''`},
		{`"dq"`, `'"dq"'`},
		{" lead", `' lead'`},
		{"a\tb", `'a	b'`},
		{"a\nb", `"a\nb"`},
		{"bell\a", `"bell\x07"`},
		{"\u2028", `"\u2028"`},
	}
	for _, tt := range tests {
		if got := quoteScalar(tt.in, false); got != tt.want {
			t.Errorf("quoteScalar(%q) = %s, want %s", tt.in, got, tt.want)
		}
		if s := readBack(t, tt.in); s != tt.in {
			t.Errorf("%q reads back as %q", tt.in, s)
		}
	}
	if got := quoteScalar("a, b", true); got != `'a, b'` {
		t.Errorf("flow: %s", got)
	}
}

// readBack writes s as a title and reads it back with a YAML parser.
func readBack(t testing.TB, s string) string {
	t.Helper()
	var m map[string]any
	doc := "title: " + quoteScalar(s, false) + "\n"
	if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatalf("%q: %v in %q", s, err, doc)
	}
	v, ok := m["title"].(string)
	if !ok {
		t.Fatalf("%q reads back as %T %v from %q", s, m["title"], m["title"], doc)
	}
	return v
}

func TestName(t *testing.T) {
	day := time.Date(2022, 4, 30, 23, 0, 0, 0, seoul)
	tests := []struct {
		slug, ext string
		draft     bool
		n         int
		want      string
	}{
		{"personal-diary", "md", false, 1, "2022-04-30-personal-diary.md"},
		{"personal-diary", "md", false, 3, "2022-04-30-personal-diary-3.md"},
		{"", "md", false, 1, "2022-04-30-entry.md"},
		{"idea", "markdown", true, 1, "idea.markdown"},
		{"a/b", "md", false, 1, "2022-04-30-a-b.md"},
		{"..", "md", true, 1, "entry.md"},
		{".hidden", "md", true, 1, "hidden.md"},
		{"nul\x00x", "md", false, 1, "2022-04-30-nul-x.md"},
	}
	for _, tt := range tests {
		if got := Name(day, tt.slug, tt.ext, tt.draft, tt.n); got != tt.want {
			t.Errorf("Name(%q, %q, %v, %d) = %q, want %q", tt.slug, tt.ext, tt.draft, tt.n, got, tt.want)
		}
	}
	long := strings.Repeat("가", 200) // 600 bytes
	for n := 1; n < 12; n++ {
		got := Name(day, long, "md", false, n)
		if len(got) > 255 || !strings.HasPrefix(got, "2022-04-30-가") || !strings.HasSuffix(got, ".md") {
			t.Errorf("n=%d: %d bytes: %q", n, len(got), got)
		}
		if !utf8Valid(got) {
			t.Errorf("cut inside a character: %q", got)
		}
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestCreateNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	name := func(n int) string { return Name(time.Time{}, "x", "md", true, n) }
	for i, want := range []string{"x.md", "x-2.md", "x-3.md"} {
		got, err := Create(dir, name, []byte{byte('a' + i)})
		if err != nil || got != want {
			t.Fatalf("Create #%d = %q, %v; want %q", i, got, err, want)
		}
	}
	for i, f := range []string{"x.md", "x-2.md", "x-3.md"} {
		data, _ := os.ReadFile(filepath.Join(dir, f))
		if string(data) != string(rune('a'+i)) {
			t.Errorf("%s holds %q", f, data)
		}
	}
	des, _ := os.ReadDir(dir)
	if len(des) != 3 {
		t.Errorf("temporary files left behind: %v", des)
	}
}

func TestBlockquote(t *testing.T) {
	got := Blockquote("one\n\ntwo  \r\nthree\n")
	if want := "> one\n>\n> two\n> three\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// DESIGN.md, Entry files: "Titles are kept as typed (NFC), never
// silently re-spaced"; what YAML cannot hold is refused, not re-spaced.
func TestCleanTitle(t *testing.T) {
	for in, want := range map[string]string{
		"  a  b\t c ":             "  a  b\t c ",
		"\tTab first":             "\tTab first",
		"e\u0301":                 "é",
		"Personal Diary":          "Personal Diary",
		"개인\u3000일기":              "개인\u3000일기",
		"\u3000개인 일기":             "\u3000개인 일기",
		strings.Repeat("x", 1000): strings.Repeat("x", 1000),
	} {
		got, err := CleanTitle(in)
		if err != nil || got != want {
			t.Errorf("CleanTitle(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", " \t", "a\x00b", "a\x07", "\xff", "two\nlines", "a\ufffe", "a\uffff", "x\u0085y"} {
		if _, err := CleanTitle(bad); err == nil {
			t.Errorf("CleanTitle(%q): no error", bad)
		}
	}
}

// TestRenderCategories: one category is "category: A", several are a
// list, and a site whose posts use lists gets one even for one.
func TestRenderCategories(t *testing.T) {
	for _, tc := range []struct {
		cats []string
		list bool
		want string
	}{
		{nil, false, ""},
		{[]string{"Blog"}, false, "category: Blog\n"},
		{[]string{"Blog", "Orchestration"}, false, "categories: [Blog, Orchestration]\n"},
		{[]string{"일기"}, true, "categories: [일기]\n"},
		{[]string{"a, b", "c"}, true, "categories: ['a, b', c]\n"},
	} {
		p := Post{Title: "T", Date: time.Date(2022, 4, 30, 0, 0, 0, 0, time.UTC), DateFormat: "2006-01-02", Categories: tc.cats, CategoryList: tc.list}
		want := "---\ntitle: T\ndate: 2022-04-30\n" + tc.want + "---\n\n"
		if got := string(p.Render()); got != want {
			t.Errorf("Render with %q (list %v):\n%s\nwant:\n%s", tc.cats, tc.list, got, want)
		}
		e, err := Parse("_posts/2022-04-30-t.md", p.Render(), time.UTC, false)
		if err != nil || strings.Join(e.Categories, "|") != strings.Join(tc.cats, "|") {
			t.Errorf("Parse of the rendered post: %+v, %v; want categories %q", e, err, tc.cats)
		}
	}
}

// TestPostFolder: a category-organised blog files a new post in its
// first category's folder; a name that cannot be one folder stays out.
func TestPostFolder(t *testing.T) {
	for _, tc := range []struct {
		cats []string
		by   bool
		want string
	}{
		{[]string{"일기"}, false, "_posts"},
		{nil, true, "_posts"},
		{[]string{"일기", "Blog"}, true, "_posts/일기"},
		{[]string{"a/b"}, true, "_posts/a-b"},
		{[]string{".."}, true, "_posts"},
	} {
		if got := PostFolder(tc.cats, tc.by); got != tc.want {
			t.Errorf("PostFolder(%q, %v) = %q, want %q", tc.cats, tc.by, got, tc.want)
		}
	}
}

// TestCategoriesAsList: the category styles of Chirpy, minimal-mistakes
// and a hand-written diary.
func TestCategoriesAsList(t *testing.T) {
	for _, tc := range []struct {
		fm       string
		list, ok bool
	}{
		{"categories: [Blogging, Tutorial]\n", true, true},
		{"categories:\n  - 일기\n", true, true},
		{"categories:\n- 일기\n", true, true},
		{"category: etc\n", false, true},
		{"categories: etc\n", false, true},
		{"title: none\n", false, false},
		{"categories: []\n", false, false},
	} {
		list, ok := CategoriesAsList([]byte("---\ntitle: T\n" + tc.fm + "---\nbody\n"))
		if list != tc.list || ok != tc.ok {
			t.Errorf("CategoriesAsList(%q) = %v, %v; want %v, %v", tc.fm, list, ok, tc.list, tc.ok)
		}
	}
}
