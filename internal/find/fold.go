package find

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Folder folds text for matching: NFC (Unicode Standard Annex #15), then
// full case folding (Unicode's CaseFolding.txt, as golang.org/x/text/cases
// implements it), every run of white space made one space, and with
// accents the combining marks taken off (NFD, marks of category Mn
// removed, NFC again), so that "Café" finds "cafe". Korean written in NFD
// (as macOS writes it) folds to the same syllables as in NFC.
//
// A Folder keeps the folds of the characters it met; it is not safe for
// use by several goroutines at once.
type Folder struct {
	accents bool
	caser   cases.Caser
	strip   transform.Transformer
	memo    map[rune]string
	nfc     []byte
}

// NewFolder returns a Folder; accents says whether combining marks are
// folded away too.
func NewFolder(accents bool) *Folder {
	f := &Folder{accents: accents, caser: cases.Fold(), memo: map[rune]string{}}
	if accents {
		f.strip = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	}
	return f
}

// Append appends the folded src to dst. With offs non-nil, it also
// appends, for each byte appended, the offset in src (once made NFC) of
// the character it came from, and returns that NFC text's length as the
// last offset; src must then be NFC already (Snippet's text is).
func (f *Folder) Append(dst, src []byte, offs []int32) ([]byte, []int32) {
	if offs == nil && !norm.NFC.IsNormal(src) {
		f.nfc = norm.NFC.Append(f.nfc[:0], src...)
		src = f.nfc
	}
	space := len(dst) > 0 && dst[len(dst)-1] == ' '
	for i := 0; i < len(src); {
		c := src[i]
		start := i
		if c < utf8.RuneSelf {
			i++
			if asciiSpace[c] {
				if !space {
					dst = append(dst, ' ')
					offs = mark(offs, start, 1)
				}
				space = true
				continue
			}
			space = false
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			offs = mark(offs, start, 1)
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		i += size
		if hangulSyllable(r) { // caseless, no marks: itself
			space = false
			dst = append(dst, src[start:i]...)
			offs = mark(offs, start, size)
			continue
		}
		if unicode.IsSpace(r) {
			if !space {
				dst = append(dst, ' ')
				offs = mark(offs, start, 1)
			}
			space = true
			continue
		}
		s, ok := f.memo[r]
		if !ok {
			s = f.caser.String(string(r))
			if f.accents {
				s, _, _ = transform.String(f.strip, s)
			}
			f.memo[r] = s
		}
		if s != "" {
			space = false
		}
		dst = append(dst, s...)
		offs = mark(offs, start, len(s))
	}
	return dst, offs
}

func mark(offs []int32, at, n int) []int32 {
	if offs == nil {
		return nil
	}
	for range n {
		offs = append(offs, int32(at))
	}
	return offs
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// The prefilter. Most posts cannot match a query word, and telling that
// from their raw bytes is what makes search as fast as ripgrep: raw
// bytes, ASCII letters lowered, are searched for the folded word's
// pieces. That is exact for a post whose characters beyond ASCII are all
// "inert": folding and NFC make of them no ASCII, and no Hangul syllable
// that was not there, and never nothing. Then every ASCII letter and
// Hangul syllable of the folded text was one in the raw bytes, next to
// the same neighbours. A post with any other character (é, ’ is inert;
// a conjoining jamo of NFD Hangul, a Latin letter with a mark, a Kelvin
// sign that folds to k is not) is folded and matched in full.
//
// The inert characters are given by blocks of 64 code points among the
// three-byte UTF-8 sequences (U+0800..U+FFFF), named by the sequence's
// first two bytes; TestInertBlocks checks every character of them
// against golang.org/x/text.
var inertRanges = []struct {
	lo, hi  rune
	accents bool // inert with accents folded too (no combining marks)
}{
	{0x2000, 0x207F, true},  // general punctuation: ’ “ ” … and the spaces
	{0x3000, 0x30FF, false}, // CJK punctuation and kana: has combining marks (U+302A, U+3099)
	{0x3100, 0x9FFF, true},  // bopomofo, compatibility jamo, CJK
	{0xAC00, 0xD7FF, true},  // Hangul syllables, jamo extended-B
}

// inert[accents][block] for blocks (r >> 6) of U+0000..U+FFFF.
var inert = func() (t [2][1024]bool) {
	for _, r := range inertRanges {
		for b := r.lo >> 6; b <= r.hi>>6; b++ {
			t[0][b] = true
			t[1][b] = r.accents
		}
	}
	return t
}()

// lowerInert writes raw with ASCII letters lowered into buf and says
// whether every character of raw beyond ASCII is inert, and whether all
// of them are Hangul syllables (then raw is NFC: only a conjoining jamo
// after one, which is no syllable, could compose with it).
func lowerInert(buf, raw []byte, accents bool) ([]byte, bool, bool) {
	tab := &inert[0]
	if accents {
		tab = &inert[1]
	}
	buf = append(buf[:0], raw...)
	ok, simple := true, true
	for i := 0; i < len(buf); i++ {
		c := buf[i]
		switch {
		case c < utf8.RuneSelf:
			if 'A' <= c && c <= 'Z' {
				buf[i] = c + 'a' - 'A'
			}
		case c < 0xC0: // a continuation byte
		case c >= 0xE0 && c < 0xF0 && i+1 < len(buf):
			if i+2 >= len(buf) {
				ok, simple = false, false
				break
			}
			r := rune(c&0x0F)<<12 | rune(buf[i+1]&0x3F)<<6 | rune(buf[i+2]&0x3F)
			if !tab[r>>6] {
				ok = false
			}
			if !hangulSyllable(r) {
				simple = false
			}
		default:
			ok, simple = false, false
		}
	}
	return buf, ok, simple
}
