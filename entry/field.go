package entry

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Field is one front matter key that Render writes after diary's own
// (title, author, date, category, layout, tags): from a template, the
// front_matter setting, or `-f KEY=VALUE`. Its value is kept as YAML
// nodes and written back by Render in a form Psych reads as the same
// value: a plain scalar stays plain when Psych reads it as the boolean,
// number, date or word it looks like, and is quoted otherwise.
type Field struct {
	Key   string
	value *yaml.Node
}

// OwnKeys are the keys Render writes from Post's own fields; a Field
// with one of them is not written again.
var OwnKeys = []string{"title", "author", "date", "category", "categories", "layout", "tags"}

func ownKey(k string) bool {
	for _, o := range OwnKeys {
		if o == k {
			return true
		}
	}
	return false
}

// FieldFlag reads `-f KEY=VALUE`: VALUE typed as YAML reads it (true is
// a boolean, 1 a number, [a, b] a list, 2026-12-01 a date), and any
// other text, or text YAML would read as something other than itself
// (a comment, a trailing space, a map such as "a: b", a Ruby symbol),
// a string.
func FieldFlag(kv string) (Field, error) {
	key, text, ok := strings.Cut(kv, "=")
	if !ok {
		return Field{}, fmt.Errorf("-f %q has no \"=\": write -f KEY=VALUE, such as -f comments=true", kv)
	}
	if err := checkKey(key); err != nil {
		return Field{}, fmt.Errorf("-f %q: %v", kv, err)
	}
	return Field{Key: key, value: flagValue(text)}, nil
}

// checkKey refuses a key Jekyll users could not mean: empty, with
// surrounding spaces, a line break or another control character. Any
// other key is written quoted where YAML needs it (og:image stays plain).
func checkKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("the key is empty: write KEY=VALUE")
	case strings.TrimSpace(key) != key, strings.ContainsAny(key, "\r\n\t"), !printable(key):
		return fmt.Errorf("the key %q cannot be a front matter key: use letters, digits, _ or -", key)
	}
	return nil
}

func stringNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: yaml.DoubleQuotedStyle, Value: s}
}

// flagValue is the YAML value of -f's text: a plain scalar or a flow
// list or map that says exactly what was typed, else the text as a
// string.
func flagValue(text string) *yaml.Node {
	if text == "" || strings.TrimSpace(text) != text || strings.ContainsAny(text, "\r\n#&*!|>%@`") {
		return stringNode(text)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil || len(doc.Content) != 1 {
		return stringNode(text)
	}
	n := doc.Content[0]
	switch {
	case n.Kind == yaml.ScalarNode && n.Style == 0 && n.Value == text:
		return n
	case (n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode) && n.Style&yaml.FlowStyle != 0 && plainTree(n):
		return n
	}
	return stringNode(text)
}

// plainTree: every scalar in n is plain or quoted, with no tag, anchor or
// alias, and every key a scalar.
func plainTree(n *yaml.Node) bool {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Anchor == "" && n.Style&yaml.TaggedStyle == 0
	case yaml.SequenceNode, yaml.MappingNode:
		if n.Anchor != "" {
			return false
		}
		for i, c := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 0 && c.Kind != yaml.ScalarNode {
				return false
			}
			if !plainTree(c) {
				return false
			}
		}
		return true
	}
	return false
}

// Fields returns the keys of a front matter mapping (Mapping's node) in
// the order written; a key given twice keeps its first place and its last
// value, as Psych reads it. Aliases are followed. A key that is not a
// scalar, a merge key, or a tag other than !!str is refused.
func Fields(m *yaml.Node) ([]Field, error) {
	if m == nil {
		return nil, nil
	}
	if m.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: the front matter is not lines of key: value", m.Line)
	}
	var out []Field
	at := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
			return nil, fmt.Errorf("line %d: a key is not a name: write key: value", k.Line)
		}
		if err := checkKey(k.Value); err != nil {
			return nil, fmt.Errorf("line %d: %v", k.Line, err)
		}
		val, err := copyNode(v, 0)
		if err != nil {
			return nil, fmt.Errorf("line %d: %s: %v", v.Line, k.Value, err)
		}
		if j, dup := at[k.Value]; dup {
			out[j].value = val
			continue
		}
		at[k.Value] = len(out)
		out = append(out, Field{Key: k.Value, value: val})
	}
	return out, nil
}

