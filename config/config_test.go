package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fixture is a hermetic world: a home, a diary and an environment.
type fixture struct {
	t        *testing.T
	home     string
	repoDir  string
	userFile string
	env      map[string]string
	flags    map[string]string
	host     string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	home := t.TempDir()
	return &fixture{
		t:        t,
		home:     home,
		repoDir:  t.TempDir(),
		userFile: filepath.Join(home, ".config", "diary", "config.yaml"),
		env:      map[string]string{"HOME": home},
		flags:    map[string]string{},
		host:     "laptop.example.com",
	}
}

func mapEnv(m map[string]string) Env {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) repo(content string) string {
	p := RepoFile(f.repoDir)
	writeFile(f.t, p, content)
	return p
}

func (f *fixture) user(content string) string {
	writeFile(f.t, f.userFile, content)
	return f.userFile
}

func (f *fixture) site(content string) string {
	p := filepath.Join(f.repoDir, "_config.yml")
	writeFile(f.t, p, content)
	return p
}

func (f *fixture) opts() LoadOptions {
	host := f.host
	return LoadOptions{
		Env:      mapEnv(f.env),
		Flags:    f.flags,
		RepoDir:  f.repoDir,
		Hostname: func() (string, error) { return host, nil },
	}
}

func (f *fixture) load() (*Config, error) {
	f.t.Helper()
	return Load(f.opts())
}

func (f *fixture) mustLoad() *Config {
	f.t.Helper()
	c, err := f.load()
	if err != nil {
		f.t.Fatalf("Load: %v", err)
	}
	return c
}

