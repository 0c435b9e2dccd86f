package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/atomicfile"
	"github.com/gitdiary/diary/internal/regular"
)

// Site is what diary reads from a Jekyll site's _config.yml: the keys
// that decide where and when posts are published.
type Site struct {
	File     string   // the file read; "" when the site has none
	Timezone string   // timezone, trimmed; "" when unset or not text
	Future   bool     // future: true publishes posts dated after the build
	Exclude  []string // exclude, its text items
	// Reading is what of the settings decides which files Jekyll reads
	// as posts and what it gives them before their front matter:
	// exclude and include as Jekyll 4.3 completes them, and the front
	// matter defaults; the entry scanner and parser apply it.
	Reading entry.Site
	// PostLayout is the layout that front matter defaults give every
	// post ("" for none): a theme's config (Chirpy, minimal-mistakes)
	// gives posts theirs there, and a post that names no layout gets it.
	PostLayout string

	// What decides a post's URL (see entry.URL): each text as written,
	// "" when unset or not text.
	URL     string // url: the scheme and host the site is served at
	BaseURL string // baseurl: the folder under url
	// Permalink is the permalink style or template.
	Permalink string
	// PostsPermalink is collections.posts.permalink, which wins over
	// Permalink as Jekyll's Configuration#add_default_collections
	// decides, and is taken as a template, never a style name.
	PostsPermalink string
	// DefaultPermalink is the permalink front matter defaults give
	// every post, as PostLayout is found; a post's own wins.
	DefaultPermalink string
	// MarkdownExt are the items of markdown_ext, split at ","; nil when
	// unset.
	MarkdownExt []string
	// Plugins are the text items of plugins: (or of gems:, its name
	// before Jekyll 3.5, when plugins: is not given): the plugins whose
	// Liquid tags the site's posts may use.
	Plugins []string
	// Theme is theme:, or remote_theme: when there is no theme: the
	// theme whose _includes the site also draws on ("" for none).
	Theme string
}

// PostTemplate is the permalink template of the site's posts:
// collections.posts.permalink as it is, else permalink: with a style
// name (date, pretty...) made the template it stands for.
func (s Site) PostTemplate() string {
	if s.PostsPermalink != "" {
		return s.PostsPermalink
	}
	return entry.PermalinkTemplate(s.Permalink)
}

// FrontMatterDefault is the value the site's front matter defaults give
// key for the file at rel (slash-separated, from the site's root) of
// type typ ("posts" for posts and drafts, "pages"), and whether any set
// gives one: entry.Site's DefaultText, the one matcher of defaults,
// held to Jekyll's own by TestFrontMatterDefaultJekyll.
func (s Site) FrontMatterDefault(rel, typ, key string) (string, bool) {
	return s.Reading.DefaultText(rel, typ, key)
}

// ReadSite reads the site's settings as Jekyll does: from _config.yml, or
// _config.yaml when there is no .yml; a key given twice takes its last
// value, as Ruby's Psych does (yaml.v3 refuses such a file when decoding
// into a map, so the top-level mapping is walked here). The file is read
// only when it is a regular file. A site with neither file has no
// settings and no error; one that cannot be read or is not YAML is an
// error that names the file. Every command that needs the site's
// settings reads them here, so that they agree.
func ReadSite(root string) (Site, error) {
	for _, name := range []string{"_config.yml", "_config.yaml"} {
		p := filepath.Join(root, name)
		data, err := regular.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Site{File: p}, fmt.Errorf("read %s: %w", p, err)
		}
		return parseSite(p, data)
	}
	return Site{Reading: entry.Site{Exclude: entry.JekyllExcludes(nil, false, false), Include: entry.JekyllIncludes(nil, false)}}, nil
}

// ParseSite reads the settings from data, the bytes of a site's
// _config.yml named p (a path or a commit's file, for messages), as
// ReadSite does: for a site as a commit holds it.
func ParseSite(p string, data []byte) (Site, error) { return parseSite(p, data) }

