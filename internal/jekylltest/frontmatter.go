// Package jekylltest holds what Jekyll itself does with inputs that
// diary must read the same way, for the tests of every package that
// reads them.
package jekylltest

// FrontMatterCase is one post and how jekyll 4.3.1 (Debian's) built it:
// a site whose post layout prints the title, then the content.
type FrontMatterCase struct {
	Name   string
	Post   string
	Matter bool   // Jekyll took front matter; else it built the whole file as the body
	Title  string // the title Jekyll read
	Body   string // what Jekyll took as the content, after the front matter
}

// FrontMatter are the cases of Jekyll's front matter delimiter rule, each
// checked with `jekyll build` on a site holding it as a post.
var FrontMatter = []FrontMatterCase{
	{"dashes", "---\ntitle: dashes\n---\nbody\n", true, "dashes", "body\n"},
	{"dots close", "---\ntitle: dots\n...\nbody\n", true, "dots", "body\n"},
	{"CRLF", "---\r\ntitle: crlf\r\n---\r\nbody\r\n", true, "crlf", "body\r\n"},
	{"byte order mark", "\ufeff---\ntitle: bom\n---\nbody\n", true, "bom", "body\n"},
	{"BOM, CRLF and dots", "\ufeff---\r\ntitle: bomcrlf\r\n...\r\nbody\n", true, "bomcrlf", "body\n"},
	{"trailing blanks", "---   \ntitle: trail\n---  \t\nbody\n", true, "trail", "body\n"},
	{"tab after the opener", "---\t\ntitle: tab\n---\nbody\n", true, "tab", "body\n"},
	{"dots with blanks and CR", "---\ntitle: dotstrail\n...  \r\nbody\n", true, "dotstrail", "body\n"},
	{"closer is the last line", "---\ntitle: eof\n---", true, "eof", ""},
	{"empty front matter", "---\n---\nbody\n", true, "", "body\n"},
	{"dots, then dashes in the body", "---\ntitle: dotsfirst\n...\n---\nbody\n", true, "dotsfirst", "---\nbody\n"},
	{"dashes in the body", "---\ntitle: a\n---\nz: 1\n---\nb\n", true, "a", "z: 1\n---\nb\n"},
	// An indented fence closes nothing: it is the title's second line.
	{"indented fence", "---\ntitle: indented\n  ---\nx: 1\n---\nbody\n", true, "indented ---", "body\n"},
	// No front matter: Jekyll builds the whole file as the body.
	{"unclosed", "---\ntitle: unclosed\nbody\n", false, "", "---\ntitle: unclosed\nbody\n"},
	{"words after the opener", "--- x\ntitle: junk\n---\nbody\n", false, "", "--- x\ntitle: junk\n---\nbody\n"},
	{"lone CR line ends", "---\ntitle: cronly\r---\rb\n", false, "", "---\ntitle: cronly\r---\rb\n"},
}
