package entry

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// SlugMode is one of Jekyll's slugify modes.
type SlugMode string

// The modes of Jekyll 4's Utils.slugify. Jekyll also treats any other name
// (such as "none") as "return the title downcased"; that keeps "/" and ".."
// and so is no file name, and is not offered here.
const (
	SlugDefault SlugMode = "default"
	SlugRaw     SlugMode = "raw"
	SlugPretty  SlugMode = "pretty"
	SlugASCII   SlugMode = "ascii"
	SlugLatin   SlugMode = "latin"
)

// ParseSlugMode returns the mode named s, or an error listing the valid modes.
// Names are matched exactly, as Jekyll matches them.
func ParseSlugMode(s string) (SlugMode, error) {
	switch m := SlugMode(s); m {
	case SlugDefault, SlugRaw, SlugPretty, SlugASCII, SlugLatin:
		return m, nil
	}
	return "", fmt.Errorf("unknown slug mode %q: use default, raw, pretty, ascii or latin", s)
}

// Slugify returns what Jekyll 4's Jekyll::Utils.slugify(title, mode: mode)
// returns (cased: false, i.e. lowercased) for the NFC-normalised title; ""
// when nothing is left.
//
// Jekyll 4.3 (lib/jekyll/utils.rb) replaces every run of characters that the
// mode does not keep with one "-", removes one "-" at each end and
// downcases. A character is kept when it is
//
//	raw:     not one of Ruby's \s, [ \t\n\v\f\r]
//	default: \p{L}, \p{M} or \p{Nd}
//	pretty:  as default, or one of ._~!$&'()+,;=@
//	ascii:   [A-Za-z0-9]
//	latin:   as default, in the I18n.transliterate of the title, which is
//	         ASCII, so in effect [A-Za-z0-9] of the transliteration
//
// Here that is one pass over the runes rather than Jekyll's regexps.
//
// Raw slugs keep "/", "..", NUL and non-ASCII spaces, and pretty ones "..":
// neither is safe as a bare file name.
//
// As in Jekyll, the slug need not be NFC: downcasing "J" + U+030C gives
// "j" + U+030C, whose NFC is "ǰ". It is returned as Jekyll spells it, as
// URLs must match.
//
// An empty mode means SlugDefault, as a nil mode does in Jekyll. Any other
// unknown mode also means SlugDefault (Jekyll would merely downcase the
// title); use ParseSlugMode to reject those. Each run of invalid UTF-8, on
// which Ruby raises, is read as one U+FFFD.
//
// Which characters are letters, marks or digits, and their lowercase, come
// from Go's Unicode tables (unicode.Version) where Jekyll's come from
// Ruby's: a letter added to Unicode after Ruby's version is kept here but
// replaced by Jekyll. Every code point assigned in both agrees.
func Slugify(title string, mode SlugMode) string { return slugify(title, mode, false) }

// SlugifyCased is Slugify with Jekyll's cased: true: the kept
// characters keep their case. Jekyll's :title permalink placeholder is
// the pretty-mode, cased slug of the post's slug (Jekyll::Drops::UrlDrop).
func SlugifyCased(title string, mode SlugMode) string { return slugify(title, mode, true) }

func slugify(title string, mode SlugMode, cased bool) string {
	switch mode {
	case SlugRaw, SlugPretty, SlugASCII, SlugLatin:
	default:
		mode = SlugDefault
	}
	if !isASCII(title) { // ASCII is valid and NFC: skip two scans
		// Ruby raises on invalid UTF-8; norm would pass it through and
		// then leave the marks after it unnormalised.
		if !utf8.ValidString(title) {
			title = strings.ToValidUTF8(title, "\uFFFD")
		}
		// Ruby's regexps see code points, so "e" + U+0301 and "é" would
		// slug differently (latin: "e" vs "e"+"?"); normalising first
		// makes both spellings of a title one slug. String returns title
		// itself, without copying, when it is already NFC.
		title = norm.NFC.String(title)
	}

	var b strings.Builder
	b.Grow(len(title))
	// inRun is true when the last thing written is the "-" that stands for
	// a run of dropped characters, so that the rest of the run adds nothing.
	inRun := false
	put := func(r rune, keep bool) {
		switch {
		case keep:
			if cased {
				b.WriteRune(r)
			} else {
				writeLower(&b, r)
			}
			inRun = false
		case !inRun:
			b.WriteByte('-')
			inRun = true
		}
	}
	for _, r := range title {
		if mode == SlugLatin && r >= utf8.RuneSelf {
			// I18n.transliterate replaces each non-ASCII code point with
			// its approximation, or with "?" when it has none.
			s, ok := latinApproximations[r]
			if !ok {
				s = "?"
			}
			for i := 0; i < len(s); i++ {
				put(rune(s[i]), isASCIIAlnum(rune(s[i])))
			}
			continue
		}
		put(r, keeps(mode, r))
	}
	s := b.String()
	// Jekyll's gsub(/^-|-$/, "") removes only one "-" at each end, which
	// matters in raw mode, where a "-" of the title is kept as is
	// (" -a- " gives "-a-"). Ruby's ^ and $ are line anchors, but no mode
	// keeps "\n", so they anchor at the ends of the string only.
	s = strings.TrimPrefix(s, "-")
	s = strings.TrimSuffix(s, "-")
	return s
}

