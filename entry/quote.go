package entry

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// Body returns what follows the front matter, or nil when the file has
// none that closes (Split's rule).
func Body(data []byte) []byte {
	parts, ok := Split(data)
	if !ok {
		return nil
	}
	if parts.Body == nil {
		return []byte{}
	}
	return parts.Body
}

// LeadingQuote returns the text of the blockquote a post's body opens
// with (blank lines before it skipped), without the "> " marks: the
// disclaimer, in a diary that has one. "" when the body opens otherwise.
func LeadingQuote(data []byte) string {
	body := string(Body(data))
	var lines []string
	for _, line := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		if len(lines) == 0 && strings.TrimSpace(line) == "" {
			continue
		}
		if !strings.HasPrefix(line, ">") {
			break
		}
		line = strings.TrimPrefix(line[1:], " ")
		lines = append(lines, strings.TrimRight(line, " \t"))
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// DateText returns the front matter date exactly as written, "" when there
// is none; init uses it to learn how a diary writes its dates.
func DateText(data []byte) string {
	parts, ok := Split(data)
	if !ok {
		return ""
	}
	for _, line := range strings.Split(string(parts.YAML), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimRight(line, "\r"), "date:"); ok {
			return strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return ""
}

// CategoriesAsList tells how a post writes its categories: list is true
// when its front matter gives categories as a YAML list, in flow
// ("categories: [Blog, Tutorial]", as Chirpy's posts do) or block style
// ("categories:" then "- Blog" lines, as minimal-mistakes' do); ok is
// false when it names no category at all. init uses it to learn a site's
// style.
func CategoriesAsList(data []byte) (list, ok bool) {
	parts, found := Split(data)
	if !found {
		return false, false
	}
	lines := strings.Split(strings.ReplaceAll(string(parts.YAML), "\r\n", "\n"), "\n")
	for i, line := range lines {
		key, v, found := strings.Cut(line, ":")
		if !found || (key != "categories" && key != "category") {
			continue
		}
		v = strings.TrimSpace(v)
		if i := strings.Index(v, " #"); i >= 0 {
			v = strings.TrimSpace(v[:i])
		}
		switch {
		case strings.HasPrefix(v, "#"), v == "":
			// A block list follows, or nothing.
			next := ""
			if i+1 < len(lines) {
				next = strings.TrimSpace(lines[i+1])
			}
			if strings.HasPrefix(next, "- ") || next == "-" {
				list, ok = true, true
			}
		case strings.HasPrefix(v, "["):
			list, ok = v != "[]", v != "[]"
		default:
			list, ok = false, true
		}
	}
	return list, ok
}

// How a post writes a list key (ListStyle).
const (
	StyleSingle = "single" // category: A, one text taken whole
	StyleList   = "list"   // a YAML list, flow or block
	StyleWords  = "words"  // categories: A B, tags: a b: Jekyll splits the text at blanks
)

// ListStyle says how the front matter of data writes key (category,
// categories or tags): StyleList for a YAML list, StyleWords for a text
// under categories or tags, StyleSingle for a text under category; ""
// when the key is missing, null or empty, or the front matter does not
// parse. init uses it to learn a site's categories and tags style.
func ListStyle(data []byte, key string) string {
	parts, ok := Split(data)
	if !ok {
		return ""
	}
	m, err := Mapping(parts)
	if err != nil || m == nil || m.Kind != yaml.MappingNode {
		return ""
	}
	style := ""
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != key {
			continue
		}
		v := m.Content[i+1]
		for v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		// The last of a key given twice, as Psych takes it.
		switch {
		case v.Kind == yaml.SequenceNode && len(v.Content) > 0:
			style = StyleList
		case v.Kind == yaml.ScalarNode && v.Tag != "!!null" && strings.TrimSpace(v.Value) != "":
			style = StyleWords
			if key == "category" {
				style = StyleSingle
			}
		default:
			style = ""
		}
	}
	return style
}
