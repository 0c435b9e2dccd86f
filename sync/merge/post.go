package merge

import (
	"bytes"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/gitdiary/diary/entry"
)

// Post merges two edits of a Jekyll post: front matter key by key first,
// then the body with Text.
//
// The front matter is the text between the file's opening "---" line and
// the next "---" (or "...") line. It is merged as an ordered list of
// top-level keys, each key's block (the key's line, its value's
// continuation lines, and any comment or blank lines before the next key)
// kept byte for byte:
//
//   - a key changed on one side only takes that side's block; changed the
//     same way on both, that block;
//   - changed differently on both (or added on both with different
//     blocks): tags, categories, and category written as a list are merged
//     as sets — base, plus what either side added, less what either side
//     removed, in ours' order then theirs' new ones, written in ours' style
//     (flow [a, b], block list, or for tags and categories a string of
//     words); any other key is a conflict;
//   - added on one side: added, after the key that precedes it on that side;
//   - deleted on one side and unchanged on the other: deleted; deleted on
//     one and changed on the other: a conflict.
//
// Keys keep ours' order, with theirs' new keys after their predecessor.
// The body is merged by Text; Conflicts counts the front matter's
// conflicts and the body's. With a front matter conflict, Merged is Text's
// merge of the whole files, so that the user sees the sides in markers.
//
// A merged front matter that does not parse as YAML (such as an alias
// whose anchor the other side removed) counts as a conflict, so when all
// three sides' front matter parses, Conflicts == 0 means the merge's does.
// When any side has no front matter that parses as a YAML mapping, Post is
// Text on the whole files. An empty base (a post added on both sides) is a
// post with an empty front matter and body.
func Post(base, ours, theirs []byte, l Labels) Result {
	b, okb := splitPost(base)
	if len(base) == 0 {
		b, okb = &post{}, true
	}
	o, oko := splitPost(ours)
	t, okt := splitPost(theirs)
	if !okb || !oko || !okt {
		return Text(base, ours, theirs, l)
	}
	fm, n := mergeFrontMatter(b, o, t)
	body := Text(b.body, o.body, t.body, l)
	if n > 0 {
		whole := Text(base, ours, theirs, l)
		return Result{Merged: whole.Merged, Conflicts: n + body.Conflicts}
	}
	merged := make([]byte, 0, len(fm)+len(body.Merged)+2)
	merged = append(merged, fm...)
	if len(body.Merged) > 0 && !strings.HasSuffix(fm, "\n") {
		// The closing fence was a file's last line, without a line end;
		// now a body follows it.
		if strings.HasSuffix(o.opener, "\r\n") {
			merged = append(merged, '\r')
		}
		merged = append(merged, '\n')
	}
	merged = append(merged, body.Merged...)
	return Result{Merged: merged, Conflicts: body.Conflicts}
}

// post is a file cut into its front matter and body.
type post struct {
	opener, closer string // the "---" lines, with their line ends
	pre            string // lines before the first key: comments, blank lines
	keys           []block
	body           []byte
}

// block is one top-level key of the front matter and its lines.
type block struct {
	key   string
	text  string
	value *yaml.Node
}

func (p *post) find(key string) (block, bool) {
	for _, b := range p.keys {
		if b.key == key {
			return b, true
		}
	}
	return block{}, false
}

// splitPost cuts data into front matter and body, as entry.Split does
// (Jekyll's rule), and the front matter into key blocks. ok is false when
// data has no front matter that closes and parses as a YAML mapping of
// plain keys, one per line.
func splitPost(data []byte) (*post, bool) {
	parts, ok := entry.Split(data)
	if !ok || len(parts.Opener) == 0 {
		return nil, false
	}
	fmLines := splitLines(parts.YAML)
	p := &post{
		opener: string(parts.BOM) + string(parts.Opener),
		closer: string(parts.Closer),
		body:   parts.Body,
	}
	m, err := entry.Mapping(parts)
	if err != nil || (m != nil && (m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 || len(m.Content) == 0)) {
		return nil, false
	}
	if m == nil {
		p.pre = string(parts.YAML)
		return p, true
	}
	// Lines of the file: the opening fence is line 1, the YAML's first
	// line 2.
	var starts []int // 0-based line of each key in fmLines
	seen := make(map[string]bool, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		line := k.Line - 2
		if k.Kind != yaml.ScalarNode || k.Column != 1 || line < 0 || line >= len(fmLines) ||
			(len(starts) > 0 && line <= starts[len(starts)-1]) {
			return nil, false
		}
		// yaml.v3 refuses a key given twice only when decoding into a
		// map, not into a Node; Jekyll's Psych keeps the last. Merging
		// key by key would keep one block and drop the other's lines, so
		// such a post is merged as text.
		if seen[k.Value] {
			return nil, false
		}
		seen[k.Value] = true
		starts = append(starts, line)
	}
	p.pre = joinLines(fmLines[:starts[0]])
	for i, s := range starts {
		e := len(fmLines)
		if i+1 < len(starts) {
			e = starts[i+1]
		}
		p.keys = append(p.keys, block{
			key:   m.Content[2*i].Value,
			text:  joinLines(fmLines[s:e]),
			value: m.Content[2*i+1],
		})
	}
	return p, true
}

