package entry

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"
)

// A post's URL as Jekyll computes it. The rules are Jekyll's documented
// permalinks (jekyllrb.com/docs/permalinks/: the built-in styles and the
// placeholders), and where the documentation is silent, Jekyll 4.3's
// behaviour, learned from lib/jekyll/document.rb (url, permalink,
// populate_title, cleaned_relative_path), lib/jekyll/url.rb (placeholder
// substitution, escaping, sanitizing), lib/jekyll/drops/url_drop.rb (what
// each placeholder is), lib/jekyll/renderer.rb (output_ext) and
// lib/jekyll/configuration.rb (the styles), and checked against Jekyll
// itself by cmd/diary/jekyll_diff_test.go. URL escaping follows RFC 3986
// (section 3.3, the path's pchar), as Addressable::URI.encode, which
// Jekyll calls, applies it.

// permalinkStyles are the names `permalink:` in _config.yml may give
// instead of a template (Jekyll 4's STYLE_TO_PERMALINK; weekdate is new
// in Jekyll 4, and Jekyll 3.10 takes the word as a template).
var permalinkStyles = map[string]string{
	"date":     "/:categories/:year/:month/:day/:title:output_ext",
	"pretty":   "/:categories/:year/:month/:day/:title/",
	"ordinal":  "/:categories/:year/:y_day/:title:output_ext",
	"weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
	"none":     "/:categories/:title:output_ext",
}

// PermalinkTemplate is the URL template of posts for the site's
// permalink setting: a built-in style's template, or the setting itself
// as a custom template. "" is Jekyll's default, date.
func PermalinkTemplate(permalink string) string {
	if permalink == "" {
		permalink = "date"
	}
	if t, ok := permalinkStyles[permalink]; ok {
		return t
	}
	return permalink
}

// URLOptions are the site's settings that decide a post's URL.
type URLOptions struct {
	// Template is the posts' URL template: the site's
	// collections.posts.permalink, or PermalinkTemplate of its
	// permalink. "" is Jekyll's default.
	Template string
	// Permalink is what the site's front matter defaults give the post
	// as permalink ("" for none); the post's own front matter wins.
	Permalink string
	// MarkdownExt are the extensions Jekyll converts to HTML
	// (markdown_ext split at ",", without dots); nil for Jekyll's
	// default.
	MarkdownExt []string
	// Location is the site's time zone, in which the date placeholders
	// are written; nil for UTC.
	Location *time.Location
}

// defaultMarkdownExt is Jekyll's markdown_ext.
var defaultMarkdownExt = []string{"markdown", "mkdown", "mkdn", "mkd", "md"}

// ErrNoURL says a post has no URL Jekyll can build: Jekyll's build fails
// on it.
var ErrNoURL = errors.New("no URL")

