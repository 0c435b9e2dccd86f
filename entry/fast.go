package entry

import (
	"bytes"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file reads front matter without a YAML library, for the shapes
// people and diary write: one "key: value" a line, values plain or quoted
// scalars, [a, b] lists or "- item" lists, comments and blank lines.
// parseFast gives up (ok == false) on anything else, and then Scan asks
// Parse, so that the result is always Parse's: what parseFast returns is
// exactly what Parse would (FuzzParseFast holds it to that). It returns no
// errors of its own: a file Parse would reject is always handed to Parse.
//
// What it declines, among others: anchors, aliases, tags, block scalars
// (| and >), flow maps, nested maps, indented keys, values on more than
// one line, tabs, control characters and YAML's other line breaks (NEL,
// LS, PS, a lone CR), document markers, directives, unusual quoting
// ('a'b, a comment not after a space), empty or trailing list items,
// keys outside [A-Za-z_][A-Za-z0-9_-]*, more than 32 keys, and any key
// given twice.

// nameDate is ParseName's pattern, postName, by hand: it returns the date
// of a post's file name (its base), and whether the name is a post's at
// all. It runs once a file per scan, where a regexp would allocate.
// FuzzNameDate compares it with ParseName.
func nameDate(base string) (string, bool) {
	i := 0
	run := func(lo, hi int) bool {
		j := i
		for j < len(base) && base[j] >= '0' && base[j] <= '9' {
			j++
		}
		if j-i < lo || j-i > hi || j >= len(base) || base[j] != '-' {
			return false
		}
		i = j + 1
		return true
	}
	if !run(2, 4) || !run(1, 2) || !run(1, 2) {
		return "", false
	}
	date, rest := base[:i-1], base[i:]
	// (.*)(\.[^.]+)$: the extension runs from the last dot, and is not
	// empty; "." matches anything but a newline, [^.] anything but a dot.
	dot := strings.LastIndexByte(rest, '.')
	if dot < 0 || dot == len(rest)-1 || strings.IndexByte(rest[:dot], '\n') >= 0 {
		return "", false
	}
	return date, true
}

// fmKeys are the keys Parse reads; every other key is read only to be
// sure the front matter is what parseFast thinks it is.
const (
	keyOther = iota
	keyTitle
	keyAuthor
	keyLayout
	keyDate
	keyCategory
	keyCategories
	keyTag
	keyTags
	keyPublished
)

func keyKind(k []byte) int {
	switch string(k) {
	case "title":
		return keyTitle
	case "author":
		return keyAuthor
	case "layout":
		return keyLayout
	case "date":
		return keyDate
	case "category":
		return keyCategory
	case "categories":
		return keyCategories
	case "tag":
		return keyTag
	case "tags":
		return keyTags
	case "published":
		return keyPublished
	}
	return keyOther
}

// fmValue is one value of the front matter, as far as Parse looks at it.
// Its bytes may be the file's own: they are made strings only for the
// keys Parse reads.
type fmValue struct {
	seq   bool     // a list: items holds its scalars, if they were kept
	b     []byte   // a scalar, unquoted; empty for null
	plain bool     // a plain scalar (it may be null or a boolean)
	null  bool     // a plain null: empty, ~, null, Null, NULL
	items []string // a list's items; null ones ""
}

// fmParser is parseFast's state, kept on the stack.
type fmParser struct {
	e          *Entry
	loc        *time.Location
	seen       [32][]byte // keys so far, for duplicates
	nseen      int
	hasCat     bool
	hasTag     bool
	cat, tag   string // the singular keys' values
	cats, tags []string

	// The key waiting for its value: set by "key:" with nothing after
	// it, whose value is then a "- item" list on the lines below, or
	// null.
	pending   []byte
	seqIndent int
	items     []string
}

// parseFast is Parse for the common case; see the top of this file.
func parseFast(path string, data []byte, loc *time.Location, draft bool) (*Entry, bool) {
	data = bytes.TrimPrefix(data, bom)
	if loc == nil {
		loc = time.UTC
	}
	// Parse checks the whole file before anything else.
	if !utf8.Valid(data) {
		return nil, false
	}
	nl := bytes.IndexByte(data, '\n')
	if nl < 0 || string(bytes.TrimRight(data[:nl], " \t\r")) != "---" {
		return nil, false
	}
	// adrg/frontmatter ends the front matter at the first line that is
	// "---" once white space (Unicode's) is trimmed from both ends.
	fm := data[nl+1:]
	end := -1
	for off := 0; off < len(fm); {
		line := fm[off:]
		next := len(fm)
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
			next = off + i + 1
		}
		if bytes.Contains(line, []byte("---")) && string(bytes.TrimSpace(line)) == "---" {
			end = off
			break
		}
		off = next
	}
	if end < 0 {
		return nil, false
	}
	fm = fm[:end]

	e := &Entry{Path: path, Published: true, Draft: draft}
	if !draft {
		if date, ok := nameDate(filepath.Base(path)); ok {
			if t, err := time.ParseInLocation("2006-1-2", date, loc); err == nil {
				e.Date = t
			}
		}
	}
	var p fmParser
	p.e, p.loc, p.seqIndent = e, loc, -1
	for len(fm) > 0 {
		i := bytes.IndexByte(fm, '\n')
		line := fm[:i] // the front matter ends before a line, so i >= 0
		fm = fm[i+1:]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if !plainLine(line) {
			return nil, false
		}
		indent := 0
		for indent < len(line) && line[indent] == ' ' {
			indent++
		}
		switch {
		case indent == len(line):
			continue // blank
		case line[0] == '#':
			continue // a comment
		case indent > 0 || line[0] == '-':
			// An item of the pending key's "- item" list, all at one
			// indentation; anything else indented (a nested map, a
			// value's second line, an indented comment) is declined.
			if p.pending == nil || (p.seqIndent >= 0 && indent != p.seqIndent) {
				return nil, false
			}
			rest := line[indent:]
			if len(rest) < 2 || rest[0] != '-' || rest[1] != ' ' {
				return nil, false
			}
			v, tail, ok := scalarValue(bytes.TrimLeft(rest[2:], " "), false)
			if !ok || !endOfLine(tail) {
				return nil, false
			}
			p.seqIndent = indent
			switch keyKind(p.pending) {
			case keyCategories, keyTags:
				p.items = append(p.items, string(v.b))
			case keyOther, keyPublished:
			default:
				return nil, false // Parse: "title must be text"
			}
			continue
		}
		if !p.flush() {
			return nil, false
		}
		// key: value
		k := 0
		for k < len(line) && keyByte(line[k], k == 0) {
			k++
		}
		if k == 0 || k > 64 || k >= len(line) || line[k] != ':' {
			return nil, false
		}
		key, rest := line[:k], line[k+1:]
		if len(rest) > 0 && rest[0] != ' ' {
			return nil, false
		}
		if p.nseen == len(p.seen) {
			return nil, false
		}
		for _, s := range p.seen[:p.nseen] {
			if bytes.Equal(s, key) {
				return nil, false
			}
		}
		p.seen[p.nseen] = key
		p.nseen++
		rest = bytes.TrimLeft(rest, " ")
		if len(rest) == 0 || rest[0] == '#' {
			p.pending = key // a list may follow; else null
			continue
		}
		var v fmValue
		var tail []byte
		var ok bool
		if rest[0] == '[' {
			kind := keyKind(key)
			v, tail, ok = flowList(rest[1:], kind == keyCategories || kind == keyTags)
		} else {
			v, tail, ok = scalarValue(rest, false)
		}
		if !ok || !endOfLine(tail) || !p.set(key, &v) {
			return nil, false
		}
	}
	if !p.flush() {
		return nil, false
	}
	return p.finish()
}