// parseSite reads the settings from the bytes of the site's file p.
func parseSite(p string, data []byte) (site Site, err error) {
	site = Site{File: p}
	var excludeSet, excludeNull, includeSet bool
	var include []string
	defer func() {
		site.Reading.Exclude = entry.JekyllExcludes(site.Exclude, excludeSet, excludeNull)
		site.Reading.Include = entry.JekyllIncludes(include, includeSet)
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return site, fmt.Errorf("%s does not parse as YAML: %w", p, err)
	}
	if len(doc.Content) == 0 {
		return site, nil // an empty file
	}
	top := resolve(doc.Content[0])
	if top == nil || top.Kind != yaml.MappingNode {
		return site, fmt.Errorf("%s is not a list of key: value lines: fix it as Jekyll would read it", p)
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := resolve(top.Content[i]), resolve(top.Content[i+1])
		if k == nil || k.Kind != yaml.ScalarNode || v == nil {
			continue
		}
		switch k.Value {
		case "timezone":
			site.Timezone = ""
			if v.Kind == yaml.ScalarNode && v.Tag == "!!str" {
				site.Timezone = strings.TrimSpace(v.Value)
			}
		case "future":
			site.Future = false
			if v.Kind == yaml.ScalarNode && v.Tag == "!!bool" {
				_ = v.Decode(&site.Future)
			}
		case "defaults":
			site.PostLayout = postDefault(v, "layout")
			site.DefaultPermalink = postDefault(v, "permalink")
			site.Reading.Defaults = defaultSets(v)
		case "url":
			site.URL = text(v)
		case "baseurl":
			site.BaseURL = text(v)
		case "permalink":
			site.Permalink = text(v)
		case "collections":
			site.PostsPermalink = ""
			if v.Kind == yaml.MappingNode {
				if posts := mapValue(v, "posts"); posts != nil && posts.Kind == yaml.MappingNode {
					site.PostsPermalink = text(mapValue(posts, "permalink"))
				}
			}
		case "markdown_ext":
			site.MarkdownExt = nil
			if t := text(v); t != "" {
				site.MarkdownExt = strings.Split(t, ",")
			}
		case "plugins", "gems":
			if k.Value == "gems" && hasKey(top, "plugins") {
				continue // plugins: wins
			}
			site.Plugins = nil
			if v.Kind == yaml.SequenceNode {
				for _, x := range v.Content {
					if t := text(resolve(x)); t != "" {
						site.Plugins = append(site.Plugins, t)
					}
				}
			}
		case "theme", "remote_theme":
			if t := text(v); t != "" && (k.Value == "theme" || site.Theme == "") {
				site.Theme = t
			}
		case "exclude":
			site.Exclude = textItems(v)
			excludeSet, excludeNull = true, v.Kind == yaml.ScalarNode && v.Tag == "!!null"
		case "include":
			include, includeSet = textItems(v), true
		}
	}
	return site, nil
}

// textItems are the text items of a list node; nil for any other node.
func textItems(v *yaml.Node) []string {
	var out []string
	if v.Kind == yaml.SequenceNode {
		for _, x := range v.Content {
			if x = resolve(x); x != nil && x.Kind == yaml.ScalarNode && x.Tag == "!!str" {
				out = append(out, x.Value)
			}
		}
	}
	return out
}

// defaultSets are the sets of a defaults list that Jekyll's
// FrontmatterDefaults#valid_sets keeps (a mapping whose values are a
// mapping), with their scope as entry.Default holds it: a path that is
// text ("" for none), a type (post and draft read as posts and drafts,
// as Jekyll 4.3's update_deprecated_types does).
func defaultSets(defaults *yaml.Node) []entry.Default {
	if defaults.Kind != yaml.SequenceNode {
		return nil
	}
	var out []entry.Default
	for _, d := range defaults.Content {
		d = resolve(d)
		if d == nil || d.Kind != yaml.MappingNode {
			continue
		}
		values := mapValue(d, "values")
		if values == nil || values.Kind != yaml.MappingNode {
			continue
		}
		set := entry.Default{Values: values}
		if scope := mapValue(d, "scope"); scope != nil && scope.Kind == yaml.MappingNode {
			set.Path = text(mapValue(scope, "path"))
			if t := mapValue(scope, "type"); t != nil {
				set.HasType = true
				set.Type = t.Value
				switch set.Type {
				case "post":
					set.Type = "posts"
				case "draft":
					set.Type = "drafts"
				case "page":
					set.Type = "pages"
				}
			}
		}
		out = append(out, set)
	}
	return out
}

