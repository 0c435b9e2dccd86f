// Package config holds diary's layered settings: which value each key has,
// where it came from, and whether it is valid.
//
// Layers, highest first: command-line flags; the environment (DIARY_<KEY>);
// the diary's committed .diary.yml; the user's config.yaml (this machine
// only); for timezone only, the Jekyll site's _config.yml; defaults.
//
// This is the only package in diary that imports viper.
package config

import (
	"errors"
	"strconv"
	"strings"
	"time"
	// Time zone names must resolve on machines without a zoneinfo
	// database too: diary ships as one static binary.
	_ "time/tzdata"
)

// Sentinel errors. Every validation error wraps one of them (a secret key
// in .diary.yml wraps both ErrSecret and ErrUnknownKey).
var (
	// ErrUnknownKey: a key that diary does not know.
	ErrUnknownKey = errors.New("unknown key")
	// ErrInvalid: a value that is not valid for its key, a value of the
	// wrong YAML type, a file that is not valid YAML, or a key in a layer
	// where it is not allowed (repo in .diary.yml).
	ErrInvalid = errors.New("invalid setting")
	// ErrSecret: a secret (token, password…) in .diary.yml, which is pushed.
	ErrSecret = errors.New("secret in shared config")
)

// keys in the order `diary config list` shows them.
var keys = []string{
	"author", "category", "category_style", "tag_style", "layout", "disclaimer", "date_format", "timezone",
	"slug", "ext", "folders", "front_matter", "assets", "editor", "remote", "branch", "host", "timeout",
	"autosync", "watch_interval", "repo",
}

// Keys returns the setting names, in the order `diary config list` shows
// them: author, category, category_style, tag_style, layout, disclaimer, date_format,
// timezone, slug, ext, folders, front_matter, assets, editor, remote, branch, host, timeout,
// autosync, watch_interval, repo.
func Keys() []string {
	return append([]string(nil), keys...)
}

// descriptions say what each key means, for diary help config.
var descriptions = map[string]string{
	"author":         "front matter author (default: git user.name)",
	"category":       "the default category of new entries (default: none)",
	"category_style": "single (category: A), list (categories: [A, B]) or words (categories: A B), learned by diary init",
	"tag_style":      "list (tags: [a, b]) or words (tags: a b), learned by diary init",
	"layout":         `front matter layout (default: post; "" for none)`,
	"disclaimer":     `the blockquote under the front matter ("" for none; several lines allowed)`,
	"date_format":    "Go layout of front matter date (default: 2006-01-02 15:04:05 -0700)",
	"timezone":       "IANA name; default: _config.yml's timezone, then the local zone",
	"slug":           "Jekyll slugify mode: default, raw, pretty, ascii, latin",
	"ext":            "file extension of new entries (default: md)",
	"folders":        "none (_posts/), category (_posts/<category>/) or category/_posts (<category>/_posts/)",
	"front_matter":   "extra front matter keys of every new entry, a map: {comments: true} (default: none)",
	"assets":         "where diary attach copies files, below the site (default: assets/img)",
	"editor":         "the editor, with arguments (default: $VISUAL, $EDITOR, vi)",
	"remote":         "the remote sync talks to (default: origin)",
	"branch":         "the branch sync talks to (default: the current one)",
	"host":           "names this laptop in commit messages and conflict copies",
	"timeout":        "how long a network step may go without progress (default: 60s)",
	"autosync":       "true: sync in the background after a command commits (default: false)",
	"watch_interval": "how often diary watch and autosync ask the remote for news (default: 5m)",
	"repo":           "this machine's diary (default: ~/diary; user config only)",
}

// Values are the values key takes, where they are few (for completion);
// nil for a key that takes any.
func Values(key string) []string {
	switch key {
	case "autosync":
		return []string{"true", "false"}
	case "slug":
		return []string{"default", "raw", "pretty", "ascii", "latin"}
	case "category_style":
		return []string{CategorySingle, CategoryList, CategoryWords}
	case "tag_style":
		return []string{TagList, TagWords}
	case "folders":
		return []string{FoldersNone, FoldersCategory, FoldersCategoryPosts}
	case "ext":
		return []string{"md", "markdown", "html"}
	}
	return nil
}

// Describe says what key means, in one line; "" for an unknown key.
func Describe(key string) string { return descriptions[key] }

func isKey(k string) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}

// Layer names where a value came from.
type Layer string

// The layers, highest precedence first.
const (
	LayerFlag    Layer = "flag"
	LayerEnv     Layer = "env"     // DIARY_<KEY> (upper case key); also VISUAL/EDITOR for editor
	LayerRepo    Layer = "repo"    // <diary>/.diary.yml (committed, shared by every laptop)
	LayerUser    Layer = "user"    // $XDG_CONFIG_HOME/diary/config.yaml, else ~/.config/diary/config.yaml
	LayerSite    Layer = "site"    // Jekyll's <diary>/_config.yml, for timezone only
	LayerDefault Layer = "default" // built in
)

// Source tells where a value came from.
type Source struct {
	Layer Layer
	// File is the file for the repo, user and site layers, the variable
	// name for env (e.g. "DIARY_AUTHOR", or "VISUAL"/"EDITOR" for editor),
	// and "" otherwise.
	File string
	// Learned says, for a value diary init learned from the site, what
	// it was learned from ("its posts", "_config.yml defaults"); "" for
	// a value someone set.
	Learned string
}

