package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/regular"
	"gopkg.in/yaml.v3"
)

// TemplatesDir is where `diary new --template NAME` looks for NAME.
const TemplatesDir = "_templates"

// template is a template file of the diary: its front matter keys and
// its body, placeholders not yet filled.
type template struct {
	name   string // repo-relative path, for messages
	fields []entry.Field
	body   string
}

// checkTemplateName refuses a NAME that is not one file name in
// _templates/: a path, "..", or a hidden name.
func checkTemplateName(name string) error {
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") || strings.ContainsRune(name, 0) {
		return Usagef("--template %q is not a template name: give the name of a file in %s/ without its extension, such as --template trip", name, TemplatesDir)
	}
	return nil
}

// readTemplate reads _templates/NAME.EXT (ext, the configured extension
// of entries, first, then md): front matter and body. The folder and the
// file are read only when they are a real folder and a regular file of
// the diary, never through a link.
func readTemplate(root, name, ext string) (*template, error) {
	if err := checkTemplateName(name); err != nil {
		return nil, err
	}
	dir := filepath.Join(root, TemplatesDir)
	fi, err := os.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, Usagef("there is no template %q: the diary has no templates yet; write one as %s/%s.%s (front matter and a body; {{ title }}, {{ date }} and {{ author }} are filled in)", name, TemplatesDir, name, ext)
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", TemplatesDir, err)
	case !fi.IsDir():
		return nil, Usagef("%s is not a folder (a link or a file): diary reads templates only from a folder of the diary; make %s a folder", TemplatesDir, TemplatesDir)
	}
	exts := []string{ext}
	if ext != "md" {
		exts = append(exts, "md")
	}
	for _, e := range exts {
		rel := TemplatesDir + "/" + name + "." + e
		data, err := regular.ReadFileNoFollow(filepath.Join(dir, name+"."+e))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, Usagef("template %s cannot be read: %v: make it a plain file", rel, err)
		}
		return parseTemplate(rel, data)
	}
	return nil, unknownTemplate(dir, name, ext)
}

// unknownTemplate says which templates there are.
func unknownTemplate(dir, name, ext string) error {
	names := templateNames(dir, ext)
	if len(names) == 0 {
		return Usagef("there is no template %q: %s/ holds none; write one as %s/%s.%s", name, TemplatesDir, TemplatesDir, name, ext)
	}
	return Usagef("there is no template %q: the templates are %s", name, strings.Join(names, ", "))
}

// templateNames lists the templates in dir, a _templates folder: the
// names of its regular files with the entries' extension or .md, sorted,
// each once.
func templateNames(dir, ext string) []string {
	if fi, err := os.Lstat(dir); err != nil || !fi.IsDir() {
		return nil
	}
	ents, _ := os.ReadDir(dir)
	seen := map[string]bool{}
	var names []string
	for _, e := range ents {
		n := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(n, ".") {
			continue
		}
		if x := filepath.Ext(n); (x == "."+ext || x == ".md") && !seen[strings.TrimSuffix(n, x)] {
			seen[strings.TrimSuffix(n, x)] = true
			names = append(names, strings.TrimSuffix(n, x))
		}
	}
	sort.Strings(names)
	return names
}

// Templates lists the names diary new --template takes in this diary.
func (d *Diary) Templates() []string {
	return templateNames(filepath.Join(d.Root, TemplatesDir), d.Config.Ext)
}

