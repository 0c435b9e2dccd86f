package find

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func terms(ts []Term) string {
	var out []string
	for _, t := range ts {
		s := string(t.folded)
		if t.Phrase {
			s = `"` + s + `"`
		}
		out = append(out, s)
	}
	return strings.Join(out, ",")
}

func show(q *Query) string {
	return fmt.Sprintf("words=%s not=%s tags=%s cats=%s -tags=%s -cats=%s", terms(q.Words), terms(q.Not),
		strings.Join(q.Tags, ","), strings.Join(q.Categories, ","), strings.Join(q.NotTags, ","), strings.Join(q.NotCategories, ","))
}

// TestParse: the query language, argument by argument.
func TestParse(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string // show(q), or "error: part of the message"
	}{
		{[]string{"Seoul"}, "words=seoul not= tags= cats= -tags= -cats="},
		{[]string{"moved", "SEOUL"}, "words=moved,seoul not= tags= cats= -tags= -cats="},
		{[]string{`"moved to Seoul"`}, `words="moved to seoul" not= tags= cats= -tags= -cats=`},
		{[]string{"moved to Seoul"}, `words="moved to seoul" not= tags= cats= -tags= -cats=`}, // the shell's quotes
		{[]string{`seoul "new   home"`}, `words=seoul,"new home" not= tags= cats= -tags= -cats=`},
		{[]string{"seoul", "-busan"}, "words=seoul not=busan tags= cats= -tags= -cats="},
		{[]string{`-"rainy day"`, "walk"}, `words=walk not="rainy day" tags= cats= -tags= -cats=`},
		{[]string{"tag:Travel", "category:일상"}, "words= not= tags=travel cats=일상 -tags= -cats="},
		{[]string{`tag:"road trip"`}, "words= not= tags=road trip cats= -tags= -cats="},
		{[]string{"-tag:work", "-category:etc", "x"}, "words=x not= tags= cats= -tags=work -cats=etc"},
		{[]string{"TAG:x"}, "words= not= tags=x cats= -tags= -cats="},
		{[]string{"산책"}, "words=산책 not= tags= cats= -tags= -cats="},
		{[]string{norm.NFD.String("산책")}, "words=산책 not= tags= cats= -tags= -cats="}, // NFD typed: NFC looked for
		{[]string{"Straße"}, "words=strasse not= tags= cats= -tags= -cats="},         // full case folding
		{[]string{"e-mail"}, "words=e-mail not= tags= cats= -tags= -cats="},          // - inside a word
		{[]string{`"unclosed`}, "error: not closed"},
		{[]string{`say "hi`}, "error: not closed"},
		{[]string{`""`}, "error: empty phrase"},
		{[]string{""}, "error: empty"},
		{[]string{}, "error: empty"},
		{[]string{"  "}, "error: empty"},
		{[]string{"-"}, "error: nothing after -"},
		{[]string{"tag:"}, "error: needs a value"},
		{[]string{`a"b`}, "error: quote inside a word"},
		{[]string{`"a"b`}, "error: space after the closing quote"},
	} {
		q, err := Parse(c.args, false)
		got := ""
		if err != nil {
			if !errors.Is(err, ErrQuery) {
				t.Errorf("Parse(%q): %v is no ErrQuery", c.args, err)
			}
			got = "error: " + err.Error()
			if strings.HasPrefix(c.want, "error: ") && strings.Contains(got, strings.TrimPrefix(c.want, "error: ")) {
				continue
			}
		} else {
			got = show(q)
		}
		if got != c.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", c.args, got, c.want)
		}
	}
}

func fold(accents bool, s string) string {
	b, _ := NewFolder(accents).Append(nil, []byte(s), nil)
	return string(b)
}

func TestFold(t *testing.T) {
	for _, c := range []struct {
		in      string
		accents bool
		want    string
	}{
		{"Hello  World\n", false, "hello world "},
		{norm.NFD.String("한강 산책"), false, "한강 산책"},
		{"Café", false, "café"},
		{norm.NFD.String("Café"), false, "café"},
		{"Café", true, "cafe"},
		{"Ångström", true, "angstrom"},
		{"한강", true, "한강"},     // Hangul keeps its jamo with accents folded
		{"\u212a", false, "k"}, // Kelvin sign
		{"ﬁle", false, "file"}, // a ligature folds to two letters
		{"ΣΊΣΥΦΟΣ", false, "σίσυφοσ"},
		{"a\u00a0b\u3000c", false, "a b c"},
	} {
		if got := fold(c.accents, c.in); got != c.want {
			t.Errorf("fold(%v, %q) = %q, want %q", c.accents, c.in, got, c.want)
		}
	}
}

