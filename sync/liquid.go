package sync

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// The Liquid that stops Jekyll's build. Jekyll renders every post's body
// with Liquid (unless its front matter says render_with_liquid: false),
// in the error mode its configuration defaults to, warn: a tag's markup
// that the strict parser refuses is parsed again the lax way and only
// warned about. What still fails, and fails the whole build (Jekyll's
// Renderer logs "Liquid Exception" and re-raises), is what this file
// finds: a delimiter never closed, a tag no one defined, a block never
// closed or closed by another's end tag, a tag whose markup even the lax
// parser refuses, a condition with an operator Liquid does not know, and
// the Jekyll tags that name a file the site does not hold (include,
// include_relative, post_url, link).
//
// The grammar is Liquid's documented one (shopify.github.io/liquid,
// "Introduction": objects in {{ }}, tags in {% %}, "-" for whitespace
// control; "Tags": the standard tags and their syntax, comment and raw)
// and Jekyll's (jekyllrb.com/docs/liquid/tags/: highlight, include,
// include_relative, link, post_url). Where the documents are silent
// (where a delimiter ends, what lax parsing takes) the rules were learned
// from Liquid 4/5's and Jekyll 4.3's behaviour, and every rule is shown
// against the real jekyll build by TestLintVerdictIsJekyllBuild, on a
// corpus of posts.
//
// github.com/osteele/liquid (MIT, v1.6.0 on the module proxy) was tried
// first and does not fit: its scanner leaves an unterminated {{ or {% as
// text (a "TODO" in parser/scanner.go) where Liquid fails, it parses
// {{ }} with a strict expression parser where Jekyll's lax mode takes
// anything, it skips a comment's body where Liquid parses its tags, and
// it cannot be told a block's clauses through its public API.

// A liquidTag is what Liquid does with a tag's name.
type liquidTag int

const (
	tagSimple  liquidTag = iota + 1 // {% name markup %}
	tagBlock                        // {% name %}…{% endname %}
	tagRaw                          // {% raw %}…{% endraw %}: tags inside are text
	tagComment                      // a block whose unknown tags are ignored
)

// liquidTags are the tags of Liquid 4 (the version Jekyll 4.3's gemspec
// and GitHub Pages' Jekyll 3.10 take) and of Jekyll itself. Liquid 5's
// echo, liquid and render are not among them: GitHub Pages fails on them.
var liquidTags = map[string]liquidTag{
	"assign": tagSimple, "break": tagSimple, "continue": tagSimple, "cycle": tagSimple,
	"decrement": tagSimple, "increment": tagSimple, "include": tagSimple,
	"capture": tagBlock, "case": tagBlock, "for": tagBlock, "if": tagBlock,
	"ifchanged": tagBlock, "tablerow": tagBlock, "unless": tagBlock,
	"comment": tagComment, "raw": tagRaw,
	// Jekyll's own (lib/jekyll/tags).
	"highlight": tagBlock, "include_relative": tagSimple, "link": tagSimple, "post_url": tagSimple,
}

// pluginTags are the tags of the plugins GitHub Pages allows
// (pages.github.com/versions) that define any, each known only on a site
// whose plugins: (or the older gems:) names its plugin.
var pluginTags = map[string]map[string]liquidTag{
	"jekyll-seo-tag":       {"seo": tagSimple},
	"jekyll-feed":          {"feed_meta": tagSimple},
	"jekyll-gist":          {"gist": tagSimple},
	"jekyll-avatar":        {"avatar": tagSimple},
	"jekyll-include-cache": {"include_cached": tagSimple},
	"jekyll-octicons":      {"octicon": tagSimple},
}

// clauses are the tags a block takes between its start and end.
var clauses = map[string]map[string]bool{
	"if":     {"elsif": true, "else": true},
	"unless": {"elsif": true, "else": true},
	"for":    {"else": true},
	"case":   {"when": true, "else": true},
}

// liquidSite is what the Liquid check needs of the site.
type liquidSite struct {
	tags map[string]liquidTag
	// open: the site may define tags and hold includes diary cannot see
	// (its own _plugins/, a theme's _includes): unknown tags and missing
	// includes are not held against a post.
	open bool
	has  func(rel string) bool // nil: files are not checked
	post func(stem string) bool
}

