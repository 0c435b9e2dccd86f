package config

import (
	"github.com/gitdiary/diary/internal/suggest"

	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"gopkg.in/yaml.v3"
)

// settingError is an error with a one-line message that wraps the sentinel
// errors (and any cause) given to it.
type settingError struct {
	msg  string
	errs []error
}

func (e *settingError) Error() string   { return e.msg }
func (e *settingError) Unwrap() []error { return e.errs }

// newError makes a settingError whose message is "where: " + the formatted
// text ("where" may be empty). wrap are the errors it wraps.
func newError(wrap []error, where, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if where != "" {
		msg = where + ": " + msg
	}
	return &settingError{msg: msg, errs: wrap}
}

func invalid(where, format string, args ...any) error {
	return newError([]error{ErrInvalid}, where, format, args...)
}

// onLine is " on line N", or "" when the line is not known.
func onLine(line int) string {
	if line <= 0 {
		return ""
	}
	return fmt.Sprintf(" on line %d", line)
}

// unknownKeyError says that key (found at where, on line if > 0) is not a
// setting, and which key was probably meant.
func unknownKeyError(where, key string, line int) error {
	return newError([]error{ErrUnknownKey}, where, "unknown key %q%s: %s", key, onLine(line), keyHint(key))
}

func keyHint(key string) string {
	all := "valid keys are " + strings.Join(keys, ", ")
	norm := strings.ReplaceAll(strings.ToLower(key), "-", "_")
	if isKey(norm) {
		return fmt.Sprintf("write %q (keys are lower case, with _ between words)", norm)
	}
	if looksSecretKey(key) {
		return "secrets do not belong in config files: put a token in the environment (DIARY_TOKEN)"
	}
	if near := nearestKey(norm); near != "" {
		return fmt.Sprintf("did you mean %q? %s", near, all)
	}
	return all
}

// nearestKey is the key closest to k, if it is close.
func nearestKey(k string) string { return suggest.Nearest(k, keys) }

var secretWords = []string{"token", "password", "passwd", "passphrase", "secret", "credential", "api_key", "apikey", "private_key"}