func get(t *testing.T, c *Config, key string) string {
	t.Helper()
	v, err := c.Get(key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return v
}

func TestKeys(t *testing.T) {
	want := []string{"author", "category", "category_style", "tag_style", "layout", "disclaimer", "date_format", "timezone", "slug", "ext", "folders", "front_matter", "assets", "editor", "remote", "branch", "host", "timeout", "autosync", "watch_interval", "repo"}
	if got := Keys(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Keys() = %v", got)
	}
	Keys()[0] = "changed"
	if Keys()[0] != "author" {
		t.Fatal("Keys() shares its slice")
	}
}

func TestDefaults(t *testing.T) {
	f := newFixture(t)
	c := f.mustLoad()
	want := map[string]string{
		"author":         "",
		"category":       "",
		"category_style": "single",
		"tag_style":      "list",
		"folders":        "none",
		"front_matter":   "",
		"assets":         "assets/img",
		"layout":         "post",
		"disclaimer":     defaultDisclaimer,
		"date_format":    "2006-01-02 15:04:05 -0700",
		"timezone":       "",
		"slug":           "default",
		"ext":            "md",
		"editor":         "vi",
		"remote":         "origin",
		"branch":         "",
		"host":           "laptop",
		"timeout":        "1m",
		"autosync":       "false",
		"watch_interval": "5m",
		"repo":           filepath.Join(f.home, "diary"),
	}
	for _, k := range Keys() {
		if got := get(t, c, k); got != want[k] {
			t.Errorf("%s = %q, want %q", k, got, want[k])
		}
		if src := c.Source(k); src != (Source{Layer: LayerDefault}) {
			t.Errorf("%s source = %+v, want default", k, src)
		}
	}
	if c.Timeout != 60*time.Second {
		t.Errorf("Timeout = %v", c.Timeout)
	}
	if c.Location != time.Local {
		t.Errorf("Location = %v, want time.Local", c.Location)
	}
	if c.Repo != filepath.Join(f.home, "diary") || c.Host != "laptop" || c.Disclaimer == "" {
		t.Errorf("settings = %+v", c.Settings)
	}
}

// samples holds, for each key, four distinct valid values: for the flag,
// env, repo and user layers.
var samples = map[string][4]string{
	"author":         {"Flag Kim", "Env Kim", "Repo Kim", "User Kim"},
	"category":       {"f", "e", "r", "u"},
	"category_style": {"list", "single", "words", "single"},
	"tag_style":      {"words", "list", "words", "list"},
	"folders":        {"category", "none", "category/_posts", "none"},
	"front_matter":   {"{a: 1}", "{b: [x, y]}", "{c: true}", "{d: 날}"},
	"assets":         {"f/img", "e", "assets/r", "u/img/x"},
	"layout":         {"fl", "en", "re", "us"},
	"disclaimer":     {"flag text", "env text", "repo text", "user text"},
	"date_format":    {"2006-01-02", "02/01/2006", "January 2, 2006", "2006-01-02T15:04:05Z07:00"},
	"timezone":       {"Asia/Seoul", "Europe/Paris", "America/New_York", "Asia/Tokyo"},
	"slug":           {"raw", "pretty", "ascii", "latin"},
	"ext":            {"markdown", "mkd", "txt", "mdown"},
	"editor":         {"code --wait", "nano", "emacs", "vim"},
	"remote":         {"f", "e", "r", "u"},
	"branch":         {"fb", "eb", "rb", "ub"},
	"host":           {"fh", "eh", "rh", "uh"},
	"timeout":        {"1s", "2s", "3s", "4s"},
	"autosync":       {"true", "false", "true", "false"},
	"watch_interval": {"1m", "2m", "3m", "4m"},
	"repo":           {"/f", "/e", "", "/u"}, // repo is not allowed in .diary.yml
}

func TestPrecedenceEveryKey(t *testing.T) {
	layers := []Layer{LayerFlag, LayerEnv, LayerRepo, LayerUser}
	for _, key := range Keys() {
		for top := range layers {
			if key == "repo" && layers[top] == LayerRepo {
				continue
			}
			t.Run(key+"/"+string(layers[top]), func(t *testing.T) {
				f := newFixture(t)
				s := samples[key]
				// Set the key in layer top and in every layer below it.
				var repoYAML, userYAML string
				for i := top; i < len(layers); i++ {
					switch layers[i] {
					case LayerFlag:
						f.flags[key] = s[0]
					case LayerEnv:
						f.env[envName(key)] = s[1]
					case LayerRepo:
						if key != "repo" {
							repoYAML = key + ": " + quote(s[2]) + "\n"
						}
					case LayerUser:
						userYAML = key + ": " + quote(s[3]) + "\n"
					}
				}
				f.repo("# shared\n" + repoYAML)
				f.user("# mine\n" + userYAML)
				c := f.mustLoad()
				want := s[top]
				if got := get(t, c, key); got != want {
					t.Errorf("%s = %q, want %q", key, got, want)
				}
				wantSrc := Source{Layer: layers[top]}
				switch layers[top] {
				case LayerEnv:
					wantSrc.File = envName(key)
				case LayerRepo:
					wantSrc.File = RepoFile(f.repoDir)
				case LayerUser:
					wantSrc.File = f.userFile
				}
				if got := c.Source(key); got != wantSrc {
					t.Errorf("source = %+v, want %+v", got, wantSrc)
				}
			})
		}
	}
}

func quote(s string) string { return `"` + s + `"` }

func TestPrecedenceTimezoneAllLayers(t *testing.T) {
	type layers struct{ flag, env, repo, user, site bool }
	cases := []struct {
		name  string
		have  layers
		want  string
		layer Layer
	}{
		{"flag beats all", layers{true, true, true, true, true}, "Asia/Seoul", LayerFlag},
		{"env beats repo", layers{false, true, true, true, true}, "Europe/Paris", LayerEnv},
		{"repo beats user", layers{false, false, true, true, true}, "America/New_York", LayerRepo},
		{"user beats site", layers{false, false, false, true, true}, "Asia/Tokyo", LayerUser},
		{"site beats default", layers{false, false, false, false, true}, "Australia/Sydney", LayerSite},
		{"default", layers{}, "", LayerDefault},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			files := map[Layer]string{LayerEnv: "DIARY_TIMEZONE"}
			if tc.have.flag {
				f.flags["timezone"] = "Asia/Seoul"
			}
			if tc.have.env {
				f.env["DIARY_TIMEZONE"] = "Europe/Paris"
			}
			if tc.have.repo {
				files[LayerRepo] = f.repo("timezone: America/New_York\n")
			}
			if tc.have.user {
				files[LayerUser] = f.user("timezone: Asia/Tokyo\n")
			}
			if tc.have.site {
				files[LayerSite] = f.site("title: My diary\ntimezone: Australia/Sydney\nplugins:\n  - jekyll-feed\n")
			}
			c := f.mustLoad()
			if c.Timezone != tc.want {
				t.Errorf("Timezone = %q, want %q", c.Timezone, tc.want)
			}
			if want := (Source{Layer: tc.layer, File: files[tc.layer]}); c.Source("timezone") != want {
				t.Errorf("source = %+v, want %+v", c.Source("timezone"), want)
			}
			wantLoc := time.Local
			if tc.want != "" {
				wantLoc, _ = time.LoadLocation(tc.want)
			}
			if c.Location.String() != wantLoc.String() {
				t.Errorf("Location = %v, want %v", c.Location, wantLoc)
			}
		})
	}
}

func TestEditorDefaults(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		user string
		want string
		src  Source
	}{
		{"vi", nil, "", "vi", Source{Layer: LayerDefault}},
		{"EDITOR", map[string]string{"EDITOR": "nano"}, "", "nano", Source{Layer: LayerEnv, File: "EDITOR"}},
		{"VISUAL first", map[string]string{"VISUAL": "code --wait", "EDITOR": "nano"}, "", "code --wait", Source{Layer: LayerEnv, File: "VISUAL"}},
		{"empty VISUAL skipped", map[string]string{"VISUAL": "", "EDITOR": "nano"}, "", "nano", Source{Layer: LayerEnv, File: "EDITOR"}},
		{"user config beats VISUAL", map[string]string{"VISUAL": "code"}, "editor: emacs\n", "emacs", Source{Layer: LayerUser, File: "USER"}},
		{"DIARY_EDITOR beats all", map[string]string{"VISUAL": "code", "DIARY_EDITOR": "hx"}, "editor: emacs\n", "hx", Source{Layer: LayerEnv, File: "DIARY_EDITOR"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			for k, v := range tc.env {
				f.env[k] = v
			}
			if tc.user != "" {
				f.user(tc.user)
			}
			if tc.src.File == "USER" {
				tc.src.File = f.userFile
			}
			c := f.mustLoad()
			if c.Editor != tc.want || c.Source("editor") != tc.src {
				t.Errorf("editor = %q from %+v, want %q from %+v", c.Editor, c.Source("editor"), tc.want, tc.src)
			}
		})
	}
}

