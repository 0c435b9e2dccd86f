package attr

import (
	"bytes"
	"strings"
)

// State is the state of one attribute for a path (gitattributes(5),
// DESCRIPTION): Unspecified when no line says anything of it, Set
// ("text"), Unset ("-text"), or set to a Value ("text=auto"). "!text"
// makes it Unspecified again, over what less specific lines say.
type State struct {
	Kind  Kind
	Value string
}

// Kind is how an attribute stands.
type Kind uint8

// The kinds of State.
const (
	Unspecified Kind = iota
	Set
	Unset
	Valued
)

// assign is one "name", "-name", "!name" or "name=value" of a line.
type assign struct {
	name  string
	state State
}

// line is one rule of an attributes file: a pattern and what it sets.
type line struct {
	pat     pattern
	assigns []assign
}

// macro is one "[attr]name …" definition.
type macro struct {
	name    string
	assigns []assign
}

// File is one attributes file, parsed.
type File struct {
	lines  []line
	macros []macro
}

// Limits git 2.39 keeps to (since 2.39.1): a longer line, or a larger
// file, is ignored with a warning.
const (
	maxLine = 2048
	MaxFile = 100 << 20
)

// blank separates a line's pattern and attributes.
const blank = " \t\r\n"

// Parse reads an attributes file in the format of gitattributes(5): one
// pattern and its attributes a line, blank lines and "#" comments
// skipped. A pattern may be quoted as a C string. A line with a negative
// pattern ("!x"), an attribute name git refuses, or a macro where none
// may be defined (macros: false, a .gitattributes below the top) is
// skipped whole, as git skips it.
func Parse(data []byte, macros bool) *File {
	f := &File{}
	if len(data) > MaxFile {
		return f
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		data = data[:i] // git reads the file as a C string
	}
	for len(data) > 0 {
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		if len(l) >= maxLine {
			continue
		}
		f.parseLine(string(l), macros)
	}
	return f
}

func (f *File) parseLine(s string, macros bool) {
	s = strings.TrimLeft(s, blank)
	if s == "" || s[0] == '#' {
		return
	}
	var name, rest string
	quoted := false
	if s[0] == '"' {
		if n, r, ok := unquoteC(s); ok {
			name, rest, quoted = n, r, true
		}
	}
	if !quoted {
		end := strings.IndexAny(s, blank)
		if end < 0 {
			end = len(s)
		}
		name, rest = s[:end], s[end:]
	}
	isMacro := false
	if len(name) > len("[attr]") && strings.HasPrefix(name, "[attr]") {
		if !macros {
			return
		}
		name = strings.TrimLeft(name[len("[attr]"):], blank)
		if !validName(name) {
			return
		}
		isMacro = true
	} else if strings.HasPrefix(name, "!") {
		return // negative patterns are refused
	}
	var assigns []assign
	for {
		rest = strings.TrimLeft(rest, blank)
		if rest == "" {
			break
		}
		end := strings.IndexAny(rest, blank)
		if end < 0 {
			end = len(rest)
		}
		tok := rest[:end]
		rest = rest[end:]
		a, ok := parseAssign(tok)
		if !ok {
			return // the whole line, as git drops it
		}
		assigns = append(assigns, a)
	}
	if isMacro {
		f.macros = append(f.macros, macro{name: name, assigns: assigns})
		return
	}
	f.lines = append(f.lines, line{pat: parsePattern(name), assigns: assigns})
}

// parseAssign reads "name", "-name", "!name" or "name=value". A prefix
// wins over a value: "-text=auto" unsets text.
func parseAssign(tok string) (assign, bool) {
	name, value, hasValue := strings.Cut(tok, "=")
	st := State{Kind: Set}
	switch {
	case strings.HasPrefix(name, "-"):
		name, st = name[1:], State{Kind: Unset}
	case strings.HasPrefix(name, "!"):
		name, st = name[1:], State{Kind: Unspecified}
	case hasValue:
		st = State{Kind: Valued, Value: value}
	}
	if !validName(name) {
		return assign{}, false
	}
	return assign{name: name, state: st}, true
}

// validName: letters, digits, "-", "." and "_", not starting with "-".
func validName(s string) bool {
	if s == "" || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '-' || c == '.' || c == '_' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')) {
			return false
		}
	}
	return true
}

// unquoteC reads the C-style quoted string at the start of s (as git
// quotes path names: \" \\ \a \b \f \n \r \t \v and three octal digits)
// and returns it and what follows it; ok is false when it is not one.
func unquoteC(s string) (out, rest string, ok bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			return b.String(), s[i+1:], true
		case '\\':
			i++
			if i >= len(s) {
				return "", "", false
			}
			switch e := s[i]; e {
			case '"', '\\':
				b.WriteByte(e)
			case 'a':
				b.WriteByte('\a')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'v':
				b.WriteByte('\v')
			default:
				if e < '0' || e > '3' || i+2 >= len(s) {
					return "", "", false
				}
				v := 0
				for k := 0; k < 3; k++ {
					d := s[i+k]
					if d < '0' || d > '7' {
						return "", "", false
					}
					v = v*8 + int(d-'0')
				}
				b.WriteByte(byte(v))
				i += 2
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}
