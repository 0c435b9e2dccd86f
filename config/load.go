package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/viper"

	"github.com/gitdiary/diary/internal/regular"
)

// Env looks up an environment variable: os.LookupEnv in production, a map
// in tests. The package reads the environment only through it.
type Env func(key string) (string, bool)

// LoadOptions are the inputs of Load.
type LoadOptions struct {
	Env      Env                    // required
	Flags    map[string]string      // key -> value given on the command line (only keys the user set)
	RepoDir  string                 // the diary's work tree, "" when there is none yet
	UserFile string                 // "" means UserFile(Env)
	Hostname func() (string, error) // os.Hostname when nil
}

// RepoFile is dir/.diary.yml.
func RepoFile(dir string) string {
	return filepath.Join(dir, ".diary.yml")
}

// UserFile is $XDG_CONFIG_HOME/diary/config.yaml, else
// $HOME/.config/diary/config.yaml; "" when neither variable is usable. A
// relative XDG_CONFIG_HOME is ignored, as the XDG spec says.
func UserFile(env Env) string {
	if x, ok := env("XDG_CONFIG_HOME"); ok && x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "diary", "config.yaml")
	}
	if home := homeDir(env); home != "" {
		return filepath.Join(home, ".config", "diary", "config.yaml")
	}
	return ""
}

func homeDir(env Env) string {
	if h, ok := env("HOME"); ok && h != "" {
		return h
	}
	if h, ok := env("USERPROFILE"); ok && h != "" {
		return h
	}
	return ""
}

// envName is the variable that sets key: DIARY_<KEY>.
func envName(key string) string {
	return "DIARY_" + strings.ToUpper(key)
}

// flagName is how a key's flag is named in messages: --date-format.
func flagName(key string) string {
	return "--" + strings.ReplaceAll(key, "_", "-")
}

// fileLayer is what one config file (repo or user layer) sets.
type fileLayer struct {
	path    string
	values  map[string]string
	learned map[string]string // key -> what diary init learned it from
}

// readConfigFile reads and validates a diary config file: .diary.yml when
// shared, the user's config.yaml otherwise. A missing file gives nil; one
// that is not a regular file (a named pipe would block the read for ever)
// is not read, and gives nil and a warning.
// userFile is only used in messages.
func readConfigFile(path string, shared bool, userFile string) (l *fileLayer, warning string, err error) {
	data, err := regular.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if fi, serr := os.Stat(path); errors.Is(err, regular.ErrNotRegular) && (serr != nil || !fi.IsDir()) {
		// A pipe or a device: skipped, and said.
		return nil, fmt.Sprintf("%v: skipped, diary reads settings only from a plain file", err), nil
	}
	if err != nil {
		return nil, "", readError(path, err)
	}
	l, err = parseConfig(path, data, shared, userFile)
	return l, "", err
}

func readError(path string, err error) error {
	cause := err
	var pe *fs.PathError
	if errors.As(err, &pe) {
		cause = pe.Err
	}
	return newError([]error{err}, path, "cannot be read (%v): fix its permissions, or remove it", cause)
}

// parseConfig validates the bytes of a config file and returns its values.
// It uses one viper instance per file, so each value's layer is known, and
// the yaml.v3 node tree for what viper hides: the case of keys (viper
// lower-cases them), their lines, duplicates, and value types.
func parseConfig(path string, data []byte, shared bool, userFile string) (*fileLayer, error) {
	layer := &fileLayer{path: path, values: map[string]string{}, learned: map[string]string{}}
	_, top, err := parseDoc(path, data)
	if err != nil {
		return nil, err
	}
	pairs, err := topPairs(path, top)
	if err != nil {
		return nil, err
	}
	// Values are checked key by key below, so that the message names the
	// key; what is left (comments) is checked line by line at the end.
	done := func() (*fileLayer, error) {
		if shared {
			if err := secretLine(path, data, userFile); err != nil {
				return nil, err
			}
		}
		return layer, nil
	}
	if len(pairs) == 0 {
		return done()
	}
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		msg := strings.TrimPrefix(err.Error(), "While parsing config: ")
		return nil, syntaxError(path, errors.New(msg))
	}
	for _, p := range pairs {
		line := p.keyNode.Line
		if !isKey(p.key) {
			if shared && looksSecretKey(p.key) {
				return nil, secretKeyError(path, p.key, line)
			}
			return nil, unknownKeyError(path, p.key, line)
		}
		if shared && p.key == "repo" {
			return nil, repoSharedError(path, userFile)
		}
		text, ok := scalarText(p.valNode, v.Get(p.key))
		if p.key == "front_matter" {
			text, ok = mapText(p.valNode, text, ok)
		}
		if !ok {
			return nil, invalid(path, "%s%s is %s, but it takes a single value: write %s: VALUE", p.key, onLine(line), describeKind(p.valNode), p.key)
		}
		if err := nameValue(path, p.key, p.valNode, line); err != nil {
			return nil, err
		}
		text = normalize(text)
		if shared {
			if kind := secretKind(text); kind != "" {
				return nil, secretValueError(path, p.key, kind, userFile)
			}
		}
		if err := validateValue(p.key, text, path); err != nil {
			return nil, err
		}
		layer.values[p.key] = text
		if from := learnedFrom(lineComment(p)); from != "" {
			layer.learned[p.key] = from
		}
	}
	return done()
}