// flush gives the pending key its value: the list below it, or null.
func (p *fmParser) flush() bool {
	if p.pending == nil {
		return true
	}
	v := fmValue{plain: true, null: true}
	if p.seqIndent >= 0 {
		v = fmValue{seq: true, items: p.items}
	}
	ok := p.set(p.pending, &v)
	p.pending, p.items, p.seqIndent = nil, nil, -1
	return ok
}

// set records one key's value as Parse would, or reports false where
// Parse would fail (parseFast then declines).
func (p *fmParser) set(key []byte, v *fmValue) bool {
	e := p.e
	switch kind := keyKind(key); kind {
	case keyTitle, keyAuthor, keyLayout:
		if v.seq {
			return false
		}
		s := string(v.b)
		switch kind {
		case keyTitle:
			e.Title = s
		case keyAuthor:
			e.Author = s
		case keyLayout:
			e.Layout = s
		}
	case keyDate:
		if v.seq || len(v.b) == 0 {
			return false
		}
		t, err := parseDate(string(v.b), p.loc)
		if err != nil {
			return false
		}
		e.Date = t
	case keyCategory, keyTag:
		if v.seq {
			return false // Parse: "category must be text"
		}
		if kind == keyCategory {
			p.cat, p.hasCat = string(v.b), true
		} else {
			p.tag, p.hasTag = string(v.b), true
		}
	case keyCategories:
		p.cats = listOf(v)
	case keyTags:
		p.tags = listOf(v)
	case keyPublished:
		if !v.seq && v.plain && !v.null {
			switch string(v.b) {
			case "true", "True", "TRUE":
				e.Published = true
			case "false", "False", "FALSE":
				e.Published = false
			}
		}
	}
	return true
}

