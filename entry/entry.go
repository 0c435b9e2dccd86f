// Package entry is one diary post: its file name, front matter, disclaimer
// and body, parsed and rendered the way Jekyll reads them. It knows nothing
// of git or of configuration: callers pass in what they resolved.
package entry

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Post is an entry about to be written.
type Post struct {
	Title      string
	Author     string
	Date       time.Time // in the diary's zone
	DateFormat string    // Go layout of the front matter date
	Categories []string  // none, one or several
	// CategoryList writes even one category as a list, as the site's
	// own posts do (Chirpy's "categories: [Blog]").
	CategoryList bool
	Layout       string
	Tags         []string
	Disclaimer   string // "" for none; may hold several lines
	Body         string // the text under the disclaimer
	// Extra are the keys written after tags, in this order (a
	// template's, the front_matter setting's, -f's). One with a key of
	// OwnKeys, or a key given before, is not written.
	Extra []Field

	// CategoryWords and TagWords write the words as one text,
	// "categories: A B" and "tags: a b", which Jekyll splits at blanks,
	// as the site's own posts write them; a word with a blank in it
	// cannot be written so, and is written in a list.
	CategoryWords, TagWords bool
}

// ErrBadTitle is returned by CleanTitle for a title with nothing in it.
var ErrBadTitle = errors.New("bad title")

// CleanTitle returns the title as diary writes it: CleanValue(FieldTitle).
func CleanTitle(title string) (string, error) { return CleanValue(FieldTitle, title) }

// CleanValue returns a title, category or tag (field, as CheckValue takes
// it) as diary writes it: NFC-normalised and otherwise as typed, tabs and
// spaces included (DESIGN.md, Entry files: "never silently re-spaced";
// Render quotes what YAML would otherwise trim). It refuses a value that
// is blank or that CheckValue finds would break the Jekyll build.
func CleanValue(field, s string) (string, error) {
	if utf8.ValidString(s) {
		s = norm.NFC.String(s)
	}
	if err := CheckValue(field, s); err != nil {
		return "", err
	}
	if strings.TrimSpace(s) == "" {
		if field == FieldTitle {
			return "", fmt.Errorf("%w: it is empty; give the entry a title", ErrBadTitle)
		}
		return "", fmt.Errorf("%s %q is empty: give it a name, or leave it out", field, s)
	}
	return s, nil
}

// Render returns the whole file: front matter in the order title, author,
// date, category (or categories), layout, tags, then Extra; a blank line; the disclaimer as a
// blockquote and a blank line; then the body. It looks like the posts
// people write by hand (see the fixture in shared/fixtures).
func (p *Post) Render() []byte {
	var b strings.Builder
	b.WriteString("---\n")
	field(&b, "title", quoteScalar(p.Title, false))
	if p.Author != "" {
		field(&b, "author", quoteScalar(p.Author, false))
	}
	field(&b, "date", quoteDate(p.Date.Format(p.DateFormat)))
	switch {
	case len(p.Categories) > 0 && p.CategoryWords && wordsOnly(p.Categories):
		field(&b, "categories", quoteScalar(strings.Join(p.Categories, " "), false))
	case len(p.Categories) == 1 && !p.CategoryList && !p.CategoryWords:
		field(&b, "category", quoteScalar(p.Categories[0], false))
	case len(p.Categories) > 0:
		field(&b, "categories", listText(p.Categories))
	}
	if p.Layout != "" {
		field(&b, "layout", quoteScalar(p.Layout, false))
	}
	switch {
	case len(p.Tags) > 0 && p.TagWords && wordsOnly(p.Tags):
		field(&b, "tags", quoteScalar(strings.Join(p.Tags, " "), false))
	case len(p.Tags) > 0:
		field(&b, "tags", listText(p.Tags))
	}
	seen := map[string]bool{}
	for _, f := range p.Extra {
		if ownKey(f.Key) || seen[f.Key] || f.value == nil {
			continue
		}
		seen[f.Key] = true
		writeField(&b, f.Key, f.value, "")
	}
	b.WriteString("---\n\n")
	if p.Disclaimer != "" {
		b.WriteString(Blockquote(p.Disclaimer))
		b.WriteString("\n")
	}
	body := strings.TrimLeft(p.Body, "\n")
	if body != "" && !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	b.WriteString(body)
	return []byte(b.String())
}

// wordsOnly reports whether Jekyll splits the words, joined by a blank,
// back into the same words: none is empty or holds a blank (Ruby's
// String#split splits at runs of whitespace).
func wordsOnly(words []string) bool {
	for _, w := range words {
		if w == "" || len(strings.Fields(w)) != 1 || strings.Fields(w)[0] != w {
			return false
		}
	}
	return true
}

// listText writes words as a YAML flow sequence, [A, B], each quoted
// only when the flow context needs it.
func listText(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = quoteScalar(w, true)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func field(b *strings.Builder, key, value string) {
	b.WriteString(key)
	b.WriteString(": ")
	b.WriteString(value)
	b.WriteByte('\n')
}

// quoteDate leaves a date plain when YAML reads it as a timestamp of the
// same instant, which is how Jekyll expects it and how people write it: a
// day alone, or a time with its zone. A time without a zone is quoted: a
// plain one is a YAML timestamp that Psych reads as UTC, while Jekyll
// reads the quoted text (Time.parse) in the site's zone, the diary's.
// Any other text a date layout produces is quoted as a string would be.
func quoteDate(s string) string {
	if timestampRE.MatchString(s) && (!strings.ContainsRune(s, ':') || zonedRE.MatchString(s)) {
		return s
	}
	return quoteScalar(s, false)
}

// zonedRE is the end of a YAML timestamp that gives its zone.
var zonedRE = regexp.MustCompile(`(?:Z|[-+]\d{1,2}(?::?\d\d)?)$`)

// Blockquote returns text as a Markdown blockquote: "> " before each line,
// ">" alone for an empty one, every line ending in a newline.
func Blockquote(text string) string {
	text = strings.TrimRight(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			b.WriteString(">\n")
			continue
		}
		b.WriteString("> ")
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}
