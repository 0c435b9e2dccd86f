package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func readString(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const commented = `# diary settings for this laptop
author: Kim   # my pen name

# where posts go
category: diary
disclaimer: |
  line one
  line two

# network
timeout: 30s
# the end
`

func TestSetKeepsTheRestOfTheFile(t *testing.T) {
	cases := []struct {
		name, before, key, value, after string
	}{
		{"replace with line comment", commented, "author", "Lee",
			strings.Replace(commented, "author: Kim   # my pen name", "author: Lee # my pen name", 1)},
		{"replace block scalar", commented, "disclaimer", "short",
			strings.Replace(commented, "disclaimer: |\n  line one\n  line two\n", "disclaimer: short\n", 1)},
		{"replace last key", commented, "timeout", "2m",
			strings.Replace(commented, "timeout: 30s\n", "timeout: 2m\n", 1)},
		{"new key after the last one", commented, "layout", "page",
			strings.Replace(commented, "timeout: 30s\n", "timeout: 30s\nlayout: page\n", 1)},
		{"empty value", commented, "category", "",
			strings.Replace(commented, "category: diary\n", "category: \"\"\n", 1)},
		{"several lines", commented, "disclaimer", "하나\n\ntwo",
			strings.Replace(commented, "|\n  line one\n  line two\n", "|-\n  하나\n\n  two\n", 1)},
		{"plain to block", "author: Kim\ndisclaimer: x\nlayout: post\n", "disclaimer", "a\nb",
			"author: Kim\ndisclaimer: |-\n  a\n  b\nlayout: post\n"},
		{"value needing quotes", "author: Kim\n", "category", "2022", "author: Kim\ncategory: \"2022\"\n"},
		{"value on the next line", "disclaimer:\n  some words\n  more words\n# c\nlayout: post\n", "disclaimer", "x",
			"disclaimer: x\n# c\nlayout: post\n"},
		{"null value", "author:\nlayout: post\n", "author", "Kim", "author: Kim\nlayout: post\n"},
		{"block scalar with a hash line", "disclaimer: |\n  a\n  # b\nlayout: post\n", "disclaimer", "x", "disclaimer: x\nlayout: post\n"},
		{"no final newline", "author: Kim", "layout", "page", "author: Kim\nlayout: page\n"},
		{"no final newline, replace", "author: Kim", "author", "Lee", "author: Lee\n"},
		{"comment only", "# hello\n", "author", "Kim", "# hello\nauthor: Kim\n"},
		{"empty file", "", "author", "Kim", "author: Kim\n"},
		{"document markers", "---\nauthor: Kim\n...\n", "layout", "page", "---\nauthor: Kim\nlayout: page\n...\n"},
		{"crlf", "# c\r\nauthor: Kim\r\nlayout: post\r\n", "author", "Lee", "# c\r\nauthor: Lee\r\nlayout: post\r\n"},
		{"crlf append", "author: Kim\r\n", "layout", "page", "author: Kim\r\nlayout: page\r\n"},
		{"unknown keys kept", "foo: bar\nauthor: Kim\n", "author", "Lee", "foo: bar\nauthor: Lee\n"},
		{"quoted value replaced", "author: \"Kim\" # q\nlayout: post\n", "author", "Lee", "author: Lee # q\nlayout: post\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "config.yaml")
			writeFile(t, p, tc.before)
			if err := Set(p, tc.key, tc.value, false); err != nil {
				t.Fatalf("Set: %v", err)
			}
			if got := readString(t, p); got != tc.after {
				t.Errorf("file is\n%s\nwant\n%s", got, tc.after)
			}
		})
	}
}

func TestSetReencodesWhatItCannotSplice(t *testing.T) {
	cases := []struct{ name, before string }{
		{"flow mapping", "{author: Kim, layout: post} # flow\n"},
		{"null document", "~\n"},
		{"indented document", "  author: Kim\n  layout: post\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			p := f.user(tc.before)
			if err := Set(p, "author", "Lee", false); err != nil {
				t.Fatalf("Set: %v", err)
			}
			c := f.mustLoad()
			if c.Author != "Lee" {
				t.Errorf("Author = %q; file:\n%s", c.Author, readString(t, p))
			}
			if strings.Contains(tc.before, "layout") && c.Source("layout").Layer != LayerUser {
				t.Errorf("layout lost; file:\n%s", readString(t, p))
			}
		})
	}
}