func lenLines(lines [][]byte) int {
	n := 0
	for _, l := range lines {
		n += len(l)
	}
	return n
}

func joinLines(lines [][]byte) string {
	var b strings.Builder
	b.Grow(lenLines(lines))
	for _, l := range lines {
		b.Write(l)
	}
	return b.String()
}

// pick3 is the 3-way merge of one value: a change on one side, or the same
// change on both; ok is false when the sides changed it differently.
func pick3(base, ours, theirs string) (string, bool) {
	switch {
	case ours == theirs || theirs == base:
		return ours, true
	case ours == base:
		return theirs, true
	}
	return "", false
}

// setKeys are merged as sets when both sides change them.
var setKeys = map[string]bool{"tags": true, "categories": true, "category": true}

// mergeFrontMatter returns the merged front matter with its fences, and
// the number of conflicts in it.
func mergeFrontMatter(b, o, t *post) (string, int) {
	conflicts := 0
	fences := b
	if b.opener == "" {
		// An empty base: fences that differ (a byte order mark, blanks,
		// a line end) are not worth a conflict; ours' are kept.
		fences = o
	}
	opener, ok1 := pick3(fences.opener, o.opener, t.opener)
	closer, ok2 := pick3(fences.closer, o.closer, t.closer)
	pre, ok3 := pick3(b.pre, o.pre, t.pre)
	for _, ok := range []bool{ok1, ok2, ok3} {
		if !ok {
			conflicts++
		}
	}

	var out []block
	sets := map[string][]string{} // the set-merged keys, to check after
	for _, ob := range o.keys {
		bb, inB := b.find(ob.key)
		tb, inT := t.find(ob.key)
		switch {
		case inT:
			base := ""
			if inB {
				base = bb.text
			}
			if text, ok := pick3(base, ob.text, tb.text); ok {
				out = append(out, block{key: ob.key, text: text})
				continue
			}
			var bv *yaml.Node
			if inB {
				bv = bb.value
			}
			if text, items, ok := mergeSet(ob, bv, tb); ok {
				out = append(out, block{key: ob.key, text: text})
				sets[ob.key] = items
				continue
			}
			conflicts++
		case inB && ob.text == bb.text: // deleted by theirs
		case inB: // deleted by theirs, changed by ours
			conflicts++
		default: // added by ours
			out = append(out, ob)
		}
	}
	prev := -1 // where in out the last of theirs' keys seen is
	for _, tb := range t.keys {
		if i := slices.IndexFunc(out, func(x block) bool { return x.key == tb.key }); i >= 0 {
			prev = i
			continue
		}
		if _, inO := o.find(tb.key); inO {
			continue // dropped above: deleted, or a conflict
		}
		bb, inB := b.find(tb.key)
		switch {
		case !inB: // added by theirs
			prev++
			out = slices.Insert(out, prev, tb)
		case tb.text == bb.text: // deleted by ours
		default: // deleted by ours, changed by theirs
			conflicts++
		}
	}
	if conflicts > 0 {
		return "", conflicts
	}

	var fm strings.Builder
	fm.WriteString(opener)
	fm.WriteString(pre)
	for _, x := range out {
		fm.WriteString(x.text)
	}
	fm.WriteString(closer)
	if !checkFrontMatter([]byte(fm.String()), sets) {
		return "", 1
	}
	return fm.String(), 0
}

// checkFrontMatter reports whether the merged front matter, fences
// included, reads back as front matter the way the sides were read (YAML
// that parses, no key twice), and holds the set-merged keys' lists as
// computed.
func checkFrontMatter(fm []byte, sets map[string][]string) bool {
	p, ok := splitPost(fm)
	if !ok || len(p.body) != 0 {
		return false
	}
	for key, want := range sets {
		b, _ := p.find(key)
		got, _, ok := listOf(key, b.value)
		if !ok || !slices.Equal(got, want) {
			return false
		}
	}
	return true
}

// How a list of tags or categories is written.
type listStyle int

