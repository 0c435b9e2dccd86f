package entry

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
	Published  bool // false for published: false (or no, off, or null), as Jekyll's Publisher reads it
	Draft      bool
	// Words counts the words of the writer's own text (CountWords of
	// Text): set by Scan, 0 from Parse.
	Words int
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

// Parse reads a post or draft as Jekyll reads it: the front matter cut by
// Split (Jekyll's delimiter rule), its YAML read as Ruby's Psych reads it
// (YAML 1.1: yes/no/on/off are booleans, a zone-less time is UTC, the last
// of a key given twice wins), and the values Jekyll derives from it
// (Jekyll::Document: populate_title, populate_categories, populate_tags,
// categories_from_path, and Publisher for published). A front matter date
// wins over the file name's. Dates that Jekyll reads in the site's zone
// (a day alone, a quoted time) are taken in loc. draft marks a file from
// _drafts/.
//
// A post that Jekyll would read with values diary cannot reproduce (a
// Ruby symbol, a number written in hex) is an error here, never a
// different value: what diary lists is what the site shows.
func Parse(path string, data []byte, loc *time.Location, draft bool) (*Entry, error) {
	if loc == nil {
		loc = time.UTC
	}
	fail := func(line int, format string, args ...any) (*Entry, error) {
		return nil, &ParseError{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if !utf8.Valid(data) {
		return fail(0, "not UTF-8 text: save it as UTF-8")
	}
	parts, ok := Split(data)
	switch {
	case !ok && parts.Opener == nil:
		return fail(1, "no front matter: a post must start with a --- line")
	case !ok:
		return fail(1, "front matter is not closed: add a --- line after it")
	}
	m, err := Mapping(parts)
	if err != nil {
		_, msg := yamlErrorLine(err)
		return fail(badLine(parts.Head()), "front matter does not parse: %s", msg)
	}
	if m != nil {
		if n := symbolNode(m); n != nil {
			return fail(n.Line, "%s is a Ruby symbol to Jekyll, whose YAML loader refuses it and so the whole front matter: quote it (\"%s\")", n.Value, n.Value)
		}
	}
	e, slug := newEntry(path, loc, draft)
	f := fields{slug: slug}
	switch {
	case m == nil:
		// "---\n---": an empty front matter, or only comments
	case m.Kind != yaml.MappingNode:
		return fail(m.Line, "front matter is not a list of key: value lines")
	default:
		if line, err := f.read(m, e, loc); err != nil {
			return fail(line, "%v", err)
		}
	}
	if err := f.finish(e); err != nil {
		return fail(0, "%v", err)
	}
	return e, nil
}

// Mapping parses the front matter Split found as Jekyll hands it to
// Psych (the opening fence and the YAML, so that node lines are the
// file's) and returns its top node: nil for an empty front matter (or one
// of comments only), else the node, which for a post Jekyll can read is a
// mapping. It is the one YAML parse of front matter: Parse and the merge
// of a post (sync/merge) read its nodes.
func Mapping(parts Parts) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(parts.Head(), &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	m := doc.Content[0]
	if m.Kind == yaml.ScalarNode && m.Tag == "!!null" && m.Style&yaml.TaggedStyle == 0 {
		return nil, nil
	}
	return m, nil
}

// symbolNode returns the first plain scalar, key or value, that Psych
// reads as a Ruby symbol (:word), or nil. Jekyll's safe loader refuses a
// symbol anywhere, and reads none of that front matter.
func symbolNode(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.ScalarNode && n.Style == 0 && len(n.Value) > 1 && n.Value[0] == ':' {
		return n
	}
	for _, c := range n.Content {
		if s := symbolNode(c); s != nil {
			return s
		}
	}
	return nil
}

// newEntry is an entry before its front matter is read: dated by its
// file name (a post's), and published. Its title is the slug's until the
// front matter gives one (see fields.finish).
func newEntry(path string, loc *time.Location, draft bool) (*Entry, string) {
	e := &Entry{Path: path, Published: true, Draft: draft}
	base := filepath.Base(path)
	if draft {
		return e, strings.TrimSuffix(base, filepath.Ext(base))
	}
	date, slug, ok := nameParts(base)
	if ok {
		if t, err := time.ParseInLocation("2006-1-2", date, loc); err == nil {
			e.Date = t
		}
	}
	return e, slug
}

// fields gathers what Parse and the fast scan read of the keys Jekyll
// joins (category and categories, tag and tags) until all are read, since
// the last of a key given twice wins.
type fields struct {
	cats, tags []string // the plural keys' names; nil for none
	cat, tag   []string // the singular keys' names; nil for none
	tagSet     bool     // tag was given, and not null: tags then do not count
	catsNested string   // a list inside categories: where it is
	slug       string   // the file's slug, for a post without a title
	titleSet   bool
}

// read reads a front matter mapping into e and f. It returns the line of
// the value it cannot read, and why.
func (f *fields) read(m *yaml.Node, e *Entry, loc *time.Location) (int, error) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		line := v.Line
		if k.Kind != yaml.ScalarNode {
			continue // a key that is a list or a mapping: no key Jekyll reads
		}
		if k.Value == "<<" && k.Style == 0 && k.Tag == "!!merge" {
			return k.Line, errors.New("a merge key (<<) is not read by diary as Psych reads it: write the keys out")
		}
		switch k.Value {
		case "title", "author", "layout":
			sv, isScalar, err := resolve(v, loc)
			if err != nil {
				return line, fmt.Errorf("%s: %w", k.Value, err)
			}
			if !isScalar {
				if k.Value == "title" {
					return line, errors.New("title must be text")
				}
				// Jekyll does not look at the author or layout
				// diary reads: a map there (an author's name and
				// links) is the theme's business.
				if k.Value == "author" {
					e.Author = ""
				} else {
					e.Layout = ""
				}
				continue
			}
			switch k.Value {
			case "title":
				// Jekyll's data["title"] ||= the slug's words: null
				// and false are no title.
				f.titleSet = !(sv.kind == kindNull || sv.kind == kindBool && !sv.b)
				e.Title = sv.text
			case "author":
				e.Author = sv.text
			case "layout":
				e.Layout = sv.text
			}
		case "date":
			t, err := frontDate(v, loc)
			if err != nil {
				return line, err
			}
			e.Date = t
		case "category", "tag":
			names, null, err := flatNames(v, loc)
			if err != nil {
				return line, fmt.Errorf("%s: %w", k.Value, err)
			}
			if k.Value == "category" {
				f.cat = names
			} else {
				f.tag, f.tagSet = names, !null
			}
		case "categories":
			names, _, nested, err := pluralNames(v, loc)
			if err != nil {
				return line, fmt.Errorf("categories: %w", err)
			}
			f.cats, f.catsNested = names, nested
		case "tags":
			names, _, _, err := pluralNames(v, loc)
			if err != nil {
				return line, fmt.Errorf("tags: %w", err)
			}
			f.tags = names
		case "published":
			e.Published = true
			if sv, isScalar, err := resolve(v, loc); err == nil && isScalar {
				// Jekyll's Publisher: data.fetch("published", true),
				// so false and null (published: with nothing) hide it.
				e.Published = !(sv.kind == kindNull || sv.kind == kindBool && !sv.b)
			} else if err != nil {
				return line, fmt.Errorf("published: %w", err)
			}
		}
	}
	return 0, nil
}