// parseDate is ParseDate, trying first the layout diary writes times
// in, which only ParseDate's first layout (a date alone, which a string
// with a space never is) would come before: that saves the errors of
// the layouts that fail.
func parseDate(s string, loc *time.Location) (time.Time, error) {
	if t := strings.TrimSpace(s); len(t) == len("2006-01-02 15:04:05 -0700") && t[10] == ' ' {
		if d, err := time.ParseInLocation("2006-1-2 15:04:05 -0700", t, loc); err == nil {
			return d, nil
		}
	}
	return ParseDate(s, loc)
}

// listOf is Parse's list: a scalar's words, or a list's items that are
// not empty.
func listOf(v *fmValue) []string {
	if !v.seq {
		return strings.Fields(string(v.b))
	}
	out := v.items[:0:len(v.items)]
	for _, s := range v.items {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (p *fmParser) finish() (*Entry, bool) {
	p.e.Categories = mergeNames(p.hasCat, p.cat, p.cats)
	p.e.Tags = mergeNames(p.hasTag, p.tag, p.tags)
	return p.e, true
}

// mergeNames is how Jekyll joins category and categories (or tag and
// tags), for Parse and the fast scan alike: the singular key's value
// whole, then the plural's, each once, none empty; nil when there are
// none.
func mergeNames(hasSingle bool, single string, plural []string) []string {
	n := len(plural)
	if hasSingle {
		n++
	}
	var out []string
	add := func(s string) {
		if s == "" || slices.Contains(out, s) {
			return
		}
		if out == nil {
			out = make([]string, 0, n)
		}
		out = append(out, s)
	}
	if hasSingle {
		add(single)
	}
	if len(plural) <= 16 {
		for _, s := range plural {
			add(s)
		}
		return out
	}
	// Long lists: the same, with a set.
	seen := make(map[string]bool, n)
	for _, s := range out {
		seen[s] = true
	}
	for _, s := range plural {
		if s != "" && !seen[s] {
			seen[s] = true
			if out == nil {
				out = make([]string, 0, n)
			}
			out = append(out, s)
		}
	}
	return out
}

// plainLine reports whether a line of front matter (without its line
// end) holds only characters parseFast reads the way YAML does: no tab,
// no control character, no CR, none of YAML's other line breaks, no byte
// order mark, nothing YAML refuses. The file is valid UTF-8 already.
func plainLine(line []byte) bool {
	for i := 0; i < len(line); {
		c := line[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(line[i:])
		switch {
		case r <= 0x9f: // C1 controls, NEL among them
			return false
		case r == 0x2028, r == 0x2029, r == 0xfeff, r == 0xfffe, r == 0xffff:
			return false
		}
		i += size
	}
	return true
}

func keyByte(c byte, first bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		return true
	case c >= '0' && c <= '9', c == '-':
		return !first
	}
	return false
}

// endOfLine reports whether what follows a value is nothing, spaces, or
// spaces and a comment.
func endOfLine(tail []byte) bool {
	t := bytes.TrimLeft(tail, " ")
	return len(t) == 0 || (t[0] == '#' && len(t) < len(tail))
}

// scalarValue reads a scalar at the start of s, in block context (a
// value after "key: " or an item after "- ") or, with flow, inside
// [a, b]. It returns the rest of s after it.
func scalarValue(s []byte, flow bool) (fmValue, []byte, bool) {
	if len(s) == 0 {
		return fmValue{}, nil, false
	}
	switch s[0] {
	case '\'':
		v, rest, ok := singleQuoted(s[1:])
		return fmValue{b: v}, rest, ok
	case '"':
		v, rest, ok := doubleQuoted(s[1:])
		return fmValue{b: v}, rest, ok
	}
	// A plain scalar may not start with an indicator; "-", "?" and ":"
	// may when a non-space follows, which parseFast leaves to Parse.
	if strings.IndexByte("-?:,[]{}#&*!|>'\"%@`", s[0]) >= 0 || s[0] == ' ' {
		return fmValue{}, nil, false
	}
	var end int
	if flow {
		// Inside [a, b], diary quotes any item holding one of these;
		// the rest is left to Parse.
		end = bytes.IndexAny(s, ",]")
		if end < 0 {
			return fmValue{}, nil, false
		}
		if bytes.ContainsAny(s[:end], "[]{}?:#&*!|>'\"%@`") {
			return fmValue{}, nil, false
		}
	} else {
		// To the end of the line or a comment (" #").
		end = len(s)
		if i := bytes.Index(s, []byte(" #")); i >= 0 {
			end = i
		}
		// ": " or a ":" at the end would make it a mapping.
		v := s[:end]
		if bytes.Contains(v, []byte(": ")) || bytes.HasSuffix(bytes.TrimRight(v, " "), []byte(":")) {
			return fmValue{}, nil, false
		}
	}
	v := bytes.TrimRight(s[:end], " ")
	if len(v) == 0 {
		return fmValue{}, nil, false
	}
	out := fmValue{plain: true}
	switch string(v) {
	case "~", "null", "Null", "NULL":
		out.null = true
	default:
		out.b = v
	}
	return out, s[end:], true
}

// singleQuoted reads a single-quoted scalar after its opening quote, to
// its closing quote on the same line (two quotes stand for one).
func singleQuoted(s []byte) ([]byte, []byte, bool) {
	var b []byte
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '\'' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b = append(b, s[start:i+1]...)
			start = i + 2
			i++
			continue
		}
		rest := s[i+1:]
		if len(rest) > 0 && rest[0] != ' ' && rest[0] != ',' && rest[0] != ']' {
			return nil, nil, false // 'a'b and the like
		}
		if b == nil {
			return s[start:i], rest, true
		}
		return append(b, s[start:i]...), rest, true
	}
	return nil, nil, false // not closed on this line
}

