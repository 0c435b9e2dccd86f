package entry

import (
	"strings"
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
