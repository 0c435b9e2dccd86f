package entry

import (
	"bytes"
	"context"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
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
	body := data
	if p, ok := Split(data); ok {
		body = p.Body
	}
	return skipOpeningQuote(body)
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

// ReadAll reads the files at the slash-separated paths under root in
// parallel (twice as many readers as there are cores, as Scan reads) and
// calls fn with each one's bytes, or the error that kept it from being
// read. fn runs on the readers' goroutines, several at once; data is the
// reader's buffer, valid only until fn returns. Only regular files are
// read, never through a symbolic link, as Scan reads them.
func ReadAll(ctx context.Context, root string, paths []string, fn func(i int, data []byte, err error)) {
	var next atomic.Int64
	const chunk = 16
	workers := min(runtime.GOMAXPROCS(0)*2, (len(paths)+chunk-1)/chunk)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			for ctx.Err() == nil {
				from := int(next.Add(chunk)) - chunk
				if from >= len(paths) {
					return
				}
				for i := from; i < min(from+chunk, len(paths)); i++ {
					data, err := readFile(filepath.Join(root, filepath.FromSlash(paths[i])), &buf, -1)
					fn(i, data, err)
					if cap(buf) > 1<<20 {
						buf = nil // one huge file: let its buffer go
					}
				}
			}
		}()
	}
	wg.Wait()
}