// checkLiquid returns why the Liquid of body (the text after the front
// matter of the post at p) stops the build, and the 1-based line of body
// it is on; "" when it does not.
func checkLiquid(p, body string, s *liquidSite) (int, string) {
	type frame struct {
		name string
		kind liquidTag
		line int
	}
	var stack []frame
	line := 1
	for pos := 0; pos < len(body); {
		i := nextDelim(body, pos)
		if i < 0 {
			break
		}
		line += strings.Count(body[pos:i], "\n")
		inRaw := len(stack) > 0 && stack[len(stack)-1].kind == tagRaw
		tok, ok := cutToken(body, i)
		pos = i + len(tok)
		at := line
		line += strings.Count(tok, "\n")
		if inRaw {
			// Raw ends at a token that ends in {% endraw %}; the rest,
			// terminated or not, is text.
			if m := rawEndRE.FindStringSubmatch(tok); m != nil && m[1] == "endraw" {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if !ok {
			return at, fmt.Sprintf("%.20q is never closed by %s: close it, or wrap the text in {%% raw %%}…{%% endraw %%}", tok, map[bool]string{true: "}}", false: "%}"}[tok[1] == '{'])
		}
		if tok[1] == '{' {
			continue // an object: lax Liquid takes anything in it
		}
		m := tagRE.FindStringSubmatch(tok)
		if m == nil {
			return at, fmt.Sprintf("%q names no tag: remove it, or wrap it in {%% raw %%}…{%% endraw %%}", tok)
		}
		name, markup := m[1], strings.TrimSpace(m[2])
		var top *frame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		switch kind := s.tags[name]; {
		case top != nil && name == "end"+top.name:
			stack = stack[:len(stack)-1]
		case kind != 0:
			if why := checkMarkup(p, name, markup, s); why != "" {
				return at, why
			}
			if kind != tagSimple {
				stack = append(stack, frame{name, kind, at})
			}
		case top != nil && clauses[top.name][name]:
			if why := checkMarkup(p, name, markup, s); why != "" {
				return at, why
			}
		case top != nil && top.kind == tagComment:
			// A comment ignores the tags it does not know.
		case strings.HasPrefix(name, "end") && top != nil:
			return at, fmt.Sprintf("{%% %s %%} closes no open block ({%% %s %%} of line %d is open): close it with {%% end%s %%}", name, top.name, top.line, top.name)
		case strings.HasPrefix(name, "end") || clauseName(name):
			return at, fmt.Sprintf("{%% %s %%} is outside any block it belongs to: remove it, or wrap it in {%% raw %%}…{%% endraw %%}", name)
		case s.open:
			// The site's own plugins may define it.
		default:
			return at, fmt.Sprintf("{%% %s %%} is a Liquid tag neither Jekyll nor the site's plugins define: remove it, or wrap it in {%% raw %%}…{%% endraw %%}", name)
		}
	}
	if len(stack) > 0 {
		f := stack[len(stack)-1]
		return f.line, fmt.Sprintf("{%% %s %%} is never closed: add {%% end%s %%}", f.name, f.name)
	}
	return 0, ""
}

func clauseName(name string) bool { return name == "else" || name == "elsif" || name == "when" }

// nextDelim is where the next {{ or {% starts at or after pos, or -1.
func nextDelim(s string, pos int) int {
	for {
		i := strings.IndexByte(s[pos:], '{')
		if i < 0 || pos+i+1 >= len(s) {
			return -1
		}
		pos += i
		if c := s[pos+1]; c == '{' || c == '%' {
			return pos
		}
		pos++
	}
}

// cutToken is the token that starts at s[i:] ("{{" or "{%"), as Liquid's
// tokenizer cuts it, and whether it is terminated: a tag runs to the
// first "%}"; an object to its first "}", which must be doubled. With no
// end at all, the token is the two characters alone.
func cutToken(s string, i int) (string, bool) {
	if s[i+1] == '%' {
		j := strings.Index(s[i+2:], "%}")
		if j < 0 {
			return s[i : i+2], false
		}
		return s[i : i+2+j+2], true
	}
	j := strings.IndexByte(s[i+2:], '}')
	if j < 0 {
		return s[i : i+2], false
	}
	end := i + 2 + j + 1
	if end < len(s) && s[end] == '}' {
		return s[i : end+1], true
	}
	return s[i:end], false
}

var (
	// tagRE is a terminated tag: its name (ASCII word characters, as
	// Ruby's \w) and markup, the whitespace-control dashes left out.
	tagRE = regexp.MustCompile(`(?s)^\{%-?\s*(\w+)(.*?)-?%\}$`)
	// rawEndRE is a token that ends in a tag, with that tag's name.
	rawEndRE = regexp.MustCompile(`(?s)\{%-?\s*(\w+)\s*(?:.*)?-?%\}$`)

	// A fragment of markup: a quoted string, or a run of anything but
	// blanks, ",", "|" and quotes (quoted strings may sit inside).
	fragment = `(?:"[^"]*"|'[^']*'|(?:[^\s,|'"]|"[^"]*"|'[^']*')+)`
	// A condition of if, elsif and unless: a fragment, then maybe an
	// operator and another fragment.
	conditionRE = regexp.MustCompile(`(` + fragment + `)\s*([=!<>a-z_]+)?\s*(` + fragment + `)?`)
	andOrRE     = regexp.MustCompile(`\s+(?:and|or)\s+`)
	fragmentRE  = regexp.MustCompile(fragment)
	forRE       = regexp.MustCompile(`^[\w-]+\s+in\s+` + fragment)
	assignRE    = regexp.MustCompile(`[\w\-.\[\]()]\s*=`)
	captureRE   = regexp.MustCompile(`[\w\-.\[\]]`)
	cycleRE     = regexp.MustCompile(`^(?:"|'|[^\s,|'"])`)
	// Jekyll's highlight: a language, then options (linenos, mark_lines="1 2").
	highlightRE = regexp.MustCompile(`^[a-zA-Z0-9.+#_-]+(?:\s+\w+(?:=(?:\w+|"(?:\d+\s)*\d+"))?)*$`)
	// Jekyll's include: a file name of these characters, without "..",
	// "//" or "./", then key=value parameters.
	includeFileRE   = regexp.MustCompile(`^[\w/.\-()+~#@]+$`)
	includeBadRE    = regexp.MustCompile(`[./]{2,}`)
	includeParamsRE = regexp.MustCompile(`^(?:[\w-]+\s*=\s*(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[\w.-]+)(?:\s+|$))*$`)
	postNameRE      = regexp.MustCompile(`^(?:.+/)*\d+-\d+-\d+-.*$`)
)

// operators are the comparisons Liquid knows; another one in a
// condition fails when it is evaluated.
var operators = map[string]bool{"==": true, "!=": true, "<>": true, "<": true, ">": true, ">=": true, "<=": true, "contains": true}

// checkMarkup returns why the markup of the tag name stops the build
// ("" when it does not): what Liquid's lax parser refuses, and the files
// Jekyll's tags cannot find.
func checkMarkup(p, name, markup string, s *liquidSite) string {
	bad := func(syntax string) string {
		return fmt.Sprintf("{%% %s %s %%} is not Liquid's syntax of %s (%s): fix it, or wrap it in {%% raw %%}…{%% endraw %%}", name, markup, name, syntax)
	}
	switch name {
	case "if", "elsif", "unless":
		for _, c := range andOrRE.Split(markup, -1) {
			m := conditionRE.FindStringSubmatch(c)
			if m == nil {
				return bad(name + " CONDITION")
			}
			if m[2] != "" && !operators[m[2]] {
				return fmt.Sprintf("{%% %s %s %%} compares with %q, which is no Liquid operator (==, !=, <, >, <=, >=, contains): fix it", name, markup, m[2])
			}
		}
	case "case", "when":
		if !fragmentRE.MatchString(markup) {
			return bad(name + " VALUE")
		}
	case "for", "tablerow":
		if !forRE.MatchString(markup) {
			return bad(name + " ITEM in LIST")
		}
	case "assign":
		if !assignRE.MatchString(markup) {
			return bad("assign NAME = VALUE")
		}
	case "capture":
		if !captureRE.MatchString(markup) {
			return bad("capture NAME")
		}
	case "cycle":
		if !cycleRE.MatchString(markup) {
			return bad("cycle VALUE, VALUE…")
		}
	case "raw":
		if markup != "" {
			return bad("raw, alone")
		}
	case "highlight":
		if !highlightRE.MatchString(markup) {
			return bad("highlight LANGUAGE [linenos]")
		}
	case "include", "include_relative":
		if strings.Contains(markup, "{{") {
			return "" // a name only the render knows
		}
		file, params, _ := strings.Cut(markup, " ")
		if file == "" || !includeFileRE.MatchString(file) || includeBadRE.MatchString(file) || !includeParamsRE.MatchString(strings.TrimSpace(params)) {
			return bad(name + " FILE key=value…")
		}
		dir, where := "_includes", "_includes/"
		if name == "include_relative" {
			dir, where = path.Dir(p), "the post's folder"
		} else if s.open {
			return "" // a theme's _includes may hold it
		}
		if s.has != nil && !s.has(path.Join(dir, file)) {
			return fmt.Sprintf("{%% %s %s %%}: %s holds no %s, and Jekyll's build fails on it: add the file, or fix the name", name, markup, where, file)
		}
	case "post_url":
		if strings.Contains(markup, "{{") {
			return ""
		}
		if !postNameRE.MatchString(markup) {
			return bad("post_url YYYY-MM-DD-SLUG")
		}
		if s.post != nil && !s.post(path.Base(markup)) {
			return fmt.Sprintf("{%% post_url %s %%}: the site has no post %s, and Jekyll's build fails on it: fix the name", markup, path.Base(markup))
		}
	case "link":
		if strings.Contains(markup, "{{") || s.has == nil {
			return ""
		}
		if !s.has(strings.TrimPrefix(markup, "/")) {
			return fmt.Sprintf("{%% link %s %%}: the site holds no %s, and Jekyll's build fails on it: fix the path", markup, markup)
		}
	}
	return ""
}
