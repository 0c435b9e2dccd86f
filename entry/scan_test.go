package entry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/regular"
)

// benchDiary returns a diary to scan: the reference diary of the
// repository's benchmarks ($TMPDIR/diary-bench-1-<posts>, which `go test
// -bench List` in the repository's root makes) when it is there, else
// posts written here much like it (10,000 of about 2 KB, Korean and
// English; DIARY_BENCH_POSTS=N for another number), removed after.
func benchDiary(b *testing.B) string {
	b.Helper()
	posts := 10000
	if s := os.Getenv("DIARY_BENCH_POSTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("DIARY_BENCH_POSTS=%q: want a number of posts", s)
		}
		posts = n
	}
	ref := filepath.Join(os.TempDir(), fmt.Sprintf("diary-bench-1-%d", posts))
	if des, err := os.ReadDir(filepath.Join(ref, PostsDir)); err == nil && len(des) == posts {
		return ref
	}
	dir := b.TempDir()
	if err := writeBenchPosts(dir, posts); err != nil {
		b.Fatal(err)
	}
	return dir
}

func writeBenchPosts(dir string, posts int) error {
	if err := os.MkdirAll(filepath.Join(dir, PostsDir), 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewSource(1))
	words := []string{"오늘은", "비가", "오는", "날", "가족과", "산책을", "즐겼다.", "Today", "I", "read", "the", "notes", "from", "the", "conference."}
	day := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	for i := range posts {
		d := day.AddDate(0, 0, -i)
		var body strings.Builder
		for body.Len() < 2000 {
			body.WriteString(words[rng.Intn(len(words))])
			body.WriteByte(' ')
		}
		p := Post{Title: fmt.Sprintf("하루 %d", i), Author: "Daniel Park", Date: d, DateFormat: "2006-01-02",
			Categories: []string{"etc"}, Layout: "post", Disclaimer: "심심할 때 재미로 쓰는 곳입니다.", Body: body.String()}
		if i%3 == 0 {
			p.Tags = []string{"go", "일상"}
		}
		name := Name(d, fmt.Sprintf("post-%d", i), "md", false, 1)
		if err := os.WriteFile(filepath.Join(dir, PostsDir, name), p.Render(), 0o644); err != nil {
			return err
		}
	}
	// Files changed within racyWindow of a scan are never cached.
	time.Sleep(racyWindow + 100*time.Millisecond)
	return nil
}

// BenchmarkScan is Scan of every post, as `diary list` does it: cold
// (no cache: every file read and parsed, and the cache written) and warm
// (the cache from the last run: a stat a file).
func BenchmarkScan(b *testing.B) {
	dir := benchDiary(b)
	ctx := context.Background()
	want := -1
	check := func(b *testing.B, es []*Entry, errs []error) {
		if len(errs) > 0 {
			b.Fatalf("scan: %v", errs[0])
		}
		if want < 0 {
			want = len(es)
		}
		if len(es) != want || want == 0 {
			b.Fatalf("scan: %d entries, want %d", len(es), want)
		}
	}
	b.Run("nocache", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			es, errs := Scan(ctx, dir, ScanOptions{Location: time.UTC})
			check(b, es, errs)
		}
	})
	b.Run("cold", func(b *testing.B) {
		cache := filepath.Join(b.TempDir(), "list-cache")
		b.ReportAllocs()
		for b.Loop() {
			os.Remove(cache)
			es, errs := Scan(ctx, dir, ScanOptions{Location: time.UTC, Cache: cache})
			check(b, es, errs)
		}
	})
	b.Run("warm", func(b *testing.B) {
		cache := filepath.Join(b.TempDir(), "list-cache")
		es, errs := Scan(ctx, dir, ScanOptions{Location: time.UTC, Cache: cache})
		check(b, es, errs)
		b.ReportAllocs()
		for b.Loop() {
			es, errs := Scan(ctx, dir, ScanOptions{Location: time.UTC, Cache: cache})
			check(b, es, errs)
		}
	})
}