// looksSecretKey tells whether a key's name suggests that it holds a secret.
func looksSecretKey(key string) bool {
	k := strings.ToLower(key)
	for _, w := range secretWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

var (
	tokenRe = regexp.MustCompile(`(gh[pousr]_|github_pat_|glpat-)[A-Za-z0-9_-]{8,}`)
	// scheme://user:password@ — a URL that carries credentials.
	credURLRe = regexp.MustCompile(`(?i)[a-z][a-z0-9+.-]*://[^\s/@:]*:[^\s/@]+@`)
	// The armour line of a PEM or OpenSSH private key (RFC 7468 labels:
	// "PRIVATE KEY", "RSA PRIVATE KEY", "OPENSSH PRIVATE KEY"...).
	privateKeyRe = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----`)
	// An AWS access key ID, as AWS documents its form.
	awsKeyRe = regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)
)

// secretKind says what kind of secret value v looks like, or "".
func secretKind(v string) string {
	if m := tokenRe.FindStringSubmatch(v); m != nil {
		if m[1] == "glpat-" {
			return "a GitLab token"
		}
		return "a GitHub token"
	}
	if credURLRe.MatchString(v) {
		return "a URL with a password"
	}
	if privateKeyRe.MatchString(v) {
		return "a private key"
	}
	if awsKeyRe.MatchString(v) {
		return "an AWS access key"
	}
	return ""
}

// secretLine finds a secret anywhere in the text of the shared file, line
// by line, comments included: a comment is pushed with the file as much
// as a value is. The secret itself is never repeated in the message.
func secretLine(file string, data []byte, userFile string) error {
	for i, line := range strings.Split(string(data), "\n") {
		if kind := secretKind(line); kind != "" {
			return newError([]error{ErrSecret}, file,
				"line %d holds what looks like %s (comments are pushed too), and .diary.yml is pushed with the diary, often in public: remove it, and put the secret in the environment (DIARY_TOKEN) or in %s instead",
				i+1, kind, userConfigName(userFile))
		}
	}
	return nil
}

// secretKeyError: a secret-looking key in the shared file.
func secretKeyError(file, key string, line int) error {
	return newError([]error{ErrSecret, ErrUnknownKey}, file,
		"key %q%s looks like a secret, and .diary.yml is pushed with the diary, often in public: remove it and put the secret in the environment (DIARY_TOKEN) instead",
		key, onLine(line))
}

// secretValueError: a value that looks like a secret in the shared file.
// The value itself is never repeated in the message.
func secretValueError(file, key, kind, userFile string) error {
	return newError([]error{ErrSecret}, file,
		"%s holds what looks like %s, and .diary.yml is pushed with the diary, often in public: put the secret in the environment (DIARY_TOKEN) or in %s instead",
		key, kind, userConfigName(userFile))
}

// repoSharedError: repo set in .diary.yml.
func repoSharedError(file, userFile string) error {
	return invalid(file, "repo is per machine: set it in %s or with --repo", userConfigName(userFile))
}

func userConfigName(userFile string) string {
	if userFile == "" {
		return "the user config (diary config set without --shared)"
	}
	return userFile
}

var slugModes = []string{"default", "raw", "pretty", "ascii", "latin"}

// validateValue checks one value of a known key; where names the file,
// variable or flag it came from.
func validateValue(key, v, where string) error {
	if key != "disclaimer" && key != "front_matter" && strings.ContainsAny(v, "\r\n") {
		return invalid(where, "%s must be one line (only disclaimer may have several): write it on one line", key)
	}
	switch key {
	case "date_format":
		if v == "" {
			return invalid(where, "date_format is empty: use a Go time layout such as 2006-01-02 or \"2006-01-02 15:04:05 -0700\"")
		}
		if !validLayout(v) {
			return invalid(where, "date_format %q is not a Go time layout with a year, month and day: use e.g. 2006-01-02 or \"2006-01-02 15:04:05 -0700\"", v)
		}
	case "timezone":
		if v != "" {
			if _, err := loadLocation(v); err != nil {
				return invalid(where, "timezone %q is not a known time zone: use an IANA name such as Asia/Seoul, or UTC", v)
			}
		}
	case "category_style":
		if v != CategorySingle && v != CategoryList && v != CategoryWords {
			return invalid(where, "category_style %q is not a style: use %s (one category as category: A), %s (categories: [A] always) or %s (categories: A B)", v, CategorySingle, CategoryList, CategoryWords)
		}
	case "tag_style":
		if v != TagList && v != TagWords {
			return invalid(where, "tag_style %q is not a style: use %s (tags: [a, b]) or %s (tags: a b)", v, TagList, TagWords)
		}
	case "folders":
		if v != FoldersNone && v != FoldersCategory && v != FoldersCategoryPosts {
			return invalid(where, "folders %q is not a way to file posts: use %s (all in _posts/), %s (_posts/<first category>/) or %s (<first category>/_posts/)", v, FoldersNone, FoldersCategory, FoldersCategoryPosts)
		}
	case "slug":
		for _, m := range slugModes {
			if v == m {
				return nil
			}
		}
		return invalid(where, "slug %q is not a slug mode: use one of %s", v, strings.Join(slugModes, ", "))
	case "ext":
		if v == "" || strings.ContainsAny(v, `/\`) || strings.HasPrefix(v, ".") || strings.IndexFunc(v, unicode.IsSpace) >= 0 {
			return invalid(where, "ext %q is not a file extension: use e.g. md or markdown, without a dot, \"/\" or spaces", v)
		}
	case "front_matter":
		if v == "" {
			return nil
		}
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(v), &doc); err != nil || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
			return invalid(where, "front_matter %q is not a map of keys: write e.g. front_matter: {comments: true}", v)
		}
	case "assets":
		if !validAssets(v) {
			return invalid(where, "assets %q is not a folder of the site that Jekyll publishes: use a relative path such as assets/img, without .., and no part starting with _ or ., and no spaces, quotes, braces, %%, # or ?", v)
		}
	case "editor":
		if strings.TrimSpace(v) == "" {
			return invalid(where, "editor is empty: name a program such as vi, or \"code --wait\"")
		}
	case "remote":
		if v == "" || strings.IndexFunc(v, unicode.IsSpace) >= 0 {
			return invalid(where, "remote %q is not a git remote: use a remote's name such as origin", v)
		}
	case "branch":
		if strings.IndexFunc(v, unicode.IsSpace) >= 0 {
			return invalid(where, "branch %q is not a branch name: use a name such as main, or remove it to use the current branch", v)
		}
	case "host":
		if v == "" || strings.Contains(v, "/") || strings.IndexFunc(v, unicode.IsSpace) >= 0 {
			return invalid(where, "host %q cannot name this machine: use one word without \"/\" or spaces, such as my-laptop", v)
		}
	case "timeout":
		return validDuration(where, key, v, "60s or 2m", 0)
	case "watch_interval":
		// cron, the coarsest scheduler autosync installs, runs at most
		// once a minute.
		return validDuration(where, key, v, "5m or 1h", time.Minute)
	case "autosync":
		if _, ok := parseBool(v); !ok {
			return invalid(where, "autosync %q is not true or false: use true (sync after each commit) or false", v)
		}
	case "repo":
		if strings.TrimSpace(v) == "" {
			return invalid(where, "repo is empty: give the diary's directory, such as ~/diary")
		}
		if strings.HasPrefix(v, "~") && len(v) > 1 && v[1] != '/' && v[1] != filepath.Separator {
			return invalid(where, "repo %q: only ~ (your own home) is expanded, not ~user: write the full path", v)
		}
	}
	return nil
}

// validDuration checks a duration setting: a Go duration with a unit,
// positive, and at least min.
func validDuration(where, key, v, example string, min time.Duration) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		if _, nerr := strconv.ParseFloat(v, 64); nerr == nil {
			return invalid(where, "%s %q is not a Go duration: give a unit, e.g. %ss or 2m", key, v, v)
		}
		return invalid(where, "%s %q is not a Go duration: use e.g. %s", key, v, example)
	}
	if d <= 0 {
		return invalid(where, "%s %q is not positive: use e.g. %s", key, v, example)
	}
	if d < min {
		return invalid(where, "%s %q is shorter than %s: use e.g. %s", key, v, formatDuration(min), example)
	}
	return nil
}

// parseBool reads a true/false setting as YAML 1.2 writes it (true,
// false, in any case), and as strconv does for the environment (1, 0).
func parseBool(v string) (b, ok bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// loadLocation is time.LoadLocation, except that "" is not UTC but an error
// (callers map "" to time.Local themselves).
func loadLocation(name string) (*time.Location, error) {
	if name == "" {
		return nil, fmt.Errorf("empty time zone")
	}
	return time.LoadLocation(name)
}

// validLayout tells whether layout is a Go time layout that gives a date:
// formatting a reference time and parsing it back gives the same day, and
// changing the year, the month or the day changes the formatted text.
func validLayout(layout string) bool {
	ref := time.Date(2021, time.November, 23, 19, 47, 58, 0, time.UTC)
	s := ref.Format(layout)
	p, err := time.Parse(layout, s)
	if err != nil {
		return false
	}
	if y, m, d := p.Date(); y != 2021 || m != time.November || d != 23 {
		return false
	}
	for _, other := range []time.Time{
		time.Date(2034, time.November, 23, 19, 47, 58, 0, time.UTC),
		time.Date(2021, time.April, 23, 19, 47, 58, 0, time.UTC),
		time.Date(2021, time.November, 9, 19, 47, 58, 0, time.UTC),
	} {
		if other.Format(layout) == s {
			return false
		}
	}
	return true
}

// nameValue refuses a number, a boolean or a date where remote names a
// git remote: "remote: 5" is a YAML number, not the name of a remote, and
// taking it for one made sync quietly local only. A quoted value ("5") is
// a name. (branch keeps a number's text: "branch: 1.10" is a release
// branch's name, and a branch that does not exist is said by sync.)
func nameValue(file, key string, n *yaml.Node, line int) error {
	if key != "remote" {
		return nil
	}
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil // scalarText refuses it
	}
	kind := map[string]string{"!!int": "a number", "!!float": "a number", "!!bool": "a true/false value", "!!timestamp": "a date"}[n.ShortTag()]
	if kind == "" {
		return nil
	}
	return invalid(file, "%s%s is %s (%s), but it names a git remote: write %s: origin (a name from git remote), or quote the value if that really is its name", key, onLine(line), kind, n.Value, key)
}

// validAssets: a relative, slash-separated folder inside the site, each
// part a name Jekyll copies into _site (it skips those starting with _
// or ., and a part such as .. would leave the diary).
func validAssets(v string) bool {
	// Quotes, braces, % and # would break the Liquid and Markdown of
	// attach's links; spaces, the URL.
	if v == "" || strings.HasPrefix(v, "/") || strings.ContainsAny(v, "\\'\"{}%#?\x00") || strings.IndexFunc(v, unicode.IsSpace) >= 0 {
		return false
	}
	for _, part := range strings.Split(strings.TrimSuffix(v, "/"), "/") {
		if part == "" || strings.HasPrefix(part, "_") || strings.HasPrefix(part, ".") || strings.TrimSpace(part) != part {
			return false
		}
	}
	return true
}
