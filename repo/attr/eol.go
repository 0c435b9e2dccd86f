package attr

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
)

// AutoCRLF is core.autocrlf (git-config(1)).
type AutoCRLF uint8

// Its values: false (the default), true, input.
const (
	AutoCRLFFalse AutoCRLF = iota
	AutoCRLFTrue
	AutoCRLFInput
)

// EOL is a line ending: core.eol, or the eol attribute.
type EOL uint8

// Its values; EOLUnset for core.eol means native.
const (
	EOLUnset EOL = iota
	EOLLF
	EOLCRLF
)

// Settings are the git settings the conversion depends on.
type Settings struct {
	AutoCRLF AutoCRLF
	EOL      EOL // core.eol; native (the default) is EOLUnset
}

// ParseAutoCRLF reads a core.autocrlf value as git does: "input", or a
// boolean (true, yes, on, a non-zero number; a key without "=" is true).
func ParseAutoCRLF(v string, present bool) AutoCRLF {
	if !present {
		return AutoCRLFFalse
	}
	if strings.EqualFold(v, "input") {
		return AutoCRLFInput
	}
	if v == "" || GitBool(v) {
		return AutoCRLFTrue
	}
	return AutoCRLFFalse
}

// ParseEOL reads a core.eol value: lf, crlf, native (or anything else,
// which git takes for unset).
func ParseEOL(v string) EOL {
	switch strings.ToLower(v) {
	case "lf":
		return EOLLF
	case "crlf":
		return EOLCRLF
	case "native":
		if nativeCRLF() {
			return EOLCRLF
		}
		return EOLLF
	}
	return EOLUnset
}

// GitBool reads a boolean of git's config (git-config(1), "Values").
func GitBool(v string) bool {
	switch strings.ToLower(v) {
	case "true", "yes", "on":
		return true
	case "", "false", "no", "off":
		return false
	}
	n, err := strconv.Atoi(v)
	return err == nil && n != 0
}

// nativeCRLF: the platform's line ending is CRLF (Git for Windows is
// built so).
func nativeCRLF() bool { return runtime.GOOS == "windows" }

// textEOLIsCRLF is the line ending a file marked text gets in the work
// tree when no eol attribute names one (git-config(1), core.eol and
// core.autocrlf): CRLF under core.autocrlf=true, LF under input, else
// core.eol, else the platform's.
func (s Settings) textEOLIsCRLF() bool {
	switch s.AutoCRLF {
	case AutoCRLFTrue:
		return true
	case AutoCRLFInput:
		return false
	}
	switch s.EOL {
	case EOLCRLF:
		return true
	case EOLLF:
		return false
	}
	return nativeCRLF()
}

// Action is what the conversion does to one path, decided from its
// attributes and the settings.
type Action uint8

// The actions. The Auto ones first look at the content (text=auto, or
// core.autocrlf on a path with no text attribute).
const (
	Binary    Action = iota // never converted
	TextLF                  // text: CRLF becomes LF on commit; LF in the work tree
	TextCRLF                // text: CRLF becomes LF on commit; CRLF in the work tree
	Auto                    // text=auto: as text when it looks like text, work tree per the settings
	AutoLF                  // text=auto eol=lf, or core.autocrlf=input
	AutoCRLF_               // text=auto eol=crlf, or core.autocrlf=true
)

func (a Action) auto() bool { return a == Auto || a == AutoLF || a == AutoCRLF_ }

// Decide is gitattributes(5), "Effects": text set means text, unset
// (and binary, through its macro) means never converted, "auto" means
// decided by content; the legacy crlf attribute stands in for text when
// text is unspecified ("crlf" text, "-crlf" -text, "crlf=input" text
// eol=lf). eol=lf or eol=crlf (unless text is unset) marks the file text
// with that ending in the work tree, or, with auto, chooses its ending.
// With none of these, core.autocrlf true or input acts as text=auto with
// eol=crlf or eol=lf, and false converts nothing.
func Decide(a Attrs, s Settings) Action {
	act, ok := textAction(a.Text)
	if !ok {
		act, ok = textAction(a.CRLF)
	}
	if act != Binary || !ok {
		var eol EOL
		if a.EOL.Kind == Valued {
			switch a.EOL.Value {
			case "lf":
				eol = EOLLF
			case "crlf":
				eol = EOLCRLF
			}
		}
		switch {
		case ok && act == Auto && eol == EOLLF:
			act = AutoLF
		case ok && act == Auto && eol == EOLCRLF:
			act = AutoCRLF_
		case eol == EOLLF:
			act, ok = TextLF, true
		case eol == EOLCRLF:
			act, ok = TextCRLF, true
		}
	}
	if !ok {
		switch s.AutoCRLF {
		case AutoCRLFTrue:
			return AutoCRLF_
		case AutoCRLFInput:
			return AutoLF
		}
		return Binary
	}
	if act == textPlain {
		if s.textEOLIsCRLF() {
			return TextCRLF
		}
		return TextLF
	}
	return act
}

// textPlain is "text" before the settings choose its line ending.
const textPlain Action = 255

// textAction reads text (or crlf): ok is false when it says nothing
// git understands.
func textAction(st State) (Action, bool) {
	switch st.Kind {
	case Set:
		return textPlain, true
	case Unset:
		return Binary, true
	case Valued:
		switch st.Value {
		case "input":
			return TextLF, true
		case "auto":
			return Auto, true
		}
	}
	return Binary, false
}