// Built-in defaults (author, category, timezone and branch default to "";
// editor, host and repo have computed defaults, see Load).
const (
	defaultDisclaimer = "This is my personal diary: thoughts of the moment, not facts or advice."
	defaultLayout     = "post"
	defaultDateFormat = "2006-01-02 15:04:05 -0700"
	defaultSlug       = "default"
	defaultExt        = "md"
	// Where diary attach puts files: a folder Jekyll copies into the site.
	defaultAssets = "assets/img"
	// One category is written "category: A", several "categories: [A, B]"
	// (CategorySingle); a site whose posts use lists gets a list always
	// (CategoryList).
	CategorySingle = "single"
	CategoryList   = "list"
	// A site whose posts write "categories: A B" (Jekyll splits the
	// text at blanks) gets that, even for one (CategoryWords).
	CategoryWords = "words"
	// Tags are written "tags: [a, b]" (TagList), or "tags: a b" as a
	// site's posts write them (TagWords).
	TagList  = "list"
	TagWords = "words"
	// New posts go into _posts/ (FoldersNone), or into the folder of
	// their first category, _posts/<category>/ (FoldersCategory).
	FoldersNone     = "none"
	FoldersCategory = "category"
	// Or into <category>/_posts/ (FoldersCategoryPosts), as sites keep
	// them whose categories are folders of the site (Hydejack): Jekyll
	// gives a post the names of the folders above its _posts/ as
	// categories.
	FoldersCategoryPosts = "category/_posts"
	defaultEditor        = "vi"
	defaultRemote        = "origin"
	defaultTimeout       = "60s"
	defaultAutosync      = "false"
	// How often the scheduled sync (diary autosync on) and diary watch
	// ask the remote for news.
	defaultWatchInterval = "5m"
	defaultRepo          = "~/diary"
)

// Settings are the resolved values.
type Settings struct {
	Author, Category, Layout, Disclaimer, DateFormat, Timezone, Slug, Ext, Editor, Remote, Branch, Host string

	CategoryStyle string // CategorySingle, CategoryList or CategoryWords
	TagStyle      string // TagList or TagWords
	Folders       string // FoldersNone, FoldersCategory or FoldersCategoryPosts
	// FrontMatter is the front_matter setting: a YAML mapping in flow
	// style ("{comments: true}"), the keys every new entry gets after
	// diary's own; "" for none.
	FrontMatter string
	// Assets is the folder, slash-separated and relative to the site,
	// that diary attach copies files into.
	Assets string

	Timeout time.Duration
	// Autosync: after a command commits, a sync starts detached.
	Autosync bool
	// WatchInterval: how often the scheduled sync runs.
	WatchInterval time.Duration
	Repo          string         // user layer (and env/flag) only; "~" expanded
	Location      *time.Location // from Timezone; time.Local when Timezone resolves to ""
}

// Config is the resolved settings and where each came from.
type Config struct {
	Settings
	// Warnings are what Load skipped and the user should hear about: a
	// settings file that is not a regular file, for one.
	Warnings []string
	sources  map[string]Source
}

// Item is one line of `diary config list`.
type Item struct {
	Key, Value string
	Source     Source
}

// Source tells where key's value came from; the zero Source for an unknown
// key (or a Config that Load did not make).
func (c *Config) Source(key string) Source {
	return c.sources[key]
}

// Get returns the string form of key's value, as the Settings hold it now.
func (c *Config) Get(key string) (string, error) {
	s := &c.Settings
	switch key {
	case "author":
		return s.Author, nil
	case "category":
		return s.Category, nil
	case "category_style":
		return s.CategoryStyle, nil
	case "tag_style":
		return s.TagStyle, nil
	case "folders":
		return s.Folders, nil
	case "front_matter":
		return s.FrontMatter, nil
	case "assets":
		return s.Assets, nil
	case "layout":
		return s.Layout, nil
	case "disclaimer":
		return s.Disclaimer, nil
	case "date_format":
		return s.DateFormat, nil
	case "timezone":
		return s.Timezone, nil
	case "slug":
		return s.Slug, nil
	case "ext":
		return s.Ext, nil
	case "editor":
		return s.Editor, nil
	case "remote":
		return s.Remote, nil
	case "branch":
		return s.Branch, nil
	case "host":
		return s.Host, nil
	case "timeout":
		return formatDuration(s.Timeout), nil
	case "autosync":
		return strconv.FormatBool(s.Autosync), nil
	case "watch_interval":
		return formatDuration(s.WatchInterval), nil
	case "repo":
		return s.Repo, nil
	}
	return "", unknownKeyError("", key, 0)
}

// List returns every key with its value and source, in Keys() order.
func (c *Config) List() []Item {
	items := make([]Item, 0, len(keys))
	for _, k := range keys {
		v, _ := c.Get(k)
		items = append(items, Item{Key: k, Value: v, Source: c.Source(k)})
	}
	return items
}

// formatDuration is time.Duration.String without the zero tails: 60s gives
// "1m", 90s "1m30s", 2h "2h".
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
