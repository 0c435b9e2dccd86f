package entry

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// sameAsParse fails unless parseFast either declines data or returns
// exactly what Parse returns for it.
func sameAsParse(t testing.TB, path string, data []byte, loc *time.Location, draft bool) (accepted bool) {
	t.Helper()
	return sameAsParseOn(t, nil, path, data, loc, draft)
}

// sameAsParseOn is sameAsParse for a post of site.
func sameAsParseOn(t testing.TB, site *Site, path string, data []byte, loc *time.Location, draft bool) (accepted bool) {
	t.Helper()
	got, ok := parseFast(site, path, data, loc, draft)
	if !ok {
		if got != nil {
			t.Fatalf("parseFast declined %q but returned %+v", data, got)
		}
		return false
	}
	want, err := site.Parse(path, data, loc, draft)
	if err != nil {
		t.Fatalf("parseFast read %q (%s) as %+v; Parse fails: %v", data, path, got, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("parseFast read %q (%s) as\n%#v\nParse as\n%#v", data, path, *got, *want)
	}
	// The same zone, not only the same instant.
	gn, go_ := got.Date.Zone()
	wn, wo := want.Date.Zone()
	if gn != wn || go_ != wo || got.Date.Location().String() != want.Date.Location().String() {
		t.Fatalf("parseFast read the date of %q as %v, Parse as %v", data, got.Date, want.Date)
	}
	return true
}

// commonShapes are front matter parseFast must read itself: what diary
// writes, and what people commonly write by hand.
var commonShapes = []string{
	"---\ntitle: Personal Diary\nauthor: Daniel Park\ndate: 2022-04-30\ncategory: etc\nlayout: post\n---\n\n> quote\n\nbody\n",
	"---\ntitle: 오랜만의 산책\nauthor: Daniel Park\ndate: 2025-06-30 21:13:38 +0900\ncategory: etc\nlayout: post\ntags: [a, '#b', \"c\\td\"]\n---\n",
	"---\ntitle: \"a\\u2028b\\x85\"\ndate: '2022-04-30'\n---\n",
	"---\ntitle: '- x'\nauthor: 'null'\nlayout: \"\"\n---\n",
	"---\ntitle: a # comment\n# a comment line\n\ntags: [ a , 'b c' ]   # more\n---\n",
	"---\ntitle: a\ntags:\n- a\n- b\ncategories:\n    - 'x'\n    - \"y\"\n    - ~\n---\n",
	"---\ntags:\n  - a\n# c\n  - b\n---\n",
	"---\ntitle:\ntags:\ncategory:\n---\n",
	"---\ntitle: ~\nauthor: null\nlayout: NULL\n---\n",
	"---\r\ntitle: CR\r\n---\r\nbody\r\n",
	"\ufeff---\ntitle: BOM\n---\n",
	"---\n---\ntext\n",
	"---\n# only a comment\n---\n",
	"---\npublished: false\ncategories: a b  a\n---\n",
	// Jekyll's own rule and Psych's YAML 1.1 (issue 12).
	"---\ntitle: Dots\n...\nbody\n",
	"---\r\ntitle: Dots\r\n...  \r\n",
	"---\npublished: no\ntags: [yes, Off, ~, 12, 1.50]\n---\n",
	"---\npublished: OFF\ncategory: [a, b]\ncategories: c d\n---\n",
	"---\ntag: one\ntags: [two]\ndate: 2022-04-30 10:00:00\n---\n",
	"---\ndate: '2022-04-30 10:00:00'\ntitle: nULL\n---\n",
	"---\ndate: 2022-04-30T10:00:00.5Z\ntitle: 2022-04-30\n---\n",
	"---\ntitle: no\n---\n",
}

// parseShapes are front matter shapes: the common ones, those TestParse
// tries, and those parseFast may leave to Parse.
var parseShapes = append(append([]string(nil), commonShapes...),
	// Issue 20: no front matter, zone names, days a month lacks, tags
	// twice, categories that are numbers.
	"# H\n", "", "Text\r\n---\ntitle: x\n---\n", "\ufeffText\n",
	"---\ndate: 2016-04-02 08:10 CEST\n---\n",
	"---\ndate: 2016-04-02 08:10 kst\n---\n",
	"---\ndate: '2016-04-02 08:10:00 PDT'\n---\n",
	"---\ndate: 2016-04-02 08:10 Z\n---\n",
	"---\ndate: 2016-04-02 08:10 PM\n---\n",
	"---\ndate: 2026-02-30\n---\n",
	"---\ndate: 2026-02-31 10:00\n---\n",
	"---\ndate: 2026-02-29 10:00:00 +0900\n---\n",
	"---\ndate: 2026-02-32\n---\n",
	"---\ntags: [docker, k8s, docker]\ncategories: [a, a, b]\n---\n",
	"---\ntags:\n- a\n- a\ncategories: 2024\n---\n",
	"---\ncategories: [2024, a, yes]\n---\n",
	"---\ncategories:\n- 12\n- b\n---\n",
	"---\ncategories:\ncategory: x\n---\n",
	"---\ntags: 12\n---\n",
	// TestParse's.
	"---\ntitle: A\ndate: 2022-01-02\n---\n",
	"---\ndate: 2022-01-02 23:30:00 -0700\n---\n",
	"---\ndate: 2022-01-02T10:00:00Z\n---\n",
	"---\ndate: 2022-01-02 10:00\n---\n",
	"---\ntitle: x\n---\n",
	"---\ncategories: [a, b]\ncategory: c\n---\n",
	"---\ncategories: a b  a\n---\n",
	"---\ntags:\n  - x y\n  - z\n---\n",
	"---\npublished: false\n---\n",
	"---\r\ntitle: CR\r\n---\r\nbody\r\n",
	"\ufeff---\ntitle: BOM\n---\n",
	"---\n---\ntext\n",
	"---\ntitle: 2022\n---\n",
	"---\ntitle: 'Re: it''s'\n---\n",
	"---\ntitle: x\n",
	"# hi\n",
	"\n---\ntitle: x\n---\n",
	"---\ntitle: a\nb: c: d\n---\n",
	"---\na: 1\n\tb: 2\n---\n",
	"---\n- a\n---\n",
	"---\ntitle: a\ndate: soon\n---\n",
	"---\ntitle: [a]\n---\n",
	"---\ntitle: \xff\n---\n",
	"\x00\x01\x02",
	// By hand.
	"---\npublished: True\n---\n", "---\npublished: FALSE\n---\n", "---\npublished: no\n---\n",
	"---\npublished: 'false'\n---\n", "---\npublished: [false]\n---\n",
	"---\ntitle: a :b\n---\n", "---\ntitle: http://x.org/a#b\n---\n", "---\ntitle: a [b] {c}\n---\n",
	"---\ntitle: \u00a0a\u00a0\n---\n", "---\ntitle: x\n  ---\nbody", "---\ntitle: x\n---\u00a0\nbody",
	"---\ntags: [~, a, null, '']\n---\n", "---\ntags: []\n---\n", "---\ncategory: ~\ncategories: []\n---\n",
	"---\ncategory: a\ncategories: a b\ntag: t\ntags: [t, u, t]\n---\n",
	"---\ndate: 2022-01-02 10:00:00 +0900\n---\n", "---\ndate: 2022-01-02 10:00:00.5 +0900\n---\n",
	"---\ndate: Sun, 02 Jan 2022 10:00:00 KST\n---\n", "---\ndate: \"2022-01-02\"\n---\n", "---\ndate: 2022-1-2\n---\n",
	"---\ndate:\n---\n", "---\ndate: ''\n---\n", "---\ndate: [2022-01-02]\n---\n",
	"---\nDate: 2022-01-02\nTitle: x\n---\n", "---\nx-y_z: 1\n---\n",
	// For Parse: parseFast must decline these, or read them as Parse does.
	"---\ntitle: a\ntitle: b\n---\n", "---\ntitle: a\n  # c\n---\n", "---\ntitle: a\n  b\n---\n",
	"---\ntitle: a:\n---\n", "---\ntitle: 'a'#c\n---\n", "---\ntitle: 'a' #c\n---\n", "---\ntags: [a]#c\n---\n",
	"---\ntitle: \"\\'x\"\n---\n", "---\ntitle: a\n...\n---\n", "---\ntitle:x\n---\n", "---\ntitle: [a, ]\n---\n",
	"---\ntags: [a, ]\n---\n", "---\ntags: [a,]\n---\n", "---\ntitle: '\u2028'\n---\n", "---\ntitle: a\u0085b\n---\n",
	"---\ntitle: a\x7fb\n---\n", "---\ntitle: \"\\ud800\"\n---\n", "---\ntitle: \"\\x00\"\n---\n",
	"---\ntitle: &a x\nauthor: *a\n---\n", "---\ntitle: !!str 1\n---\n", "---\ntitle: |\n  a\n---\n",
	"---\ntitle: >\n  a\n---\n", "---\ntitle: {a: b}\n---\n", "---\nmeta:\n  a: b\n---\n", "---\n  title: a\n---\n",
	"---\ntitle: \"a\n  b\"\n---\n", "---\ntitle: 'a\n  b'\n---\n", "---\ntags: [a,\n  b]\n---\n",
	"---\ntitle: a\rb\n---\n", "---\ntitle: a\u2029\n---\n", "---\ntitle: \ufeffa\n---\n",
	"---\n%YAML 1.2\n---\n", "---\n'title': a\n---\n", "---\n\"title\": a\n---\n", "---\n? title\n: a\n---\n",
	"---\ntitle : a\n---\n", "---\ntags:\n  - a\n - b\n---\n", "---\ntags:\n  - a\n    b\n---\n",
	"---\ntags:\n  -\n  - b\n---\n", "---\ntags:\n  - - a\n---\n", "---\ntags:\n  - a: b\n---\n",
	"---\ntitle: -1\n---\n", "---\ntitle: :x\n---\n", "---\ntitle: ?x\n---\n", "---\ntitle: @x\n---\n",
	"---\ntitle: `x\n---\n", "---\ntitle: %x\n---\n", "---\ntitle: a\n- b\n---\n", "---\ntitle: a\n--- x\n---\n",
	"---\ntitle: \"\\q\"\n---\n", "---\ntitle: \"\\x4\"\n---\n", "---\ntitle: \"\\U0010FFFF\\u00e9\\N\\_\\L\\P\\0\\a\\b\\e\\f\\v\\r\\/\\ \"\n---\n",
	"---\ntitle: \"\\U00110000\"\n---\n", "---\ntitle: a\n", "---", "---\n---", "---\n--- ", "---\n\t---\n",
	"---  \ntitle: a\n---\n", "--- \t\r\ntitle: a\n---\n", "---\ntitle: a\n---x\n---\n", "---\ntitle: \"a\" b\n---\n",
	"---\ntags: ['a' , \"b\" ,c]\n---\n", "---\ntags: [a b, c d]\n---\n", "---\ntags: [a, [b]]\n---\n",
	"---\ntags: [a, {b: c}]\n---\n", "---\ntags: ['a': b]\n---\n", "---\ntags: [a: b]\n---\n",
	"---\ntitle: x\n---\nbody \xff\n", "---\ntitle: "+strings.Repeat("긴 제목 ", 100)+"\n---\n",
	"---\n"+strings.Repeat("k", 65)+": v\n---\n", "---\n"+strings.Repeat("k", 64)+": v\n---\n",
)

var shapeNames = []string{
	"_posts/2022-01-02-a.md", "_posts/2021-3-4-a.md", "_drafts/a.md", "_posts/99-99-99-a.md",
	"_posts/sub/2022-01-02-b.markdown", "_posts/2022-01-02-.md", "_posts/2022-01-02-a",
	"blog/_posts/2022-01-02-c.md", "blog/_drafts/d.md", "_posts/2023-02-29-e.md",
}

// defaultsSite is a site whose front matter defaults give posts every
// key Parse reads (issue 20, item 6), by path and type: the fast path
// must read them as Parse does.
var defaultsSite = func() *Site {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(`
- {scope: {path: "", type: posts}, values: {layout: post, author: Me, tags: [d]}}
- {scope: {path: blog}, values: {category: fromdefaults, categories: [dc, 2024], title: Default}}
- {scope: {path: _posts/2022}, values: {published: false, date: 2020-01-01, tag: one}}
- {scope: {path: _drafts, type: pages}, values: {title: Never}}
`), &doc); err != nil {
		panic(err)
	}
	s := &Site{}
	for _, d := range doc.Content[0].Content {
		set := Default{}
		for i := 0; i < len(d.Content); i += 2 {
			switch d.Content[i].Value {
			case "values":
				set.Values = d.Content[i+1]
			case "scope":
				sc := d.Content[i+1]
				for j := 0; j < len(sc.Content); j += 2 {
					switch sc.Content[j].Value {
					case "path":
						set.Path = sc.Content[j+1].Value
					case "type":
						set.Type, set.HasType = sc.Content[j+1].Value, true
					}
				}
			}
		}
		s.Defaults = append(s.Defaults, set)
	}
	return s
}()

