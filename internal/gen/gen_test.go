package gen

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/entry"
	"github.com/gitdiary/diary/internal/app"
)

func needGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git CLI")
	}
}

func git1(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := Git(context.Background(), dir, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGenerate(t *testing.T) {
	needGit(t)
	ctx := context.Background()
	opts := Options{Posts: 200, ExtraCommits: 20, Seed: 7, Start: time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)}
	dir := filepath.Join(t.TempDir(), "diary")
	t0 := time.Now()
	if err := Generate(ctx, dir, opts); err != nil {
		t.Fatal(err)
	}
	t.Logf("generated in %s", time.Since(t0))

	if out := git1(t, dir, "status", "--porcelain", "--untracked-files=all", "--ignored"); out != "" {
		t.Errorf("git status --porcelain:\n%s", out)
	}
	// fsck's warnings go to stderr: read both.
	fsck := exec.Command("git", "fsck", "--strict", "--no-progress", "--no-dangling", "--full")
	fsck.Dir, fsck.Env = dir, (&git{dir: dir, home: t.TempDir()}).env()
	if out, err := fsck.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("git fsck --strict: %v\n%s", err, out)
	}
	if head := git1(t, dir, "symbolic-ref", "HEAD"); head != "refs/heads/"+Branch+"\n" {
		t.Errorf("HEAD is %q", head)
	}

	// One commit for the site, a few hundredths of the posts' worth of
	// batches, then the extra commits, each with one post.
	full, _ := opts.withDefaults()
	var msgs []string
	plan(newRand(opts.Seed, 1), nil, full, func(c commit) error { msgs = append(msgs, c.msg); return nil })
	n, _ := strconv.Atoi(strings.TrimSpace(git1(t, dir, "rev-list", "--count", "HEAD")))
	if n != len(msgs) || n < 1+200/55+20 || n > 1+200/5+20 {
		t.Errorf("%d commits, want %d (1 + batches + 20)", n, len(msgs))
	}
	log := strings.Split(strings.TrimSpace(git1(t, dir, "log", "--format=%an <%ae> %cn %s")), "\n")
	for i, l := range log {
		if !strings.HasPrefix(l, Author+" <"+Email+"> "+Author+" ") {
			t.Errorf("commit %d: %s", i, l)
		}
		if i < 20 && !strings.HasPrefix(l, Author+" <"+Email+"> "+Author+" diary(") {
			t.Errorf("extra commit %d: %s", i, l)
		}
	}
	for i := range 20 {
		files := strings.Split(strings.Trim(git1(t, dir, "show", "-z", "--format=", "--name-only", "HEAD~"+strconv.Itoa(i)), "\x00\n"), "\x00")
		if len(files) != 1 || !strings.HasPrefix(files[0], "_posts/") {
			t.Errorf("extra commit HEAD~%d changes %q, want one post", i, files)
		}
	}

	// The site is diary's own, and every post reads back as diary reads it.
	for _, f := range []string{"_config.yml", "_layouts/default.html", "_layouts/post.html", "index.html", ".diary.yml", ".gitignore"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	home := t.TempDir()
	env := func(k string) (string, bool) {
		if k == "HOME" {
			return home, true
		}
		return "", false // no DIARY_ variables, no user config
	}
	d, err := app.Open(app.Options{Repo: dir, Env: env, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if d.Config.Timezone != Timezone || d.Config.Author != Author || d.Config.Disclaimer != Disclaimer {
		t.Errorf("settings: timezone %q, author %q, disclaimer %q", d.Config.Timezone, d.Config.Author, d.Config.Disclaimer)
	}
	entries, warnings, err := d.List(ctx, app.ListOptions{})
	if err != nil || len(warnings) > 0 {
		t.Fatalf("list: %v %v", err, warnings)
	}
	if len(entries) != 200 {
		t.Fatalf("%d entries, want 200", len(entries))
	}
	size, tagged := 0, 0
	for i, e := range entries {
		want := "2024-02-29"
		if i > 0 {
			want = entries[i-1].Date.AddDate(0, 0, -1).Format("2006-01-02")
		}
		if got := e.Date.Format("2006-01-02"); got != want {
			t.Errorf("%s: dated %s, want %s (one a day)", e.Path, got, want)
		}
		if e.Title == "" || e.Author != Author || e.Layout != "post" {
			t.Errorf("%s: %+v", e.Path, e)
		}
		if _, slug, _ := entry.ParseName(e.Path); slug != entry.Slugify(e.Title, entry.SlugDefault) {
			t.Errorf("%s: slug is not the title's %q", e.Path, entry.Slugify(e.Title, entry.SlugDefault))
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Path))
		if err != nil {
			t.Fatal(err)
		}
		if entry.LeadingQuote(data) != Disclaimer {
			t.Errorf("%s: no disclaimer", e.Path)
		}
		size += len(data)
		if len(e.Tags) > 0 {
			tagged++
		}
	}
	if avg := size / len(entries); avg < 1700 || avg > 2800 {
		t.Errorf("posts are %d bytes on average, want about 2 KB", avg)
	}
	if tagged == 0 || tagged == len(entries) {
		t.Errorf("%d of %d posts have tags, want some", tagged, len(entries))
	}

	// The same options give the same repository, to the byte of the pack.
	dir2 := filepath.Join(t.TempDir(), "again")
	if err := Generate(ctx, dir2, opts); err != nil {
		t.Fatal(err)
	}
	if a, b := git1(t, dir, "rev-parse", "HEAD"), git1(t, dir2, "rev-parse", "HEAD"); a != b {
		t.Errorf("same options, HEAD %s and %s", a, b)
	}
	packs := func(d string) []string {
		m, _ := filepath.Glob(filepath.Join(d, ".git/objects/pack/*.pack"))
		for i := range m {
			m[i] = filepath.Base(m[i])
		}
		return m
	}
	if a, b := packs(dir), packs(dir2); len(a) != 1 || strings.Join(a, " ") != strings.Join(b, " ") {
		t.Errorf("same options, packs %v and %v", a, b)
	}
	dir3 := filepath.Join(t.TempDir(), "other")
	opts.Seed++
	if err := Generate(ctx, dir3, opts); err != nil {
		t.Fatal(err)
	}
	if a, b := git1(t, dir, "rev-parse", "HEAD"), git1(t, dir3, "rev-parse", "HEAD"); a == b {
		t.Errorf("seeds %d and %d give the same HEAD %s", opts.Seed-1, opts.Seed, a)
	}
}

func TestGenerateRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Generate(context.Background(), dir, Options{Posts: 3}); err == nil {
		t.Fatal("Generate wrote into a directory that is not empty")
	}
}

// patch applies a git delta, as git's patch_delta does.
func patch(t *testing.T, base, d []byte) []byte {
	t.Helper()
	src, n := binary.Uvarint(d)
	d = d[n:]
	dst, n := binary.Uvarint(d)
	d = d[n:]
	if int(src) != len(base) {
		t.Fatalf("delta for a base of %d bytes, applied to %d", src, len(base))
	}
	var out []byte
	for len(d) > 0 {
		cmd := d[0]
		d = d[1:]
		if cmd&0x80 == 0 {
			if cmd == 0 {
				t.Fatal("delta opcode 0")
			}
			out = append(out, d[:cmd]...)
			d = d[cmd:]
			continue
		}
		var off, size int
		for i := range 4 {
			if cmd&(1<<i) != 0 {
				off |= int(d[0]) << (8 * i)
				d = d[1:]
			}
		}
		for i := range 3 {
			if cmd&(0x10<<i) != 0 {
				size |= int(d[0]) << (8 * i)
				d = d[1:]
			}
		}
		if size == 0 {
			size = 0x10000
		}
		out = append(out, base[off:off+size]...)
	}
	if len(out) != int(dst) {
		t.Fatalf("delta made %d bytes, said %d", len(out), dst)
	}
	return out
}

func TestDelta(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 20000) // 320,000 bytes
	edited := append(append(bytes.Clone(big[:150000]), "an edit in the middle"...), big[150007:]...)
	cases := []struct{ base, target []byte }{
		{nil, nil},
		{nil, []byte("new")},
		{[]byte("old"), nil},
		{[]byte("same"), []byte("same")},
		{[]byte("abc"), []byte("xyz")},
		{[]byte("abcdef"), []byte("abcXdef")},
		{[]byte("aaaa"), []byte("aa")},
		{big, append(bytes.Clone(big), "appended entries"...)},
		{big, edited},
		{edited, big},
		{big[:0x10000], big[:0x10000+1]},
		{big, bytes.Repeat([]byte("z"), 300)},
	}
	for i, c := range cases {
		d := delta(c.base, c.target)
		if got := patch(t, c.base, d); !bytes.Equal(got, c.target) {
			t.Errorf("case %d: delta does not make the target", i)
		}
		if len(c.base) > 1000 && len(c.target) > 1000 && len(d) > 100 {
			t.Errorf("case %d: delta of one change is %d bytes", i, len(d))
		}
	}
}