func TestSetRoundTrip(t *testing.T) {
	tricky := []string{"Kim", "김철수", "2022", "010", "1.10", "true", "yes", "no", "null", "~", "", "a: b", "# x", "a # b", "- x",
		"'q'", `"`, `\`, " lead", "trail ", "@at", "`tick", "%pct", "*star", "&amp", "!bang", "[x]", "{y}", ">", "|", "?", "Kim, Lee", "--- x", "..."}
	values := map[string][]string{
		"author":   tricky,
		"category": tricky,
		"layout":   {"post", "", "2022", "true"},
		"disclaimer": append(append([]string{}, tricky...),
			"line1\n  indented\n\nlast", "  leading space\nx", "a\n\n\nb", "# heading\ntext", "\ttab\nx", "x\n\ttab", "> quote\n> more",
			"이 글은 개인 일기입니다.\nThis is my personal diary."),
		"date_format":    {"2006-01-02", "2006-01-02 15:04:05 -0700", "January 2, 2006", "02/01/06"},
		"timezone":       {"Asia/Seoul", "UTC", "", "Local"},
		"slug":           slugModes,
		"ext":            {"md", "markdown", "2022"},
		"editor":         {"vi", "code --wait", "emacs -nw", "'/Applications/My Editor.app' -w"},
		"remote":         {"origin", "git@github.com:kim/diary.git", "https://kim:pw@github.com/kim/diary.git"},
		"branch":         {"", "main", "gh-pages", "2022"},
		"host":           {"laptop", "kims-MacBook-Air", "1"},
		"timeout":        {"60s", "2m", "1h30m", "1.5s"},
		"autosync":       {"true", "false"},
		"watch_interval": {"5m", "1h", "90s"},
		"repo":           {"/srv/diary", "~/diary"},
	}
	for _, key := range Keys() {
		f := newFixture(t)
		p := f.user("# mine\n")
		for _, v := range values[key] {
			if err := Set(p, key, v, false); err != nil {
				t.Errorf("Set(%s, %q): %v", key, v, err)
				continue
			}
			c, err := f.load()
			if err != nil {
				t.Errorf("Load after Set(%s, %q): %v\n%s", key, v, err, readString(t, p))
				continue
			}
			want := v
			switch key {
			case "timeout", "watch_interval":
				want = get(t, c, key) // formatted; compare durations instead
				if c.Timeout.String() == "" {
					t.Error("no timeout")
				}
			case "repo":
				want, _ = expandHome(v, mapEnv(f.env))
			}
			if got := get(t, c, key); got != want {
				t.Errorf("Set(%s, %q) then Load gives %q\n%s", key, v, got, readString(t, p))
			}
			if c.Source(key) != (Source{Layer: LayerUser, File: p}) {
				t.Errorf("Set(%s, %q): source %+v", key, v, c.Source(key))
			}
		}
		// Every key kept the comment.
		if !strings.HasPrefix(readString(t, p), "# mine\n") {
			t.Errorf("comment lost:\n%s", readString(t, p))
		}
	}
}

func TestSetAllKeysKeepsOrder(t *testing.T) {
	f := newFixture(t)
	p := f.user("")
	order := []string{"timeout", "author", "slug", "disclaimer", "layout"}
	for _, k := range order {
		if err := Set(p, k, samples[k][3], false); err != nil {
			t.Fatal(err)
		}
	}
	// Overwrite in another order: the file's order stays.
	for i := len(order) - 1; i >= 0; i-- {
		if err := Set(p, order[i], samples[order[i]][2], false); err != nil {
			t.Fatal(err)
		}
	}
	got := readString(t, p)
	last := -1
	for _, k := range order {
		i := strings.Index(got, "\n"+k+":")
		if strings.HasPrefix(got, k+":") {
			i = 0
		}
		if i <= last {
			t.Fatalf("order changed:\n%s", got)
		}
		last = i
	}
	c := f.mustLoad()
	for _, k := range order {
		if v := get(t, c, k); v != samples[k][2] {
			t.Errorf("%s = %q", k, v)
		}
	}
}

func TestSetShared(t *testing.T) {
	f := newFixture(t)
	p := RepoFile(f.repoDir)
	if err := Set(p, "timezone", "Asia/Seoul", true); err != nil {
		t.Fatal(err)
	}
	if err := Set(p, "disclaimer", "", true); err != nil {
		t.Fatal(err)
	}
	c := f.mustLoad()
	if c.Timezone != "Asia/Seoul" || c.Source("timezone") != (Source{Layer: LayerRepo, File: p}) || c.Disclaimer != "" {
		t.Errorf("timezone %q %+v disclaimer %q", c.Timezone, c.Source("timezone"), c.Disclaimer)
	}
}

func TestSetRefuses(t *testing.T) {
	cases := []struct {
		name, key, value string
		shared           bool
		is               error
		more             []string
	}{
		{"unknown key", "autor", "Kim", false, ErrUnknownKey, []string{`did you mean "author"`}},
		{"wrong case", "Author", "Kim", false, ErrUnknownKey, []string{`write "author"`}},
		{"bad zone", "timezone", "Mars/Base", false, ErrInvalid, []string{"IANA"}},
		{"bad layout", "date_format", "banana", true, ErrInvalid, []string{"Go time layout"}},
		{"bad slug", "slug", "fancy", false, ErrInvalid, []string{"latin"}},
		{"bad duration", "timeout", "soon", false, ErrInvalid, []string{"Go duration"}},
		{"negative duration", "timeout", "-1s", true, ErrInvalid, []string{"positive"}},
		{"bad ext", "ext", ".md", false, ErrInvalid, nil},
		{"bad host", "host", "my laptop", false, ErrInvalid, nil},
		{"tilde user repo", "repo", "~bob/diary", false, ErrInvalid, []string{"full path"}},
		{"two-line author", "author", "a\nb", false, ErrInvalid, []string{"one line"}},
		{"repo shared", "repo", "/srv/diary", true, ErrInvalid, []string{"per machine", "--repo"}},
		{"token key shared", "token", "abc", true, ErrSecret, []string{"DIARY_TOKEN"}},
		{"token key user", "token", "abc", false, ErrUnknownKey, []string{"DIARY_TOKEN"}},
		{"github token shared", "author", "ghp_0123456789abcdefghijABCDEFGHIJ012345", true, ErrSecret, []string{"DIARY_TOKEN", "user config"}},
		{"password url shared", "remote", "https://kim:pw@github.com/kim/diary.git", true, ErrSecret, []string{"DIARY_TOKEN"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, ".diary.yml")
			writeFile(t, p, commented)
			err := Set(p, tc.key, tc.value, tc.shared)
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
			checkMessage(t, err, p, tc.key)
			for _, s := range tc.more {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("err %q does not contain %q", err, s)
				}
			}
			if strings.HasPrefix(tc.value, "ghp_") && strings.Contains(err.Error(), tc.value) {
				t.Errorf("err repeats the secret: %v", err)
			}
			assertUntouched(t, dir, p, commented)
		})
	}
}