// copyNode copies n with aliases followed and styles other than plain
// and quoted made plain or quoted, refusing tags diary cannot carry.
func copyNode(n *yaml.Node, depth int) (*yaml.Node, error) {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	if depth > 50 {
		return nil, fmt.Errorf("nested too deeply")
	}
	c := &yaml.Node{Kind: n.Kind, Tag: n.Tag, Value: n.Value, Line: n.Line}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Style&yaml.TaggedStyle != 0 && n.Tag != "!!str" && strings.HasPrefix(n.Tag, "!!") {
			return nil, fmt.Errorf("the tag %s is not read by diary as Jekyll reads it: remove it", n.Tag)
		}
		if n.Style != 0 || n.Style&yaml.TaggedStyle != 0 {
			return stringNode(n.Value), nil
		}
		return c, nil
	case yaml.SequenceNode, yaml.MappingNode:
		for i, k := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 0 && (k.Kind != yaml.ScalarNode || k.Tag == "!!merge") {
				return nil, fmt.Errorf("a key is not a name")
			}
			kc, err := copyNode(k, depth+1)
			if err != nil {
				return nil, err
			}
			c.Content = append(c.Content, kc)
		}
		return c, nil
	}
	return nil, fmt.Errorf("not a value")
}

// Text returns the value when it is a single scalar, as Jekyll's to_s
// would give it for a word.
func (f Field) Text() (string, bool) {
	if f.value == nil || f.value.Kind != yaml.ScalarNode {
		return "", false
	}
	return f.value.Value, true
}

// Words returns the value as a list of words: a scalar is one, a list of
// scalars is each. ok is false for anything else.
func (f Field) Words() ([]string, bool) {
	if f.value == nil {
		return nil, false
	}
	switch f.value.Kind {
	case yaml.ScalarNode:
		if f.value.Style == 0 && (f.value.Value == "" || f.value.Value == "~" || strings.EqualFold(f.value.Value, "null")) {
			return nil, true
		}
		return []string{f.value.Value}, true
	case yaml.SequenceNode:
		var out []string
		for _, c := range f.value.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, false
			}
			out = append(out, c.Value)
		}
		return out, true
	}
	return nil, false
}

// Fill returns the field with each string in its value passed through
// fill (a template's {{ title }} made the title); a value changed so is
// written as a string.
func (f Field) Fill(fill func(string) string) Field {
	return Field{Key: f.Key, value: fillNode(f.value, fill)}
}

func fillNode(n *yaml.Node, fill func(string) string) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		if v := fill(n.Value); v != n.Value {
			return stringNode(v)
		}
		return n
	}
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 {
			c.Content[i] = k
			continue
		}
		c.Content[i] = fillNode(k, fill)
	}
	return &c
}

// templateVarRE is a template's {{ title }}, {{ date }} or {{ author }},
// spaces inside the braces optional. Nothing else in braces is touched:
// {{ page.title }} is Liquid, for Jekyll to fill.
var templateVarRE = regexp.MustCompile(`\{\{\s*(title|date|author)\s*\}\}`)

// FillPlaceholders replaces {{ title }}, {{ date }} and {{ author }} in s
// by their values (plain substitution, not a template engine).
func FillPlaceholders(s string, values map[string]string) string {
	return templateVarRE.ReplaceAllStringFunc(s, func(m string) string {
		return values[templateVarRE.FindStringSubmatch(m)[1]]
	})
}