// siteTimezone is the site's timezone (ReadSite), and the file that
// sets it. A file that cannot be read or parsed gives none.
func siteTimezone(dir string) (value, file string, ok bool) {
	site, err := ReadSite(dir)
	if err != nil || site.Timezone == "" {
		return "", "", false
	}
	return site.Timezone, site.File, true
}

// Load resolves every setting from its layers and validates them. Every
// value present in a flag, a DIARY_ variable or a config file is validated,
// even when a higher layer overrides it; the first problem is returned.
func Load(opts LoadOptions) (*Config, error) {
	if opts.Env == nil {
		return nil, errors.New("config: LoadOptions.Env is required")
	}
	env := opts.Env
	userFile := opts.UserFile
	if userFile == "" {
		userFile = UserFile(env)
	}
	hostname := opts.Hostname
	if hostname == nil {
		hostname = os.Hostname
	}

	// Flags: known keys in Keys() order first, so errors are stable.
	flags := map[string]string{}
	var unknown []string
	for k := range opts.Flags {
		if !isKey(k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, unknownKeyError(flagName(unknown[0]), unknown[0], 0)
	}
	for _, k := range keys {
		if v, ok := opts.Flags[k]; ok {
			v = normalize(v)
			if err := validateValue(k, v, flagName(k)); err != nil {
				return nil, err
			}
			flags[k] = v
		}
	}

	envs := map[string]string{}
	for _, k := range keys {
		if v, ok := env(envName(k)); ok {
			v = normalize(v)
			if err := validateValue(k, v, envName(k)); err != nil {
				return nil, err
			}
			envs[k] = v
		}
	}

	var layers []*fileLayer
	var layerNames []Layer
	var warnings []string
	if opts.RepoDir != "" {
		// The site's settings are read for timezone only, and skipped when
		// they are not a regular file: say so once, here.
		for _, name := range []string{"_config.yml", "_config.yaml"} {
			p := filepath.Join(opts.RepoDir, name)
			fi, err := os.Stat(p) // a stat does not open: it never blocks
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err == nil {
				if err := regular.Check(p, fi.Mode()); err != nil {
					warnings = append(warnings, fmt.Sprintf("%v: skipped, diary and Jekyll read the site's settings only from a plain file", err))
				}
			}
			break
		}
	}
	if opts.RepoDir != "" {
		l, warning, err := readConfigFile(RepoFile(opts.RepoDir), true, userFile)
		if err != nil {
			return nil, err
		}
		if warning != "" {
			warnings = append(warnings, warning)
		}
		if l != nil {
			layers, layerNames = append(layers, l), append(layerNames, LayerRepo)
		}
	}
	if userFile != "" {
		l, warning, err := readConfigFile(userFile, false, userFile)
		if err != nil {
			return nil, err
		}
		if warning != "" {
			warnings = append(warnings, warning)
		}
		if l != nil {
			layers, layerNames = append(layers, l), append(layerNames, LayerUser)
		}
	}

	values := map[string]string{}
	c := &Config{sources: map[string]Source{}, Warnings: warnings}
	for _, k := range keys {
		if v, ok := flags[k]; ok {
			values[k], c.sources[k] = v, Source{Layer: LayerFlag}
			continue
		}
		if v, ok := envs[k]; ok {
			values[k], c.sources[k] = v, Source{Layer: LayerEnv, File: envName(k)}
			continue
		}
		found := false
		for i, l := range layers {
			if v, ok := l.values[k]; ok {
				values[k], c.sources[k] = v, Source{Layer: layerNames[i], File: l.path, Learned: l.learned[k]}
				found = true
				break
			}
		}
		if found {
			continue
		}
		v, src, err := defaultValue(k, env, opts.RepoDir, hostname, userFile)
		if err != nil {
			return nil, err
		}
		values[k], c.sources[k] = v, src
	}

	s := &c.Settings
	s.Author = values["author"]
	s.Category = values["category"]
	s.CategoryStyle = values["category_style"]
	s.TagStyle = values["tag_style"]
	s.Folders = values["folders"]
	s.FrontMatter = values["front_matter"]
	s.Assets = values["assets"]
	s.Layout = values["layout"]
	s.Disclaimer = values["disclaimer"]
	s.DateFormat = values["date_format"]
	s.Timezone = values["timezone"]
	s.Slug = values["slug"]
	s.Ext = values["ext"]
	s.Editor = values["editor"]
	s.Remote = values["remote"]
	s.Branch = values["branch"]
	s.Host = values["host"]
	// Validated above: these cannot fail.
	s.Timeout, _ = time.ParseDuration(values["timeout"])
	s.Autosync, _ = parseBool(values["autosync"])
	s.WatchInterval, _ = time.ParseDuration(values["watch_interval"])
	s.Location = time.Local
	if s.Timezone != "" {
		s.Location, _ = loadLocation(s.Timezone)
	}
	repo, err := expandHome(values["repo"], env)
	if err != nil {
		src := c.sources["repo"]
		if src.Layer == LayerDefault {
			repo = "" // no home to put ~/diary in: the caller must be told a directory
		} else {
			return nil, invalid(sourceName("repo", src), "repo %q: %v: write the full path", values["repo"], err)
		}
	}
	s.Repo = repo
	return c, nil
}

// sourceName names a source in messages: the file, the variable or the flag.
func sourceName(key string, src Source) string {
	switch src.Layer {
	case LayerFlag:
		return flagName(key)
	case LayerDefault:
		return "default " + key
	}
	return src.File
}

// defaultValue is the value of a key that no flag, variable or config file
// sets: the site's timezone, $VISUAL/$EDITOR, the host name, or a constant.
func defaultValue(key string, env Env, repoDir string, hostname func() (string, error), userFile string) (string, Source, error) {
	def := Source{Layer: LayerDefault}
	switch key {
	case "disclaimer":
		return defaultDisclaimer, def, nil
	case "layout":
		return defaultLayout, def, nil
	case "date_format":
		return defaultDateFormat, def, nil
	case "slug":
		return defaultSlug, def, nil
	case "ext":
		return defaultExt, def, nil
	case "category_style":
		return CategorySingle, def, nil
	case "tag_style":
		return TagList, def, nil
	case "folders":
		return FoldersNone, def, nil
	case "assets":
		return defaultAssets, def, nil
	case "remote":
		return defaultRemote, def, nil
	case "timeout":
		return defaultTimeout, def, nil
	case "autosync":
		return defaultAutosync, def, nil
	case "watch_interval":
		return defaultWatchInterval, def, nil
	case "repo":
		return defaultRepo, def, nil
	case "timezone":
		if repoDir != "" {
			if tz, file, ok := siteTimezone(repoDir); ok {
				if err := validateValue("timezone", tz, file); err != nil {
					return "", def, fmt.Errorf("%w (or set timezone in %s)", err, RepoFile(repoDir))
				}
				return tz, Source{Layer: LayerSite, File: file}, nil
			}
		}
		return "", def, nil
	case "editor":
		for _, name := range []string{"VISUAL", "EDITOR"} {
			if v, ok := env(name); ok && strings.TrimSpace(v) != "" {
				return normalize(v), Source{Layer: LayerEnv, File: name}, nil
			}
		}
		return defaultEditor, def, nil
	case "host":
		h, err := hostname()
		if err != nil {
			return "", def, invalid("", "cannot find this machine's host name (%v): set host in %s or DIARY_HOST", err, userConfigName(userFile))
		}
		h, _, _ = strings.Cut(strings.TrimSpace(h), ".")
		if err := validateValue("host", h, ""); err != nil {
			return "", def, invalid("", "this machine's host name %q cannot name it in commits: set host in %s or DIARY_HOST", h, userConfigName(userFile))
		}
		return h, def, nil
	}
	return "", def, nil // author, category, branch, front_matter
}

// expandHome expands a leading "~" (alone or before a separator) with the
// home directory from env.
func expandHome(p string, env Env) (string, error) {
	if !strings.HasPrefix(p, "~") {
		return p, nil
	}
	rest := p[1:]
	if rest != "" && rest[0] != '/' && rest[0] != filepath.Separator {
		return "", errors.New("only ~ (your own home) is expanded, not ~user")
	}
	home := homeDir(env)
	if home == "" {
		return "", errors.New("HOME is not set, so ~ cannot be expanded")
	}
	return filepath.Join(home, rest), nil
}
