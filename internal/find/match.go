package find

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// Doc is one entry as the matcher sees it.
type Doc struct {
	Title            string
	Tags, Categories []string
	Date             time.Time
	Path             string
}

// Matcher matches a query against posts: one for each goroutine, as it
// keeps buffers from post to post.
type Matcher struct {
	q      *Query
	f      *Folder
	lower  []byte
	meta   []byte
	fm     []byte
	body   []byte
	offs   []int32
	nfc    []byte
	counts []int
	simple bool // the post is ASCII and Hangul syllables only: NFC already
	pos    []int32
}

// NewMatcher returns a Matcher of q.
func (q *Query) NewMatcher() *Matcher {
	return &Matcher{q: q, f: NewFolder(q.Accents), counts: make([]int, len(q.Words)), offs: make([]int32, 0, 4096)}
}

// Filter says whether the entry passes the query's tag: and category:
// parts, which need no reading of the post.
func (m *Matcher) Filter(d *Doc) bool {
	has := func(vals []string, want string) bool {
		for _, v := range vals {
			m.meta, _ = m.f.Append(m.meta[:0], []byte(v), nil)
			if string(bytes.TrimSpace(m.meta)) == want {
				return true
			}
		}
		return false
	}
	for _, t := range m.q.Tags {
		if !has(d.Tags, t) {
			return false
		}
	}
	for _, c := range m.q.Categories {
		if !has(d.Categories, c) {
			return false
		}
	}
	for _, t := range m.q.NotTags {
		if has(d.Tags, t) {
			return false
		}
	}
	for _, c := range m.q.NotCategories {
		if has(d.Categories, c) {
			return false
		}
	}
	return true
}

// NeedsText says whether the query looks at what posts say (it has words),
// or only at their tags and categories.
func (q *Query) NeedsText() bool { return len(q.Words)+len(q.Not) > 0 }

// Hit is an entry that matched.
type Hit struct {
	TitleHits int     // words of the query found in the title, tags or categories
	Score     float64 // relevance: see Rank
	Length    int     // length of the text, in folded bytes
	Snippet   Snippet
	counts    []int
}

// Snippet is a line of the post around the first match, with where the
// matches are in it.
type Snippet struct {
	Text  string
	Marks [][2]int // byte ranges of Text that matched, in order
}

// Match matches the post d, whose file holds raw (front matter and body),
// and returns its Hit, or nil. width is the snippet's width in cells.
//
// split cuts raw into its front matter's YAML and the text searched (the
// body without its disclaimer); it is called only for posts the
// prefilter lets through.
func (m *Matcher) Match(d *Doc, raw []byte, split func([]byte) (yaml, text []byte), width int) *Hit {
	q := m.q
	// The title, tags and categories: short, folded every time.
	m.meta = m.meta[:0]
	m.meta, _ = m.f.Append(m.meta, []byte(d.Title), nil)
	for _, v := range d.Tags {
		m.meta = append(m.meta, '\n')
		m.meta, _ = m.f.Append(m.meta, []byte(v), nil)
	}
	for _, v := range d.Categories {
		m.meta = append(m.meta, '\n')
		m.meta, _ = m.f.Append(m.meta, []byte(v), nil)
	}
	m.simple = false
	if !m.candidate(raw) {
		return nil
	}
	fmYAML, text := split(raw)
	m.fm, _ = m.f.Append(m.fm[:0], frontMatterValues(fmYAML), nil)
	// The text: NFC first, so that the offsets of its folding point into
	// the NFC text the snippet is cut from.
	nfc := text
	if !m.simple && !isNFC(text) {
		m.nfc = normNFC(m.nfc[:0], text)
		nfc = m.nfc
	}
	m.body, m.offs = m.f.Append(m.body[:0], nfc, m.offs[:0])
	h := &Hit{Length: len(m.body)}
	for i := range q.Words {
		t := &q.Words[i]
		inMeta := bytes.Contains(m.meta, t.folded)
		n := bytes.Count(m.body, t.folded)
		if n == 0 && !inMeta && !bytes.Contains(m.fm, t.folded) {
			return nil
		}
		if inMeta {
			h.TitleHits++
		}
		m.counts[i] = n
	}
	for i := range q.Not {
		t := &q.Not[i]
		if bytes.Contains(m.meta, t.folded) || bytes.Contains(m.body, t.folded) || bytes.Contains(m.fm, t.folded) {
			return nil
		}
	}
	h.counts = slices.Clone(m.counts)
	h.Snippet = m.snippet(nfc, width)
	return h
}

// candidate is the prefilter: false only for a post that cannot match
// (see inertRanges for why it is exact).
func (m *Matcher) candidate(raw []byte) bool {
	q := m.q
	if len(q.Words) == 0 {
		return true
	}
	for i := range q.Words {
		if !q.Words[i].fast {
			return true
		}
	}
	var ok bool
	m.lower, ok, m.simple = lowerInert(m.lower, raw, q.Accents)
	for i := range q.Words {
		t := &q.Words[i]
		if bytes.Contains(m.meta, t.folded) {
			continue
		}
		for _, p := range t.pieces {
			if !bytes.Contains(m.lower, p) {
				return !ok
			}
		}
	}
	return true
}

// frontMatterValues is the front matter as written, each line's key left
// out (a line "key: value" gives "value"), so that a query word meets the
// values, not the names every post has.
func frontMatterValues(yaml []byte) []byte {
	var out []byte
	for len(yaml) > 0 {
		line, rest, _ := bytes.Cut(yaml, []byte{'\n'})
		yaml = rest
		l := bytes.TrimLeft(line, " \t-")
		if i := bytes.IndexByte(l, ':'); i > 0 && isKey(l[:i]) && (i+1 == len(l) || l[i+1] == ' ' || l[i+1] == '\t' || l[i+1] == '\r') {
			l = l[i+1:]
		}
		out = append(append(out, l...), '\n')
	}
	return out
}