// scanBefore is Scan as it was before the fast path and the cache:
// filepath.WalkDir, os.ReadFile and Parse, one file after another. Scan
// must return what it does, whatever the tree.
func scanBefore(root string, opts ScanOptions) ([]*Entry, []error) {
	type job struct {
		rel   string
		draft bool
	}
	var jobs []job
	var errs []error
	walk := func(dir string, draft bool) {
		base := filepath.Join(root, dir)
		err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == base && os.IsNotExist(err) {
					return nil
				}
				errs = append(errs, err)
				return nil
			}
			name := d.Name()
			if p != base && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || strings.HasSuffix(name, "~") {
				return nil
			}
			if _, _, ok := ParseName(name); !ok && !draft {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			jobs = append(jobs, job{filepath.ToSlash(rel), draft})
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	walk(PostsDir, false)
	if opts.Drafts {
		walk(DraftsDir, true)
	}
	loc := opts.Location
	if loc == nil {
		loc = time.Local
	}
	var out []*Entry
	var fails []error
	for _, j := range jobs {
		p := filepath.Join(root, filepath.FromSlash(j.rel))
		if fi, err := os.Lstat(p); err == nil && !fi.Mode().IsRegular() {
			// Named as a post but not a file: refused, never read.
			fails = append(fails, regular.Check(p, fi.Mode()))
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			fails = append(fails, err)
			continue
		}
		e, err := Parse(j.rel, data, loc, j.draft)
		if err != nil {
			fails = append(fails, err)
			continue
		}
		if e.Date.IsZero() {
			if fi, err := os.Stat(p); err == nil {
				e.Date = fi.ModTime().In(loc)
			}
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Date.Equal(out[j].Date) {
			return out[i].Date.After(out[j].Date)
		}
		return path.Base(out[i].Path) > path.Base(out[j].Path)
	})
	return out, append(errs, fails...)
}

// TestScanAsBefore: on a tree with every kind of thing a _posts or
// _drafts may hold, Scan returns what it returned before, entry for
// entry and error for error, in the same order: with no cache, and with
// one, cold and warm.
func TestScanAsBefore(t *testing.T) {
	shortRacyWindow(t, 50*time.Millisecond)
	root := t.TempDir()
	fixture, err := os.ReadFile(filepath.Join("testdata", "2022-04-30-personal-diary.md"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"_posts/2022-04-30-personal-diary.md":    string(fixture),
		"_posts/2022-01-01-a.md":                 post("Same day", "date: 2022-01-01\n"),
		"_posts/sub/2022-01-01-a.md":             post("Same day, same name"),
		"_posts/sub2/2022-01-01-a.md":            post("Same day, same name again"),
		"_posts/2022-01-01-b~":                   post("Backup"),
		"_posts/.hidden/2022-01-01-c.md":         post("Hidden"),
		"_posts/_under/2022-01-01-d.md":          post("Under"),
		"_posts/.2022-01-01-e.md":                post("Hidden file"),
		"_posts/notes.txt":                       "not a post",
		"_posts/dir~/2022-01-02-f.md":            post("In a directory with a tilde"),
		"_posts/2022-01-03-g.md/2022-01-04-h.md": post("In a directory named as a post"),
		"_posts/2022-01-05-yaml.md":              "---\ntitle: &a x\nauthor: *a\n---\n",
		"_posts/2022-01-06-broken.md":            "---\ntitle: [\n---\n",
		"_posts/2022-01-07-unclosed.md":          "---\ntitle: x\n",
		"_posts/2022-01-08-binary.md":            "---\ntitle: x\n---\n\xff\n",
		"_posts/2022-13-45-bad-date.md":          post("Dated by its mtime"),
		"_posts/2022-01-09-crlf.md":              "---\r\ntitle: CRLF\r\ntags:\r\n  - a\r\n---\r\n",
		"_drafts/idea.md":                        post("Idea"),
		"_drafts/2022-01-01-a.md":                post("A draft named as a post"),
		"_drafts/sub/more.md":                    post("Deeper draft"),
		"_drafts/dated.md":                       post("Dated draft", "date: 2021-06-01 10:00:00 -0700\n"),
	}
	for rel, content := range files {
		writePost(t, root, rel, content)
	}
	os.Symlink("2022-01-01-a.md", filepath.Join(root, "_posts/2022-01-10-link.md"))
	os.Symlink("sub", filepath.Join(root, "_posts/linkdir"))
	os.Mkdir(filepath.Join(root, "_posts/unreadable"), 0)
	settle()
	for _, opts := range []ScanOptions{{Location: seoul}, {Drafts: true, Location: seoul}, {Drafts: true, Location: time.UTC}} {
		want := scanResultText(scanBefore(root, opts))
		if testing.Verbose() {
			t.Logf("%+v:\n%s", opts, want)
		}
		if !strings.Contains(want, "Same day, same name again") || !strings.Contains(want, "error: ") {
			t.Fatalf("the tree is not what the test means:\n%s", want)
		}
		cache := filepath.Join(t.TempDir(), "list-cache")
		for _, c := range []string{"", cache, cache, cache} {
			o := opts
			o.Cache = c
			if got := scanResultText(Scan(context.Background(), root, o)); got != want {
				t.Fatalf("Scan (cache %q):\n%s\nbefore:\n%s", c, got, want)
			}
		}
	}
	// A tree root that is a file.
	root2 := t.TempDir()
	writePost(t, root2, "_drafts", post("Drafts is a file"))
	writePost(t, root2, "_posts/2022-01-01-a.md", post("A"))
	opts := ScanOptions{Drafts: true, Location: seoul}
	want := scanResultText(scanBefore(root2, opts))
	for _, c := range []string{"", filepath.Join(t.TempDir(), "c"), filepath.Join(t.TempDir(), "c")} {
		opts.Cache = c
		if got := scanResultText(Scan(context.Background(), root2, opts)); got != want {
			t.Fatalf("Scan (cache %q):\n%s\nbefore:\n%s", c, got, want)
		}
	}
}

// TestReadFile: readFile reads what os.ReadFile reads, whatever the size
// it is told (right, wrong, unknown), and fails as it does.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	var buf []byte
	for _, n := range []int{0, 1, 100, 16<<10 - 1, 16 << 10, 16<<10 + 1, 100 << 10, 3 << 20} {
		p := filepath.Join(dir, fmt.Sprintf("f%d", n))
		want := bytes.Repeat([]byte("가나다 abc\n"), n/14+1)[:n]
		if err := os.WriteFile(p, want, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, size := range []int64{int64(n), -1, 0, int64(n) - 1, int64(n) + 1, int64(n) * 2} {
			got, err := readFile(p, &buf, size)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("%d bytes, told %d: read %d, %v", n, size, len(got), err)
			}
		}
	}
	p := filepath.Join(dir, "missing")
	_, want := os.ReadFile(p)
	if _, err := readFile(p, &buf, -1); err == nil || err.Error() != want.Error() {
		t.Errorf("readFile(%s): %v, os.ReadFile: %v", p, err, want)
	}
	// What is not a regular file is refused, not read.
	if _, err := readFile(dir, &buf, -1); !errors.Is(err, regular.ErrNotRegular) {
		t.Errorf("readFile(%s): %v, want not a regular file", dir, err)
	}
}

// TestScanFindsPostsWhereJekyllDoes: posts in folders of _posts (Korean
// names among them), in a _posts folder of a folder of the site, and of
// every extension; and none of what Jekyll's Reader passes over. With and
// without the cache, whose walk differs (it stats names rather than
// reading their types).
func TestScanFindsPostsWhereJekyllDoes(t *testing.T) {
	root := t.TempDir()
	post := "---\ntitle: t\n---\n"
	seen := []string{
		"_posts/2024-01-01-a.md",
		"_posts/일기/2024-01-02-b.md",
		"_posts/일기/깊이/2024-01-03-c.markdown",
		"_posts/sub/_deeper/2024-01-04-d.html",
		"_posts/2024-01-05-e.mkdn",
		"_posts/2024-01-06-f.txt",
		"diary/_posts/2024-01-07-g.md",
		"a/b/_posts/x/2024-01-08-h.md",
	}
	hidden := []string{
		"_posts/_sub/2024-02-01-a.md",
		"_posts/#sub/2024-02-02-a.md",
		"_posts/.sub/2024-02-03-a.md",
		"_posts/sub/.deeper/2024-02-04-a.md",
		"_posts/#2024-02-05-a.md",
		"_posts/sub/_2024-02-06-a.md",
		"_posts/2024-02-07-a.md~",
		"_posts/notes.md",
		"_site/_posts/2024-02-08-a.md",
		".git/_posts/2024-02-09-a.md",
		"_x/_posts/2024-02-10-a.md",
		"node_modules/_posts/2024-02-11-a.md",
		"vendor/bundle/_posts/2024-02-12-a.md",
		"a/_drafts/2024-02-13-a.md",
	}
	for _, p := range append(append([]string(nil), seen...), hidden...) {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(post), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, cache := range []string{"", filepath.Join(t.TempDir(), "cache")} {
		for run := range 2 {
			es, errs := Scan(context.Background(), root, ScanOptions{Location: time.UTC, Cache: cache})
			if len(errs) > 0 {
				t.Fatalf("cache %q, run %d: %v", cache, run, errs)
			}
			var got []string
			for _, e := range es {
				got = append(got, e.Path)
			}
			sort.Strings(got)
			want := append([]string(nil), seen...)
			sort.Strings(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("cache %q, run %d: Scan found\n%s\nwant\n%s", cache, run, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for _, e := range es {
				if IsPost(e.Path) != true {
					t.Errorf("IsPost(%q) is false for a post Scan found", e.Path)
				}
				if e.Path == "a/b/_posts/x/2024-01-08-h.md" && strings.Join(e.Categories, ",") != "a,b" {
					t.Errorf("%s: categories %q, want a,b from its folders", e.Path, e.Categories)
				}
			}
		}
	}
	for _, p := range hidden {
		if IsPost(p) {
			t.Errorf("IsPost(%q), a path Jekyll does not read as a post", p)
		}
	}
}