// Stats counts what the conversion decides by: line endings, and
// whether the content looks like text.
type Stats struct {
	NUL, LoneCR, LoneLF, CRLF int
	Printable, NonPrintable   int
}

// Counter gathers Stats from content written to it in pieces.
type Counter struct {
	s      Stats
	cr     bool // the last piece ended in CR
	last   byte
	length int64
}

// Write counts p; it never fails.
func (c *Counter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	i := 0
	if c.cr {
		c.cr = false
		if p[0] == '\n' {
			c.s.CRLF++
			i = 1
		} else {
			c.s.LoneCR++
		}
	}
	for ; i < len(p); i++ {
		switch b := p[i]; {
		case b == '\r':
			if i+1 == len(p) {
				c.cr = true
			} else if p[i+1] == '\n' {
				c.s.CRLF++
				i++
			} else {
				c.s.LoneCR++
			}
		case b == '\n':
			c.s.LoneLF++
		case b == 127:
			c.s.NonPrintable++
		case b < 32:
			switch b {
			case '\b', '\t', 033, '\f':
				c.s.Printable++
			case 0:
				c.s.NUL++
				c.s.NonPrintable++
			default:
				c.s.NonPrintable++
			}
		default:
			c.s.Printable++
		}
	}
	c.last = p[len(p)-1]
	c.length += int64(len(p))
	return len(p), nil
}

// Stats is the count of everything written.
func (c *Counter) Stats() Stats {
	s := c.s
	if c.cr {
		s.LoneCR++
	}
	// A file ending in Ctrl-Z (DOS's end of file) is not less text for it.
	if c.length > 0 && c.last == 032 {
		s.NonPrintable--
	}
	return s
}

// Gather counts data.
func Gather(data []byte) Stats {
	var c Counter
	c.Write(data)
	return c.Stats()
}

// LooksBinary is git's test of content for text=auto: a lone CR, a NUL,
// or more than one non-printable byte in 128 printable ones.
func (s Stats) LooksBinary() bool {
	return s.LoneCR > 0 || s.NUL > 0 || s.Printable>>7 < s.NonPrintable
}

// Cleans reports whether Clean would change content with stats s, for a
// path whose action is a. indexCRLF says whether the path's blob in the
// index is text with CRLF in it; it is asked only for the Auto actions,
// which then leave the content alone (git-config(1) core.autocrlf, and
// gitattributes(5) text=auto: a file committed with CRLF stays so).
func (a Action) Cleans(s Stats, indexCRLF func() bool) bool {
	if a == Binary || s.CRLF == 0 {
		return false
	}
	if a.auto() && (s.LooksBinary() || (indexCRLF != nil && indexCRLF())) {
		return false
	}
	return true
}

// Clean is what `git add` stores for content data at a path whose action
// is a: CRLF becomes LF where the file is text, every other byte stays
// (a lone CR, a lone LF, no final newline). It returns data itself when
// nothing changes.
func (a Action) Clean(data []byte, indexCRLF func() bool) []byte {
	if len(data) == 0 || !a.Cleans(Gather(data), indexCRLF) {
		return data
	}
	return StripCR(data)
}

// StripCR drops every CR that comes before an LF.
func StripCR(data []byte) []byte {
	out := make([]byte, 0, len(data))
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\r')
		if i < 0 {
			out = append(out, data...)
			break
		}
		out = append(out, data[:i]...)
		if i+1 == len(data) || data[i+1] != '\n' {
			out = append(out, '\r')
		}
		data = data[i+1:]
	}
	return out
}

// workCRLF: the work tree gets CRLF for this action.
func (a Action) workCRLF(s Settings) bool {
	switch a {
	case TextCRLF, AutoCRLF_:
		return true
	case Auto:
		return s.textEOLIsCRLF()
	}
	return false
}

// Smudges reports whether Smudge would change a blob with stats st.
func (a Action) Smudges(st Stats, s Settings) bool {
	if !a.workCRLF(s) || st.LoneLF == 0 {
		return false
	}
	// Auto leaves alone a blob that has CR in it already, or looks
	// binary.
	if a.auto() && (st.LoneCR > 0 || st.CRLF > 0 || st.LooksBinary()) {
		return false
	}
	return true
}

// Smudge is what `git checkout` writes for blob data at a path whose
// action is a: where the work tree takes CRLF, each LF without a CR
// before it gets one. It returns data itself when nothing changes.
func (a Action) Smudge(data []byte, s Settings) []byte {
	if len(data) == 0 || !a.Smudges(Gather(data), s) {
		return data
	}
	return AddCR(data)
}

// AddCR puts a CR before every LF that has none.
func AddCR(data []byte) []byte {
	out := make([]byte, 0, len(data)+len(data)/32)
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			out = append(out, data...)
			break
		}
		out = append(out, data[:i]...)
		if i == 0 || data[i-1] != '\r' {
			out = append(out, '\r')
		}
		out = append(out, '\n')
		data = data[i+1:]
	}
	return out
}

// HasCRLFText is the test Auto asks of the index's blob: text (not
// LooksBinary) with a CRLF in it.
func HasCRLFText(blob []byte) bool {
	if bytes.IndexByte(blob, '\r') < 0 {
		return false
	}
	s := Gather(blob)
	return !s.LooksBinary() && s.CRLF > 0
}