func TestParseFastAgreesWithParse(t *testing.T) {
	fixture, err := os.ReadFile(filepath.Join("testdata", "2022-04-30-personal-diary.md"))
	if err != nil {
		t.Fatal(err)
	}
	shapes := append([]string{string(fixture)}, parseShapes...)
	for _, loc := range []*time.Location{seoul, time.UTC, nil, time.FixedZone("X", 9*3600)} {
		for _, s := range shapes {
			for _, name := range shapeNames {
				draft := strings.Contains(name, DraftsDir)
				sameAsParse(t, name, []byte(s), loc, draft)
				sameAsParseOn(t, defaultsSite, name, []byte(s), loc, draft)
			}
		}
	}
}

// TestParseFastReadsTheCommonCase: the fast path is worth having only if
// it reads what diary writes and what people commonly write.
func TestParseFastReadsTheCommonCase(t *testing.T) {
	fixture, err := os.ReadFile(filepath.Join("testdata", "2022-04-30-personal-diary.md"))
	if err != nil {
		t.Fatal(err)
	}
	common := append([]string{string(fixture)}, commonShapes...)
	for _, raw := range roundTripSeeds {
		title, err := CleanTitle(raw)
		if err != nil {
			continue
		}
		p := Post{Title: title, Author: title, Categories: []string{title}, Layout: "post",
			Date: time.Date(2022, 4, 30, 21, 30, 0, 0, seoul), DateFormat: "2006-01-02 15:04:05 -0700",
			Tags: []string{title, "x"}, Disclaimer: "a", Body: "text"}
		common = append(common, string(p.Render()))
		p.DateFormat = "2006-01-02"
		common = append(common, string(p.Render()))
	}
	for _, s := range common {
		if !sameAsParse(t, "_posts/2022-04-30-x.md", []byte(s), seoul, false) {
			t.Errorf("parseFast declines\n%s", s)
		}
	}
}

