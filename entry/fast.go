package entry

import (
	"bytes"
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

// nameParts is ParseName's pattern, postName, by hand: it returns the
// date and slug of a post's file name (its base), and whether the name is
// a post's at all. It runs once a file per scan, where a regexp would
// allocate. FuzzNameDate compares it with ParseName.
func nameParts(base string) (date, slug string, ok bool) {
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
		return "", "", false
	}
	date, rest := base[:i-1], base[i:]
	// (.*)(\.[^.]+)$: the extension runs from the last dot, and is not
	// empty; "." matches anything but a newline, [^.] anything but a dot.
	dot := strings.LastIndexByte(rest, '.')
	if dot < 0 || dot == len(rest)-1 || strings.IndexByte(rest[:dot], '\n') >= 0 {
		return "", "", false
	}
	return date, rest[:dot], true
}

// nameDate is nameParts' date, and whether the name is a post's.
func nameDate(base string) (string, bool) {
	date, _, ok := nameParts(base)
	return date, ok
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
	items []string // a list's names, as itemName reads them; nulls dropped
}

// fmParser is parseFast's state, kept on the stack.
type fmParser struct {
	e     *Entry
	loc   *time.Location
	seen  [32][]byte // keys so far, for duplicates
	nseen int
	f     fields

	// The key waiting for its value: set by "key:" with nothing after
	// it, whose value is then a "- item" list on the lines below, or
	// null.
	pending   []byte
	seqIndent int
	items     []string
}

// parseFast is Parse for the common case; see the top of this file.
// The site's front matter defaults are read as Parse reads them (they
// are YAML nodes already), before the front matter.
func parseFast(site *Site, path string, data []byte, loc *time.Location, draft bool) (*Entry, bool) {
	if loc == nil {
		loc = time.UTC
	}
	// Parse checks the whole file before anything else.
	if !utf8.Valid(data) {
		return nil, false
	}
	parts, ok := Split(data)
	if !ok {
		return nil, false
	}
	// The opening line goes to the YAML parser too: a form feed or a tab
	// after its "---" is Parse's to judge.
	if op := bytes.TrimSuffix(bytes.TrimSuffix(parts.Opener, []byte("\n")), []byte("\r")); !plainLine(op) {
		return nil, false
	}
	fm := parts.YAML

	e, slug := newEntry(path, loc, draft)
	var p fmParser
	p.e, p.loc, p.seqIndent = e, loc, -1
	p.f.slug = slug
	if site.readDefaults(&p.f, e, loc) != nil {
		return nil, false
	}
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
			case keyCategories, keyTags, keyCategory, keyTag:
				name, null, ok := itemName(&v, loc)
				if !ok || keyKind(p.pending) == keyCategories && typedItem(&v, loc) {
					return nil, false
				}
				if !null {
					p.items = append(p.items, name)
				}
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
			keep := kind == keyCategories || kind == keyTags || kind == keyCategory || kind == keyTag
			v, tail, ok = flowList(rest[1:], keep, kind == keyCategories, loc)
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
	if err := p.f.finish(e); err != nil {
		return nil, false
	}
	e.Date = inZone(e.Date, loc)
	return e, true
}

// itemName is a list item as Parse reads it: its text, or null (Psych's
// nil, which Jekyll drops). ok is false where Parse fails.
func itemName(v *fmValue, loc *time.Location) (name string, null, ok bool) {
	switch {
	case v.null:
		return "", true, true
	case !v.plain:
		return string(v.b), false, true
	}
	sv, err := resolvePlain(string(v.b), loc)
	if err != nil {
		return "", false, false
	}
	return sv.text, sv.kind == kindNull, true
}

// typedItem reports whether a list item is a plain scalar Psych reads
// as no string (a number, a boolean, a date): Parse keeps such a
// category beside its text (fields.categories), which parseFast leaves
// to it.
func typedItem(v *fmValue, loc *time.Location) bool {
	if !v.plain || v.null {
		return false
	}
	sv, err := resolvePlain(string(v.b), loc)
	return err != nil || sv.kind != kindString && sv.kind != kindNull
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
	e, f := p.e, &p.f
	kind := keyKind(key)
	if kind == keyOther {
		return true
	}
	// The scalar as Psych reads it.
	var sv psychScalar
	switch {
	case v.seq:
	case v.null:
		sv.kind = kindNull
	case v.plain:
		var err error
		if sv, err = resolvePlain(string(v.b), p.loc); err != nil {
			return false
		}
	default:
		sv.text = string(v.b)
	}
	if !v.seq && sv.kind == kindNull && f.setBy[kind] != 0 {
		return false // a null over a default: Parse keeps the default
	}
	switch kind {
	case keyTitle, keyAuthor, keyLayout:
		if v.seq {
			return false
		}
		switch kind {
		case keyTitle:
			f.titleSet = !(sv.kind == kindNull || sv.kind == kindBool && !sv.b)
			e.Title = sv.text
		case keyAuthor:
			e.Author = sv.text
		case keyLayout:
			e.Layout = sv.text
		}
	case keyDate:
		switch {
		case v.seq:
			return false
		case sv.kind == kindDate || sv.kind == kindTime:
			e.Date, e.rolled = sv.t, ""
		case sv.kind != kindString || sv.text == "":
			return false
		default:
			t, rolled, err := parseDate(sv.text, p.loc)
			if err != nil {
				return false
			}
			e.Date, e.rolled = t, ""
			if rolled {
				e.rolled = strings.TrimSpace(sv.text)
			}
		}
	case keyCategory, keyTag:
		var names []string
		switch {
		case v.seq:
			names = v.items
		case sv.kind != kindNull:
			names = []string{sv.text}
		}
		if kind == keyCategory {
			f.cat = names
		} else {
			f.tag, f.tagSet = names, v.seq || sv.kind != kindNull
		}
	case keyCategories, keyTags:
		var names []string
		switch {
		case v.seq:
			names = v.items
		case sv.kind == kindString:
			names = strings.Fields(sv.text)
		case sv.kind != kindNull && kind == keyCategories:
			return false // Parse refuses it
		}
		if kind == keyCategories {
			f.cats, f.catsTyped, f.catsNested = names, nil, ""
		} else {
			f.tags = names
		}
	case keyPublished:
		e.Published = v.seq || !(sv.kind == kindNull || sv.kind == kindBool && !sv.b)
	}
	return true
}

// parseDate is ParseDate, trying first the layout diary writes times
// in, which only ParseDate's first layout (a date alone, which a string
// with a space never is) would come before: that saves the errors of
// the layouts that fail.
func parseDate(s string, loc *time.Location) (time.Time, bool, error) {
	if t := strings.TrimSpace(s); len(t) == len("2006-01-02 15:04:05 -0700") && t[10] == ' ' {
		if d, err := time.ParseInLocation("2006-1-2 15:04:05 -0700", t, loc); err == nil {
			return d, false, nil
		}
	}
	return parseDateRolled(s, loc)
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
// with keep, their names (as itemName reads them) go to items; with
// untyped, it declines a list with an item that is no string
// (typedItem).
func flowList(s []byte, keep, untyped bool, loc *time.Location) (fmValue, []byte, bool) {
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
			name, null, ok := itemName(&item, loc)
			if !ok || untyped && typedItem(&item, loc) {
				return fmValue{}, nil, false
			}
			if !null {
				v.items = append(v.items, name)
			}
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