func isKey(k []byte) bool {
	for _, c := range k {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// snippet cuts about width cells of text around the first match of a
// query word, on one line, with every match in it marked. With no match
// in the text (the title matched), it is the text's start.
func (m *Matcher) snippet(text []byte, width int) Snippet {
	width = max(width, 20)
	first := -1
	for i := range m.q.Words {
		if j := bytes.Index(m.body, m.q.Words[i].folded); j >= 0 && (first < 0 || j < first) {
			first = j
		}
	}
	start := 0
	if first >= 0 {
		at := int(m.offs[first])
		// Back up a third of the width, to a space where there is one.
		start = at
		cells := 0
		for start > 0 && cells < width/3 {
			r, size := utf8.DecodeLastRune(text[:start])
			start -= size
			cells += runewidth.RuneWidth(r)
		}
		if start > 0 {
			if sp := bytes.IndexAny(text[start:at], " \n\t"); sp >= 0 {
				start += sp + 1
			}
		}
	}
	// Forward to width cells, white space made single spaces.
	var out []byte
	// pos[i]: where text[start+i] is in out, for character starts.
	pos := m.pos[:0]
	setPos := func(at, o int) {
		for len(pos) <= at-start {
			pos = append(pos, -1)
		}
		pos[at-start] = int32(o)
	}
	cells := 0
	end := start
	prefix := start > 0
	if prefix {
		out = append(out, "…"...)
		cells++
	}
	space := true
	for end < len(text) {
		r, size := utf8.DecodeRune(text[end:])
		w := runewidth.RuneWidth(r)
		if r == ' ' || r == '\n' || r == '\t' || r == '\r' {
			if space {
				setPos(end, len(out))
				end += size
				continue
			}
			r, w, space = ' ', 1, true
		} else {
			space = false
		}
		if cells+w > width-1 {
			break
		}
		setPos(end, len(out))
		out = utf8.AppendRune(out, r)
		cells += w
		end += size
	}
	setPos(end, len(out))
	out = bytes.TrimRight(out, " ") // the white space the text ends with, or where it is cut
	if end < len(text) {
		out = append(out, "…"...)
	}
	m.pos = pos
	s := Snippet{Text: string(out)}
	// The marks: every match whose characters lie in [start, end).
	for i := range m.q.Words {
		needle := m.q.Words[i].folded
		for j := 0; ; {
			k := bytes.Index(m.body[j:], needle)
			if k < 0 {
				break
			}
			a := j + k
			b := a + len(needle)
			j = a + max(1, len(needle))
			ts := int(m.offs[a])
			last := int(m.offs[b-1])
			_, size := utf8.DecodeRune(text[last:])
			te := last + size
			if ts < start || te > end {
				if ts >= end {
					break
				}
				continue
			}
			if os, oe := int(pos[ts-start]), int(pos[te-start]); os >= 0 && oe > os {
				s.Marks = append(s.Marks, [2]int{os, oe})
			}
		}
	}
	slices.SortFunc(s.Marks, func(a, b [2]int) int { return cmp.Compare(a[0], b[0]) })
	// Overlapping marks (two words, one inside the other) become one.
	merged := s.Marks[:0]
	for _, mk := range s.Marks {
		if n := len(merged); n > 0 && mk[0] <= merged[n-1][1] {
			merged[n-1][1] = max(merged[n-1][1], mk[1])
			continue
		}
		merged = append(merged, mk)
	}
	s.Marks = merged
	if len(s.Marks) == 0 {
		s.Marks = nil
	}
	return s
}

// Ranked is a Hit with the entry it is of.
type Ranked struct {
	*Hit
	Doc *Doc
	Key int // the caller's index of the entry
}

// Rank orders hits: first by how many of the query's words are in the
// title, tags or categories; then by relevance, BM25 (Robertson and
// Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond",
// 2009) over the texts that matched, k1 = 1.2, b = 0.75, each word
// weighted by its inverse document frequency among all the entries
// searched (n of them); then newest first; then by path.
func Rank(hits []Ranked, q *Query, n int) {
	if len(hits) == 0 {
		return
	}
	df := make([]int, len(q.Words))
	total := 0
	for _, h := range hits {
		total += h.Length
		for i, c := range h.counts {
			if c > 0 {
				df[i]++
			}
		}
	}
	avg := float64(total) / float64(len(hits))
	if avg == 0 {
		avg = 1
	}
	const k1, b = 1.2, 0.75
	for _, h := range hits {
		s := 0.0
		for i, c := range h.counts {
			idf := math.Log(1 + (float64(n)-float64(df[i])+0.5)/(float64(df[i])+0.5))
			tf := float64(c)
			s += idf * tf * (k1 + 1) / (tf + k1*(1-b+b*float64(h.Length)/avg))
		}
		h.Score = s
	}
	slices.SortStableFunc(hits, func(x, y Ranked) int {
		if c := cmp.Compare(y.TitleHits, x.TitleHits); c != 0 {
			return c
		}
		if c := cmp.Compare(y.Score, x.Score); c != 0 {
			return c
		}
		if c := y.Doc.Date.Compare(x.Doc.Date); c != 0 {
			return c
		}
		return cmp.Compare(x.Doc.Path, y.Doc.Path)
	})
}
