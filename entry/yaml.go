package entry

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// quoteScalar returns s as a YAML scalar: plain when that reads back as the
// same string, quoted otherwise. It is written here rather than taken from
// yaml.v3's encoder for two reasons: yaml.v3 escapes characters outside the
// Basic Multilingual Plane ("🎉" becomes "\U0001F389"), which is valid but
// not what a person wrote; and Jekyll reads front matter with Ruby's Psych, a
// YAML 1.1 parser that turns plain yes, on, off, 1:20, 012 and :word into
// booleans, numbers or symbols where a YAML 1.2 parser sees strings. A value
// is left plain only when both kinds of parser read it as this string.
//
// flow is true for elements of a flow sequence ([a, b]), where ",[]{}" also
// end a plain scalar.
func quoteScalar(s string, flow bool) string {
	if plainSafe(s, flow) {
		return s
	}
	if printable(s) {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return doubleQuote(s)
}

// yaml11Words are the plain words that YAML 1.1 (Psych) or YAML 1.2 resolve
// to something other than a string, compared case-insensitively. y and n
// are booleans in the YAML 1.1 spec though Psych reads them as strings;
// quoting them costs nothing.
var yaml11Words = map[string]bool{
	"y": true, "n": true, "yes": true, "no": true, "true": true, "false": true,
	"on": true, "off": true, "null": true, "~": true, "=": true, "<<": true,
	".inf": true, "-.inf": true, "+.inf": true, ".nan": true,
}

func plainSafe(s string, flow bool) bool {
	if s == "" || yaml11Words[strings.ToLower(s)] {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return false
	}
	// Indicators that may not start a plain scalar. "-", "?" and ":" may in
	// some contexts, but never where it matters for a title.
	if strings.ContainsRune("-?:,[]{}#&*!|>'\"%@`", first) {
		return false
	}
	if looksNumeric(s) {
		return false
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") {
		return false
	}
	// Inside [a, b] parsers disagree on more marks than these ("0?]"
	// defeats libyaml): any of them quotes a tag.
	if flow && strings.ContainsAny(s, ",[]{}?:#&*!|>'\"%@`") {
		return false
	}
	for _, r := range s {
		if r == '\t' || !printableRune(r) {
			return false
		}
	}
	return true
}

// looksNumeric reports whether s could be read as a number, date or time by
// some YAML parser: it starts with a digit, sign or dot and holds nothing but
// the characters numbers, dates and times are written with. It errs on the
// side of quoting ("2022 fab" is quoted; "2022 review" is not).
func looksNumeric(s string) bool {
	if !strings.ContainsRune("0123456789+-.", rune(s[0])) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte("0123456789+-._:, TtZzeExXoObBabcdefABCDEF", s[i]) < 0 {
			return false
		}
	}
	return true
}

func printableRune(r rune) bool {
	switch r {
	case utf8.RuneError, '\u0085', '\u2028', '\u2029', '\ufeff':
		return false
	}
	return r >= 0x20 && r != 0x7f && !(r >= 0x80 && r < 0xa0) && !(r >= 0xd800 && r < 0xe000)
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !printableRune(r) && r != '\t' {
			return false
		}
	}
	return true
}

// doubleQuote writes s as a YAML double-quoted scalar, escaping only what
// must be escaped, so that the rest stays readable.
func doubleQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, w := 0, 0; i < len(s); i += w {
		r, width := utf8.DecodeRuneInString(s[i:])
		w = width
		switch {
		case r == utf8.RuneError && width == 1:
			// Not UTF-8: YAML cannot carry the byte; callers reject such
			// input, so this only keeps the output well formed.
			b.WriteString(`\uFFFD`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case !printableRune(r):
			switch {
			case r <= 0xff:
				b.WriteString(`\x` + hex2(r))
			default:
				b.WriteString(`\u` + hex2(r>>8) + hex2(r&0xff))
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func hex2(r rune) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{digits[(r>>4)&0xf], digits[r&0xf]})
}

// Quote returns s as a YAML scalar value, quoted only when YAML needs it,
// for other files diary writes (such as a new site's _config.yml).
func Quote(s string) string { return quoteScalar(s, false) }
