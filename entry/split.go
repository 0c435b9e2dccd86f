package entry

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"sync"

	"github.com/adrg/frontmatter"
)

// Parts is a post cut where Jekyll cuts it: every field is a piece of the
// data given to Split, and BOM, Opener, YAML, Closer and Body put together
// are that data again.
type Parts struct {
	BOM    []byte // a UTF-8 byte order mark, which Jekyll drops on reading, or nil
	Opener []byte // the opening "---" line, with its line end
	YAML   []byte // the lines between the fences, with their line ends
	Closer []byte // the closing "---" or "..." line, with its line end if it has one
	Body   []byte // the rest
}

// Head returns the text Jekyll hands to Psych: the opening fence and the
// YAML, so that a YAML parser counts lines as the file does.
func (p *Parts) Head() []byte { return p.Opener[:len(p.Opener)+len(p.YAML)] }

// Split cuts a post or draft into its front matter and body by Jekyll's
// own rule, Jekyll::Document::YAML_FRONT_MATTER_REGEXP of Jekyll 3 and 4,
// \A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?) (multi-line mode), read on the
// file with a leading byte order mark dropped:
//
//   - the first line is "---", then only white space, then a line feed;
//   - the front matter ends at the first later line that is "---" or "..."
//     followed only by white space to its end (or the end of the file);
//   - white space is Ruby's \s, ASCII only: space, tab, CR, LF, FF, VT. A
//     CRLF line is a line whose white space ends in CR.
//
// ok is false when the file has no front matter by that rule: no opening
// line (Parts is empty), or none that closes (Parts holds the opening
// line and nothing after it). Every reader of front matter (Parse, the fast
// scan, the disclaimer and date readers, the merge of a post) cuts with
// Split, so that they agree with each other and with Jekyll.
//
// github.com/adrg/frontmatter, the product's chosen splitter, extracts
// the front matter. Two parts of Jekyll's rule it cannot express, so Split
// wraps it (fenceReader), and the wrapper ends up deciding where the
// front matter closes, which adrg/frontmatter then confirms:
//
//  1. adrg/frontmatter has one closing delimiter per format, and picks the
//     format by the opening line, so "---" and "..." cannot both close.
//  2. It compares lines with bytes.TrimSpace applied, so a line with
//     leading blanks ("  ---") or Unicode spaces ("---\u00a0") would close
//     the front matter too; and it skips blank lines before the opening
//     one, which Jekyll does not.
//
// So Split checks the opening line itself and finds Jekyll's closing line,
// and hands adrg/frontmatter the file through fenceReader, which rewrites
// it in place, keeping every byte's position: the closing line becomes
// "---", the lines between the fences become one line (their line feeds
// but the last turned into spaces; one that would still read as "---" gets
// an "x"), and the reader ends after the closing line (the body need not
// be copied). adrg/frontmatter then finds the front matter where Jekyll
// does, and its "unmarshal" counts the bytes between the fences: with the
// positions kept, that is where the front matter is in data. One line
// rather than many saves adrg/frontmatter a string per line, which the
// fast scan of a lifetime diary feels.
func Split(data []byte) (Parts, bool) {
	var p Parts
	if bytes.HasPrefix(data, bom) {
		p.BOM, data = data[:len(bom)], data[len(bom):]
	}
	nl := bytes.IndexByte(data, '\n')
	if nl < 0 || !isFence(data[:nl], "---") {
		return Parts{}, false
	}
	start := nl + 1
	closer, next := -1, len(data)
	for off := start; off < len(data); {
		end := len(data)
		if i := bytes.IndexByte(data[off:], '\n'); i >= 0 {
			end = off + i + 1
		}
		line := bytes.TrimSuffix(data[off:end], []byte("\n"))
		if isFence(line, "---") || isFence(line, "...") {
			closer, next = off, end
			break
		}
		off = end
	}
	if closer < 0 {
		// Opened, never closed: the opening line says so.
		return Parts{BOM: p.BOM, Opener: data[:start]}, false
	}

	s := splitters.Get().(*splitter)
	defer splitters.Put(s)
	r := &s.fr
	*r = fenceReader{data: data, yaml: start, closer: closer, end: next, mask: -1}
	defer func() { *r = fenceReader{} }() // keep no file alive in the pool
	if t := bytes.TrimSpace(data[start:closer]); len(t) == 3 && string(t) == "---" {
		r.mask = bytes.IndexByte(data[start:closer], '-') + start
	}
	s.br.Reset(r)
	var n int
	if _, err := frontmatter.MustParse(s.br, &n, splitFormats...); err != nil || start+n != closer {
		// adrg/frontmatter found no front matter, or other than
		// Jekyll's: never, while fenceReader keeps to the contract above.
		return Parts{BOM: p.BOM, Opener: data[:start]}, false
	}
	p.Opener = data[:start]
	p.YAML = data[start:closer]
	p.Closer = data[closer:next]
	p.Body = data[next:]
	return p, true
}

// splitter is a fenceReader and the buffered reader adrg/frontmatter
// reads it through, kept from file to file: adrg/frontmatter wraps its
// input in a 4 KB bufio.Reader unless it is given one (bufio.NewReader
// returns a large enough *bufio.Reader as it is), and that buffer was
// most of what the fast scan allocated per file.
type splitter struct {
	fr fenceReader
	br *bufio.Reader
}

var splitters = sync.Pool{New: func() any {
	s := new(splitter)
	s.br = bufio.NewReaderSize(&s.fr, 4096)
	return s
}}

// splitFormats is Jekyll's YAML front matter as adrg/frontmatter sees it
// through fenceReader; its "unmarshal" only counts the bytes between the
// fences, which Split then takes from the file itself.
var splitFormats = []*frontmatter.Format{frontmatter.NewFormat("---", "---", countBytes)}

func countBytes(data []byte, v any) error {
	n, ok := v.(*int)
	if !ok {
		return errors.New("entry: Split's format wants an *int")
	}
	*n = len(data)
	return nil
}

// isFence reports whether line (without its line feed) is word followed
// only by Ruby's \s white space.
func isFence(line []byte, word string) bool {
	if len(line) < len(word) || string(line[:len(word)]) != word {
		return false
	}
	for _, c := range line[len(word):] {
		switch c {
		case ' ', '\t', '\r', '\f', '\v':
		default:
			return false
		}
	}
	return true
}

// fenceReader gives adrg/frontmatter data[:end] rewritten in place (see
// Split): the opening line as it is; the YAML, data[yaml:closer], as one
// line; the closing line as "---" and its white space.
type fenceReader struct {
	data                   []byte
	yaml, closer, end, pos int
	mask                   int // the byte of the YAML to turn into "x", or -1
}

func (r *fenceReader) Read(b []byte) (int, error) {
	if r.pos >= r.end {
		return 0, io.EOF
	}
	n := copy(b, r.data[r.pos:r.end])
	for i := range n {
		at := r.pos + i
		switch {
		case at >= r.yaml && at < r.closer-1 && b[i] == '\n':
			b[i] = ' '
		case at >= r.closer && at < r.closer+3:
			b[i] = '-' // "..." closes as "---" does
		case at == r.mask:
			b[i] = 'x'
		}
	}
	r.pos += n
	return n, nil
}
