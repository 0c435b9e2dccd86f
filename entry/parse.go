package entry

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/adrg/frontmatter"
	"gopkg.in/yaml.v3"
)

// Entry is what diary reads back from a post or draft.
type Entry struct {
	Path       string // as given to Parse
	Title      string
	Author     string
	Date       time.Time // zero when neither front matter nor file name has one
	Categories []string
	Tags       []string
	Layout     string
	Published  bool // false only for `published: false`
	Draft      bool
}

// ParseError says where a file cannot be read as an entry.
type ParseError struct {
	Path string
	Line int // 1-based line in the file; 0 when it is about the whole file
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

var bom = []byte("\ufeff")

// Parse reads the front matter of a post or draft the way Jekyll does: the
// file must open with a "---" line (after an optional UTF-8 byte order
// mark) and the YAML runs to the next "---" line. CRLF line ends are fine.
// Date-only and zone-less dates are taken in loc. A date in front matter
// wins over the one in the file name, as in Jekyll. draft marks a file
// from _drafts/.
func Parse(path string, data []byte, loc *time.Location, draft bool) (*Entry, error) {
	data = bytes.TrimPrefix(data, bom)
	if loc == nil {
		loc = time.UTC
	}
	fail := func(line int, format string, args ...any) (*Entry, error) {
		return nil, &ParseError{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if !utf8.Valid(data) {
		return fail(0, "not UTF-8 text: save it as UTF-8")
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if string(bytes.TrimRight(first, " \t\r")) != "---" {
		return fail(1, "no front matter: a post must start with a --- line")
	}
	var doc yaml.Node
	_, err := frontmatter.MustParse(bytes.NewReader(data), &doc, yamlFormat)
	if errors.Is(err, frontmatter.ErrNotFound) {
		return fail(1, "front matter is not closed: add a --- line after it")
	}
	if err != nil {
		_, msg := yamlErrorLine(err)
		return fail(badLine(data)+1, "front matter does not parse: %s", msg)
	}

	e := &Entry{Path: path, Published: true, Draft: draft}
	if date, _, ok := ParseName(path); ok && !draft {
		if t, err := time.ParseInLocation("2006-1-2", date, loc); err == nil {
			e.Date = t
		}
	}
	if len(doc.Content) == 0 {
		return e, nil // "---\n---": empty front matter is allowed
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return fail(m.Line+1, "front matter is not a list of key: value lines")
	}
	var cats, tags []string
	var ok bool
	var singleCat, singleTag *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		line := v.Line + 1
		switch k.Value {
		case "title", "author", "layout":
			s, ok := scalar(v)
			if !ok {
				return fail(line, "%s must be text", k.Value)
			}
			switch k.Value {
			case "title":
				e.Title = s
			case "author":
				e.Author = s
			case "layout":
				e.Layout = s
			}
		case "date":
			s, ok := scalar(v)
			if !ok || s == "" {
				return fail(line, "date must be a date such as 2006-01-02 or 2006-01-02 15:04:05 -0700")
			}
			t, err := ParseDate(s, loc)
			if err != nil {
				return fail(line, "date %q is not a date: write it as 2006-01-02 or 2006-01-02 15:04:05 -0700", s)
			}
			e.Date = t
		case "category":
			singleCat = v
		case "categories":
			if cats, ok = list(v); !ok {
				return fail(line, "categories must be a list or words separated by spaces")
			}
		case "tag":
			singleTag = v
		case "tags":
			if tags, ok = list(v); !ok {
				return fail(line, "tags must be a list or words separated by spaces")
			}
		case "published":
			if v.Kind == yaml.ScalarNode && v.Tag == "!!bool" {
				b, _ := strconv.ParseBool(v.Value)
				e.Published = b
			}
		}
	}
	// Jekyll takes the singular key as one value, whole, before the plural.
	var cat, tag string
	if singleCat != nil {
		if cat, ok = scalar(singleCat); !ok {
			return fail(singleCat.Line+1, "category must be text")
		}
	}
	if singleTag != nil {
		if tag, ok = scalar(singleTag); !ok {
			return fail(singleTag.Line+1, "tag must be text")
		}
	}
	e.Categories = mergeNames(singleCat != nil, cat, cats)
	e.Tags = mergeNames(singleTag != nil, tag, tags)
	return e, nil
}

// yamlFormat is Jekyll's YAML front matter between "---" lines, decoded
// with yaml.v3 into a node tree so that errors and values keep their line.
var yamlFormat = frontmatter.NewFormat("---", "---", yaml.Unmarshal)

var yamlLineRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)

// yamlErrorLine splits a yaml.v3 error into its line number and message.
// The number is not to be trusted: yaml.v3 counts from 0 or from 1
// depending on the kind of error, so badLine finds the line instead.
func yamlErrorLine(err error) (int, string) {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		err = errors.New(te.Errors[0])
	}
	msg := err.Error()
	m := yamlLineRE.FindStringSubmatch(msg)
	if m == nil {
		return 0, msg
	}
	line, _ := strconv.Atoi(m[1])
	return line, msg[len(m[0]):]
}

func scalar(n *yaml.Node) (string, bool) {
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return "", true
	case n.Kind == yaml.ScalarNode:
		return n.Value, true
	case n.Kind == yaml.AliasNode && n.Alias != nil:
		return scalar(n.Alias)
	}
	return "", false
}