// barePlaceholderRE is a front matter line "key: {{ title }}" with the
// placeholder unquoted, which YAML reads as a map in a map.
var barePlaceholderRE = regexp.MustCompile(`(?m)^(\s*(?:-\s+)?[^\s#][^:\n]*:[ \t]+|\s*-[ \t]+)(\{\{\s*(?:title|date|author)\s*\}\})[ \t]*$`)

// QuotePlaceholders quotes the placeholders that stand alone as a value
// in front matter text, so that YAML reads them as the strings they will
// become: "title: {{ title }}" is read as title: "{{ title }}".
func QuotePlaceholders(yamlText []byte) []byte {
	return barePlaceholderRE.ReplaceAll(yamlText, []byte(`$1"$2"`))
}

// writeField writes "key: value" with the value in block style where it
// is a map or holds one, in flow style for a list of scalars.
func writeField(b *strings.Builder, key string, v *yaml.Node, indent string) {
	b.WriteString(quoteScalar(key, false))
	b.WriteByte(':')
	switch v.Kind {
	case yaml.ScalarNode:
		if t := scalarText(v, false); t != "" {
			b.WriteByte(' ')
			b.WriteString(t)
		}
		b.WriteByte('\n')
	case yaml.SequenceNode:
		if flowable(v) {
			b.WriteByte(' ')
			b.WriteString(flowSeq(v))
			b.WriteByte('\n')
			return
		}
		b.WriteByte('\n')
		writeSeq(b, v, indent+"  ")
	case yaml.MappingNode:
		if len(v.Content) == 0 {
			b.WriteString(" {}\n")
			return
		}
		b.WriteByte('\n')
		writeMap(b, v, indent+"  ", false)
	}
}

func writeMap(b *strings.Builder, m *yaml.Node, indent string, onLine bool) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if i > 0 || !onLine {
			b.WriteString(indent)
		}
		writeField(b, m.Content[i].Value, m.Content[i+1], indent)
	}
}

func writeSeq(b *strings.Builder, s *yaml.Node, indent string) {
	for _, c := range s.Content {
		switch {
		case c.Kind == yaml.ScalarNode:
			b.WriteString(indent + "- " + nonEmpty(scalarText(c, false)) + "\n")
		case c.Kind == yaml.SequenceNode && flowable(c):
			b.WriteString(indent + "- " + flowSeq(c) + "\n")
		case c.Kind == yaml.MappingNode && len(c.Content) > 0:
			b.WriteString(indent + "- ")
			writeMap(b, c, indent+"  ", true)
		case c.Kind == yaml.MappingNode:
			b.WriteString(indent + "- {}\n")
		default:
			b.WriteString(indent + "-\n")
			writeSeq(b, c, indent+"  ")
		}
	}
}

func nonEmpty(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

// flowable: a list of scalars only, written [a, b].
func flowable(s *yaml.Node) bool {
	for _, c := range s.Content {
		if c.Kind != yaml.ScalarNode {
			return false
		}
	}
	return true
}

func flowSeq(s *yaml.Node) string {
	q := make([]string, len(s.Content))
	for i, c := range s.Content {
		q[i] = nonEmpty(scalarText(c, true))
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// scalarText writes a scalar so that Psych reads it as it was read: a
// plain one that Psych resolves to a boolean, number, date, time or null
// stays as written; every other value is a string, quoted only when YAML
// needs it (quoteScalar). A plain one Jekyll would read as something
// other than its text (a Ruby symbol, 0x1F) is written as that text,
// quoted. "" is a null written as nothing.
func scalarText(n *yaml.Node, flow bool) string {
	if n.Style == 0 {
		v, err := resolvePlain(n.Value, time.UTC)
		if err == nil && v.kind != kindString {
			if flow && strings.ContainsAny(n.Value, ",[]{}#") {
				return quoteScalar(n.Value, flow)
			}
			if v.kind == kindNull && n.Value == "" {
				return ""
			}
			return n.Value
		}
	}
	return quoteScalar(n.Value, flow)
}
