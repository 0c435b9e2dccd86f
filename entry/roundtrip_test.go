package entry

import (
	"bufio"
	"encoding/json"
	"math/rand"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzRoundTrip: whatever title is given, what diary writes parses back,
// with a real YAML parser and with diary's own reader, to the same title,
// and its file name is one Jekyll takes as a post.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range append(roundTripSeeds, tabSeeds...) {
		f.Add(s, "Daniel Park", "etc")
	}
	f.Fuzz(func(t *testing.T, title, author, category string) {
		title, err := CleanTitle(title)
		if err != nil {
			return
		}
		author, aerr := CleanTitle(author)
		category, cerr := CleanTitle(category)
		if aerr != nil || cerr != nil {
			return
		}
		p := Post{Title: title, Author: author, Categories: []string{category}, Layout: "post",
			Date: time.Date(2022, 4, 30, 21, 30, 0, 0, seoul), DateFormat: "2006-01-02 15:04:05 -0700",
			Tags: []string{category, title}, Disclaimer: "a\n\nb", Body: "text"}
		data := p.Render()
		if got := readBack(t, title); got != title {
			t.Fatalf("yaml reads %q back as %q", title, got)
		}
		name := Name(p.Date, Slugify(title, SlugDefault), "md", false, 1)
		if len(name) > 255 || !utf8.ValidString(name) || strings.ContainsAny(name, "/\x00") {
			t.Fatalf("bad name %q", name)
		}
		if _, _, ok := ParseName(name); !ok {
			t.Fatalf("Jekyll would not take %q as a post", name)
		}
		e, err := Parse("_posts/"+name, data, seoul, false)
		if err != nil {
			t.Fatalf("%v\n%s", err, data)
		}
		if e.Title != title || e.Author != author || !e.Date.Equal(p.Date) ||
			len(e.Categories) != 1 || e.Categories[0] != category {
			t.Fatalf("read back %+v from\n%s", e, data)
		}
		if !(len(e.Tags) >= 1 && e.Tags[0] == category && e.Tags[len(e.Tags)-1] == title) {
			t.Fatalf("tags %q from\n%s", e.Tags, data)
		}
	})
}

var roundTripSeeds = []string{
	"Personal Diary", "개인 일기", "Oh! my google!", "🎉🎉", "!!!", "---", "...", "null", "Null",
	"true", "yes", "on", "~", "- x", "key: [v", "a: b", "#1", "a #b", "it's", `say "hi"`,
	"2022-04-30", "1:20", "012", "0x1F", ".5", "1e3", "+1", ":sym", "=", "<<", "@home", "`tick",
	"%p", "|", ">", "?", "? x", "*ref", "&anchor", "!tag", "{a}", "[a]", "a, b", "שלום עולם",
	"مرحبا", "\u200f", "e\u0301", "two\nlines", strings.Repeat("긴 제목 ", 150),
	"\\back\\slash", "a\u2028b", "\ufeffbom", "x\u0085y",
	// Kept as typed (DESIGN.md): leading, trailing and inner spaces.
	"  two spaces", "trailing  ", "개인\u3000일기", "\u3000전각 공백", "끝\u3000", "\u00a0nbsp",
	" - x", " #1", "' quoted '",
}

// tabSeeds are titles with tabs, kept as typed: rare enough that the
// fast reader may leave them to Parse, so they are not roundTripSeeds.
var tabSeeds = []string{"tab\there", "\tTab first", "tab last\t", "a  b\t\tc"}

