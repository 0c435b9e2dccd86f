package entry

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Jekyll reads front matter with Ruby's Psych, a YAML 1.1 parser, and then
// turns the values it looks at into text with Ruby's to_s. yaml.v3 reads
// YAML 1.2, whose syntax is the same for front matter, but whose plain
// scalars resolve differently (YAML 1.1, "Language-Independent Types",
// yaml.org/type/: bool, int, float, null, timestamp). So Parse and the fast
// scan take the syntax from yaml.v3 (or, for the fast scan, from their own
// reading of the simplest lines) and resolve plain scalars here, as
// Psych's ScalarScanner does (Psych 4, Ruby 3.1, as Debian's Jekyll 4.3
// runs). Every rule below was checked against `ruby -ryaml`, and the
// differential test (cmd/diary/jekyll_diff_test.go) holds them to it.

// kind is what Psych makes of a scalar.
type kind uint8

const (
	kindString kind = iota
	kindNull
	kindBool
	kindNumber // an Integer or Float
	kindDate   // a Date: a day without a time
	kindTime   // a Time
)

// scalarValue is a scalar as Psych resolves it, and its to_s.
type psychScalar struct {
	kind kind
	text string    // Ruby's to_s of the value; "" for nil
	t    time.Time // for kindDate and kindTime
	b    bool      // for kindBool
}

var (
	// YAML 1.1 booleans as Psych matches them: any case.
	psychTrue  = map[string]bool{"yes": true, "true": true, "on": true}
	psychFalse = map[string]bool{"no": true, "false": true, "off": true}

	// Psych's patterns for what it reads as a number, a Date and a Time
	// (Psych::ScalarScanner: INTEGER_LEGACY, FLOAT, the sexagesimal
	// forms, and the YAML 1.1 timestamp).
	psychInt     = regexp.MustCompile(`^(?:[-+]?0b[0-1_,]+|[-+]?0[0-7_,]+|[-+]?(?:0|[1-9](?:[0-9]|,[0-9]|_[0-9])*)|[-+]?0x[0-9a-fA-F_,]+)$`)
	psychFloat   = regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_,]*)?\.[0-9]*(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)
	psychSexa    = regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)
	psychDate    = regexp.MustCompile(`^\d{4}-(?:1[012]|0\d|\d)-(?:[12]\d|3[01]|0\d|\d)$`)
	psychTime    = regexp.MustCompile(`^-?\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?(?:\s*(?:Z|[-+]\d{1,2}:?(?:\d\d)?))?$`)
	psychSimpleI = regexp.MustCompile(`^[-+]?(?:0|[1-9][0-9]*)$`)
	psychSimpleF = regexp.MustCompile(`^[-+]?[0-9]+\.[0-9]+$`)
)

// resolvePlain is Psych's reading of a plain scalar, taken in loc when it
// is a Time without a zone: as Psych does, such a time is UTC. It fails
// for what Jekyll cannot read (a Ruby symbol such as :word, which
// Jekyll's safe YAML loader refuses) and for numbers whose to_s diary does
// not compute (hex, octal, 1_000, 1:20, exponents): those are read by
// Jekyll as a number other than the text, and should be quoted.
func resolvePlain(s string, loc *time.Location) (psychScalar, error) {
	switch {
	case s == "" || s == "~" || strings.EqualFold(s, "null"):
		return psychScalar{kind: kindNull}, nil
	case len(s) <= 5 && psychTrue[strings.ToLower(s)]:
		return psychScalar{kind: kindBool, text: "true", b: true}, nil
	case len(s) <= 5 && psychFalse[strings.ToLower(s)]:
		return psychScalar{kind: kindBool, text: "false"}, nil
	case s[0] == ':' && len(s) > 1:
		return psychScalar{}, fmt.Errorf("%s is a Ruby symbol to Jekyll, which it cannot read: quote it (\"%s\")", s, s)
	}
	c := s[0]
	if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.') {
		return psychScalar{text: s}, nil // the common case: a word
	}
	switch {
	case isDay(s) || psychDate.MatchString(s):
		t, err := time.ParseInLocation("2006-1-2", s, loc)
		if err != nil {
			// 2024-02-31 matches, but Date refuses it: Psych
			// keeps the text.
			return psychScalar{text: s}, nil
		}
		text := s // Date#to_s, when s is written as it writes it
		if !isDay(s) {
			text = t.Format("2006-01-02")
		}
		return psychScalar{kind: kindDate, text: text, t: t}, nil
	case isDiaryTime(s) || psychTime.MatchString(s):
		t, zoned, err := psychParseTime(s)
		if err != nil {
			return psychScalar{text: s}, nil // 25:00: Psych keeps the text
		}
		// Ruby's Time#to_s: "UTC" for a time read with Z, else the
		// offset, of the zone given or (none given) of the machine's.
		layout := "2006-01-02 15:04:05 -0700"
		switch {
		case !zoned:
			t = t.In(loc)
		case t.Location() == time.UTC:
			layout = "2006-01-02 15:04:05 UTC"
		}
		return psychScalar{kind: kindTime, text: t.Format(layout), t: t}, nil
	case psychSimpleI.MatchString(s):
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			break // a big number: Ruby's to_s is still the digits, but not worth it
		}
		return psychScalar{kind: kindNumber, text: strconv.FormatInt(n, 10)}, nil
	case psychSimpleF.MatchString(s):
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			break
		}
		if text, ok := rubyFloat(f); ok {
			return psychScalar{kind: kindNumber, text: text}, nil
		}
	case !psychInt.MatchString(s) && !psychFloat.MatchString(s) && !psychSexa.MatchString(s):
		return psychScalar{text: s}, nil
	}
	return psychScalar{}, fmt.Errorf("%s is a number to Jekyll, not this text: quote it (\"%s\")", s, s)
}