// finish joins the names as Jekyll does (Document#populate_categories,
// populate_tags): categories are the post's folders above _posts, then
// the categories key's, then the category key's; tags are the tag key's
// if given, else the tags key's. Each name once, none empty.
func (f *fields) finish(e *Entry) error {
	if f.catsNested != "" {
		return fmt.Errorf("categories: a list inside the list (%s) becomes one category named by Ruby's inspect in Jekyll: write the names as one list", f.catsNested)
	}
	if !f.titleSet {
		e.Title = titleFromSlug(f.slug)
	}
	e.Categories = uniqueNames(pathCategories(e.Path), f.cats, f.cat)
	if f.tagSet {
		e.Tags = uniqueNames(f.tag)
	} else {
		e.Tags = uniqueNames(f.tags)
	}
	return nil
}

// pathCategories are the categories Jekyll gives a post from the folders
// above its _posts (Document#categories_from_path): a/b/_posts/x.md is
// in a and b. Jekyll cuts the path at the first "_posts" it holds,
// even inside a folder's name, and so does this.
func pathCategories(p string) []string {
	i := strings.Index(p, PostsDir)
	if i <= 0 {
		return nil
	}
	var out []string
	base := path.Base(p)
	for _, c := range strings.Split(p[:i], "/") {
		if c != "" && c != PostsDir && c != base {
			out = append(out, c)
		}
	}
	return out
}

// uniqueNames joins lists of names, each name once, in order, none empty;
// nil when there are none.
func uniqueNames(lists ...[]string) []string {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	if n == 0 {
		return nil
	}
	var out []string
	for _, l := range lists {
		for _, s := range l {
			if s == "" || slices.Contains(out, s) {
				continue
			}
			if out == nil {
				out = make([]string, 0, n)
			}
			out = append(out, s)
		}
	}
	return out
}

