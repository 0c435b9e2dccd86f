package entry

import (
	"fmt"
	"hash/fnv"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Site is what of a site's _config.yml decides which files Jekyll reads
// as posts and drafts, and the values it gives them before their own
// front matter: exclude and include (Jekyll's EntryFilter) and front
// matter defaults (Jekyll::FrontmatterDefaults). The site's config is
// read by its one reader (config.ReadSite), which fills this in; entry
// only applies it. A nil *Site is a site of Jekyll's own settings.
type Site struct {
	// Exclude and Include are the site's exclude and include lists as
	// Jekyll 4.3's Configuration leaves them: exclude with Jekyll's
	// DEFAULT_EXCLUDES added (none when the site sets exclude to null),
	// include as the site gives it (Jekyll's [".htaccess"] when unset).
	// Only the text items: Jekyll's glob_include? ignores the rest.
	Exclude, Include []string
	// Defaults are the sets of defaults: that Jekyll finds valid (a
	// mapping whose values are a mapping), in order.
	Defaults []Default
}

// Default is one set of the site's front matter defaults.
type Default struct {
	// Path is scope.path when it is text ("" for none: every path);
	// Type is scope.type as text, with HasType when the scope names one
	// (post and draft read as posts and drafts, as Jekyll 4.3 updates
	// them).
	Path    string
	Type    string
	HasType bool
	// Values is the values mapping, read as front matter is.
	Values *yaml.Node
}

// defaultExcludes is Jekyll 4.3's Configuration::DEFAULT_EXCLUDES.
var defaultExcludes = []string{".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock",
	"node_modules", "vendor/bundle/", "vendor/cache/", "vendor/gems/", "vendor/ruby/"}

// jekyllSite is a site with Jekyll's own exclude and include.
var jekyllSite = &Site{Exclude: defaultExcludes, Include: []string{".htaccess"}}

// JekyllExcludes returns exclude as Jekyll 4.3 has it once read
// (Configuration#add_default_excludes): the site's list with
// DEFAULT_EXCLUDES after it, each once. set is false when the site's
// _config.yml has no exclude (then the defaults alone); null is true for
// an exclude given as null (then none, not even the defaults).
func JekyllExcludes(site []string, set, null bool) []string {
	if null {
		return nil
	}
	var out []string
	if set {
		out = site
	}
	var uniq []string
	for _, x := range append(append([]string(nil), out...), defaultExcludes...) {
		if !slices.Contains(uniq, x) {
			uniq = append(uniq, x)
		}
	}
	return uniq
}

// JekyllIncludes returns include as Jekyll 4.3 has it: the site's list
// when it gives one, else Jekyll's default, [".htaccess"].
func JekyllIncludes(site []string, set bool) []string {
	if !set {
		return []string{".htaccess"}
	}
	return site
}

func (s *Site) orJekyll() *Site {
	if s == nil {
		return jekyllSite
	}
	return s
}

// The paths below are Jekyll's, as EntryFilter joins them to the site's
// folder (PathManager.join, Ruby's File.join), with that folder and the
// "/" after it taken off both sides: a path from the site's root, and a
// pattern with one leading "/" dropped (File.join joins "/site" and
// "/docs" into "/site/docs", and "/site" and "docs/" into "/site/docs/").
// File.fnmatch of the joined pair is fnmatch of these, as long as the
// site's own folder holds no glob character.

// globInclude is EntryFilter#glob_include?: whether rel (from the site's
// root) matches one of patterns: File.fnmatch with no flags (so "*"
// crosses "/"), or the pattern is a prefix of the text of rel (so "doc"
// takes in "docs/"), or rel is a folder and the pattern is rel and "/".
// isDir says whether rel is a folder; it is asked only for that last test.
func globInclude(patterns []string, rel string, isDir func() bool) bool {
	for _, p := range patterns {
		p = strings.TrimPrefix(p, "/")
		if strings.HasPrefix(rel, p) || fnmatch(p, rel) {
			return true
		}
		if len(p) == len(rel)+1 && p[len(rel)] == '/' && p[:len(rel)] == rel && isDir != nil && isDir() {
			return true
		}
	}
	return false
}

// rejects is EntryFilter#filter for one entry: whether Jekyll passes
// over entry, a name or path from the folder base (from the site's root,
// "" for the root) that Jekyll is reading. isDir says whether a path is
// a folder (rel from the site's root); nil for "no".
func (s *Site) rejects(base, entry string, isDir func(rel string) bool) bool {
	if strings.HasSuffix(entry, ".") {
		return true
	}
	s = s.orJekyll()
	dirAt := func(rel string) func() bool {
		if isDir == nil {
			return nil
		}
		return func() bool { return isDir(rel) }
	}
	// included? joins the entry to the site's root, not to base, as
	// Jekyll 4.3 does; and tries its base name too.
	name := path.Base(entry)
	included := globInclude(s.Include, entry, dirAt(entry)) || globInclude(s.Include, name, dirAt(name))
	if !included {
		rel := entry
		if base != "" {
			rel = base + "/" + entry
		}
		if globInclude(s.excludeOnly(), rel, dirAt(rel)) {
			return true
		}
	}
	if included {
		return false
	}
	return special(entry) || special(name) || strings.HasSuffix(entry, "~")
}

// excludeOnly is site.exclude - site.include.
func (s *Site) excludeOnly() []string {
	if len(s.Include) == 0 {
		return s.Exclude
	}
	var out []string
	for _, x := range s.Exclude {
		in := false
		for _, y := range s.Include {
			in = in || x == y
		}
		if !in {
			out = append(out, x)
		}
	}
	return out
}

// special is EntryFilter's SPECIAL_LEADING_CHAR_REGEX: a name that
// starts with ".", "_", "#" or "~".
func special(name string) bool {
	return name != "" && strings.IndexByte("._#~", name[0]) >= 0
}

// mayInclude reports whether an include pattern could let in a name
// that starts with "_", "#" or "~" inside a _posts or _drafts folder
// (entries there never start with "."): when none can, the scan leaves
// such folders unread, as Jekyll's filter would drop all they hold.
func (s *Site) mayInclude() bool {
	for _, p := range s.orJekyll().Include {
		if p = strings.TrimPrefix(p, "/"); p != "" && p[0] != '.' {
			return true
		}
	}
	return false
}

// mayExclude reports whether an exclude pattern could match a path
// under dir (from the site's root): any pattern with a glob character,
// and a plain one that is a prefix of dir's or starts with it. When
// none can, the scan does not test the files of dir one by one.
func (s *Site) mayExclude(dir string) bool {
	d := dir + "/"
	for _, p := range s.orJekyll().excludeOnly() {
		p = strings.TrimPrefix(p, "/")
		if strings.ContainsAny(p, `*?[\`) || strings.HasPrefix(d, p) || strings.HasPrefix(p, d) {
			return true
		}
	}
	return false
}

// readsDir reports whether Jekyll's Reader enters the folder rel (from
// the site's root, "" for the root) when it looks for _posts and
// _drafts: each folder on the way passes the filter of its parent.
func (s *Site) readsDir(rel string, isDir func(string) bool) bool {
	if rel == "" {
		return true
	}
	base := ""
	for _, c := range strings.Split(rel, "/") {
		if c == "" || s.rejects(base, c, isDir) {
			return false
		}
		if base == "" {
			base = c
		} else {
			base += "/" + c
		}
	}
	return true
}

// readsFile reports whether Jekyll reads rest, a file inside the _posts
// or _drafts folder magic (from the site's root): Reader#get_entries
// globs **/* there, which enters no hidden folder and lists no hidden
// file, then filters each path from magic.
func (s *Site) readsFile(magic, rest string) bool {
	if rest == "" {
		return false
	}
	for _, c := range strings.Split(rest, "/") {
		if c == "" || c[0] == '.' {
			return false
		}
	}
	return !s.rejects(magic, rest, nil)
}

// IsPost is the package's IsPost for this site: a file Jekyll reads as a
// post, with the site's exclude and include.
func (s *Site) IsPost(p string) bool {
	site, magic, rest := magicDir(p)
	if magic != PostsDir || !s.readsDir(site, nil) || !s.readsFile(joinRel(site, magic), rest) {
		return false
	}
	_, ok := nameDate(path.Base(rest))
	return ok
}

// IsDraft is the package's IsDraft for this site.
func (s *Site) IsDraft(p string) bool {
	site, magic, rest := magicDir(p)
	return magic == DraftsDir && s.readsDir(site, nil) && s.readsFile(joinRel(site, magic), rest)
}

func joinRel(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// fnmatch is Ruby's File.fnmatch(pattern, s) with no flags: "*" matches
// any run of characters, "/" and a leading "." included; "?" any one
// character; "[...]" one of a set ("[!...]" or "[^...]" none of it,
// "a-z" a range; a "]" ends it even first, and one never closed
// matches nothing); "\" makes the next character plain. Case counts.
// (Ruby's dir.c, fnmatch_helper, documented in File.fnmatch.)
func fnmatch(pattern, s string) bool {
	// Iterative, with one star to come back to: enough, since "*"
	// matches "/" as well.
	p, i := 0, 0
	starP, starI := -1, -1
	for i < len(s) {
		if p < len(pattern) {
			switch pattern[p] {
			case '*':
				for p < len(pattern) && pattern[p] == '*' {
					p++
				}
				starP, starI = p, i
				continue
			case '?':
				_, n := utf8.DecodeRuneInString(s[i:])
				p++
				i += n
				continue
			case '[':
				// An unclosed "[" matches nothing here.
				r, n := utf8.DecodeRuneInString(s[i:])
				if ok, end := matchClass(pattern, p, r); ok && end > 0 {
					p = end
					i += n
					continue
				}
			default:
				c := pattern[p]
				q := p
				if c == '\\' && p+1 < len(pattern) {
					q = p + 1
				}
				pr, pn := utf8.DecodeRuneInString(pattern[q:])
				sr, sn := utf8.DecodeRuneInString(s[i:])
				if pr == sr {
					p = q + pn
					i += sn
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starI:])
		starI += n
		p, i = starP, starI
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// matchClass matches r against the class that starts at pattern[p]
// ("["). end is the index after its "]", 0 when it is not closed.
func matchClass(pattern string, p int, r rune) (ok bool, end int) {
	i := p + 1
	neg := false
	if i < len(pattern) && (pattern[i] == '!' || pattern[i] == '^') {
		neg = true
		i++
	}
	// A "]" closes the class even first ("[]" is empty), as Ruby's
	// bracket() reads it.
	for i < len(pattern) && pattern[i] != ']' {
		lo, n := classRune(pattern, i)
		i += n
		hi := lo
		if i+1 < len(pattern) && pattern[i] == '-' && pattern[i+1] != ']' {
			var m int
			hi, m = classRune(pattern, i+1)
			i += 1 + m
		}
		if lo <= r && r <= hi {
			ok = true
		}
	}
	if i >= len(pattern) {
		return false, 0
	}
	return ok != neg, i + 1
}

func classRune(pattern string, i int) (rune, int) {
	if pattern[i] == '\\' && i+1 < len(pattern) {
		r, n := utf8.DecodeRuneInString(pattern[i+1:])
		return r, n + 1
	}
	return utf8.DecodeRuneInString(pattern[i:])
}

// defaultsFor returns the values of the sets of defaults that apply to
// the file at rel (from the site's root) of the posts collection, in the
// order to read them so that the last key read wins as Jekyll's
// FrontmatterDefaults#all merges them: each set that applies, in order;
// one that takes precedence over the last that did (has_precedence?: a
// longer scope path, or as long and naming a type) goes after what was
// read so far, one that does not goes before it.
func (s *Site) defaultsFor(rel string) []*yaml.Node {
	if s == nil || len(s.Defaults) == 0 {
		return nil
	}
	var out []*yaml.Node
	var old *Default
	for i := range s.Defaults {
		d := &s.Defaults[i]
		if d.HasType && d.Type != "posts" {
			continue
		}
		if d.Path != "" && !pathApplies(d.Path, rel) {
			continue
		}
		if precedes(old, d) {
			out = append(out, d.Values)
			old = d
		} else {
			out = append([]*yaml.Node{d.Values}, out...)
		}
	}
	return out
}

// pathApplies is FrontmatterDefaults#applies_path? for a scope path
// without "*": the post's path starts with it (as text: blog takes in
// blogger/ too). A path with "*" is a glob Jekyll expands on the disk;
// diary does not, and counts it as not applying.
func pathApplies(scope, rel string) bool {
	if strings.Contains(scope, "*") {
		return false
	}
	return strings.HasPrefix(rel, scope)
}

// precedes is FrontmatterDefaults#has_precedence?.
func precedes(old, d *Default) bool {
	if old == nil {
		return true
	}
	np, op := sanitizeScope(d.Path), sanitizeScope(old.Path)
	switch {
	case len(np) != len(op):
		return len(np) >= len(op)
	case d.HasType:
		return true
	default:
		return !old.HasType
	}
}

// sanitizeScope is FrontmatterDefaults#sanitize_path: a leading "/"
// dropped.
func sanitizeScope(p string) string {
	if strings.HasPrefix(p, "/") {
		return strings.TrimPrefix(p, "/")
	}
	return p
}

// DefaultText is the text the site's front matter defaults give the key
// for the file at rel, as the merged defaults hold it: "" when none
// does, or the value is not text. ok is false when no default names the
// key.
func (s *Site) DefaultText(rel, key string) (text string, ok bool) {
	for _, m := range s.defaultsFor(rel) {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
				ok = true
				text = ""
				if sv, isScalar, err := resolve(m.Content[i+1], nil); err == nil && isScalar && sv.kind == kindString {
					text = sv.text
				}
			}
		}
	}
	return text, ok
}

// key tells sites apart by what they give posts, for the list cache:
// "" for Jekyll's own settings.
func (s *Site) key() string {
	if s == nil {
		return ""
	}
	var b strings.Builder
	for _, l := range [][]string{s.Exclude, {"\x01"}, s.Include, {"\x01"}} {
		for _, x := range l {
			b.WriteString(x)
			b.WriteByte(0)
		}
	}
	for _, d := range s.Defaults {
		fmt.Fprintf(&b, "%q %q %v\x00", d.Path, d.Type, d.HasType)
		if d.Values != nil {
			out, _ := yaml.Marshal(d.Values)
			b.Write(out)
		}
		b.WriteByte(0)
	}
	h := fnv.New128a()
	h.Write([]byte(b.String()))
	return fmt.Sprintf("site %x", h.Sum(nil))
}
