package entry

import "bytes"

// FrontMatter is a file cut where Jekyll cuts it. Open, YAML, Close and
// Body are consecutive slices of the file: joined, they give it back byte
// for byte.
type FrontMatter struct {
	Open  []byte // the opening "---" line with its line end, after a byte order mark if the file has one
	YAML  []byte // the lines between the two fences: empty, or ending in a line end
	Close []byte // the closing "---" or "..." line, with its line end unless it is the file's last line
	Body  []byte // the rest of the file
}

// SplitFrontMatter cuts data at its front matter by Jekyll's own rule
// (Jekyll 4.3's Document::YAML_FRONT_MATTER_REGEXP,
// /\A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)/m, after Ruby's "bom|utf-8"
// read drops a byte order mark): the first line is "---", the front
// matter ends at the first later line that is "---" or "...", each
// followed by nothing but Ruby's white space (space, tab, CR, FF, VT).
// So CRLF line ends are fine, a closing fence may be the last line
// without a line end, an indented fence closes nothing, and a line that
// ends in a lone CR is no line end. Black-box runs of jekyll 4.3.1 build
// posts so (see TestSplitFrontMatter).
//
// ok is false when data has no front matter: then Open is set when the
// file opens with a fence that nothing closes (Jekyll then reads the
// whole file as the body), and nil when it does not open with one.
//
// adrg/frontmatter is not used for this: it closes at a line that is
// "---" once white space is trimmed from both ends (an indented fence
// closes there, not in Jekyll) and takes one closing delimiter per
// format, so "..." and "---" cannot both close one opened by "---".
func SplitFrontMatter(data []byte) (fm FrontMatter, ok bool) {
	rest := bytes.TrimPrefix(data, bom)
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 || !isFence(rest[:nl], false) {
		return FrontMatter{}, false
	}
	open := len(data) - len(rest) + nl + 1
	fm.Open = data[:open]
	for off := open; off < len(data); {
		line := data[off:]
		next := len(data)
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
			next = off + i + 1
		}
		if isFence(line, true) {
			fm.YAML = data[open:off]
			fm.Close = data[off:next]
			fm.Body = data[next:]
			return fm, true
		}
		off = next
	}
	return fm, false
}

// isFence reports whether line (without its "\n") is a front matter
// fence: "---", or "..." when closing, then Ruby's \s at most.
func isFence(line []byte, closing bool) bool {
	if len(line) < 3 {
		return false
	}
	if head := string(line[:3]); head != "---" && !(closing && head == "...") {
		return false
	}
	for _, c := range line[3:] {
		switch c {
		case ' ', '\t', '\r', '\f', '\v':
		default:
			return false
		}
	}
	return true
}