// URL returns the URL path Jekyll publishes the post e at, from the
// site's root (before baseurl), with every character a URL cannot hold
// percent-encoded (Korean is encoded as UTF-8 bytes, as Jekyll's
// page.url is). data is the post's file, read for the front matter keys
// Entry does not hold: permalink, which wins over the template, and slug,
// which stands for the file name's slug. e must be the result of Parse on
// data, in o.Location.
func URL(e *Entry, data []byte, o URLOptions) (string, error) {
	fail := func(format string, args ...any) (string, error) {
		return "", fmt.Errorf("%s: %w: %s", e.Path, ErrNoURL, fmt.Sprintf(format, args...))
	}
	if e.Draft {
		return fail("it is a draft, which Jekyll publishes only once it is a post: publish it first")
	}
	keys, err := urlKeys(data)
	if err != nil {
		return fail("%v", err)
	}
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	rel := e.Path
	base := path.Base(rel)
	ext := rubyExt(base)
	stem := strings.TrimSuffix(base, ext)
	slug := stem
	if _, s, ok := nameParts(base); ok {
		slug = s
	}
	slug = strings.TrimRight(slug, ".")
	if keys.hasSlug {
		slug = keys.slug
	}
	permalink := o.Permalink
	if keys.hasPermalink {
		permalink = keys.permalink
	}
	template := o.Template
	if template == "" {
		template = PermalinkTemplate("")
	}
	if permalink != "" {
		template = permalink
	}
	d := e.Date.In(loc)
	year, week := d.ISOWeek()
	values := map[string]func() string{
		"output_ext": func() string { return outputExt(ext, permalink, o.MarkdownExt) },
		"path": func() string {
			p := strings.Replace(strings.TrimSuffix(rel, ext), PostsDir, "", 1)
			return strings.TrimRight(p, ".")
		},
		"collection":           func() string { return "posts" },
		"name":                 func() string { return Slugify(stem, SlugDefault) },
		"title":                func() string { return SlugifyCased(slug, SlugPretty) },
		"slug":                 func() string { return Slugify(slug, SlugDefault) },
		"categories":           func() string { return joinCategories(e.Categories, rubyDowncase) },
		"slugified_categories": func() string { return joinCategories(e.Categories, slugDefault) },
		"year":                 func() string { return d.Format("2006") },
		"month":                func() string { return d.Format("01") },
		"day":                  func() string { return d.Format("02") },
		"hour":                 func() string { return d.Format("15") },
		"minute":               func() string { return d.Format("04") },
		"second":               func() string { return d.Format("05") },
		"i_day":                func() string { return d.Format("2") },
		"i_month":              func() string { return d.Format("1") },
		"short_month":          func() string { return d.Format("Jan") },
		"long_month":           func() string { return d.Format("January") },
		"short_year":           func() string { return d.Format("06") },
		"w_year":               func() string { return fmt.Sprint(year) },
		"week":                 func() string { return fmt.Sprintf("%02d", week) },
		"w_day":                func() string { return fmt.Sprint((int(d.Weekday())+6)%7 + 1) },
		"short_day":            func() string { return d.Format("Mon") },
		"long_day":             func() string { return d.Format("Monday") },
		"y_day":                func() string { return fmt.Sprintf("%03d", d.YearDay()) },
	}
	var bad error
	url := placeholderRE.ReplaceAllStringFunc(template, func(m string) string {
		name := m[1:]
		pool := []string{name}
		if strings.HasSuffix(name, "_") {
			// "/:month_:day" is :month, then "_": Jekyll tries the
			// name without its last "_" too.
			pool = append(pool, strings.TrimSuffix(name, "_"))
		}
		for _, k := range pool {
			if v, ok := values[k]; ok {
				s, err := escapePath(v())
				if err != nil && bad == nil {
					bad = fmt.Errorf(":%s is %q, %w", k, v(), err)
				}
				return s + m[1+len(k):]
			}
		}
		if bad == nil {
			bad = fmt.Errorf("the permalink %q has :%s, which is no placeholder Jekyll knows: Jekyll's build fails on it; fix the permalink", template, strings.Join(pool, " or :"))
		}
		return m
	})
	if bad != nil {
		return fail("%v", bad)
	}
	return sanitizeURL(url), nil
}

// placeholderRE is a placeholder of a permalink template, as Jekyll's
// URL#generate_url_from_drop finds them.
var placeholderRE = regexp.MustCompile(`:[a-z_]+`)

// urlFields are the front matter keys of a post's URL that Entry does
// not hold.
type urlFields struct {
	permalink, slug       string
	hasPermalink, hasSlug bool
}

// urlKeys reads permalink and slug from the front matter of data, as
// Jekyll's Document#permalink and populate_title take them: text is
// used, null and false are no value (but a false permalink also hides
// the defaults' one), and anything else makes Jekyll's build fail.
func urlKeys(data []byte) (urlFields, error) {
	var f urlFields
	parts, ok := Split(data)
	if !ok && parts.Opener != nil {
		return f, errors.New("its front matter is not closed: add a --- line after it")
	}
	if !ok {
		return f, nil // no front matter: no keys of its own (issue 20)
	}
	m, err := Mapping(parts)
	if err != nil || m == nil {
		return f, err
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Value != "permalink" && k.Value != "slug" {
			continue
		}
		sv, isScalar, err := resolve(m.Content[i+1], nil)
		if err != nil {
			return f, fmt.Errorf("%s: %w", k.Value, err)
		}
		none := isScalar && (sv.kind == kindNull || sv.kind == kindBool && !sv.b)
		if !none && (!isScalar || sv.kind != kindString) {
			return f, fmt.Errorf("%s must be text (Jekyll's build fails on anything else): quote it", k.Value)
		}
		if k.Value == "permalink" {
			// A null permalink leaves the one front matter defaults
			// give (Jekyll's deep merge keeps a default over nil);
			// false is none at all.
			f.permalink, f.hasPermalink = sv.text, !(isScalar && sv.kind == kindNull)
			if none {
				f.permalink = ""
			}
		} else {
			f.slug, f.hasSlug = sv.text, !none
		}
	}
	return f, nil
}