func TestEmptyValues(t *testing.T) {
	cases := []struct {
		name      string
		flags     map[string]string
		env       map[string]string
		repo      string
		user      string
		key, want string
		layer     Layer
	}{
		{"quoted empty disclaimer in repo", nil, nil, "disclaimer: \"\"\n", "disclaimer: mine\n", "disclaimer", "", LayerRepo},
		{"null disclaimer in repo", nil, nil, "disclaimer:\n", "disclaimer: mine\n", "disclaimer", "", LayerRepo},
		{"tilde null disclaimer in user", nil, nil, "", "disclaimer: ~\n", "disclaimer", "", LayerUser},
		{"empty disclaimer in user beats default", nil, nil, "", "disclaimer: ''\n", "disclaimer", "", LayerUser},
		{"env set but empty", nil, map[string]string{"DIARY_DISCLAIMER": ""}, "disclaimer: shared\n", "", "disclaimer", "", LayerEnv},
		{"flag empty beats env", map[string]string{"disclaimer": ""}, map[string]string{"DIARY_DISCLAIMER": "env"}, "", "", "disclaimer", "", LayerFlag},
		{"empty category in env", nil, map[string]string{"DIARY_CATEGORY": ""}, "category: diary\n", "", "category", "", LayerEnv},
		{"empty layout", nil, nil, "layout: \"\"\n", "", "layout", "", LayerRepo},
		{"empty author", nil, nil, "", "author:\n", "author", "", LayerUser},
		{"empty timezone beats site", nil, nil, "", "timezone: \"\"\n", "timezone", "", LayerUser},
		{"empty branch", nil, nil, "branch: \"\"\n", "branch: main\n", "branch", "", LayerRepo},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			for k, v := range tc.flags {
				f.flags[k] = v
			}
			for k, v := range tc.env {
				f.env[k] = v
			}
			if tc.repo != "" {
				f.repo(tc.repo)
			}
			if tc.user != "" {
				f.user(tc.user)
			}
			f.site("timezone: Asia/Seoul\n")
			c := f.mustLoad()
			if got := get(t, c, tc.key); got != tc.want {
				t.Errorf("%s = %q, want %q", tc.key, got, tc.want)
			}
			if got := c.Source(tc.key).Layer; got != tc.layer {
				t.Errorf("source = %v, want %v", got, tc.layer)
			}
			if tc.key == "timezone" && c.Location != time.Local {
				t.Errorf("Location = %v, want Local", c.Location)
			}
		})
	}
}

func TestMultiLineDisclaimer(t *testing.T) {
	cases := []struct {
		name, repo string
		env        map[string]string
		want       string
	}{
		{"literal", "disclaimer: |\n  이 글은 개인 일기입니다.\n\n  This is my diary.\n", nil, "이 글은 개인 일기입니다.\n\nThis is my diary."},
		{"literal keep", "disclaimer: |+\n  one\n  two\n\n", nil, "one\ntwo"},
		{"literal strip", "disclaimer: |-\n  one\n   two indented\n", nil, "one\n two indented"},
		{"folded", "disclaimer: >\n  one\n  two\n\n  three\n", nil, "one two\nthree"},
		{"quoted", "disclaimer: \"one\\ntwo\"\n", nil, "one\ntwo"},
		{"env", "", map[string]string{"DIARY_DISCLAIMER": "a\nb\n"}, "a\nb"},
		{"comment after block", "disclaimer: |\n  a\n  # not a comment\n# a comment\nlayout: post\n", nil, "a\n# not a comment"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			for k, v := range tc.env {
				f.env[k] = v
			}
			f.repo(tc.repo)
			c := f.mustLoad()
			if c.Disclaimer != tc.want {
				t.Errorf("Disclaimer = %q, want %q", c.Disclaimer, tc.want)
			}
		})
	}
}

