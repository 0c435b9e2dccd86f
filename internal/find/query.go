// Package find is diary search's query language, its Unicode folding,
// matching, ranking and snippets: what internal/app/search.go ties to the
// diary's posts. It reads no files and prints nothing.
package find

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Term is a word or a phrase of a query.
type Term struct {
	Text   string // as typed, NFC
	Phrase bool
	folded []byte   // Fold of Text: what is looked for
	pieces [][]byte // folded cut at spaces, for the prefilter
	fast   bool     // only ASCII and Hangul syllables: the prefilter may rule a file out
}

// Folded is what the term is looked for as, in folded text.
func (t *Term) Folded() []byte { return t.folded }

// Query is a parsed search: every one of Words must match (in the title,
// a front matter value or the text), none of Not may, and the entry must
// have every one of Tags and Categories and none of NotTags and
// NotCategories (compared folded, whole).
type Query struct {
	Words, Not                               []Term
	Tags, Categories, NotTags, NotCategories []string
	Accents                                  bool // Latin accents folded: cafe finds café
}

// ErrQuery marks a query that cannot be read; the message says why.
var ErrQuery = errors.New("bad query")

type queryError struct{ msg string }

func (e *queryError) Error() string        { return e.msg }
func (e *queryError) Is(target error) bool { return target == ErrQuery }

func badf(format string, args ...any) error {
	return &queryError{fmt.Sprintf(format, args...)}
}

// Parse reads a query from the command line's words. Each argument is
// read on its own:
//
//   - a word: it must occur (anywhere in a word: walk finds walking, 산책
//     finds 산책을);
//   - "a phrase" in double quotes: its words in that order, any white
//     space between them;
//   - an argument that holds white space and no double quote is a
//     phrase too: the shell took its quotes (diary search "moved to Seoul");
//   - -word or -"a phrase": it must not occur;
//   - tag:x, category:x (or -tag:x, -category:x): the entry has (or has
//     not) that tag or category; the value may be quoted.
//
// Matching is blind to case (Unicode case folding) and to NFC and NFD
// (both sides are read in NFC), and with accents also to Latin accents
// and other combining marks.
func Parse(args []string, accents bool) (*Query, error) {
	q := &Query{Accents: accents}
	f := NewFolder(accents)
	for _, a := range args {
		a = norm.NFC.String(a)
		if strings.TrimSpace(a) != "" && strings.IndexFunc(a, unicode.IsSpace) >= 0 && !strings.Contains(a, `"`) {
			neg := strings.HasPrefix(strings.TrimSpace(a), "-")
			text := strings.TrimSpace(a)
			if neg {
				text = strings.TrimSpace(text[1:])
			}
			if err := q.add(f, text, true, neg, a); err != nil {
				return nil, err
			}
			continue
		}
		if err := q.lex(f, a); err != nil {
			return nil, err
		}
	}
	if len(q.Words)+len(q.Not)+len(q.Tags)+len(q.Categories)+len(q.NotTags)+len(q.NotCategories) == 0 {
		return nil, badf("the query is empty: give a word to look for, as in diary search Seoul")
	}
	return q, nil
}

// lex reads one argument's tokens.
func (q *Query) lex(f *Folder, a string) error {
	s := a
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s == "" {
			return nil
		}
		neg := false
		if s[0] == '-' {
			neg = true
			s = s[1:]
			if s == "" || startsSpace(s) {
				return badf("%q: nothing after -: write -word to leave out entries with that word", a)
			}
		}
		var field string
		if lower := strings.ToLower(s); strings.HasPrefix(lower, "tag:") {
			field, s = "tag", s[len("tag:"):]
		} else if strings.HasPrefix(lower, "category:") {
			field, s = "category", s[len("category:"):]
		}
		var text string
		phrase := false
		if strings.HasPrefix(s, `"`) {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return badf("%q: a quote is not closed: close it, as in \"moved to Seoul\"", a)
			}
			text, s = s[1:1+end], s[2+end:]
			phrase = true
			if s != "" && !startsSpace(s) {
				return badf("%q: put a space after the closing quote", a)
			}
		} else {
			end := strings.IndexFunc(s, unicode.IsSpace)
			if end < 0 {
				end = len(s)
			}
			text, s = s[:end], s[end:]
			if strings.Contains(text, `"`) {
				return badf("%q: a quote inside a word: quote the whole phrase, as in \"moved to Seoul\"", a)
			}
		}
		text = strings.TrimSpace(text)
		switch field {
		case "tag", "category":
			if text == "" {
				return badf("%q: %s: needs a value, as in %s:travel", a, field, field)
			}
			fv, _ := f.Append(nil, []byte(text), nil)
			v := string(bytes.TrimSpace(fv))
			switch {
			case field == "tag" && neg:
				q.NotTags = append(q.NotTags, v)
			case field == "tag":
				q.Tags = append(q.Tags, v)
			case neg:
				q.NotCategories = append(q.NotCategories, v)
			default:
				q.Categories = append(q.Categories, v)
			}
		default:
			if err := q.add(f, text, phrase, neg, a); err != nil {
				return err
			}
		}
	}
}

func startsSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

func (q *Query) add(f *Folder, text string, phrase, neg bool, arg string) error {
	folded, _ := f.Append(nil, []byte(text), nil)
	folded = bytes.TrimSpace(folded)
	if len(folded) == 0 {
		return badf("%q: an empty phrase: put words between the quotes", arg)
	}
	t := Term{Text: text, Phrase: phrase, folded: folded, pieces: bytes.Fields(folded), fast: fastNeedle(folded)}
	if neg {
		q.Not = append(q.Not, t)
	} else {
		q.Words = append(q.Words, t)
	}
	return nil
}

// fastNeedle: the folded needle holds only ASCII and Hangul syllables,
// which the prefilter finds in a post's raw bytes (see Candidate).
func fastNeedle(b []byte) bool {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if !hangulSyllable(r) {
			return false
		}
		i += size
	}
	return true
}

func hangulSyllable(r rune) bool { return 0xAC00 <= r && r <= 0xD7A3 }