// flatNames reads the value of category or tag as Jekyll's
// pluralized_array_from_hash reads a singular key: one value, whole, or a
// list flattened; null is no value (then the plural key counts).
func flatNames(n *yaml.Node, loc *time.Location) (names []string, null bool, err error) {
	sv, isScalar, err := resolve(n, loc)
	if err != nil {
		return nil, false, err
	}
	if isScalar {
		if sv.kind == kindNull {
			return nil, true, nil
		}
		return []string{sv.text}, false, nil
	}
	names, err = flatten(n, loc, nil)
	return names, false, err
}

// pluralNames reads the value of categories or tags as Jekyll reads a
// plural key: a string is split at white space, a list gives its items
// (nulls dropped). nested is the first list inside the list, if any, as
// text: tags flatten it, categories cannot (see finish).
func pluralNames(n *yaml.Node, loc *time.Location) (names []string, null bool, nested string, err error) {
	sv, isScalar, err := resolve(n, loc)
	if err != nil {
		return nil, false, "", err
	}
	if isScalar {
		if sv.kind == kindNull {
			return nil, true, "", nil
		}
		if sv.kind != kindString {
			return []string{sv.text}, false, "", nil
		}
		return strings.Fields(sv.text), false, "", nil
	}
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.SequenceNode {
		for _, c := range n.Content {
			for c.Kind == yaml.AliasNode && c.Alias != nil {
				c = c.Alias
			}
			if c.Kind == yaml.SequenceNode && nested == "" {
				nested = fmt.Sprintf("line %d", c.Line)
			}
		}
	}
	names, err = flatten(n, loc, nil)
	return names, false, nested, err
}

// flatten is Ruby's Array#flatten of a YAML list, then compact: the
// scalars of the list and of the lists inside it, in order, as text;
// nulls dropped. A mapping is refused: Jekyll would show a Hash.
func flatten(n *yaml.Node, loc *time.Location, out []string) ([]string, error) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for _, c := range n.Content {
			var err error
			if out, err = flatten(c, loc, out); err != nil {
				return nil, err
			}
		}
		return out, nil
	case yaml.ScalarNode:
		sv, _, err := resolve(n, loc)
		if err != nil {
			return nil, err
		}
		if sv.kind != kindNull {
			out = append(out, sv.text)
		}
		return out, nil
	}
	return nil, fmt.Errorf("line %d: must be a name or a list of names, not a mapping", n.Line)
}

// frontDate reads the date key as Jekyll does: its value's to_s, read by
// Ruby's Time.parse in the site's zone. A YAML timestamp (plain) is the
// instant Psych read; a day alone is midnight in loc; text is read in
// loc by diary's layouts (Time.parse takes more: those are errors here).
func frontDate(n *yaml.Node, loc *time.Location) (time.Time, error) {
	const how = "write it as 2006-01-02 or 2006-01-02 15:04:05 -0700"
	sv, isScalar, err := resolve(n, loc)
	switch {
	case err != nil:
		return time.Time{}, fmt.Errorf("date: %w", err)
	case !isScalar || sv.kind == kindNull || sv.text == "":
		return time.Time{}, errors.New("date must be a date such as 2006-01-02 or 2006-01-02 15:04:05 -0700")
	case sv.kind == kindDate || sv.kind == kindTime:
		return sv.t, nil
	case sv.kind != kindString:
		return time.Time{}, fmt.Errorf("date %q is not a date: %s", sv.text, how)
	}
	t, err := parseDate(sv.text, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q is not a date: %s", sv.text, how)
	}
	return t, nil
}

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
	// Ruby's Time.parse, which Jekyll reads a quoted date with, takes
	// the T and the Z of ISO 8601 in either case.
	if u := strings.Map(upperTZ, s); u != s {
		return ParseDate(u, loc)
	}
	return time.Time{}, fmt.Errorf("%q is not a date", s)
}

func upperTZ(r rune) rune {
	if r == 't' || r == 'z' {
		return r - 'a' + 'A'
	}
	return r
}

// badLine returns the line of the file where its front matter (head:
// the opening fence and the YAML) stops being YAML: one past the longest
// run of its first lines that still parses. Only called on the error
// path, on a few lines of text.
func badLine(head []byte) int {
	lines := strings.SplitAfter(string(head), "\n")
	for k := len(lines) - 1; k >= 1; k-- {
		var n yaml.Node
		if yaml.Unmarshal([]byte(strings.Join(lines[:k], "")), &n) == nil {
			return k + 1
		}
	}
	return 2
}