func FuzzParseFast(f *testing.F) {
	fixture, err := os.ReadFile(filepath.Join("testdata", "2022-04-30-personal-diary.md"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fixture, uint8(0), false)
	for i, s := range parseShapes {
		f.Add([]byte(s), uint8(i), i%7 == 0)
	}
	f.Fuzz(func(t *testing.T, data []byte, name uint8, draft bool) {
		p := shapeNames[int(name)%len(shapeNames)]
		sameAsParse(t, p, data, seoul, draft)
		sameAsParse(t, p, data, time.UTC, draft)
		sameAsParseOn(t, defaultsSite, p, data, seoul, draft)
	})
}

func TestNameDate(t *testing.T) {
	for _, name := range []string{
		"2022-04-30-personal-diary.md", "2021-3-4-a.md", "22-1-1-a.b", "2022-04-30-.md", "2022-04-30-a.",
		"2022-04-30-a", "2022-04-30.md", "12022-04-30-a.md", "2022-004-30-a.md", "2022-04-300-a.md",
		"2022-04-30-a\nb.md", "2022-04-30-a.m\nd", "2022-04-30-a.b.c", "2022-04-30--x.md", "x2022-04-30-a.md",
		"2022-04-30-\xff.md", "", ".", "2022-04-30-a..", "2022-04-30-..md",
	} {
		date, ok := nameDate(name)
		wdate, _, wok := ParseName(name)
		if date != wdate || ok != wok {
			t.Errorf("nameDate(%q) = %q, %v; ParseName: %q, %v", name, date, ok, wdate, wok)
		}
	}
}

func FuzzNameDate(f *testing.F) {
	for _, s := range []string{"2022-04-30-personal-diary.md", "22-1-1-a.b", "2022-04-30-a\nb.md", "2022-04-30-a.m\nd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if strings.ContainsAny(name, `/\`) {
			return // a base name
		}
		date, ok := nameDate(name)
		wdate, _, wok := ParseName(name)
		if date != wdate || ok != wok {
			t.Fatalf("nameDate(%q) = %q, %v; ParseName: %q, %v", name, date, ok, wdate, wok)
		}
	})
}

// TestEntryFields: parseFast and the cache each copy every field of
// Entry. A new field must be added to both (and to their tests).
func TestEntryFields(t *testing.T) {
	var names []string
	typ := reflect.TypeFor[Entry]()
	for i := range typ.NumField() {
		names = append(names, typ.Field(i).Name)
	}
	want := "Path Title Author Date Categories Tags Layout Published Draft Words rolled" // Words: set by Scan, after either parser
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("Entry has the fields %s; parseFast (fast.go) and the list cache (cache.go) know only %s: teach them the new ones, and bump cacheVersion (rolled: an entry with a warning is not cached)", got, want)
	}
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "2022-04-30-personal-diary.md"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("yaml", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Parse("_posts/2022-04-30-personal-diary.md", data, seoul, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := parseFast(nil, "_posts/2022-04-30-personal-diary.md", data, seoul, false); !ok {
				b.Fatal("declined")
			}
		}
	})
}