// keeps reports whether mode keeps r rather than folding it into a "-" run.
func keeps(mode SlugMode, r rune) bool {
	switch mode {
	case SlugRaw:
		// Ruby's \s is ASCII only: U+00A0 and U+3000 are kept.
		return r != ' ' && (r < '\t' || r > '\r')
	case SlugASCII, SlugLatin:
		return isASCIIAlnum(r)
	case SlugPretty:
		switch r {
		case '.', '_', '~', '!', '$', '&', '\'', '(', ')', '+', ',', ';', '=', '@':
			return true
		}
	}
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isASCIIAlnum(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
}

// writeLower writes what Ruby's String#downcase makes of r. That is Go's
// simple lowercase mapping, except for the one unconditional multi-rune
// mapping of SpecialCasing.txt: U+0130 "İ" becomes "i" + U+0307. Ruby
// applies no context or language rules by default (final sigma stays "σ").
func writeLower(b *strings.Builder, r rune) {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteByte(byte(r))
	case r == 'İ':
		b.WriteString("i\u0307")
	default:
		b.WriteRune(unicode.ToLower(r))
	}
}

// latinApproximations is I18n::Backend::Transliterator::HashTransliterator::
// DEFAULT_APPROXIMATIONS of the i18n gem 1.10.0, which Jekyll 4.3's latin
// mode uses through I18n.transliterate
// (lib/i18n/backend/transliterator.rb, github.com/ruby-i18n/i18n;
// here from Debian's ruby-i18n 1.10.0), generated from the installed gem and
// in its order. Any other non-ASCII code point becomes "?".
var latinApproximations = map[rune]string{
	'À': "A", 'Á': "A", 'Â': "A", 'Ã': "A", 'Ä': "A", 'Å': "A",
	'Æ': "AE", 'Ç': "C", 'È': "E", 'É': "E", 'Ê': "E", 'Ë': "E",
	'Ì': "I", 'Í': "I", 'Î': "I", 'Ï': "I", 'Ð': "D", 'Ñ': "N",
	'Ò': "O", 'Ó': "O", 'Ô': "O", 'Õ': "O", 'Ö': "O", '×': "x",
	'Ø': "O", 'Ù': "U", 'Ú': "U", 'Û': "U", 'Ü': "U", 'Ý': "Y",
	'Þ': "Th", 'ß': "ss", 'à': "a", 'á': "a", 'â': "a", 'ã': "a",
	'ä': "a", 'å': "a", 'æ': "ae", 'ç': "c", 'è': "e", 'é': "e",
	'ê': "e", 'ë': "e", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i",
	'ð': "d", 'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o",
	'ö': "o", 'ø': "o", 'ù': "u", 'ú': "u", 'û': "u", 'ü': "u",
	'ý': "y", 'þ': "th", 'ÿ': "y", 'Ā': "A", 'ā': "a", 'Ă': "A",
	'ă': "a", 'Ą': "A", 'ą': "a", 'Ć': "C", 'ć': "c", 'Ĉ': "C",
	'ĉ': "c", 'Ċ': "C", 'ċ': "c", 'Č': "C", 'č': "c", 'Ď': "D",
	'ď': "d", 'Đ': "D", 'đ': "d", 'Ē': "E", 'ē': "e", 'Ĕ': "E",
	'ĕ': "e", 'Ė': "E", 'ė': "e", 'Ę': "E", 'ę': "e", 'Ě': "E",
	'ě': "e", 'Ĝ': "G", 'ĝ': "g", 'Ğ': "G", 'ğ': "g", 'Ġ': "G",
	'ġ': "g", 'Ģ': "G", 'ģ': "g", 'Ĥ': "H", 'ĥ': "h", 'Ħ': "H",
	'ħ': "h", 'Ĩ': "I", 'ĩ': "i", 'Ī': "I", 'ī': "i", 'Ĭ': "I",
	'ĭ': "i", 'Į': "I", 'į': "i", 'İ': "I", 'ı': "i", 'Ĳ': "IJ",
	'ĳ': "ij", 'Ĵ': "J", 'ĵ': "j", 'Ķ': "K", 'ķ': "k", 'ĸ': "k",
	'Ĺ': "L", 'ĺ': "l", 'Ļ': "L", 'ļ': "l", 'Ľ': "L", 'ľ': "l",
	'Ŀ': "L", 'ŀ': "l", 'Ł': "L", 'ł': "l", 'Ń': "N", 'ń': "n",
	'Ņ': "N", 'ņ': "n", 'Ň': "N", 'ň': "n", 'ŉ': "'n", 'Ŋ': "NG",
	'ŋ': "ng", 'Ō': "O", 'ō': "o", 'Ŏ': "O", 'ŏ': "o", 'Ő': "O",
	'ő': "o", 'Œ': "OE", 'œ': "oe", 'Ŕ': "R", 'ŕ': "r", 'Ŗ': "R",
	'ŗ': "r", 'Ř': "R", 'ř': "r", 'Ś': "S", 'ś': "s", 'Ŝ': "S",
	'ŝ': "s", 'Ş': "S", 'ş': "s", 'Š': "S", 'š': "s", 'Ţ': "T",
	'ţ': "t", 'Ť': "T", 'ť': "t", 'Ŧ': "T", 'ŧ': "t", 'Ũ': "U",
	'ũ': "u", 'Ū': "U", 'ū': "u", 'Ŭ': "U", 'ŭ': "u", 'Ů': "U",
	'ů': "u", 'Ű': "U", 'ű': "u", 'Ų': "U", 'ų': "u", 'Ŵ': "W",
	'ŵ': "w", 'Ŷ': "Y", 'ŷ': "y", 'Ÿ': "Y", 'Ź': "Z", 'ź': "z",
	'Ż': "Z", 'ż': "z", 'Ž': "Z", 'ž': "z",
}