func TestScalarTypesKeepTheirText(t *testing.T) {
	f := newFixture(t)
	f.user("author: 010\ncategory: 2022\nlayout: true\nbranch: 1.10\ndate_format: 2006-01-02\nhost: 0x1F\n")
	c := f.mustLoad()
	want := map[string]string{"author": "010", "category": "2022", "layout": "true", "branch": "1.10", "date_format": "2006-01-02", "host": "0x1F"}
	for k, v := range want {
		if got := get(t, c, k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

func TestAnchorsAndMerge(t *testing.T) {
	f := newFixture(t)
	f.user("author: &me Kim\ncategory: *me\n")
	c := f.mustLoad()
	if c.Author != "Kim" || c.Category != "Kim" {
		t.Errorf("author %q category %q", c.Author, c.Category)
	}
}

func TestDateLayouts(t *testing.T) {
	good := []string{"2006-01-02", "2006-01-02 15:04:05 -0700", "January 2, 2006", "02/01/06", "2006-01-02T15:04:05Z07:00", "20060102", "Mon, 02 Jan 2006", "2006-002"}
	bad := []string{"banana", "15:04", "2006-01", "Jan 2", "Monday", "2006", "01-02", "06 15:04"}
	for _, l := range good {
		if !validLayout(l) {
			t.Errorf("validLayout(%q) = false", l)
		}
	}
	for _, l := range bad {
		if validLayout(l) {
			t.Errorf("validLayout(%q) = true", l)
		}
	}
}

func TestValidationErrors(t *testing.T) {
	type where int
	const (
		inRepo where = iota
		inUser
		inEnv
		inFlag
	)
	cases := []struct {
		name    string
		at      where
		content string // file content, or the value for env/flag
		key     string // key for env/flag; for files, the key the message must name
		is      error
		more    []string // further substrings of the message
	}{
		{"unknown key", inRepo, "autor: Kim\n", "autor", ErrUnknownKey, []string{`did you mean "author"`, "valid keys are author, category", "line 1"}},
		{"unknown key far from any", inUser, "layout: post\nfoo: bar\n", "foo", ErrUnknownKey, []string{"valid keys are", "line 2"}},
		{"wrong case", inUser, "Author: Kim\n", "Author", ErrUnknownKey, []string{`write "author"`}},
		{"dash", inRepo, "date-format: 2006-01-02\n", "date-format", ErrUnknownKey, []string{`write "date_format"`}},
		{"bad zone repo", inRepo, "timezone: Mars/Base\n", "timezone", ErrInvalid, []string{`"Mars/Base"`, "IANA", "Asia/Seoul"}},
		{"bad zone user", inUser, "timezone: Seoul\n", "timezone", ErrInvalid, []string{"IANA"}},
		{"bad zone env", inEnv, "Mars/Base", "timezone", ErrInvalid, []string{"DIARY_TIMEZONE", "IANA"}},
		{"bad zone flag", inFlag, "Mars/Base", "timezone", ErrInvalid, []string{"--timezone", "IANA"}},
		{"bad layout", inUser, "date_format: banana\n", "date_format", ErrInvalid, []string{`"banana"`, "Go time layout", "2006-01-02"}},
		{"layout without day", inRepo, "date_format: \"2006-01\"\n", "date_format", ErrInvalid, []string{"2006-01-02"}},
		{"layout time only", inEnv, "15:04", "date_format", ErrInvalid, []string{"DIARY_DATE_FORMAT"}},
		{"empty layout", inRepo, "date_format: \"\"\n", "date_format", ErrInvalid, []string{"empty"}},
		{"bad slug", inRepo, "slug: fancy\n", "slug", ErrInvalid, []string{"default, raw, pretty, ascii, latin"}},
		{"bad slug flag", inFlag, "none", "slug", ErrInvalid, []string{"--slug"}},
		{"empty ext", inRepo, "ext: \"\"\n", "ext", ErrInvalid, nil},
		{"dot ext", inUser, "ext: .md\n", "ext", ErrInvalid, []string{"without a dot"}},
		{"slash ext", inEnv, "a/b", "ext", ErrInvalid, []string{"DIARY_EXT"}},
		{"timeout no unit", inUser, "timeout: 30\n", "timeout", ErrInvalid, []string{"Go duration", "30s"}},
		{"timeout words", inRepo, "timeout: soon\n", "timeout", ErrInvalid, []string{"Go duration"}},
		{"timeout negative", inEnv, "-5s", "timeout", ErrInvalid, []string{"positive", "DIARY_TIMEOUT"}},
		{"timeout zero", inFlag, "0s", "timeout", ErrInvalid, []string{"positive", "--timeout"}},
		{"host space", inUser, "host: my laptop\n", "host", ErrInvalid, []string{"spaces"}},
		{"host slash", inRepo, "host: a/b\n", "host", ErrInvalid, nil},
		{"host empty", inEnv, "", "host", ErrInvalid, []string{"DIARY_HOST"}},
		{"editor empty", inEnv, "", "editor", ErrInvalid, []string{"DIARY_EDITOR"}},
		{"remote empty", inRepo, "remote: \"\"\n", "remote", ErrInvalid, []string{"origin"}},
		{"branch space", inUser, "branch: my branch\n", "branch", ErrInvalid, nil},
		{"author two lines", inRepo, "author: |\n  Kim\n  Lee\n", "author", ErrInvalid, []string{"one line"}},
		{"list for author", inRepo, "author: [Kim, Lee]\n", "author", ErrInvalid, []string{"a list", "single value", "line 1"}},
		{"autosync yes", inRepo, "autosync: yes\n", "autosync", ErrInvalid, []string{"true or false"}},
		{"autosync word", inEnv, "soon", "autosync", ErrInvalid, []string{"true or false", "DIARY_AUTOSYNC"}},
		{"watch_interval no unit", inUser, "watch_interval: 300\n", "watch_interval", ErrInvalid, []string{"Go duration", "300s"}},
		{"watch_interval too short", inFlag, "10s", "watch_interval", ErrInvalid, []string{"shorter than 1m", "--watch-interval"}},
		{"watch_interval negative", inRepo, "watch_interval: -5m\n", "watch_interval", ErrInvalid, []string{"positive"}},
		{"map for timeout", inUser, "timeout:\n  seconds: 30\n", "timeout", ErrInvalid, []string{"a map"}},
		{"broken yaml", inRepo, "author: Kim\nlayout: [post\n", "", ErrInvalid, []string{"line", "invalid YAML"}},
		{"broken yaml indentation", inUser, "author: Kim\n  layout: post\n", "", ErrInvalid, []string{"line 2"}},
		{"tab indentation", inUser, "author:\n\t- Kim\n", "", ErrInvalid, []string{"line"}},
		{"duplicate key", inRepo, "author: Kim\nlayout: post\nauthor: Lee\n", "author", ErrInvalid, []string{"twice", "lines 1 and 3"}},
		{"list file", inUser, "- author: Kim\n", "", ErrInvalid, []string{"a list"}},
		{"two documents", inRepo, "author: Kim\n---\nauthor: Lee\n", "", ErrInvalid, []string{"more than one"}},
		{"repo in repo file", inRepo, "repo: ~/diary\n", "repo", ErrInvalid, []string{"repo is per machine", "--repo", "USERFILE"}},
		{"empty repo", inUser, "repo: \"\"\n", "repo", ErrInvalid, nil},
		{"tilde user", inUser, "repo: ~bob/diary\n", "repo", ErrInvalid, []string{"~user", "full path"}},
		{"unknown flag", inFlag, "x", "colour", ErrUnknownKey, []string{"--colour"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			var source string
			switch tc.at {
			case inRepo:
				source = f.repo(tc.content)
			case inUser:
				source = f.user(tc.content)
			case inEnv:
				f.env[envName(tc.key)] = tc.content
				source = envName(tc.key)
			case inFlag:
				f.flags[tc.key] = tc.content
				source = flagName(tc.key)
			}
			_, err := f.load()
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if !errors.Is(err, tc.is) {
				t.Errorf("error %q is not %v", err, tc.is)
			}
			checkMessage(t, err, source, tc.key)
			for _, s := range tc.more {
				s = strings.ReplaceAll(s, "USERFILE", f.userFile)
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}

// checkMessage asserts that a message is one line, names its source (and
// key), and ends with something to do.
func checkMessage(t *testing.T, err error, source, key string) {
	t.Helper()
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	if !strings.HasPrefix(msg, source+": ") {
		t.Errorf("error %q does not start with %q", msg, source+": ")
	}
	if key != "" && !strings.Contains(msg, key) {
		t.Errorf("error %q does not name key %q", msg, key)
	}
	rest := strings.TrimPrefix(msg, source+": ")
	if rest == "" || strings.ToLower(rest[:1]) != rest[:1] {
		t.Errorf("error %q does not go on in lower case", msg)
	}
}

func TestLowerLayerErrorsAreReported(t *testing.T) {
	// A bad value in a file is an error even when a higher layer wins.
	f := newFixture(t)
	f.env["DIARY_TIMEZONE"] = "UTC"
	p := f.user("timezone: Mars/Base\n")
	_, err := f.load()
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("err = %v", err)
	}
}

func TestUnreadableFile(t *testing.T) {
	f := newFixture(t)
	// A directory where the file should be cannot be read, even by root.
	p := RepoFile(f.repoDir)
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := f.load()
	if err == nil {
		t.Fatal("Load succeeded")
	}
	checkMessage(t, err, p, "")
	if !strings.Contains(err.Error(), "cannot be read") {
		t.Errorf("err = %v", err)
	}
}

func TestMissingFilesAreFine(t *testing.T) {
	f := newFixture(t)
	f.repoDir = filepath.Join(f.repoDir, "does-not-exist")
	o := f.opts()
	o.UserFile = filepath.Join(f.home, "nope", "config.yaml")
	if _, err := Load(o); err != nil {
		t.Fatal(err)
	}
	o.RepoDir = ""
	if _, err := Load(o); err != nil {
		t.Fatal(err)
	}
}

func TestEmptyAndCommentOnlyFiles(t *testing.T) {
	for _, content := range []string{"", "# nothing yet\n", "---\n", "~\n", "---\n# c\n...\n"} {
		f := newFixture(t)
		f.repo(content)
		f.user(content)
		if _, err := f.load(); err != nil {
			t.Errorf("%q: %v", content, err)
		}
	}
}

func TestSecrets(t *testing.T) {
	cases := []struct {
		name, content string
		secret        string // must not appear in the message
		alsoUnknown   bool
	}{
		{"token key", "token: abc123\n", "abc123", true},
		{"password key", "git_password: hunter2\n", "hunter2", true},
		{"passphrase key", "ssh_passphrase: x\n", "", true},
		{"secret key", "Client_Secret: x\n", "", true},
		{"credential key", "credentials: x\n", "", true},
		{"github token", "author: ghp_0123456789abcdefghijABCDEFGHIJ012345\n", "ghp_0123456789", false},
		{"github pat", "remote: https://github_pat_11AAAAAA0123456789_abcdefghijk@github.com/me/diary.git\n", "github_pat_11", false},
		{"oauth token", "disclaimer: \"gho_abcdefghij0123456789\"\n", "gho_", false},
		{"gitlab token", "remote: glpat-abcdefghij0123456789\n", "glpat-", false},
		{"url with password", "remote: https://kim:hunter2@github.com/kim/diary.git\n", "hunter2", false},
		{"url with token password", "remote: https://x-access-token:abc@github.com/kim/diary.git\n", "abc@", false},
		// A comment is pushed with the file as much as a value is.
		{"github token in a comment", "# my token: ghp_0123456789abcdefghijABCDEFGHIJ012345\nauthor: Kim\n", "ghp_0123456789", false},
		{"token in a comment after a value", "author: Kim # ghp_0123456789abcdefghijABCDEFGHIJ012345\n", "ghp_0123456789", false},
		{"token in the only comment", "# github_pat_11AAAAAA0123456789_abcdefghijk\n", "github_pat_11", false},
		{"url with password in a comment", "# remote: https://kim:hunter2@github.com/kim/diary.git\nremote: origin\n", "hunter2", false},
		{"private key in comments", "author: Kim\n# -----BEGIN OPENSSH PRIVATE KEY-----\n# b3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n# -----END OPENSSH PRIVATE KEY-----\n", "b3BlbnNz", false},
		{"private key as a value", "disclaimer: |\n  -----BEGIN RSA PRIVATE KEY-----\n  MIIEowIBAAKCAQEA\n  -----END RSA PRIVATE KEY-----\n", "MIIEow", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			p := f.repo(tc.content)
			_, err := f.load()
			if !errors.Is(err, ErrSecret) {
				t.Fatalf("err = %v, want ErrSecret", err)
			}
			if errors.Is(err, ErrUnknownKey) != tc.alsoUnknown {
				t.Errorf("errors.Is(ErrUnknownKey) = %v", !tc.alsoUnknown)
			}
			checkMessage(t, err, p, "")
			if !strings.Contains(err.Error(), "DIARY_TOKEN") {
				t.Errorf("err %q does not say where secrets go", err)
			}
			if tc.secret != "" && strings.Contains(err.Error(), tc.secret) {
				t.Errorf("err %q repeats the secret", err)
			}
			if !tc.alsoUnknown && !strings.Contains(err.Error(), f.userFile) {
				t.Errorf("err %q does not name the user config", err)
			}
		})
	}
	t.Run("secret values are fine in the user config", func(t *testing.T) {
		f := newFixture(t)
		f.user("remote: https://kim:hunter2@github.com/kim/diary.git\n")
		c := f.mustLoad()
		if c.Remote != "https://kim:hunter2@github.com/kim/diary.git" {
			t.Errorf("Remote = %q", c.Remote)
		}
	})
	t.Run("secret keys in the user config are unknown keys", func(t *testing.T) {
		f := newFixture(t)
		f.user("token: x\n")
		_, err := f.load()
		if !errors.Is(err, ErrUnknownKey) || errors.Is(err, ErrSecret) {
			t.Fatalf("err = %v", err)
		}
		if !strings.Contains(err.Error(), "DIARY_TOKEN") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("ordinary remotes are not secrets", func(t *testing.T) {
		for _, r := range []string{"origin", "git@github.com:kim/diary.git", "ssh://git@github.com:22/kim/diary.git", "https://github.com/kim/diary.git", "https://kim@github.com/kim/diary.git"} {
			f := newFixture(t)
			f.repo("remote: " + quote(r) + "\n")
			if _, err := f.load(); err != nil {
				t.Errorf("%s: %v", r, err)
			}
		}
	})
}

func TestSiteConfig(t *testing.T) {
	jekyll := `# Site settings
title: 나의 일기
email: kim@example.com
description: >-
  Thoughts.
baseurl: ""
url: "https://kim.github.io"
timezone: Asia/Seoul
theme: minima
plugins:
  - jekyll-feed
author:
  name: Kim
defaults:
  - scope: {path: "", type: posts}
    values: {layout: post}
Timeout: whatever
`
	cases := []struct {
		name, file, content string
		want                string
		layer               Layer
	}{
		{"jekyll file", "_config.yml", jekyll, "Asia/Seoul", LayerSite},
		{"yaml extension", "_config.yaml", "timezone: Europe/Berlin\n", "Europe/Berlin", LayerSite},
		{"broken", "_config.yml", "title: [unclosed\ntimezone: Asia/Seoul\n", "", LayerDefault},
		{"tabs", "_config.yml", "title: x\n\ttimezone: Asia/Seoul\n", "", LayerDefault},
		{"wrong case ignored", "_config.yml", "TimeZone: Asia/Seoul\n", "", LayerDefault},
		{"null", "_config.yml", "timezone:\n", "", LayerDefault},
		{"empty", "_config.yml", "timezone: \"\"\n", "", LayerDefault},
		{"list", "_config.yml", "timezone: [a]\n", "", LayerDefault},
		{"not a map", "_config.yml", "- a\n", "", LayerDefault},
		{"duplicate, last wins", "_config.yml", "timezone: Asia/Tokyo\ntimezone: Asia/Seoul\n", "Asia/Seoul", LayerSite},
		{"none", "", "", "", LayerDefault},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			p := ""
			if tc.file != "" {
				p = filepath.Join(f.repoDir, tc.file)
				writeFile(t, p, tc.content)
			}
			c, err := f.load()
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.Timezone != tc.want {
				t.Errorf("Timezone = %q, want %q", c.Timezone, tc.want)
			}
			want := Source{Layer: tc.layer}
			if tc.layer == LayerSite {
				want.File = p
			}
			if c.Source("timezone") != want {
				t.Errorf("source = %+v, want %+v", c.Source("timezone"), want)
			}
		})
	}
	t.Run("yml wins over yaml", func(t *testing.T) {
		f := newFixture(t)
		p := f.site("timezone: Asia/Seoul\n")
		writeFile(t, filepath.Join(f.repoDir, "_config.yaml"), "timezone: Europe/Berlin\n")
		c := f.mustLoad()
		if c.Timezone != "Asia/Seoul" || c.Source("timezone").File != p {
			t.Errorf("timezone %q from %+v", c.Timezone, c.Source("timezone"))
		}
	})
	t.Run("bad zone in site is an error naming it", func(t *testing.T) {
		f := newFixture(t)
		p := f.site("timezone: Mars/Base\n")
		_, err := f.load()
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("err = %v", err)
		}
		checkMessage(t, err, p, "timezone")
		// ...but not when a higher layer sets the zone.
		f.user("timezone: UTC\n")
		if _, err := f.load(); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("no diary, no site", func(t *testing.T) {
		f := newFixture(t)
		f.site("timezone: Asia/Seoul\n")
		o := f.opts()
		o.RepoDir = ""
		c, err := Load(o)
		if err != nil {
			t.Fatal(err)
		}
		if c.Timezone != "" || c.Location != time.Local {
			t.Errorf("timezone %q", c.Timezone)
		}
	})
}

func TestRepoAndTilde(t *testing.T) {
	cases := []struct {
		name  string
		flag  string
		env   string
		user  string
		want  string // "HOME/" is replaced
		layer Layer
	}{
		{"default", "", "", "", "HOME/diary", LayerDefault},
		{"user tilde", "", "", "repo: ~/notes/diary\n", "HOME/notes/diary", LayerUser},
		{"user tilde alone", "", "", "repo: \"~\"\n", "HOME", LayerUser},
		{"user absolute", "", "", "repo: /srv/diary\n", "/srv/diary", LayerUser},
		{"env tilde", "", "~/d", "repo: /srv/diary\n", "HOME/d", LayerEnv},
		{"flag tilde", "~/f", "~/d", "", "HOME/f", LayerFlag},
		{"flag relative kept", "diary", "", "", "diary", LayerFlag},
		{"tilde inside kept", "", "", "repo: /srv/~/diary\n", "/srv/~/diary", LayerUser},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if tc.flag != "" {
				f.flags["repo"] = tc.flag
			}
			if tc.env != "" {
				f.env["DIARY_REPO"] = tc.env
			}
			if tc.user != "" {
				f.user(tc.user)
			}
			c := f.mustLoad()
			want := tc.want
			if strings.HasPrefix(want, "HOME") {
				want = filepath.Join(f.home, strings.TrimPrefix(want, "HOME"))
			}
			if c.Repo != want || get(t, c, "repo") != want {
				t.Errorf("Repo = %q, want %q", c.Repo, want)
			}
			if c.Source("repo").Layer != tc.layer {
				t.Errorf("source = %+v", c.Source("repo"))
			}
		})
	}
	t.Run("no HOME", func(t *testing.T) {
		f := newFixture(t)
		delete(f.env, "HOME")
		o := f.opts()
		o.UserFile = f.userFile
		c, err := Load(o)
		if err != nil {
			t.Fatal(err)
		}
		if c.Repo != "" {
			t.Errorf("Repo = %q, want \"\" without a home", c.Repo)
		}
		f.env["DIARY_REPO"] = "~/x"
		_, err = Load(o)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "DIARY_REPO") || !strings.Contains(err.Error(), "HOME") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestUserFileAndRepoFile(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"HOME": "/home/kim"}, "/home/kim/.config/diary/config.yaml"},
		{map[string]string{"HOME": "/home/kim", "XDG_CONFIG_HOME": "/cfg"}, "/cfg/diary/config.yaml"},
		{map[string]string{"HOME": "/home/kim", "XDG_CONFIG_HOME": ""}, "/home/kim/.config/diary/config.yaml"},
		{map[string]string{"HOME": "/home/kim", "XDG_CONFIG_HOME": "relative"}, "/home/kim/.config/diary/config.yaml"},
		{map[string]string{}, ""},
	}
	for _, tc := range cases {
		if got := UserFile(mapEnv(tc.env)); got != filepath.FromSlash(tc.want) {
			t.Errorf("UserFile(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
	if got := RepoFile("/home/kim/diary"); got != filepath.FromSlash("/home/kim/diary/.diary.yml") {
		t.Errorf("RepoFile = %q", got)
	}
}

func TestUserFileFromEnvIsRead(t *testing.T) {
	f := newFixture(t)
	xdg := t.TempDir()
	f.env["XDG_CONFIG_HOME"] = xdg
	p := filepath.Join(xdg, "diary", "config.yaml")
	writeFile(t, p, "author: Kim\n")
	c := f.mustLoad()
	if c.Author != "Kim" || c.Source("author") != (Source{Layer: LayerUser, File: p}) {
		t.Errorf("author %q from %+v", c.Author, c.Source("author"))
	}
}

func TestHost(t *testing.T) {
	f := newFixture(t)
	f.host = "kims-MacBook-Air.local"
	if c := f.mustLoad(); c.Host != "kims-MacBook-Air" {
		t.Errorf("Host = %q", c.Host)
	}
	o := f.opts()
	o.Hostname = func() (string, error) { return "", errors.New("no name") }
	_, err := Load(o)
	if err == nil || !strings.Contains(err.Error(), "host") || !strings.Contains(err.Error(), "DIARY_HOST") {
		t.Errorf("err = %v", err)
	}
	// A host set in a layer means the host name is not needed.
	f.env["DIARY_HOST"] = "desk"
	o = f.opts()
	o.Hostname = func() (string, error) { t.Error("Hostname called"); return "", errors.New("x") }
	if c, err := Load(o); err != nil || c.Host != "desk" {
		t.Errorf("host %v err %v", c, err)
	}
}

func TestGetAndList(t *testing.T) {
	f := newFixture(t)
	f.user("timeout: 90s\nauthor: Kim\n")
	c := f.mustLoad()
	if _, err := c.Get("autor"); !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), `did you mean "author"`) {
		t.Errorf("Get(autor) err = %v", err)
	}
	items := c.List()
	if len(items) != len(Keys()) {
		t.Fatalf("List has %d items", len(items))
	}
	for i, it := range items {
		if it.Key != Keys()[i] {
			t.Errorf("item %d is %q", i, it.Key)
		}
	}
	if items[0] != (Item{"author", "Kim", Source{Layer: LayerUser, File: f.userFile}}) {
		t.Errorf("items[0] = %+v", items[0])
	}
	if v := get(t, c, "timeout"); v != "1m30s" {
		t.Errorf("timeout = %q", v)
	}
	// Get shows the Settings as they are now.
	c.Author = "Lee"
	if v := get(t, c, "author"); v != "Lee" {
		t.Errorf("author = %q", v)
	}
	var zero Config
	if zero.Source("author") != (Source{}) {
		t.Error("zero Config has a source")
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		60 * time.Second:        "1m",
		90 * time.Second:        "1m30s",
		2 * time.Hour:           "2h",
		30 * time.Second:        "30s",
		1500 * time.Millisecond: "1.5s",
		time.Hour + time.Second: "1h0m1s",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestEnvRequired(t *testing.T) {
	if _, err := Load(LoadOptions{}); err == nil {
		t.Fatal("Load without Env succeeded")
	}
}

func TestEnvIsOnlyReadThroughOpts(t *testing.T) {
	t.Setenv("DIARY_AUTHOR", "from the process")
	t.Setenv("VISUAL", "from the process")
	f := newFixture(t)
	c := f.mustLoad()
	if c.Author != "" || c.Editor != "vi" {
		t.Errorf("process environment leaked: author %q editor %q", c.Author, c.Editor)
	}
}

// TestRemoteIsAName: remote names a remote in .git/config, so a number,
// a boolean or a date there is an error naming the key and the file,
// never a remote named "5" that does not exist (which sync took for
// "local only"). A quoted "5" is a name.
func TestRemoteIsAName(t *testing.T) {
	for _, content := range []string{"remote: 5\n", "remote: true\n", "remote: 1.5\n", "remote: 2022-04-30\n", "author: &r 5\nremote: *r\n"} {
		for _, layer := range []string{"repo", "user"} {
			f := newFixture(t)
			p := f.repo(content)
			if layer == "user" {
				f.repo("")
				p = f.user(content)
			}
			_, err := f.load()
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%s in %s: err = %v, want ErrInvalid", strings.TrimSpace(content), layer, err)
				continue
			}
			checkMessage(t, err, p, "remote")
		}
	}
	f := newFixture(t)
	f.repo("remote: \"5\"\nbranch: 'main'\n")
	if c := f.mustLoad(); c.Remote != "5" || c.Branch != "main" {
		t.Errorf("remote %q, branch %q", c.Remote, c.Branch)
	}
}

// TestFrontMatterAndAssets: front_matter is a map (written in flow style
// whatever style the file used), assets a folder Jekyll publishes.
func TestFrontMatterAndAssets(t *testing.T) {
	f := newFixture(t)
	f.repo("front_matter:\n  comments: true\n  tags: [a, b]\n  header:\n    image: /x.png\nassets: media/photos\n")
	c := f.mustLoad()
	if got := get(t, c, "front_matter"); got != "{comments: true, tags: [a, b], header: {image: /x.png}}" {
		t.Errorf("front_matter = %q", got)
	}
	if c.Assets != "media/photos" {
		t.Errorf("assets = %q", c.Assets)
	}
	for _, bad := range []string{"front_matter: [a, b]\n", "front_matter: word\n", "assets: ../out\n", "assets: _site/img\n", "assets: /abs\n", "assets: a/.hidden\n"} {
		f := newFixture(t)
		f.repo(bad)
		_, err := f.load()
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: err = %v, want ErrInvalid", bad, err)
		}
	}
}

// TestEveryKeyDescribed: diary help config lists every key with its
// meaning, and nothing that is not a key.
func TestEveryKeyDescribed(t *testing.T) {
	for _, k := range Keys() {
		if Describe(k) == "" {
			t.Errorf("key %s has no description", k)
		}
	}
	for k := range descriptions {
		if !isKey(k) {
			t.Errorf("description of %s, which is no key", k)
		}
	}
}
