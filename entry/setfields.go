package entry

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"gopkg.in/yaml.v3"
)

// ErrNoFrontMatter: SetFields found no front matter it can edit line by
// line.
var ErrNoFrontMatter = errors.New("no front matter to edit")

// KeyText is one front matter key and its value as YAML text (from Quote or
// DateValue).
type KeyText struct {
	Key, Value string
	// IfMissing leaves the key as it is when the front matter has it.
	IfMissing bool
}

// fieldOrder is where a key that is missing goes: after the last of the
// keys before it here that the front matter has (DESIGN.md, Entry files).
var fieldOrder = []string{"title", "author", "date"}

// DateValue is t in layout as a front matter value, written as Render
// writes the date.
func DateValue(t time.Time, layout string) string {
	return quoteDate(t.Format(layout))
}

// SetFields returns data with each field's key set to its value: the
// key's lines (the key and its value, which may run over several lines)
// become one line "key: value" where the first of them was, and a key
// given more than once keeps only that line (Psych reads the last; all
// now agree). A missing key is added after the keys that come before it
// in title, author, date. Every other byte stays as it was (BOM, line
// ends, comments, other keys, the body), so that a moved entry is a
// rename to git. It refuses, with ErrNoFrontMatter, a file without front
// matter (cut by Split) and one whose front matter is not a block mapping
// of keys at the start of their lines.
func SetFields(data []byte, fields []KeyText) ([]byte, error) {
	parts, ok := Split(data)
	if !ok {
		return nil, fmt.Errorf("%w: it has no front matter between --- lines", ErrNoFrontMatter)
	}
	m, err := Mapping(parts)
	if err != nil {
		return nil, fmt.Errorf("%w: its front matter does not parse (%v)", ErrNoFrontMatter, err)
	}
	lines := bytes.SplitAfter(parts.YAML, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1] // after the last line end
	}
	eol := "\n"
	if bytes.HasSuffix(parts.Opener, []byte("\r\n")) {
		eol = "\r\n"
	}
	// Each top-level key and the lines it spans.
	type span struct {
		key        string
		start, end int
	}
	var spans []span
	if m != nil {
		if m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 {
			return nil, fmt.Errorf("%w: its front matter is not a list of keys", ErrNoFrontMatter)
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k := m.Content[i]
			l := k.Line - 2 // the opening fence is line 1
			if k.Kind != yaml.ScalarNode || k.Column != 1 || l < 0 || l >= len(lines) ||
				(len(spans) > 0 && l <= spans[len(spans)-1].start) {
				return nil, fmt.Errorf("%w: its front matter is laid out in a way diary does not edit: edit it by hand", ErrNoFrontMatter)
			}
			spans = append(spans, span{key: k.Value, start: l})
		}
	}
	for i := range spans {
		end := len(lines)
		if i+1 < len(spans) {
			end = spans[i+1].start
		}
		// Blank and comment lines at the start of a line, before the next
		// key, are not the value's: they stay.
		for end > spans[i].start+1 && loose(lines[end-1]) {
			end--
		}
		spans[i].end = end
	}

	// Lines to replace (by index of their first line) and to drop.
	replace := map[int]string{}
	drop := map[int]bool{}
	insert := map[int][]string{} // before line i
	for _, f := range fields {
		line := f.Key + ": " + f.Value + eol
		found := false
		for _, s := range spans {
			if s.key != f.Key {
				continue
			}
			if f.IfMissing {
				found = true
				break
			}
			if !found {
				replace[s.start] = line
				found = true
			} else {
				drop[s.start] = true
			}
			for l := s.start + 1; l < s.end; l++ {
				drop[l] = true
			}
		}
		if found {
			continue
		}
		at := 0
		for _, before := range fieldOrder {
			if before == f.Key {
				break
			}
			for _, s := range spans {
				if s.key == before && s.end > at {
					at = s.end
				}
			}
		}
		// Keys added earlier in this call at the same place stay first.
		insert[at] = append(insert[at], line)
		spans = append(spans, span{key: f.Key, start: -1})
	}

	var out bytes.Buffer
	out.Grow(len(data) + 64)
	out.Write(parts.BOM)
	out.Write(parts.Opener)
	for i := 0; i <= len(lines); i++ {
		for _, l := range insert[i] {
			out.WriteString(l)
		}
		if i == len(lines) {
			break
		}
		switch {
		case replace[i] != "":
			out.WriteString(replace[i])
		case drop[i]:
		default:
			out.Write(lines[i])
		}
	}
	out.Write(parts.Closer)
	out.Write(parts.Body)
	return out.Bytes(), nil
}

// loose reports whether a front matter line is blank or a comment that
// starts the line: it belongs to no key's value.
func loose(line []byte) bool {
	t := bytes.TrimRight(line, " \t\r\n")
	return len(t) == 0 || t[0] == '#'
}
