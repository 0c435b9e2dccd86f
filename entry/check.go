package entry

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// ErrUnbuildable is what every ValueError is: a value that Jekyll
// cannot build into the site. diary refuses to write such a value (exit
// 2) and sync refuses to push a post that holds one (its LintSite).
var ErrUnbuildable = errors.New("jekyll cannot build it")

// ValueError says which front matter value would break the build, and why.
type ValueError struct {
	Field  string // FieldTitle, FieldCategory or FieldTag
	Value  string
	Reason string // ends with what to do
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("%s %q %s", e.Field, e.Value, e.Reason)
}

// Is makes errors.Is(err, ErrUnbuildable) true for every ValueError.
func (e *ValueError) Is(target error) bool { return target == ErrUnbuildable }

// MaxCategory is the longest category, in bytes, that diary writes or
// publishes. Jekyll's default permalinks (date, pretty, ordinal) make
// each category a folder of _site, and no common file system takes a
// name over 255 bytes (ENAMETOOLONG: the build stops and nothing is
// published); DESIGN.md keeps a margin under that for the downcased
// form and for file systems with shorter names.
const MaxCategory = 200

// The front matter fields CheckValue knows. A category also names a
// folder and a URL segment; a title and a tag are only text.
const (
	FieldTitle    = "title"
	FieldCategory = "category"
	FieldTag      = "tag"
)

// CheckValue returns why value, as the front matter field (FieldTitle,
// FieldCategory or FieldTag) of a post, would break the Jekyll build, or
// nil when it builds. Each rule was seen to break Jekyll 4.3's build
// (sync/lint_jekyll_test.go shows it again on every run):
//
//   - text that is not UTF-8, or holds a control character other than the
//     tab (C0, DEL, C1), U+FFFE or U+FFFF: YAML 1.1 (section 5.1,
//     "Character Set") does not allow them in a document, so Psych stops
//     at "control characters are not allowed", Jekyll drops the whole front
//     matter and publishes the post untitled, at the wrong URL; a NUL in a
//     category stops the build (a file name cannot hold it);
//   - a category over MaxCategory bytes: see MaxCategory.
//
// A category holding ":" is no value of its own that breaks the build: it
// does only where the site's permalink makes it the start of the post's
// URL (:categories, the default), and URL (which knows the permalink)
// refuses it there with a ValueError, which diary new, sync and status
// report as they report these.
//
// The message names the field and the value, and says what to do.
func CheckValue(field, value string) error {
	bad := func(format string, args ...any) error {
		return &ValueError{Field: field, Value: value, Reason: fmt.Sprintf(format, args...)}
	}
	if !utf8.ValidString(value) {
		return bad("is not valid UTF-8 text: type it again")
	}
	for _, r := range value {
		if r == '\t' {
			continue // YAML holds a tab in a quoted scalar; titles keep it
		}
		if r == 0 && field == FieldCategory {
			return bad("holds U+0000, which no file name can hold (the whole site fails to build): leave it out")
		}
		if unicode.IsControl(r) || r == 0xfffe || r == 0xffff {
			return bad("holds %U, which YAML front matter cannot hold as typed (Jekyll then drops the post's front matter): leave it out", r)
		}
	}
	if field != FieldCategory {
		return nil
	}
	if len(value) > MaxCategory {
		return bad("is %d bytes long, over %d: Jekyll makes a folder of it, and file systems refuse names that long; shorten it", len(value), MaxCategory)
	}
	return nil
}

// Check returns why e would break the Jekyll build (CheckValue for its
// title, each category and each tag), or nil when it builds.
func (e *Entry) Check() error {
	if err := CheckValue(FieldTitle, e.Title); err != nil {
		return err
	}
	for _, c := range e.Categories {
		if err := CheckValue(FieldCategory, c); err != nil {
			return err
		}
	}
	for _, t := range e.Tags {
		if err := CheckValue(FieldTag, t); err != nil {
			return err
		}
	}
	return nil
}
