package entry

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// Text returns the part of a post that is the writer's own words: the
// body under the front matter (all of data when it has none, as Jekyll
// reads such a file), without the opening blockquote, which is the
// disclaimer as diary writes it (DESIGN.md, Entry files: "> " before each
// line, then a blank line). A blockquote is the opening one when only
// blank lines come before it. Search and word counts read this text.
func Text(data []byte) []byte {
	_, text := YAMLAndText(data)
	return text
}

// YAMLAndText returns the front matter's YAML (nil for none) and Text,
// from one Split.
func YAMLAndText(data []byte) (yaml, text []byte) {
	body := data
	if p, ok := Split(data); ok {
		yaml, body = p.YAML, p.Body
	}
	return yaml, skipOpeningQuote(body)
}

func skipOpeningQuote(body []byte) []byte {
	rest := body
	for {
		line, tail, _ := bytes.Cut(rest, []byte{'\n'})
		if len(bytes.TrimSpace(line)) != 0 {
			break
		}
		if len(tail) == 0 && len(line) == len(rest) {
			return rest[len(rest):]
		}
		rest = tail
	}
	if len(rest) == 0 || rest[0] != '>' {
		return body
	}
	for len(rest) > 0 && rest[0] == '>' {
		_, tail, found := bytes.Cut(rest, []byte{'\n'})
		if !found {
			return rest[len(rest):]
		}
		rest = tail
	}
	return rest
}

// CountWords counts the words of text: runs of characters between white
// space (Unicode's, as unicode.IsSpace has it) that hold at least one
// letter or digit, so that Markdown's "-", "###" and "|" are not words,
// and a URL or "don't" is one. Korean is written with spaces between
// words (eojeol: 산책을 is one word with its particle), so Hangul counts
// the same way. Text with no spaces between words (Chinese, Japanese)
// counts each run as one word.
func CountWords(text []byte) int {
	n := 0
	counted := false
	for i := 0; i < len(text); {
		c := text[i]
		var space, wordy bool
		if c < utf8.RuneSelf {
			space = asciiSpace[c]
			wordy = 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9'
			i++
		} else if c >= 0xEA && c <= 0xED && i+2 < len(text) && hangul(text[i:i+3]) {
			space, wordy = false, true // a Hangul syllable: a letter
			i += 3
		} else {
			r, size := utf8.DecodeRune(text[i:])
			i += size
			space = unicode.IsSpace(r)
			wordy = unicode.IsLetter(r) || unicode.IsDigit(r)
		}
		if space {
			counted = false
			continue
		}
		if wordy && !counted {
			n++
			counted = true
		}
	}
	return n
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// hangul says whether b (3 bytes) is a Hangul syllable, U+AC00..U+D7A3.
func hangul(b []byte) bool {
	r := rune(b[0]&0x0F)<<12 | rune(b[1]&0x3F)<<6 | rune(b[2]&0x3F)
	return b[1]&0xC0 == 0x80 && b[2]&0xC0 == 0x80 && 0xAC00 <= r && r <= 0xD7A3
}