// list reads categories or tags: a YAML list, or a string of words
// separated by white space, as Jekyll's pluralized_array_from_hash does.
func list(n *yaml.Node) ([]string, bool) {
	if s, ok := scalar(n); ok {
		return strings.Fields(s), true
	}
	if n.Kind != yaml.SequenceNode {
		return nil, false
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		s, ok := scalar(c)
		if !ok {
			return nil, false
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out, true
}

// timestampRE is YAML 1.1's timestamp (as Ruby's Psych matches it): a
// date, or a date and time with an optional fraction and zone.
var timestampRE = regexp.MustCompile(`^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|[ \t]+)\d{1,2}:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::?\d\d)?))?)?$`)

// dateLayouts are the ways people write dates in Jekyll front matter.
var dateLayouts = []string{
	"2006-1-2",
	"2006-1-2 15:04:05 -0700",
	"2006-1-2 15:04:05 -07:00",
	"2006-1-2 15:04:05 -07",
	"2006-1-2 15:04:05Z07:00",
	"2006-1-2 15:04:05 Z07:00",
	"2006-1-2 15:04:05",
	"2006-1-2 15:04 -0700",
	"2006-1-2 15:04",
	"2006-1-2T15:04:05Z07:00",
	"2006-1-2T15:04:05-0700",
	"2006-1-2T15:04:05",
	"2006-1-2t15:04:05Z07:00",
	time.RFC1123Z,
	time.RFC1123,
}

// ParseDate reads a front matter date. Dates without a zone are in loc.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	// Fractions of a second are legal in YAML timestamps; Go's parser
	// takes them after the seconds in any layout.
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date", s)
}

// badLine returns the line of the front matter (1-based, counted from the
// line after the opening ---) where it stops being YAML: one past the
// longest run of its first lines that still parses. Only called on the
// error path, on a few lines of text.
func badLine(data []byte) int {
	var lines []string
	for i, l := range strings.SplitAfter(string(data), "\n") {
		t := strings.TrimRight(l, " \t\r\n")
		if i > 0 && (t == "---" || t == "...") {
			break
		}
		if i > 0 {
			lines = append(lines, l)
		}
	}
	for k := len(lines) - 1; k >= 0; k-- {
		var n yaml.Node
		if yaml.Unmarshal([]byte(strings.Join(lines[:k], "")), &n) == nil {
			return k + 1
		}
	}
	return 1
}
