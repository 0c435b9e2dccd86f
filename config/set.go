package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/gitdiary/diary/internal/atomicfile"
	"github.com/gitdiary/diary/internal/regular"
)

// Set writes key: value into file (creating it and its directory as
// needed), keeping the rest of the file — comments, other keys, their
// order, blank lines — as it was. It validates like Load (unknown key, bad
// zone, bad layout, bad slug mode, bad duration; secrets and repo are
// refused when shared is true, for .diary.yml). The value is stored as a
// YAML string; trailing line breaks are dropped, and a value of several
// lines is written as a literal block. The write is atomic (temp file in
// the same directory, fsync, rename); on any error the old file is
// untouched. Other keys already in the file are not validated. When file is
// a symbolic link, its target is rewritten.
func Set(file, key, value string, shared bool) error {
	return set(file, key, value, shared, "")
}

// SetLearned is Set for a value diary init learned from the site, into
// .diary.yml: from says what it was learned from ("its posts",
// "_config.yml defaults"), and is kept as the line's comment, which Load
// reads back into Source.Learned so that `diary config list` can say it.
// A later Set of the key drops the comment: the value is then the user's.
func SetLearned(file, key, value, from string) error {
	return set(file, key, value, true, from)
}

// learnedPrefix opens the comment that marks a learned value.
const learnedPrefix = "# learned by diary init from "

// comment is the line comment a key gets when it is set: the note of a
// learned value, else the comment it had, unless that was such a note.
func comment(old, learned string) string {
	if learned != "" {
		return learnedPrefix + learned
	}
	if strings.HasPrefix(old, learnedPrefix) {
		return ""
	}
	return old
}

// learnedFrom reads a learned value's note back from its line comment.
func learnedFrom(lineComment string) string {
	from, _ := strings.CutPrefix(lineComment, learnedPrefix)
	if from == lineComment {
		return ""
	}
	return strings.TrimSpace(from)
}