// isDay and isDiaryTime match the two dates people and diary write most,
// 2006-01-02 and 2006-01-02 15:04:05 -0700, before the regular
// expressions are tried: the fast scan meets one in every post.
func isDay(s string) bool {
	return len(s) == 10 && digitsAt(s, 0, 4) && s[4] == '-' && digitsAt(s, 5, 2) && s[7] == '-' && digitsAt(s, 8, 2) &&
		s[5] <= '1' && s[8] <= '3' && (s[5] == '0' || s[6] <= '2') && (s[8] < '3' || s[9] <= '1')
}

func isDiaryTime(s string) bool {
	return len(s) == 25 && isDay(s[:10]) && s[10] == ' ' && digitsAt(s, 11, 2) && s[13] == ':' && digitsAt(s, 14, 2) &&
		s[16] == ':' && digitsAt(s, 17, 2) && s[19] == ' ' && (s[20] == '+' || s[20] == '-') && digitsAt(s, 21, 4)
}

func digitsAt(s string, i, n int) bool {
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// rubyFloat is Ruby's Float#to_s for the floats people write as d.d:
// the shortest digits that read back, with ".0" on a whole number, in
// fixed notation from 1e-4 up to 1e16, where Ruby switches to exponents
// (those are not done here: ok is false).
func rubyFloat(f float64) (string, bool) {
	a := math.Abs(f)
	if math.IsInf(f, 0) || math.IsNaN(f) || (a != 0 && (a < 1e-4 || a >= 1e16)) {
		return "", false
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s, true
}

// psychParseTime reads a YAML 1.1 timestamp with a time as Psych does: a
// zone given is kept (zoned); none means UTC (Psych::ScalarScanner#parse_time).
func psychParseTime(s string) (t time.Time, zoned bool, err error) {
	i := strings.IndexAny(s[1:], " \ttT") + 1
	date, rest := s[:i], strings.TrimLeft(s[i:], " \ttT")
	var y, mo, d int
	if _, err := fmt.Sscanf(date, "%d-%d-%d", &y, &mo, &d); err != nil {
		return time.Time{}, false, fmt.Errorf("%s is not a time: %v", s, err)
	}
	// hh:mm:ss, a fraction, a zone.
	end := strings.IndexFunc(rest, func(r rune) bool { return r != ':' && (r < '0' || r > '9') })
	if end < 0 {
		end = len(rest)
	}
	var hh, mm, ss int
	if _, err := fmt.Sscanf(rest[:end], "%d:%d:%d", &hh, &mm, &ss); err != nil {
		return time.Time{}, false, fmt.Errorf("%s is not a time: %v", s, err)
	}
	rest = rest[end:]
	nsec := 0
	if strings.HasPrefix(rest, ".") {
		j := 1
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		frac := (rest[1:j] + "000000000")[:9]
		nsec, _ = strconv.Atoi(frac)
		rest = rest[j:]
	}
	zone := strings.TrimSpace(rest)
	loc := time.UTC
	if zone != "" && zone != "Z" {
		// An offset, even +00:00, is a zone other than UTC to Ruby.
		sign := 1
		if zone[0] == '-' {
			sign = -1
		}
		h, m, _ := strings.Cut(zone[1:], ":")
		if len(h) > 2 { // +0900
			h, m = h[:len(h)-2], h[len(h)-2:]
		}
		hn, _ := strconv.Atoi(h)
		mn, _ := strconv.Atoi(m)
		loc = time.FixedZone("", sign*(hn*3600+mn*60))
	}
	t = time.Date(y, time.Month(mo), d, hh, mm, ss, nsec, loc)
	if t.Month() != time.Month(mo) || t.Day() != d || t.Hour() != hh || t.Minute() != mm || t.Second() != ss {
		// Ruby's Time.utc refuses 25:00 and 31 February as well.
		return time.Time{}, false, fmt.Errorf("%s is not a time: it is out of range", s)
	}
	return t, zone != "", nil
}

// resolve is Psych's reading of a scalar node: quoted, block and !!str
// scalars are text; plain ones resolve as resolvePlain says. Aliases are
// followed. ok is false for a node that is no scalar.
func resolve(n *yaml.Node, loc *time.Location) (psychScalar, bool, error) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode {
		return psychScalar{}, false, nil
	}
	if n.Style&yaml.TaggedStyle != 0 {
		switch {
		case n.Tag == "!!str":
			return psychScalar{text: n.Value}, true, nil
		case !strings.HasPrefix(n.Tag, "!!"):
			// A local tag (!foo): Psych's safe loader keeps the text.
			return psychScalar{text: n.Value}, true, nil
		}
		return psychScalar{}, true, fmt.Errorf("the tag %s is not read by diary as Jekyll reads it: remove it", n.Tag)
	}
	if n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return psychScalar{text: n.Value}, true, nil
	}
	v, err := resolvePlain(n.Value, loc)
	return v, true, err
}

// titleFromSlug is the title Jekyll gives a post whose front matter has
// none (Jekyll::Utils.titleize_slug): the slug's words, split at "-",
// each capitalized as Ruby's String#capitalize does, joined by spaces,
// after the dots at its end are dropped.
func titleFromSlug(slug string) string {
	slug = strings.TrimRight(slug, ".")
	words := strings.Split(slug, "-")
	for len(words) > 0 && words[len(words)-1] == "" {
		words = words[:len(words)-1] // Ruby's split drops empty fields at the end
	}
	for i, w := range words {
		if w == "" {
			continue
		}
		r, size := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToTitle(r)) + strings.ToLower(w[size:])
	}
	return strings.Join(words, " ")
}
