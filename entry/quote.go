package entry

import (
	"bytes"
	"strings"
)

// Body returns what follows the front matter, or nil when the file has
// none that closes.
func Body(data []byte) []byte {
	data = bytes.TrimPrefix(data, bom)
	first, rest, ok := bytes.Cut(data, []byte("\n"))
	if !ok || string(bytes.TrimRight(first, " \t\r")) != "---" {
		return nil
	}
	for len(rest) > 0 {
		line, next, _ := bytes.Cut(rest, []byte("\n"))
		if t := string(bytes.TrimRight(line, " \t\r")); t == "---" || t == "..." {
			return next
		}
		rest = next
	}
	return nil
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
	body := Body(data)
	if body == nil {
		return ""
	}
	fm := bytes.TrimPrefix(data, bom)
	fm = fm[:len(fm)-len(body)]
	for _, line := range strings.Split(string(fm), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimRight(line, "\r"), "date:"); ok {
			return strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return ""
}