func set(file, key, value string, shared bool, learned string) error {
	if !isKey(key) {
		if shared && looksSecretKey(key) {
			return secretKeyError(file, key, 0)
		}
		return unknownKeyError(file, key, 0)
	}
	if shared && key == "repo" {
		return invalid(file, "repo is per machine: set it with diary config set repo DIR (without --shared), or use --repo")
	}
	value = normalize(value)
	if shared {
		if kind := secretKind(value); kind != "" {
			return secretValueError(file, key, kind, "")
		}
	}
	if err := validateValue(key, value, file); err != nil {
		return err
	}

	target := file
	if fi, err := os.Lstat(file); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		t, err := filepath.EvalSymlinks(file)
		if err != nil {
			return newError([]error{err}, file, "is a symbolic link that cannot be followed (%v): fix or remove it", err)
		}
		target = t
	}

	perm := fs.FileMode(0o600)
	dirPerm := fs.FileMode(0o700)
	if shared {
		perm, dirPerm = 0o644, 0o755
	}
	data, err := regular.ReadFile(target)
	switch {
	case err == nil:
		if fi, err := os.Stat(target); err == nil {
			perm = fi.Mode().Perm()
		}
	case errors.Is(err, fs.ErrNotExist):
		data = nil
	default:
		return readError(file, err)
	}

	out, err := setInBytes(file, data, key, value, learned)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(target), dirPerm); err != nil {
		return newError([]error{err}, file, "cannot create its directory (%v): create it or fix its permissions", unwrapPath(err))
	}
	if err := atomicfile.WriteFile(target, out, perm); err != nil {
		return newError([]error{err}, file, "cannot be written (%v): fix its permissions or free some space; the old file is unchanged", unwrapPath(err))
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// setInBytes returns data with key set to value. It edits the text in
// place when it can (a block mapping at the top, as config files are),
// which keeps every other byte; otherwise it re-encodes the yaml.v3 node
// tree, which keeps comments and order. Either way the result is parsed
// back and checked: the key reads as value, every other key as before.
func setInBytes(file string, data []byte, key, value, learned string) ([]byte, error) {
	doc, top, err := parseDoc(file, data)
	if err != nil {
		return nil, fmt.Errorf("%w (nothing was written)", err)
	}
	pairs, err := topPairs(file, top)
	if err != nil {
		return nil, fmt.Errorf("%w (nothing was written)", err)
	}
	before := pairTexts(pairs)

	if out, ok := spliceSet(data, top, pairs, key, value, learned); ok {
		if checkSet(file, out, key, value, before) == nil {
			return out, nil
		}
	}
	out, err := encodeSet(doc, top, key, value, learned)
	if err != nil {
		return nil, err
	}
	if err := checkSet(file, out, key, value, before); err != nil {
		return nil, err
	}
	return out, nil
}

// pairTexts maps each key to the text of its value, for checkSet.
func pairTexts(pairs []pair) map[string]string {
	m := map[string]string{}
	for _, p := range pairs {
		if t, ok := scalarText(p.valNode, nil); ok {
			m[p.key] = t
		} else {
			m[p.key] = "\x00" + describeKind(p.valNode)
		}
	}
	return m
}

// checkSet parses out and checks that key reads as value and that all
// other keys read as they did before.
func checkSet(file string, out []byte, key, value string, before map[string]string) error {
	_, top, err := parseDoc(file, out)
	if err == nil {
		var pairs []pair
		pairs, err = topPairs(file, top)
		if err == nil {
			after := pairTexts(pairs)
			if got := normalize(after[key]); got != value {
				err = fmt.Errorf("%s reads back as %q", key, got)
			}
			for k, v := range before {
				if k != key && after[k] != v {
					err = fmt.Errorf("%s changed", k)
				}
			}
			for k := range after {
				if _, ok := before[k]; !ok && k != key {
					err = fmt.Errorf("%s appeared", k)
				}
			}
		}
	}
	if err != nil {
		return fmt.Errorf("%s: cannot set %s without changing the rest of the file (%v): edit the file by hand; nothing was written", file, key, err)
	}
	return nil
}

// renderPair encodes "key: value" (with a line comment) as a block mapping.
func renderPair(key, value, comment string) ([]byte, error) {
	m := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: key},
		newValueNode(value, comment),
	}}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// newValueNode is the node for a string value: a literal block for several
// lines (when yaml.v3 can write it so that it reads back the same, which
// it cannot for some leading tabs and spaces), else a plain or quoted
// scalar as yaml.v3 chooses.
func newValueNode(value, comment string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value, LineComment: comment}
	if strings.Contains(value, "\n") {
		n.Style = yaml.LiteralStyle
		if !roundTrips(n) {
			n.Style = yaml.DoubleQuotedStyle
		}
	}
	return n
}

func roundTrips(n *yaml.Node) bool {
	b, err := yaml.Marshal(&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "k"}, n}})
	if err != nil {
		return false
	}
	var m map[string]string
	return yaml.Unmarshal(b, &m) == nil && m["k"] == n.Value
}

func lineComment(p pair) string {
	if p.valNode.LineComment != "" {
		return p.valNode.LineComment
	}
	return p.keyNode.LineComment
}