// assertUntouched checks that p still holds want, and that dir holds no
// other file (no temp file left behind).
func assertUntouched(t *testing.T, dir, p, want string) {
	t.Helper()
	if got := readString(t, p); got != want {
		t.Errorf("file changed:\n%s", got)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if filepath.Join(dir, e.Name()) != p {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestSetLeavesBrokenFilesAlone(t *testing.T) {
	cases := []struct{ name, content, more string }{
		{"broken yaml", "author: Kim\nlayout: [post\n", "line"},
		{"duplicate", "author: Kim\nauthor: Lee\n", "twice"},
		{"a list", "- author\n", "a list"},
		{"two documents", "author: Kim\n---\nlayout: post\n", "more than one"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "config.yaml")
			writeFile(t, p, tc.content)
			err := Set(p, "author", "Park", false)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v", err)
			}
			checkMessage(t, err, p, "")
			if !strings.Contains(err.Error(), tc.more) || !strings.Contains(err.Error(), "nothing was written") {
				t.Errorf("err = %v", err)
			}
			assertUntouched(t, dir, p, tc.content)
		})
	}
}

func TestSetCreatesFileAndDirectory(t *testing.T) {
	home := t.TempDir()
	p := filepath.Join(home, ".config", "diary", "config.yaml")
	if err := Set(p, "author", "Kim", false); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, p); got != "author: Kim\n" {
		t.Errorf("file = %q", got)
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(p)
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("user file mode %v, want 0600", fi.Mode().Perm())
		}
		di, _ := os.Stat(filepath.Dir(p))
		if di.Mode().Perm() != 0o700 {
			t.Errorf("user dir mode %v, want 0700", di.Mode().Perm())
		}
		shared := filepath.Join(t.TempDir(), ".diary.yml")
		if err := Set(shared, "layout", "post", true); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(shared); fi.Mode().Perm() != 0o644 {
			t.Errorf("shared file mode %v, want 0644", fi.Mode().Perm())
		}
		// An existing file keeps its mode.
		if err := os.Chmod(p, 0o640); err != nil {
			t.Fatal(err)
		}
		if err := Set(p, "author", "Lee", false); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o640 {
			t.Errorf("mode %v, want 0640 kept", fi.Mode().Perm())
		}
	}
}