const (
	styleNone   listStyle = iota // absent or empty
	styleFlow                    // [a, b]
	styleBlock                   // - a
	styleWords                   // a b: Jekyll splits the string at blanks
	styleSingle                  // category: a, one value, whole
)

// listOf reads the value of a set key: ok is false when it is not a list
// of strings as Jekyll reads them.
func listOf(key string, n *yaml.Node) ([]string, listStyle, bool) {
	if n == nil {
		return nil, styleNone, true
	}
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return nil, styleNone, true
	case n.Kind == yaml.ScalarNode && key == "category":
		if n.Value == "" {
			return nil, styleNone, true
		}
		return []string{n.Value}, styleSingle, true
	case n.Kind == yaml.ScalarNode:
		return strings.Fields(n.Value), styleWords, true
	case n.Kind == yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, styleNone, false
			}
			if c.Tag != "!!null" && c.Value != "" {
				out = append(out, c.Value)
			}
		}
		if n.Style&yaml.FlowStyle != 0 {
			return out, styleFlow, true
		}
		return out, styleBlock, true
	}
	return nil, styleNone, false
}

// mergeSet merges a set key both sides changed: the block to write, and
// the list it holds. ok is false when the values are not lists, or (for
// category) when neither side writes it as a list.
func mergeSet(ob block, bv *yaml.Node, tb block) (string, []string, bool) {
	if !setKeys[ob.key] {
		return "", nil, false
	}
	bs, _, ok1 := listOf(ob.key, bv)
	os, ostyle, ok2 := listOf(ob.key, ob.value)
	ts, tstyle, ok3 := listOf(ob.key, tb.value)
	if !ok1 || !ok2 || !ok3 {
		return "", nil, false
	}
	if ob.key == "category" && ostyle != styleFlow && ostyle != styleBlock &&
		tstyle != styleFlow && tstyle != styleBlock {
		return "", nil, false // one category each, changed both ways
	}
	in := func(list []string, s string) bool { return slices.Contains(list, s) }
	var merged []string
	add := func(s string) {
		if !in(merged, s) {
			merged = append(merged, s)
		}
	}
	for _, s := range os {
		if in(bs, s) && !in(ts, s) {
			continue // removed by theirs
		}
		add(s)
	}
	for _, s := range ts {
		if !in(bs, s) {
			add(s) // added by theirs
		}
	}
	style := ostyle
	if style == styleNone {
		style = tstyle
	}
	return renderList(ob, style, merged), merged, true
}

// renderList writes key's block with items in the given style, keeping
// ours' line ends, its block list indent, and the comment and blank lines
// that end ours' block.
func renderList(ob block, style listStyle, items []string) string {
	lines := splitLines([]byte(ob.text))
	eol := "\n"
	if bytes.HasSuffix(lines[0], []byte("\r\n")) {
		eol = "\r\n"
	}
	keep := len(lines)
	for keep > 1 {
		l := lines[keep-1]
		if t := bytes.TrimSpace(l); len(t) == 0 || l[0] == '#' {
			keep--
			continue
		}
		break
	}
	trailer := joinLines(lines[keep:])

	switch {
	case len(items) > 0 && (style == styleSingle && len(items) == 1 ||
		style == styleWords && !slices.ContainsFunc(items, hasBlank)):
		return ob.key + ": " + entry.Quote(strings.Join(items, " ")) + eol + trailer
	case style != styleBlock:
		style = styleFlow
	}
	var b strings.Builder
	b.WriteString(ob.key)
	b.WriteString(":")
	if len(items) == 0 {
		b.WriteString(" []")
		style = styleNone
	}
	switch style {
	case styleFlow:
		b.WriteString(" [")
		for i, s := range items {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteFlow(s))
		}
		b.WriteString("]")
		b.WriteString(eol)
	case styleBlock:
		indent := "  "
		for _, l := range lines[1:] {
			if t := bytes.TrimLeft(l, " "); bytes.HasPrefix(t, []byte("-")) {
				indent = string(l[:len(l)-len(t)])
				break
			}
		}
		b.WriteString(eol)
		for _, s := range items {
			b.WriteString(indent)
			b.WriteString("- ")
			b.WriteString(entry.Quote(s))
			b.WriteString(eol)
		}
	default:
		b.WriteString(eol)
	}
	b.WriteString(trailer)
	return b.String()
}

func hasBlank(s string) bool { return strings.ContainsAny(s, " \t\r\n") || s == "" }

// quoteFlow quotes an element of a flow list: as entry.Quote does, and
// also when it holds a mark that ends or confuses a plain scalar there.
func quoteFlow(s string) string {
	q := entry.Quote(s)
	if q == s && strings.ContainsAny(s, ",[]{}?:#&*!|>'\"%@`") {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return q
}