// parseTemplate splits a template as Jekyll splits a post. A template
// without front matter is all body. A placeholder standing alone as a
// value ("title: {{ title }}") is read as the string it will become.
func parseTemplate(rel string, data []byte) (*template, error) {
	t := &template{name: rel}
	parts, ok := entry.Split(data)
	switch {
	case !ok && parts.Opener == nil:
		t.body = string(data)
		return t, nil
	case !ok:
		return nil, Usagef("template %s: its front matter is not closed: add a --- line after it", rel)
	}
	// Head reads Opener and YAML as one piece: they stay one here.
	buf := append(append([]byte{}, parts.Opener...), entry.QuotePlaceholders(parts.YAML)...)
	m, err := entry.Mapping(entry.Parts{Opener: buf[:len(parts.Opener)], YAML: buf[len(parts.Opener):]})
	if err != nil {
		return nil, Usagef("template %s: its front matter does not parse (%v): fix it as you would a post's", rel, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if t.fields, err = entry.Fields(m); err != nil {
		return nil, Usagef("template %s: %v", rel, err)
	}
	t.body = strings.TrimLeft(string(parts.Body), "\n")
	return t, nil
}

// frontMatter is what new writes beyond the title and date: the front
// matter keys of the template, the front_matter setting and -f, and the
// values diary's own keys take from them.
type frontMatter struct {
	extra      []entry.Field
	author     *string
	layout     *string
	categories []string
	// flagCategories: categories came from -f, and join -c's.
	flagCategories bool
	tags           []string
}

// ownedByFlags are the keys -f may not set: each has its own way.
var ownedByFlags = map[string]string{
	"title": "give the title as the arguments of diary new",
	"date":  "use --date",
}

// layerFrontMatter joins, highest first, -f, the template and the
// front_matter setting: a key takes its value from the highest that
// gives it, and keeps the place where it first appears, template keys
// first. title and date are diary's always (a template's are ignored);
// author and layout may be set by any of them, and so may tags and
// categories: -f's join -t's and -c's; the template's or the setting's
// categories apply when neither -c nor -f gives one, their tags join -t's.
func layerFrontMatter(flags []string, tmpl *template, setting string) (*frontMatter, error) {
	var fromFlags []entry.Field
	for _, kv := range flags {
		f, err := entry.FieldFlag(kv)
		if err != nil {
			return nil, Usagef("%v", err)
		}
		if how, owned := ownedByFlags[f.Key]; owned {
			return nil, Usagef("-f %s: diary sets %s itself: %s", kv, f.Key, how)
		}
		fromFlags = append(fromFlags, f)
	}
	var fromSetting []entry.Field
	if setting != "" {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(setting), &doc); err != nil || len(doc.Content) != 1 {
			return nil, fmt.Errorf("the front_matter setting %q is not a map: fix it with diary config list", setting)
		}
		fs, err := entry.Fields(doc.Content[0])
		if err != nil {
			return nil, fmt.Errorf("the front_matter setting: %v: fix it where diary config list says it is set", err)
		}
		fromSetting = fs
	}
	// The order: template, setting, flags; the value: the one of the
	// highest rank that gives the key (flags 2, template 1, setting 0).
	type layer struct {
		fields []entry.Field
		rank   int
	}
	var layers []layer
	if tmpl != nil {
		layers = append(layers, layer{tmpl.fields, 1})
	}
	layers = append(layers, layer{fromSetting, 0}, layer{fromFlags, 2})
	at := map[string]int{}
	rank := map[string]int{}
	var all []entry.Field
	for _, l := range layers {
		for _, f := range l.fields {
			i, ok := at[f.Key]
			switch {
			case !ok:
				at[f.Key] = len(all)
				all = append(all, f)
			case l.rank >= rank[f.Key]:
				all[i] = f
			default:
				continue
			}
			rank[f.Key] = l.rank
		}
	}
	fm := &frontMatter{}
	for _, f := range all {
		switch f.Key {
		case "title", "date":
		case "author", "layout":
			v, ok := f.Text()
			if !ok {
				return nil, Usagef("front matter %s must be one value, not a list or map: check -f, the template and the front_matter setting", f.Key)
			}
			if f.Key == "author" {
				fm.author = &v
			} else {
				fm.layout = &v
			}
		case "category", "categories", "tags":
			words, ok := f.Words()
			if !ok {
				return nil, Usagef("front matter %s must be a word or a list of words: check the template and the front_matter setting", f.Key)
			}
			// "categories: travel food" is two categories to Jekyll,
			// which splits the text of categories and tags at blanks;
			// category's text is one.
			if _, text := f.Text(); text && f.Key != "category" && len(words) == 1 {
				words = strings.Fields(words[0])
			}
			switch {
			case f.Key == "tags":
				fm.tags = words
			case rank[f.Key] == 2:
				// -f category and -f categories both: they join.
				if !fm.flagCategories {
					fm.categories = nil
				}
				fm.categories, fm.flagCategories = append(fm.categories, words...), true
			case !fm.flagCategories:
				fm.categories = words
			}
		default:
			fm.extra = append(fm.extra, f)
		}
	}
	return fm, nil
}
