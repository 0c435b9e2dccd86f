package entry

import (
	"strings"
	"testing"
	"time"
)

// TestFieldFlag: -f KEY=VALUE is typed as YAML reads it, and written so
// that Psych reads that value back; text YAML would read otherwise is a
// string, quoted.
func TestFieldFlag(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"comments=true", "comments: true"},
		{"pin=1", "pin: 1"},
		{"ratio=1.5", "ratio: 1.5"},
		{"updated=2026-11-30", "updated: 2026-11-30"},
		{"tags=[a, b]", "tags: [a, b]"}, // tags is diary's own: Render skips it, see below
		{"series=[여행, 2026]", "series: [여행, 2026]"},
		{"header={image: /a.png, show: yes}", "header:\n  image: /a.png\n  show: yes"},
		{"subtitle=맑은 날", "subtitle: 맑은 날"},
		{"subtitle=yes please", "subtitle: yes please"},
		{"note=a: b", "note: 'a: b'"},
		{"note=it's #1", "note: 'it''s #1'"},
		{"note= padded ", "note: ' padded '"},
		{"symbol=:sym", "symbol: ':sym'"},
		{"hex=0x1F", "hex: '0x1F'"},
		{"time=1:20", "time: '1:20'"},
		{"empty=", "empty: ''"},
		{"quoted=\"yes\"", "quoted: '\"yes\"'"},
		{"eq=a=b", "eq: a=b"},
		{"url=https://example.com/a?b=c", "url: https://example.com/a?b=c"},
		{"list=[a, 0x1, 'q', 'yes']", "list: [a, '0x1', q, 'yes']"},
		{"og:image=/a.png", "og:image: /a.png"},
		{"yes=1", "'yes': 1"},
		{"a: b=1", "'a: b': 1"},
		{"#c=1", "'#c': 1"},
	} {
		f, err := FieldFlag(tc.in)
		if err != nil {
			t.Errorf("FieldFlag(%q): %v", tc.in, err)
			continue
		}
		var b strings.Builder
		writeField(&b, f.Key, f.value, "")
		if got := strings.TrimSuffix(b.String(), "\n"); got != tc.want {
			t.Errorf("FieldFlag(%q) writes\n%s\nwant\n%s", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"novalue", "=x", " k=x", "a\tb=x", "a\nb=x"} {
		if _, err := FieldFlag(bad); err == nil {
			t.Errorf("FieldFlag(%q) = nil error, want one", bad)
		}
	}
}

// TestRenderExtra: extra keys follow diary's own, in their order; one
// that names a key diary writes itself, or a key given before, is not
// written twice; and the result parses.
func TestRenderExtra(t *testing.T) {
	var extra []Field
	for _, kv := range []string{"comments=true", "title=no", "pin=2", "comments=false", "layout=x"} {
		f, err := FieldFlag(kv)
		if err != nil {
			t.Fatal(err)
		}
		extra = append(extra, f)
	}
	p := Post{Title: "T", Author: "A", Date: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), DateFormat: "2006-01-02",
		Layout: "post", Tags: []string{"x"}, Extra: extra}
	got := string(p.Render())
	want := "---\ntitle: T\nauthor: A\ndate: 2026-12-01\nlayout: post\ntags: [x]\ncomments: true\npin: 2\n---\n\n"
	if got != want {
		t.Fatalf("Render:\n%s\nwant\n%s", got, want)
	}
	if _, err := Parse("_posts/2026-12-01-t.md", []byte(got), time.UTC, false); err != nil {
		t.Fatal(err)
	}
}

// TestFieldsTemplate: a template's keys keep their order and values, block
// lists and maps included; placeholders are filled in strings only.
func TestFieldsTemplate(t *testing.T) {
	src := "---\ntitle: {{ title }}\nsummary: \"About {{title}} by {{ author }}\"\nimage:\nfeatured: no\nseries:\n  - one\n  - 2\nheader:\n  overlay: \"#333\"\n  teaser: /t.png\nliquid: \"{{ page.title }}\"\nsummary: again {{ date }}\n---\nbody\n"
	parts, ok := Split(QuotePlaceholders([]byte(src)))
	if !ok {
		t.Fatal("no front matter")
	}
	m, err := Mapping(parts)
	if err != nil {
		t.Fatal(err)
	}
	fields, err := Fields(m)
	if err != nil {
		t.Fatal(err)
	}
	vals := map[string]string{"title": "It's: 오늘", "author": "Kim", "date": "2026-12-01"}
	var b strings.Builder
	for _, f := range fields {
		f = f.Fill(func(s string) string { return FillPlaceholders(s, vals) })
		writeField(&b, f.Key, f.value, "")
	}
	want := "title: 'It''s: 오늘'\nsummary: again 2026-12-01\nimage:\nfeatured: no\nseries: [one, 2]\nheader:\n  overlay: '#333'\n  teaser: /t.png\nliquid: '{{ page.title }}'\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
	for _, bad := range []string{"---\n? [a]\n: b\n---\n", "---\nx: !!binary aGk=\n---\n"} {
		parts, _ := Split([]byte(bad))
		m, err := Mapping(parts)
		if err != nil {
			continue
		}
		if _, err := Fields(m); err == nil {
			t.Errorf("Fields(%q) = nil error, want one", bad)
		}
	}
}

func TestAssetName(t *testing.T) {
	long := strings.Repeat("ab", 150)
	for _, tc := range []struct {
		entry, file string
		n           int
		want        string
	}{
		{"jeju-day-1", "IMG_0001.JPG", 1, "jeju-day-1-img-0001.jpg"},
		{"jeju-day-1", "My Photo.png", 2, "jeju-day-1-my-photo-2.png"},
		{"개인-일기", "바다 사진.webp", 1, "file.webp"},
		{"제주-day-1", "Café Noir.JPEG", 2, "day-1-cafe-noir-2.jpeg"},
		{"notes", "Report (final).PDF", 1, "notes-report-final.pdf"},
		{"notes", "...", 1, "notes-file"},
		{"notes", "README", 3, "notes-readme-3"},
		{"It's Raw", "a'b.png", 1, "it-s-raw-a-b.png"},
		{long, long + ".png", 1, long[:251] + ".png"},
	} {
		if got := AssetName(tc.entry, tc.file, tc.n); got != tc.want {
			t.Errorf("AssetName(%q, %q, %d) = %q, want %q", tc.entry, tc.file, tc.n, got, tc.want)
		}
	}
}