// TestRoundTripJekyll reads what diary writes with Ruby's Psych, the
// YAML 1.1 parser Jekyll uses, with Jekyll's own safe-load settings:
// every title must come back as the same string. It needs ruby, which
// Debian's jekyll package brings; under CI a missing ruby fails.
func TestRoundTripJekyll(t *testing.T) {
	if _, err := exec.LookPath("ruby"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ruby is not installed; .ci/run installs jekyll, which brings it")
		}
		t.Skip("ruby is not installed: install Debian's jekyll package to compare with Jekyll's YAML parser")
	}
	rng := rand.New(rand.NewSource(1))
	titles := append(append([]string(nil), roundTripSeeds...), tabSeeds...)
	for range 2000 {
		titles = append(titles, randomYAMLTitle(rng))
	}
	var docs, want []string
	for _, raw := range titles {
		title, err := CleanTitle(raw)
		if err != nil {
			continue
		}
		p := Post{Title: title, Author: title, Date: time.Date(2022, 4, 30, 0, 0, 0, 0, seoul), DateFormat: "2006-01-02", Layout: "post", Tags: []string{title}}
		docs = append(docs, string(p.Render()))
		want = append(want, title)
	}
	const script = `
require "json"; require "yaml"; require "date"
STDIN.each_line do |line|
  doc = JSON.parse(line)
  fm = doc[/\A---\s*\n(.*?)^---\s*$/m, 1]
  begin
    h = YAML.safe_load(fm, permitted_classes: [Date, Time])
    puts JSON.generate([h["title"], h["author"], (h["tags"] || [])[0], h["date"].class.to_s])
  rescue => e
    puts JSON.generate(["ERROR #{e.class}: #{e.message}"])
  end
end`
	cmd := exec.Command("ruby", "-e", script)
	var in strings.Builder
	for _, d := range docs {
		b, _ := json.Marshal(d)
		in.Write(b)
		in.WriteByte('\n')
	}
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ruby: %v", err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(nil, 1<<20)
	i := 0
	for sc.Scan() {
		var got []any
		if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if len(got) != 4 || got[0] != want[i] || got[1] != want[i] || got[2] != want[i] || got[3] != "Date" {
			t.Errorf("Jekyll reads %q back as %v from\n%s", want[i], got, docs[i])
		}
		i++
	}
	if i != len(docs) {
		t.Fatalf("ruby answered %d of %d", i, len(docs))
	}
	t.Logf("%d titles read back by Psych as written", i)
}

// randomTitle mixes the characters titles are made of with YAML's
// special marks and words.
func randomYAMLTitle(rng *rand.Rand) string {
	pieces := []string{"a", "Z", "0", "9", " ", "-", ":", "#", "'", `"`, ",", "[", "]", "{", "}",
		"!", "?", "*", "&", "|", ">", "%", "@", "`", "~", ".", "가", "한", "é", "🎉", "\t", "\\",
		"yes", "no", "null", "true", "0x", "1:2", "2022-04-30", "e3", "<<", "=", "\u00a0", "ß"}
	n := 1 + rng.Intn(6)
	var b strings.Builder
	for range n {
		b.WriteString(pieces[rng.Intn(len(pieces))])
	}
	return b.String()
}

// TestRenderDateReadsBack: whatever the date layout, the date Render
// writes reads back (as Jekyll reads it) as the same instant. A time
// without a zone written plain is a YAML timestamp, which Psych reads as
// UTC: 21:30 in Seoul would be 06:30 the next day there.
func TestRenderDateReadsBack(t *testing.T) {
	when := time.Date(2022, 4, 30, 21, 30, 0, 0, seoul)
	for _, layout := range []string{
		"2006-01-02", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05", "2006-01-02T15:04:05",
		"2006-01-02 15:04", "2006-01-02T15:04:05Z07:00", "2006-01-02 15:04:05 -07:00",
	} {
		p := Post{Title: "t", Date: when, DateFormat: layout}
		e, err := Parse("_posts/2022-04-30-t.md", p.Render(), seoul, false)
		if err != nil {
			t.Fatalf("%s: %v\n%s", layout, err, p.Render())
		}
		want := when
		if layout == "2006-01-02" {
			want = time.Date(2022, 4, 30, 0, 0, 0, 0, seoul)
		}
		if !e.Date.Equal(want) {
			t.Errorf("date layout %q: written as\n%s\nread back as %v, want %v", layout, p.Render(), e.Date, want)
		}
	}
}