// spliceSet replaces the lines of key's pair in data (or appends the pair
// after the last one). ok is false when the file's shape does not allow it.
func spliceSet(data []byte, top *yaml.Node, pairs []pair, key, value, learned string) (out []byte, ok bool) {
	if top != nil && top.Style&yaml.FlowStyle != 0 {
		return nil, false
	}
	var explicit []pair
	for _, p := range pairs {
		if p.fromMerg {
			continue
		}
		if p.keyNode.Column != 1 || p.keyNode.Line <= 0 {
			return nil, false
		}
		explicit = append(explicit, p)
	}
	lines := splitLines(data)
	crlf := bytes.Contains(data, []byte("\r\n"))

	// Line ranges [start, end) (0-based) of each explicit pair.
	type span struct{ start, end int }
	spans := make([]span, len(explicit))
	for i, p := range explicit {
		start := p.keyNode.Line - 1
		end := len(lines)
		if i+1 < len(explicit) {
			end = explicit[i+1].keyNode.Line - 1
		}
		// Leave blank lines, comments and document markers that follow
		// the value where they are: they belong to what comes next.
		block := p.valNode.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
		minEnd := max(p.valNode.Line, p.keyNode.Line)
		for end > minEnd && trailer(lines[end-1], block) {
			end--
		}
		if end <= start || start >= len(lines) {
			return nil, false
		}
		spans[i] = span{start, end}
	}

	// topPairs refused duplicates, so key is at most once in the file.
	idx := -1
	for i, p := range explicit {
		if p.key == key {
			idx = i
		}
	}
	old := ""
	if idx >= 0 {
		old = lineComment(explicit[idx])
	}
	text, err := renderPair(key, value, comment(old, learned))
	if err != nil {
		return nil, false
	}
	if crlf {
		text = bytes.ReplaceAll(text, []byte("\n"), []byte("\r\n"))
	}

	var b bytes.Buffer
	if idx < 0 {
		at := len(lines)
		if len(spans) > 0 {
			at = spans[len(spans)-1].end
		}
		for _, l := range lines[:at] {
			b.Write(l)
		}
		if b.Len() > 0 && !bytes.HasSuffix(b.Bytes(), []byte("\n")) {
			if crlf {
				b.WriteString("\r")
			}
			b.WriteString("\n")
		}
		b.Write(text)
		for _, l := range lines[at:] {
			b.Write(l)
		}
		return b.Bytes(), true
	}
	sp := spans[idx]
	for _, l := range lines[:sp.start] {
		b.Write(l)
	}
	b.Write(text)
	for _, l := range lines[sp.end:] {
		b.Write(l)
	}
	return b.Bytes(), true
}

// trailer tells whether a line after a value belongs to what follows it: a
// blank line, a comment (for a block scalar, only one that is not
// indented, since indented lines are its content), or a document marker.
func trailer(line []byte, block bool) bool {
	s := strings.TrimRight(string(line), "\r\n")
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		return true
	case strings.HasPrefix(s, "#"):
		return true
	case strings.HasPrefix(t, "#") && !block:
		return true
	case s == "..." || s == "---" || strings.HasPrefix(s, "... ") || strings.HasPrefix(s, "--- "):
		return true
	}
	return false
}

func splitLines(data []byte) [][]byte {
	var lines [][]byte
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			lines = append(lines, data)
			break
		}
		lines = append(lines, data[:i+1])
		data = data[i+1:]
	}
	return lines
}

// encodeSet sets key in the node tree and re-encodes the whole document.
func encodeSet(doc, top *yaml.Node, key, value, learned string) ([]byte, error) {
	if top == nil {
		top = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		if doc == nil || doc.Kind != yaml.DocumentNode {
			doc = &yaml.Node{Kind: yaml.DocumentNode}
		}
		doc.Content = []*yaml.Node{top}
	}
	var content []*yaml.Node
	done := false
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if rk := resolve(k); !done && rk != nil && rk.Kind == yaml.ScalarNode && rk.Value == key && k.Tag != "!!merge" {
			done = true
			old := v.LineComment
			if old == "" {
				old = k.LineComment
			}
			nv := newValueNode(value, comment(old, learned))
			nv.HeadComment, nv.FootComment = v.HeadComment, v.FootComment
			nk := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key,
				HeadComment: k.HeadComment, FootComment: k.FootComment}
			content = append(content, nk, nv)
			continue
		}
		content = append(content, k, v)
	}
	if !done {
		content = append(content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key},
			newValueNode(value, comment("", learned)))
	}
	top.Content = content
	top.Style &^= yaml.FlowStyle
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("cannot encode %s: %w", key, err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
