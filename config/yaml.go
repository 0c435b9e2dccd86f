package config

import (
	"bytes"
	"errors"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
)

// pair is one top-level key: value of a config file, as written.
type pair struct {
	key      string
	keyNode  *yaml.Node
	valNode  *yaml.Node // aliases not resolved
	fromMerg bool       // came in through a "<<" merge key
}

// parseDoc parses a config file's bytes into its document node and its
// top-level mapping. top is nil for a file with no content (empty, only
// comments, or a null document).
func parseDoc(file string, data []byte) (doc, top *yaml.Node, err error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	doc = new(yaml.Node)
	if err := dec.Decode(doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, nil
		}
		return nil, nil, syntaxError(file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, nil, syntaxError(file, err)
		}
		return nil, nil, invalid(file, "holds more than one YAML document (a second \"---\" on line %d): keep one", extra.Line)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return doc, nil, nil
	}
	top = doc.Content[0]
	switch {
	case top.Kind == yaml.MappingNode:
		return doc, top, nil
	case top.Kind == yaml.ScalarNode && top.Tag == "!!null":
		return doc, nil, nil
	}
	return nil, nil, invalid(file, "is %s, not lines of key: value: write settings as e.g. author: Kim", describeKind(top))
}

// syntaxError reports broken YAML, with the line that yaml.v3 names.
func syntaxError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.ReplaceAll(msg, "\n", "; ")
	return newError([]error{ErrInvalid, err}, file, "invalid YAML: %s: fix the syntax there (settings look like author: Kim)", msg)
}

func describeKind(n *yaml.Node) string {
	n = resolve(n)
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a map"
	case yaml.ScalarNode:
		return "a single value"
	}
	return "empty"
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// topPairs lists the top-level pairs of a mapping in file order, with the
// pairs that "<<" merge keys bring in after them (only for keys not given
// explicitly). A key given twice is an error.
func topPairs(file string, top *yaml.Node) ([]pair, error) {
	if top == nil {
		return nil, nil
	}
	var out []pair
	seen := map[string]int{}
	var merged []pair
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merged = append(merged, mergePairs(v, 0)...)
			continue
		}
		rk := resolve(k)
		if rk == nil || rk.Kind != yaml.ScalarNode {
			return nil, invalid(file, "has %s as a key on line %d: keys are names such as author", describeKind(k), k.Line)
		}
		if first, dup := seen[rk.Value]; dup {
			return nil, invalid(file, "key %q is set twice, on lines %d and %d: keep one", rk.Value, first, k.Line)
		}
		seen[rk.Value] = k.Line
		out = append(out, pair{key: rk.Value, keyNode: k, valNode: v})
	}
	for _, p := range merged {
		if _, ok := seen[p.key]; ok {
			continue
		}
		seen[p.key] = p.keyNode.Line
		out = append(out, p)
	}
	return out, nil
}

// mergePairs lists the pairs a "<<" merge value brings in: a mapping, an
// alias of one, or a list of those (earlier ones win).
func mergePairs(v *yaml.Node, depth int) []pair {
	v = resolve(v)
	if v == nil || depth > 10 {
		return nil
	}
	var out []pair
	switch v.Kind {
	case yaml.MappingNode:
		// The mapping's own keys win over what it merges in.
		var nested []pair
		for i := 0; i+1 < len(v.Content); i += 2 {
			k, val := v.Content[i], v.Content[i+1]
			if k.Tag == "!!merge" {
				nested = append(nested, mergePairs(val, depth+1)...)
				continue
			}
			if rk := resolve(k); rk != nil && rk.Kind == yaml.ScalarNode {
				out = append(out, pair{key: rk.Value, keyNode: k, valNode: val, fromMerg: true})
			}
		}
		out = append(out, nested...)
	case yaml.SequenceNode:
		for _, m := range v.Content {
			out = append(out, mergePairs(m, depth+1)...)
		}
	}
	// Within one merge, the first occurrence of a key wins.
	seen := map[string]bool{}
	uniq := out[:0]
	for _, p := range out {
		if !seen[p.key] {
			seen[p.key] = true
			uniq = append(uniq, p)
		}
	}
	return uniq
}

// scalarText is the string a scalar value stands for: "" for null. ok is
// false for a list or a map. viperVal, when it is a string, is what viper
// read for the key; otherwise (numbers, booleans, dates, which viper
// converts) the text as written in the file is used, so that 010 stays 010
// and 2006-01-02 stays a string.
func scalarText(n *yaml.Node, viperVal any) (text string, ok bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", false
	}
	if n.Tag == "!!null" {
		return "", true
	}
	if s, isStr := viperVal.(string); isStr {
		return s, true
	}
	return n.Value, true
}

// normalize drops the line breaks at the end of a value (a YAML block
// scalar "|" keeps one) so that a value reads the same from every layer.
func normalize(v string) string {
	return strings.TrimRight(v, "\r\n")
}

// mapText is front_matter's value as text: a map is written in YAML's
// flow style, {comments: true}, which is also how DIARY_FRONT_MATTER and
// diary config set give it (as a string); ok is false for a list.
func mapText(n *yaml.Node, text string, scalarOK bool) (string, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return text, scalarOK
	}
	flow := flowCopy(n, 0)
	out, err := yaml.Marshal(flow)
	if err != nil {
		return "", false
	}
	return strings.TrimRight(string(out), "\n"), true
}

// flowCopy copies n with aliases followed, its maps and lists in flow
// style, and no comments.
func flowCopy(n *yaml.Node, depth int) *yaml.Node {
	n = resolve(n)
	c := &yaml.Node{Kind: n.Kind, Tag: n.Tag, Value: n.Value, Style: n.Style}
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		c.Style = yaml.FlowStyle
		if depth < 50 {
			for _, k := range n.Content {
				c.Content = append(c.Content, flowCopy(k, depth+1))
			}
		}
	}
	return c
}