// TestInertBlocks: every character of the blocks the prefilter calls
// inert folds, alone, to something non-empty with no ASCII in it and no
// Hangul syllable that was not there, with and without accents folded.
// That and the composition rules (only conjoining jamo, U+1100..U+11FF,
// compose into Hangul syllables; no inert character composes with ASCII)
// make the prefilter exact.
func TestInertBlocks(t *testing.T) {
	for _, accents := range []bool{false, true} {
		f := NewFolder(accents)
		for _, r := range inertRanges {
			if accents && !r.accents {
				continue
			}
			for c := r.lo; c <= r.hi; c++ {
				if !utf8.ValidRune(c) {
					continue
				}
				out, _ := f.Append(nil, []byte(string(c)), nil)
				s := string(out)
				bad := s == ""
				for _, o := range s {
					if o < utf8.RuneSelf && o != ' ' || hangulSyllable(o) && o != c {
						bad = true
					}
				}
				if bad {
					t.Errorf("accents %v: U+%04X folds to %q: not inert", accents, c, s)
				}
			}
		}
	}
	// And the table says so.
	if _, ok, _ := lowerInert(nil, []byte("오늘은 ‘Go’ 산책…"), false); !ok {
		t.Error("Hangul, ASCII and quotes are not inert")
	}
	for _, s := range []string{"café", norm.NFD.String("산책"), "\u212a", "ｆｕｌｌ", "x\xe2"} {
		if _, ok, _ := lowerInert(nil, []byte(s), false); ok {
			t.Errorf("%q is called inert", s)
		}
	}
}

func match(t *testing.T, query []string, accents bool, d Doc, raw string) *Hit {
	t.Helper()
	q, err := Parse(query, accents)
	if err != nil {
		t.Fatal(err)
	}
	m := q.NewMatcher()
	if !m.Filter(&d) {
		return nil
	}
	return m.Match(&d, []byte(raw), whole, 60)
}

func TestMatch(t *testing.T) {
	body := "We moved to Seoul in the spring.\nThe new home is small, and the café downstairs is good. 한강 근처 산책을 했다.\n"
	d := Doc{Title: "Moving day", Tags: []string{"Life"}, Categories: []string{"일상"}}
	for _, c := range []struct {
		query   []string
		accents bool
		want    bool
	}{
		{[]string{"seoul"}, false, true},
		{[]string{"SEOUL", "spring"}, false, true},
		{[]string{"seoul", "busan"}, false, false},
		{[]string{"seoul", "-spring"}, false, false},
		{[]string{"seoul", "-busan"}, false, true},
		{[]string{`"moved to seoul"`}, false, true},
		{[]string{`"seoul moved"`}, false, false},
		{[]string{`"spring. the new"`}, false, true}, // across a line end
		{[]string{"산책"}, false, true},                // inside a word with its particle
		{[]string{norm.NFD.String("산책")}, false, true},
		{[]string{"cafe"}, false, false}, // accents only on request
		{[]string{"cafe"}, true, true},
		{[]string{"café"}, false, true},
		{[]string{"moving"}, false, true}, // the title
		{[]string{"tag:life"}, false, true},
		{[]string{"tag:work"}, false, false},
		{[]string{"-tag:life", "seoul"}, false, false},
		{[]string{"category:일상", "seoul"}, false, true},
		{[]string{"-busan"}, false, true},
		{[]string{"-seoul"}, false, false},
	} {
		got := match(t, c.query, c.accents, d, body) != nil
		if got != c.want {
			t.Errorf("search %q (accents %v) = %v, want %v", c.query, c.accents, got, c.want)
		}
	}
}