// text is the value of a scalar node that YAML reads as text, else "".
func text(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		return ""
	}
	return n.Value
}

// postDefault is the value of key (a layout, a permalink) that a
// defaults list gives every post: the last entry whose scope takes in
// all of _posts/ (a path of "", "." or
// "_posts", or none) and every post (a type of posts, the older post, or
// none), as Jekyll's FrontmatterDefaults applies them, later entries
// winning. Scopes that take in only some posts (a subfolder, a glob) are
// not counted: they do not speak for a new post.
func postDefault(defaults *yaml.Node, key string) string {
	if defaults.Kind != yaml.SequenceNode {
		return ""
	}
	value := ""
	for _, d := range defaults.Content {
		d = resolve(d)
		if d == nil || d.Kind != yaml.MappingNode {
			continue
		}
		scope, values := mapValue(d, "scope"), mapValue(d, "values")
		if values == nil || values.Kind != yaml.MappingNode {
			continue
		}
		if scope != nil && scope.Kind == yaml.MappingNode {
			if p := mapValue(scope, "path"); p != nil && p.Kind == yaml.ScalarNode && p.Tag != "!!null" {
				if path := strings.Trim(strings.TrimSpace(p.Value), "/"); path != "" && path != "." && path != "_posts" {
					continue
				}
			}
			if t := mapValue(scope, "type"); t != nil && t.Kind == yaml.ScalarNode && t.Tag != "!!null" {
				if t.Value != "posts" && t.Value != "post" {
					continue
				}
			}
		} else if scope != nil && !(scope.Kind == yaml.ScalarNode && scope.Tag == "!!null") {
			continue
		}
		if l := mapValue(values, key); l != nil && l.Kind == yaml.ScalarNode {
			value = ""
			if l.Tag == "!!str" {
				value = strings.TrimSpace(l.Value)
			}
		}
	}
	return value
}

// hasKey reports whether the mapping m has key.
func hasKey(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := resolve(m.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.Value == key {
			return true
		}
	}
	return false
}

// mapValue is the value of key in the mapping m (the last, as Psych
// takes a key given twice), aliases followed; nil when it has none.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	var v *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := resolve(m.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.Value == key {
			v = resolve(m.Content[i+1])
		}
	}
	return v
}

// SetSiteZone gives the site's _config.yml the time zone zone. A
// timezone key that is there with no value (minimal-mistakes ships
// "timezone:" empty) is set in place, its comments kept: a second key
// would be a file that Psych reads one way and a careful reader
// another. A file without the key gets it at its end, under a comment
// that says who added it. Every other byte stays as it was, and the
// result is read back as Jekyll reads it before it replaces the file.
func SetSiteZone(root, zone string) error {
	file := filepath.Join(root, "_config.yml")
	data, err := regular.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	if err := validateValue("timezone", zone, "timezone"); err != nil || zone == "" {
		return fmt.Errorf("%s: %q is not a time zone to write: set an IANA name such as Asia/Seoul", file, zone)
	}
	_, top, err := parseDoc(file, data)
	if err != nil {
		return err
	}
	has := false
	for i := 0; top != nil && i+1 < len(top.Content); i += 2 {
		if k := resolve(top.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.Value == "timezone" {
			has = true
		}
	}
	var out []byte
	if has {
		if out, err = setInBytes(file, data, "timezone", zone, ""); err != nil {
			return err
		}
	} else {
		text := string(data)
		if text != "" && !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		text += "# Added by diary init, so that posts are dated in the zone they are written in.\ntimezone: " + zone + "\n"
		out = []byte(text)
	}
	if got, err := parseSite(file, out); err != nil || got.Timezone != zone {
		return fmt.Errorf("%s: cannot set timezone without changing how Jekyll reads the rest of it: add timezone: %s to it by hand", file, zone)
	}
	perm := fs.FileMode(0o644)
	if fi, err := os.Stat(file); err == nil {
		perm = fi.Mode().Perm()
	}
	if err := atomicfile.WriteFile(file, out, perm); err != nil {
		return fmt.Errorf("write %s: %w: the old file is unchanged", file, err)
	}
	return nil
}