func TestSetWriteFailure(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	writeFile(t, blocker, "x")
	p := filepath.Join(blocker, "diary", "config.yaml")
	err := Set(p, "author", "Kim", false)
	if err == nil {
		t.Fatal("Set succeeded")
	}
	checkMessage(t, err, p, "")
	// Unreadable: a directory in the file's place.
	p = filepath.Join(dir, "config.yaml")
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
	err = Set(p, "author", "Kim", false)
	if err == nil || !strings.Contains(err.Error(), "cannot be read") {
		t.Fatalf("err = %v", err)
	}
	checkMessage(t, err, p, "")
}

func TestSetFollowsSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks")
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "dotfiles", "diary.yaml")
	writeFile(t, target, "# managed by stow\nauthor: Kim\n")
	link := filepath.Join(dir, "config.yaml")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := Set(link, "author", "Lee", false); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("link replaced: %v", err)
	}
	if got := readString(t, target); got != "# managed by stow\nauthor: Lee\n" {
		t.Errorf("target = %q", got)
	}
}

func TestSetThroughMergeKey(t *testing.T) {
	f := newFixture(t)
	p := f.user("base: &b {author: Kim}\n")
	// base is an unknown key, but Set does not judge other keys.
	if err := Set(p, "layout", "page", false); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, p); got != "base: &b {author: Kim}\nlayout: page\n" {
		t.Errorf("file = %q", got)
	}
}

// TestSetLearned: a learned value says what it was learned from, through
// Load, for one-line, empty and several-line values; a later Set makes
// it the user's own.
func TestSetLearned(t *testing.T) {
	f := newFixture(t)
	p := f.repo("# shared\nauthor: Kim # my pen name\n")
	for key, value := range map[string]string{"layout": "", "ext": "markdown", "disclaimer": "첫 줄.\n\n셋째 줄.", "author": "Lee"} {
		if err := SetLearned(p, key, value, "its posts"); err != nil {
			t.Fatalf("SetLearned(%s): %v", key, err)
		}
	}
	c := f.mustLoad()
	for _, key := range []string{"layout", "ext", "disclaimer", "author"} {
		if src := c.Source(key); src.Layer != LayerRepo || src.Learned != "its posts" {
			t.Errorf("%s source = %+v, want learned from its posts\n%s", key, src, readString(t, p))
		}
	}
	if c.Layout != "" || c.Ext != "markdown" || c.Disclaimer != "첫 줄.\n\n셋째 줄." || c.Author != "Lee" {
		t.Errorf("settings = %+v\n%s", c.Settings, readString(t, p))
	}
	if err := Set(p, "ext", "md", true); err != nil {
		t.Fatal(err)
	}
	if src := f.mustLoad().Source("ext"); src.Learned != "" {
		t.Errorf("ext after Set: source %+v, want no longer learned", src)
	}
}