// TestNFDEntryNFCQuery: a post written in NFD (as macOS writes it) is
// found by an NFC query, and an NFC post by an NFD query, with the match
// marked in a snippet of NFC text.
func TestNFDEntryNFCQuery(t *testing.T) {
	nfc := "어제는 한강 근처 산책을 했다."
	for _, c := range []struct{ text, query string }{
		{norm.NFD.String(nfc), "산책"},
		{nfc, norm.NFD.String("산책")},
		{norm.NFD.String(nfc), norm.NFD.String("산책")},
	} {
		h := match(t, []string{c.query}, false, Doc{Title: norm.NFD.String("산책")[:0] + "x"}, c.text)
		if h == nil {
			t.Fatalf("%q not found in %q", c.query, c.text)
		}
		s := h.Snippet
		if s.Text != nfc || len(s.Marks) != 1 || s.Text[s.Marks[0][0]:s.Marks[0][1]] != "산책" {
			t.Errorf("snippet %q %v", s.Text, s.Marks)
		}
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("words before the match ", 10) + "we moved to SEOUL then. " + strings.Repeat("and after it ", 10)
	h := match(t, []string{"seoul", "moved"}, false, Doc{}, long)
	s := h.Snippet
	if !strings.HasPrefix(s.Text, "…") || !strings.HasSuffix(s.Text, "…") || !strings.Contains(s.Text, "we moved to SEOUL then.") {
		t.Fatalf("snippet %q", s.Text)
	}
	var marked []string
	for _, m := range s.Marks {
		marked = append(marked, s.Text[m[0]:m[1]])
	}
	if strings.Join(marked, ",") != "moved,SEOUL" {
		t.Errorf("marks %q in %q", marked, s.Text)
	}
	if w := utf8.RuneCountInString(s.Text); w > 60 {
		t.Errorf("snippet of %d cells, want at most 60", w)
	}
	// The title matched, the text not: the text's start, no marks.
	h = match(t, []string{"moving"}, false, Doc{Title: "Moving"}, "Line one.\nLine two.")
	if h.Snippet.Text != "Line one. Line two." || h.Snippet.Marks != nil {
		t.Errorf("title-only snippet %+v", h.Snippet)
	}
	// The text ends in the snippet: its closing newline is no space.
	h = match(t, []string{"warm"}, false, Doc{}, "Seoul was warm.\n\n")
	if h.Snippet.Text != "Seoul was warm." {
		t.Errorf("snippet %q of a text that ends in newlines", h.Snippet.Text)
	}
}

// TestPrefilter: the prefilter never rules out a post that matches.
func TestPrefilter(t *testing.T) {
	for _, c := range []struct{ query, text string }{
		{"kelvin", "\u212aelvin"},
		{"file", "ﬁle"},
		{"산책", norm.NFD.String("산책")},
		{"cafe", "café"},
		{"strasse", "STRAẞE"},
	} {
		accents := c.query == "cafe"
		if match(t, []string{c.query}, accents, Doc{}, c.text) == nil {
			t.Errorf("%q not found in %q", c.query, c.text)
		}
	}
	q, _ := Parse([]string{"seoul"}, false)
	m := q.NewMatcher()
	if m.Match(&Doc{}, []byte("오늘은 한강 근처 산책을 했다. Busan."), whole, 60) != nil {
		t.Error("matched what has no seoul")
	}
}

func TestRank(t *testing.T) {
	q, _ := Parse([]string{"seoul"}, false)
	m := q.NewMatcher()
	mk := func(title, text, date string) Ranked {
		d := &Doc{Title: title, Path: title}
		d.Date, _ = parseDay(date)
		h := m.Match(d, []byte(text), whole, 60)
		if h == nil {
			t.Fatalf("%q: no match", title)
		}
		return Ranked{Hit: h, Doc: d}
	}
	hits := []Ranked{
		mk("once", "Seoul once, and a long text besides that says nothing more at all.", "2020-01-01"),
		mk("newer once", "Seoul once, and a long text besides that says nothing more at all.", "2021-01-01"),
		mk("often", "Seoul, Seoul, Seoul.", "2019-01-01"),
		mk("Seoul in the title", "nothing", "2018-01-01"),
	}
	Rank(hits, q, 10)
	var order []string
	for _, h := range hits {
		order = append(order, h.Doc.Title)
	}
	if got := strings.Join(order, " | "); got != "Seoul in the title | often | newer once | once" {
		t.Errorf("ranked %s", got)
	}
}

func parseDay(s string) (time.Time, error) { return time.Parse("2006-01-02", s) }

func whole(raw []byte) ([]byte, []byte) { return nil, raw }
