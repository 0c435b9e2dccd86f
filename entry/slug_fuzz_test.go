package entry

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// refSlugify is Jekyll 4.3's slugify transcribed literally, regexps and
// all, as an oracle for the rune loop of Slugify. Go's regexp uses Go's
// Unicode tables, so this checks the loop, not the tables (the live Jekyll
// test does that).
func refSlugify(title string, mode SlugMode) string {
	s := norm.NFC.String(strings.ToValidUTF8(title, "\uFFFD"))
	if mode == SlugLatin {
		var b strings.Builder
		for _, r := range s {
			if r < utf8.RuneSelf {
				b.WriteRune(r)
			} else if a, ok := latinApproximations[r]; ok {
				b.WriteString(a)
			} else {
				b.WriteByte('?')
			}
		}
		s = b.String()
	}
	s = refRegexps[mode].ReplaceAllString(s, "-")
	s = refTrim.ReplaceAllString(s, "")
	return strings.ToLower(strings.ReplaceAll(s, "İ", "i\u0307"))
}

var refRegexps = map[SlugMode]*regexp.Regexp{
	SlugRaw:     regexp.MustCompile(`[\t\n\v\f\r ]+`), // Ruby's \s
	SlugDefault: regexp.MustCompile(`[^\p{M}\p{L}\p{Nd}]+`),
	SlugPretty:  regexp.MustCompile(`[^\p{M}\p{L}\p{Nd}._~!$&'()+,;=@]+`),
	SlugASCII:   regexp.MustCompile(`[^A-Za-z0-9]+`),
	SlugLatin:   regexp.MustCompile(`[^\p{M}\p{L}\p{Nd}]+`),
}

// refTrim is gsub(/^-|-$/, ""), with Ruby's line anchors.
var refTrim = regexp.MustCompile(`(?m)^-|-$`)

const rubySpace = "\t\n\v\f\r "

func FuzzSlugify(f *testing.F) {
	for _, c := range slugCases {
		f.Add(c.in)
	}
	for _, s := range []string{"J\u030c", "İ\u0301", "\xff\xfe", "a\xcc", "\xf0\u0341", " -- ", "-\t-", "ǅ\u0345"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		// Lowercasing can make NFC text non-NFC: Jekyll turns "J̌" (J, U+030C)
		// into "j" + U+030C, which NFC writes as "ǰ". Only a title with a
		// rune that lowercasing changes may give such a slug.
		cased := strings.ContainsFunc(title, func(r rune) bool { return unicode.ToLower(r) != r })
		for _, mode := range slugModes {
			out := Slugify(title, mode)
			fail := func(what string) {
				t.Helper()
				t.Errorf("Slugify(%+q, %s) = %+q: %s", title, mode, out, what)
			}
			if ref := refSlugify(title, mode); out != ref {
				fail("the regexp transcription of Jekyll gives " + ref)
			}
			if !utf8.ValidString(out) {
				fail("invalid UTF-8")
			}
			if strings.ToLower(out) != out {
				fail("not lowercase")
			}
			if !cased && !norm.NFC.IsNormalString(out) {
				fail("not NFC")
			}
			if mode == SlugRaw {
				// Raw keeps "/", NUL and every space but Ruby's \s, and
				// Jekyll strips only one "-" a side: "---" gives "-", so a
				// "-" may be left at an end, but only from a title whose
				// end holds two hyphens or Ruby-space runs. Not idempotent:
				// " a " gives "-a-", then "a".
				if strings.ContainsAny(out, rubySpace) {
					fail("Ruby \\s in raw slug")
				}
				t1 := strings.TrimLeft(norm.NFC.String(title), rubySpace)
				if strings.HasPrefix(out, "-") && !strings.HasPrefix(t1, "-") {
					fail("leading - from a title not starting with [\\s]*-")
				}
				t2 := strings.TrimRight(norm.NFC.String(title), rubySpace)
				if strings.HasSuffix(out, "-") && !strings.HasSuffix(t2, "-") {
					fail("trailing - from a title not ending with -[\\s]*")
				}
				continue
			}
			if strings.HasPrefix(out, "-") || strings.HasSuffix(out, "-") || strings.Contains(out, "--") {
				fail("stray -")
			}
			for _, r := range out {
				ok := r == '-'
				switch mode {
				case SlugASCII, SlugLatin:
					ok = ok || 'a' <= r && r <= 'z' || '0' <= r && r <= '9'
				case SlugPretty:
					ok = ok || strings.ContainsRune("._~!$&'()+,;=@", r)
					fallthrough
				default:
					ok = ok || unicode.In(r, unicode.L, unicode.M, unicode.Nd)
				}
				if !ok {
					fail("has " + strconv.QuoteRune(r))
				}
			}
			// Implied by the above, but the reason slugs make file names.
			if strings.ContainsAny(out, "/\x00") || strings.ContainsFunc(out, unicode.IsSpace) {
				fail("has /, NUL or a space")
			}
			// Jekyll is idempotent in these modes; Slugify is too, up to
			// the NFC it applies first.
			if again := Slugify(out, mode); again != norm.NFC.String(out) {
				t.Errorf("Slugify(%+q, %s) = %+q, not NFC(%+q): not idempotent", out, mode, again, out)
			}
		}
	})
}
