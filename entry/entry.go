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
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Post is an entry about to be written.
type Post struct {
	Title      string
	Author     string
	Date       time.Time // in the diary's zone
	DateFormat string    // Go layout of the front matter date
	Category   string    // "" for none
	Layout     string
	Tags       []string
	Disclaimer string // "" for none; may hold several lines
	Body       string // the text under the disclaimer
}

// ErrBadTitle is returned by CleanTitle for a title that cannot be written.
var ErrBadTitle = errors.New("bad title")

// CleanTitle returns the title as diary writes it: NFC-normalised, with
// every run of white space (newlines and tabs included) folded into one
// space and none at either end, since a title is one line of front matter.
// It refuses a title that is empty after that, holds other control
// characters, or is not UTF-8.
func CleanTitle(title string) (string, error) {
	if !utf8.ValidString(title) {
		return "", fmt.Errorf("%w: it is not valid UTF-8 text", ErrBadTitle)
	}
	for _, r := range title {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return "", fmt.Errorf("%w: it holds the control character %U; type the title again", ErrBadTitle, r)
		}
	}
	t := strings.Join(strings.Fields(norm.NFC.String(title)), " ")
	if t == "" {
		return "", fmt.Errorf("%w: it is empty; give the entry a title", ErrBadTitle)
	}
	return t, nil
}

// Render returns the whole file: front matter in the order title, author,
// date, category, layout, tags; a blank line; the disclaimer as a
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
	if p.Category != "" {
		field(&b, "category", quoteScalar(p.Category, false))
	}
	if p.Layout != "" {
		field(&b, "layout", quoteScalar(p.Layout, false))
	}
	if len(p.Tags) > 0 {
		q := make([]string, len(p.Tags))
		for i, t := range p.Tags {
			q[i] = quoteScalar(t, true)
		}
		field(&b, "tags", "["+strings.Join(q, ", ")+"]")
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
