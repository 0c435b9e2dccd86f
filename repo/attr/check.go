package attr

import "strings"

// Attrs are the attributes the text conversion looks at, for one path.
type Attrs struct {
	Text, EOL, CRLF State
}

// builtin holds git's one built-in macro (gitattributes(5), "USING
// MACRO ATTRIBUTES"): binary is -diff -merge -text.
var builtin = &File{macros: []macro{{name: "binary", assigns: []assign{
	{"diff", State{Kind: Unset}}, {"merge", State{Kind: Unset}}, {"text", State{Kind: Unset}},
}}}}

// Checker answers which attributes hold for a path, from the attributes
// files in git's order of precedence (gitattributes(5), DESCRIPTION),
// highest first: $GIT_DIR/info/attributes; the .gitattributes of the
// path's own directory, then of each directory above it up to the top;
// the user's file (core.attributesFile); the system's. Within a file a
// later line wins over an earlier one. A line sets only what no line of
// higher precedence has set; an attribute set to true that names a macro
// sets the macro's attributes the same way.
//
// A Checker is not safe for use by several goroutines at once.
type Checker struct {
	info, global, system *File
	dirFile              func(dir string) []byte
	fold                 bool

	dirs   map[string]*File
	macros map[string][]assign
}

// Files are the attributes files outside the work tree, as their bytes
// (nil: none).
type Files struct {
	Info, Global, System []byte
}

// NewChecker makes a Checker over files and the .gitattributes of each
// directory of the work tree, which dir returns (dir is slash-separated,
// "" for the top; nil: none there), read once per directory when first
// needed. fold matches patterns case-blind (core.ignorecase).
func NewChecker(files Files, dir func(dir string) []byte, fold bool) *Checker {
	c := &Checker{dirFile: dir, fold: fold, dirs: map[string]*File{}}
	if files.Info != nil {
		c.info = Parse(files.Info, true)
	}
	if files.Global != nil {
		c.global = Parse(files.Global, true)
	}
	if files.System != nil {
		c.system = Parse(files.System, true)
	}
	return c
}

func (c *Checker) dir(d string) *File {
	if f, ok := c.dirs[d]; ok {
		return f
	}
	var f *File
	if c.dirFile != nil {
		if data := c.dirFile(d); data != nil {
			f = Parse(data, d == "")
		}
	}
	c.dirs[d] = f
	return f
}

// macroTable gathers the macros: of two definitions of one name, the one
// of higher precedence (then the later line) wins. Only the top
// directory's .gitattributes may define them, with the files outside the
// work tree.
func (c *Checker) macroTable() map[string][]assign {
	if c.macros != nil {
		return c.macros
	}
	c.macros = map[string][]assign{}
	for _, f := range []*File{c.info, c.dir(""), c.global, c.system, builtin} {
		if f == nil {
			continue
		}
		for i := len(f.macros) - 1; i >= 0; i-- {
			m := f.macros[i]
			if _, ok := c.macros[m.name]; !ok {
				c.macros[m.name] = m.assigns
			}
		}
	}
	return c.macros
}

// Lookup returns the attributes of the file at path (slash-separated,
// relative to the top of the work tree).
func (c *Checker) Lookup(path string) Attrs {
	macros := c.macroTable()
	known := map[string]State{}
	var fill func(as []assign)
	fill = func(as []assign) {
		for i := len(as) - 1; i >= 0; i-- {
			a := as[i]
			if _, ok := known[a.name]; ok {
				continue
			}
			known[a.name] = a.state
			if m, ok := macros[a.name]; ok && a.state.Kind == Set {
				fill(m)
			}
		}
	}
	done := func() bool {
		_, t := known["text"]
		_, e := known["eol"]
		_, r := known["crlf"]
		return t && e && r
	}
	apply := func(f *File, rel string) {
		if f == nil {
			return
		}
		for i := len(f.lines) - 1; i >= 0 && !done(); i-- {
			if l := f.lines[i]; l.pat.matches(rel, c.fold) {
				fill(l.assigns)
			}
		}
	}
	apply(c.info, path)
	for d := path; !done(); {
		i := strings.LastIndexByte(d, '/')
		if i < 0 {
			apply(c.dir(""), path)
			break
		}
		d = d[:i]
		apply(c.dir(d), path[i+1:])
	}
	apply(c.global, path)
	apply(c.system, path)
	return Attrs{Text: known["text"], EOL: known["eol"], CRLF: known["crlf"]}
}