// outputExt is the extension Jekyll gives the page of a post whose file
// has the extension ext (Renderer#output_ext): a permalink's own
// extension first, then .html for Markdown, else ext itself (Jekyll's
// Identity converter).
func outputExt(ext, permalink string, markdown []string) string {
	if permalink != "" && !strings.HasSuffix(permalink, "/") {
		if e := rubyExt(path.Base(permalink)); e != "" {
			return e
		}
	}
	if markdown == nil {
		markdown = defaultMarkdownExt
	}
	for _, m := range markdown {
		// Jekyll's Markdown converter: "." + each item downcased (not
		// trimmed) against the extension downcased.
		if rubyDowncase("."+m) == rubyDowncase(ext) {
			return ".html"
		}
	}
	return ext
}

// rubyExt is Ruby's File.extname of a base name: from its last dot,
// when that dot is not at its start (leading dots do not count).
func rubyExt(base string) string {
	rest := strings.TrimLeft(base, ".")
	i := strings.LastIndexByte(rest, '.')
	if i < 0 {
		return ""
	}
	return rest[i:]
}

// joinCategories is Jekyll's :categories (each downcased) or
// :slugified_categories (each slugged): each result once, in order,
// joined by "/".
func joinCategories(cats []string, f func(string) string) string {
	var out []string
	seen := map[string]bool{}
	for _, c := range cats {
		c = f(c)
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return strings.Join(out, "/")
}

func slugDefault(s string) string { return Slugify(s, SlugDefault) }

// rubyDowncase is Ruby's String#downcase, as writeLower does it.
func rubyDowncase(s string) string {
	var b strings.Builder
	for _, r := range s {
		writeLower(&b, r)
	}
	return b.String()
}

// sanitizeURL is Jekyll's URL#sanitize_url: a leading "/", every ".."
// made "/", every "./" dropped, and runs of "/" made one.
func sanitizeURL(s string) string {
	s = strings.ReplaceAll("/"+s, "..", "/")
	s = strings.ReplaceAll(s, "./", "")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '/' && i > 0 && s[i-1] == '/' {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// escapePath percent-encodes a placeholder's value as Jekyll's
// URL.escape_path does (Addressable::URI.encode of the value): every
// byte that is not a path character (RFC 3986 pchar, or "/") is
// encoded, upper-case, except "?", which Addressable takes for the start
// of a query and leaves; "#" is always encoded. A value that Addressable
// reads as having a scheme or a host (a ":" in its first segment, a
// leading "//") is left as it is when it needs no encoding, and is an
// error otherwise: Jekyll's build fails on most of them.
func escapePath(v string) (string, error) {
	if v == "" || plainPathRE.MatchString(v) {
		return v, nil
	}
	first := v
	if i := strings.IndexAny(v, "/?#"); i >= 0 {
		first = v[:i]
	}
	if c := strings.IndexByte(first, ':'); c >= 0 || strings.HasPrefix(v, "//") {
		if c >= 0 && !schemeRE.MatchString(first[:c]) {
			return v, errors.New("which Jekyll reads as a URL with a bad scheme: Jekyll's build fails on it; remove the \":\"")
		}
		for i := 0; i < len(v); i++ {
			if v[i] != '#' && !pathByte(v[i]) && v[i] != '?' {
				return v, errors.New("which Jekyll reads as a URL of another site: Jekyll's build fails on it; rename it")
			}
		}
		return strings.ReplaceAll(v, "#", "%23"), nil
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if pathByte(c) || c == '?' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String(), nil
}

var (
	plainPathRE = regexp.MustCompile(`^[a-zA-Z0-9./-]+$`)
	schemeRE    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)
)

// pathByte reports whether c stands for itself in a URL path: RFC 3986's
// unreserved, sub-delims, ":", "@", and "/".
func pathByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,;=:@/", c) >= 0
}

// SiteURL joins a post's URL path (from URL) to the site's url and
// baseurl as Jekyll's absolute_url and relative_url filters do: the
// baseurl with one leading "/" and none at its end, then the path; the
// url, without a "/" at its end, before both. With no url the result is
// the path from the server's root.
func SiteURL(url, baseurl, p string) string {
	baseurl = strings.TrimSuffix(baseurl, "/")
	if baseurl != "" && !strings.HasPrefix(baseurl, "/") {
		baseurl = "/" + baseurl
	}
	return strings.TrimSuffix(url, "/") + baseurl + p
}