// doubleQuoted reads a double-quoted scalar after its opening quote, to
// its closing quote on the same line, with YAML's escapes.
func doubleQuoted(s []byte) ([]byte, []byte, bool) {
	var b []byte
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			rest := s[i+1:]
			if len(rest) > 0 && rest[0] != ' ' && rest[0] != ',' && rest[0] != ']' {
				return nil, nil, false
			}
			if b == nil {
				return s[start:i], rest, true
			}
			return append(b, s[start:i]...), rest, true
		case '\\':
			if i+1 >= len(s) {
				return nil, nil, false // an escaped line break
			}
			b = append(b, s[start:i]...)
			c := s[i+1]
			i++
			n := 0
			switch c {
			case '0':
				b = append(b, 0)
			case 'a':
				b = append(b, '\a')
			case 'b':
				b = append(b, '\b')
			case 't':
				b = append(b, '\t')
			case 'n':
				b = append(b, '\n')
			case 'v':
				b = append(b, '\v')
			case 'f':
				b = append(b, '\f')
			case 'r':
				b = append(b, '\r')
			case 'e':
				b = append(b, 0x1b)
			case ' ', '"', '\'', '\\':
				b = append(b, c)
			case 'N':
				b = utf8.AppendRune(b, 0x85)
			case '_':
				b = utf8.AppendRune(b, 0xa0)
			case 'L':
				b = utf8.AppendRune(b, 0x2028)
			case 'P':
				b = utf8.AppendRune(b, 0x2029)
			case 'x':
				n = 2
			case 'u':
				n = 4
			case 'U':
				n = 8
			default:
				return nil, nil, false
			}
			if n > 0 {
				if i+n >= len(s) {
					return nil, nil, false
				}
				code, err := strconv.ParseUint(string(s[i+1:i+1+n]), 16, 32)
				if err != nil || !hexDigits(s[i+1:i+1+n]) || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff {
					return nil, nil, false
				}
				b = utf8.AppendRune(b, rune(code))
				i += n
			}
			start = i + 1
		}
	}
	return nil, nil, false
}

func hexDigits(s []byte) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// flowList reads [a, b] after its "[", on one line, of scalars only;
// with keep, their values go to items.
func flowList(s []byte, keep bool) (fmValue, []byte, bool) {
	v := fmValue{seq: true}
	s = bytes.TrimLeft(s, " ")
	if len(s) > 0 && s[0] == ']' {
		return v, s[1:], true
	}
	for {
		item, rest, ok := scalarValue(s, true)
		if !ok {
			return fmValue{}, nil, false
		}
		if keep {
			v.items = append(v.items, string(item.b))
		}
		rest = bytes.TrimLeft(rest, " ")
		if len(rest) == 0 {
			return fmValue{}, nil, false
		}
		switch rest[0] {
		case ']':
			return v, rest[1:], true
		case ',':
			s = bytes.TrimLeft(rest[1:], " ")
		default:
			return fmValue{}, nil, false
		}
	}
}
