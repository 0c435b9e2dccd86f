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

	// rolled is the date as written when it names a day its month
	// lacks (2026-02-30), which Ruby's Time, and so Jekyll, rolls over
	// into the next month (March 2): Date is that day. See Warnings.
	rolled string
}

// Warnings are what Jekyll builds from the entry, but not as its writer
// most likely meant: a date on a day its month lacks, which Jekyll
// moves into the next month. nil when there is nothing to say.
func (e *Entry) Warnings() []string {
	if e.rolled == "" {
		return nil
	}
	return []string{fmt.Sprintf("date %s %s: Jekyll dates it %s; write that date, or the day meant", e.rolled, RolledDateNote, e.Date.Format("2006-01-02"))}
}

// RolledDateNote is what Warnings says of a date on a day its month
// lacks.
const RolledDateNote = "is no day of its month"

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
//
// A file without front matter (by Split's rule) is a post all the same,
// as Jekyll's PostReader makes one of every file named as a post: titled
// by its slug and dated by its name. One whose front matter opens and
// never closes is refused: Jekyll would publish its YAML as text.
func Parse(path string, data []byte, loc *time.Location, draft bool) (*Entry, error) {
	return (*Site)(nil).Parse(path, data, loc, draft)
}

// Parse is the package's Parse of a post or draft of the site s: the
// front matter defaults that apply to the file are read first, then its
// own front matter, as Jekyll's Document#read merges them. The date is
// given in loc, as Jekyll's Utils.parse_date makes it local time.
func (s *Site) Parse(path string, data []byte, loc *time.Location, draft bool) (*Entry, error) {
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
	if !ok && parts.Opener != nil {
		return fail(1, "front matter is not closed: add a --- line after it")
	}
	var m *yaml.Node
	if ok {
		var err error
		if m, err = Mapping(parts); err != nil {
			_, msg := yamlErrorLine(err)
			return fail(badLine(parts.Head()), "front matter does not parse: %s", msg)
		}
		if m != nil {
			if n := symbolNode(m); n != nil {
				return fail(n.Line, "%s is a Ruby symbol to Jekyll, whose YAML loader refuses it and so the whole front matter: quote it (\"%s\")", n.Value, n.Value)
			}
		}
	}
	e, slug := newEntry(path, loc, draft)
	f := fields{slug: slug}
	if err := s.readDefaults(&f, e, loc); err != nil {
		return fail(0, "%v", err)
	}
	switch {
	case m == nil:
		// No front matter, "---\n---" (an empty one), or only comments
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
	e.Date = inZone(e.Date, loc)
	return e, nil
}

// inZone is t in loc, as Jekyll's Utils.parse_date makes every date
// local time (Time#localtime) in the site's zone: the instant kept, the
// offset the site's. The zero time stays zero.
func inZone(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() || t.Location() == loc {
		return t
	}
	return t.In(loc)
}

// readDefaults reads into e and f the values the site's front matter
// defaults give the file e.Path, before its own front matter.
func (s *Site) readDefaults(f *fields, e *Entry, loc *time.Location) error {
	sets := s.defaultsFor(e.Path, "posts")
	if len(sets) == 0 {
		return nil
	}
	f.inDefaults = true
	defer func() { f.inDefaults = false; f.source++ }()
	for _, m := range sets {
		f.source++
		if symbolNode(m) != nil {
			return errors.New("a front matter default of _config.yml holds a Ruby symbol, which Jekyll's YAML loader refuses: quote it")
		}
		if _, err := f.read(m, e, loc); err != nil {
			return fmt.Errorf("the front matter defaults of _config.yml: %v", err)
		}
	}
	return nil
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
		if t, rolled, err := parseDay(date, loc); err == nil {
			e.Date = t
			if rolled {
				e.rolled = date
			}
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
	// catsTyped[i] says cats[i] was no string but a number, a boolean
	// or a date (Jekyll keeps such a category beside its text: see
	// finish); nil when all are strings.
	catsTyped []bool
	// The categories the front matter defaults give, read as cats are,
	// kept apart: Jekyll joins them to the post's own.
	defCats    []string
	defCatsSet bool
	// defCatsTyped is catsTyped for defCats.
	defCatsTyped []bool
	// source numbers the mapping read: 1, 2... for the sets of
	// defaults, then the front matter; setBy[key kind] is the source
	// that last gave the key, 0 for none.
	source     int
	setBy      [keyPublished + 1]int
	inDefaults bool   // read is reading front matter defaults
	tagSet     bool   // tag was given, and not null: tags then do not count
	catsNested string // a list inside categories: where it is
	slug       string // the file's slug, for a post without a title
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
		if kind := keyKind([]byte(k.Value)); kind != keyOther {
			// Jekyll's Utils.deep_merge_hashes keeps a value over a
			// nil that comes after it: a null key of the front matter
			// (or of a later set of defaults) leaves what the defaults
			// (or an earlier set) gave.
			if isNull(v) && f.setBy[kind] != 0 && f.setBy[kind] != f.source {
				continue
			}
			f.setBy[kind] = f.source
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
			t, rolled, err := frontDate(v, loc)
			if err != nil {
				return line, err
			}
			e.Date, e.rolled = t, rolled
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
			if sv, isScalar, _ := resolve(v, loc); isScalar && sv.kind != kindString && sv.kind != kindNull {
				// Jekyll's merge_categories! joins it to an Array
				// with |, which raises: the post is not read.
				return line, fmt.Errorf("categories: %s is no text or list to Jekyll, which cannot read it: write a list, [%s]", sv.text, sv.text)
			}
			typed := typedItems(v, loc)
			if f.inDefaults {
				f.defCats, f.defCatsTyped, f.defCatsSet = names, typed, true
				continue
			}
			f.cats, f.catsTyped, f.catsNested = names, typed, nested
		case "tags":
			names, _, _, err := pluralNames(v, loc)
			if err != nil {
				return line, fmt.Errorf("tags: %w", err)
			}
			if sv, isScalar, _ := resolve(v, loc); isScalar && sv.kind != kindString {
				names = nil // Utils.value_from_plural_key: neither text nor a list
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
	e.Categories = f.categories(pathCategories(e.Path, e.Draft))
	if f.tagSet {
		e.Tags = names(f.tag)
	} else {
		e.Tags = names(f.tags)
	}
	return nil
}

// categories are the post's categories as Jekyll 4.3 makes them, from
// the folders above its _posts or _drafts (path), the defaults' and the
// front matter's categories, and category:
//
//   - Document#merge_categories! joins each categories given (not null)
//     to those before with Ruby's Array#|, each item once by value and
//     type; a null one changes nothing (deep_merge_hashes keeps a value
//     over nil);
//   - populate_categories then adds category (or, without it,
//     categories again), every item as text, each once;
//   - and merge_categories! joins that to the first list with | again,
//     so that a category that was no string (categories: [2024]) is
//     there twice, as the number and as its text.
//
// Names are given as page.categories shows them: as text, none empty.
func (f *fields) categories(path []string) []string {
	type item struct {
		text  string
		typed bool
	}
	var raw []item
	union := func(names []string, typed []bool) {
		for i, n := range names {
			it := item{n, typed != nil && typed[i]}
			if !slices.Contains(raw, it) {
				raw = append(raw, it)
			}
		}
	}
	union(path, nil)
	if f.defCatsSet {
		union(f.defCats, f.defCatsTyped)
	}
	union(f.cats, f.catsTyped)
	var text []string // populate_categories' list
	add := func(n string) {
		if !slices.Contains(text, n) {
			text = append(text, n)
		}
	}
	for _, it := range raw {
		add(it.text)
	}
	if f.cat != nil {
		for _, n := range f.cat {
			add(n)
		}
	}
	for _, n := range text {
		union([]string{n}, nil)
	}
	var out []string
	for _, it := range raw {
		if it.text != "" {
			out = append(out, it.text)
		}
	}
	return out
}

// isNull reports whether a node is one Psych reads as nil.
func isNull(v *yaml.Node) bool {
	for v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	if v.Kind != yaml.ScalarNode || v.Style != 0 {
		return false
	}
	s := v.Value
	return s == "" || s == "~" || strings.EqualFold(s, "null")
}

// typedItems says, for each name pluralNames reads from n, whether it
// was no string; nil when all were.
func typedItems(n *yaml.Node, loc *time.Location) []bool {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []bool
	any := false
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		switch n.Kind {
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c)
			}
		case yaml.ScalarNode:
			sv, _, err := resolve(n, loc)
			if err != nil || sv.kind == kindNull {
				return
			}
			typed := sv.kind != kindString
			any = any || typed
			out = append(out, typed)
		}
	}
	walk(n)
	if !any {
		return nil
	}
	return out
}

// names are the names of a list as page.tags shows them: in order, a
// name given twice twice, none empty; nil when there are none.
func names(list []string) []string {
	var out []string
	for _, s := range list {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// pathCategories are the categories Jekyll gives a post from the folders
// above its _posts, or a draft from those above its _drafts
// (Document#categories_from_path): a/b/_posts/x.md is in a and b. Jekyll
// cuts the path at the first "_posts" (or "_drafts") it holds, even
// inside a folder's name, and so does this.
func pathCategories(p string, draft bool) []string {
	dir := PostsDir
	if draft {
		dir = DraftsDir
	}
	i := strings.Index(p, dir)
	if i <= 0 {
		return nil
	}
	var out []string
	base := path.Base(p)
	for _, c := range strings.Split(p[:i], "/") {
		if c != "" && c != dir && c != base {
			out = append(out, c)
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
//
// rolled is the text when it names a day its month lacks (see
// Entry.Warnings), "" otherwise.
func frontDate(n *yaml.Node, loc *time.Location) (t time.Time, rolled string, err error) {
	const how = "write it as 2006-01-02 or 2006-01-02 15:04:05 -0700"
	sv, isScalar, err := resolve(n, loc)
	switch {
	case err != nil:
		return time.Time{}, "", fmt.Errorf("date: %w", err)
	case !isScalar || sv.kind == kindNull || sv.text == "":
		return time.Time{}, "", errors.New("date must be a date such as 2006-01-02 or 2006-01-02 15:04:05 -0700")
	case sv.kind == kindDate || sv.kind == kindTime:
		return sv.t, "", nil
	case sv.kind != kindString:
		return time.Time{}, "", fmt.Errorf("date %q is not a date: %s", sv.text, how)
	}
	t, r, err := parseDate(sv.text, loc)
	if err != nil {
		return time.Time{}, "", fmt.Errorf("date %q is not a date: %s", sv.text, how)
	}
	if r {
		rolled = strings.TrimSpace(sv.text)
	}
	return t, rolled, nil
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

// ParseDate reads a front matter date as Jekyll does (Ruby's Time.parse,
// for the shapes of dateLayouts). Dates without a zone are in loc.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	t, _, err := parseDateRolled(s, loc)
	return t, err
}

// parseDateRolled is ParseDate, and whether the date named a day its
// month lacks, which Ruby's Time rolls over into the next month
// (2026-02-30 is March 2; Time.local takes a day up to 31 in any
// month): Go's time.Date rolls it over the same way.
func parseDateRolled(s string, loc *time.Location) (time.Time, bool, error) {
	s = strings.TrimSpace(s)
	if m := dayRE.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if mo >= 1 && mo <= 12 && d > 28 && d <= 31 && d > daysIn(y, time.Month(mo)) {
			t, err := parseDateZoned(m[1]+"-"+m[2]+"-28"+m[4], loc)
			if err != nil {
				return time.Time{}, false, err
			}
			return time.Date(t.Year(), t.Month(), d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location()), true, nil
		}
	}
	t, err := parseDateZoned(s, loc)
	return t, false, err
}

// dayRE is the day at the start of a date, and the rest.
var dayRE = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(.*)$`)

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// parseDateZoned reads s by dateLayouts, or as a time followed by a
// zone's name, as Ruby's Time.parse takes one (Date._parse finds a word
// after the time; Time.zone_offset reads it): see zoneWord.
func parseDateZoned(s string, loc *time.Location) (time.Time, error) {
	if t, err := parseLayouts(s, loc); err == nil {
		return t, nil
	}
	m := zoneWordRE.FindStringSubmatch(s)
	if m == nil || !strings.ContainsRune(m[1], ':') {
		return time.Time{}, fmt.Errorf("%q is not a date", s)
	}
	t, err := parseLayouts(m[1], loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date", s)
	}
	if zoneGiven(m[1]) {
		return t, nil // an offset given before the word wins
	}
	off, ok, err := zoneWord(m[2], t.Year(), loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date: %v", s, err)
	}
	if !ok {
		return t, nil // a name Ruby does not know: the time is local
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.FixedZone("", off)), nil
}

// zoneGiven reports whether a date's text ends in an offset or Z.
func zoneGiven(s string) bool { return zonedRE.MatchString(strings.TrimSpace(s)) }

// zoneWordRE is a date and time followed by a word.
var zoneWordRE = regexp.MustCompile(`^(.*[0-9])\s+([A-Za-z]+)$`)

// rubyZones is Ruby's Time::ZoneOffset (lib/time.rb), in hours: UTC, the
// zones of RFC 822 and the military letters (J is none).
var rubyZones = map[string]int{
	"UTC": 0, "Z": 0, "UT": 0, "GMT": 0,
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
	"A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8, "I": 9, "K": 10, "L": 11, "M": 12,
	"N": -1, "O": -2, "P": -3, "Q": -4, "R": -5, "S": -6, "T": -7, "U": -8, "V": -9, "W": -10, "X": -11, "Y": -12,
}

// zoneWord is Ruby's Time.zone_offset of a zone's name, any case: its
// offset in seconds from Time::ZoneOffset, else that of the local zone
// (Jekyll's is the site's, loc) on January 1 or July 1 of the year when
// the name is its abbreviation then; ok is false for any other name,
// which Time.parse ignores. AM and PM are refused: Ruby reads them as
// the half of the day, which diary does not.
func zoneWord(word string, year int, loc *time.Location) (off int, ok bool, err error) {
	w := strings.ToUpper(word)
	if w == "AM" || w == "PM" {
		return 0, false, errors.New("a 12-hour time: write it as 24-hour time")
	}
	if h, ok := rubyZones[w]; ok {
		return h * 3600, true, nil
	}
	for _, month := range []time.Month{time.January, time.July} {
		name, off := time.Date(year, month, 1, 0, 0, 0, 0, loc).Zone()
		if strings.ToUpper(name) == w {
			return off, true, nil
		}
	}
	return 0, false, nil
}

// parseLayouts reads s by dateLayouts, Ruby's T and Z in either case.
func parseLayouts(s string, loc *time.Location) (time.Time, error) {
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
		return parseLayouts(u, loc)
	}
	return time.Time{}, fmt.Errorf("%q is not a date", s)
}

// parseDay reads a post's file name date (YYYY-MM-DD, digits 1 or 2 for
// month and day) as Jekyll does, with Utils.parse_date: a day its month
// lacks rolls over (rolled).
func parseDay(date string, loc *time.Location) (t time.Time, rolled bool, err error) {
	if t, err := time.ParseInLocation("2006-1-2", date, loc); err == nil {
		return t, false, nil
	}
	return parseDateRolled(date, loc)
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
