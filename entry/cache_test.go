package entry

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"hash/crc32"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/fsstat"
)

// shortRacyWindow makes files count as safely old after d instead of 2 s,
// so that tests need not wait.
func shortRacyWindow(t testing.TB, d time.Duration) {
	old := racyWindow
	racyWindow = d
	t.Cleanup(func() { racyWindow = old })
}

// settle waits until every file written so far is older than the racy
// window, so that the next Scan caches it.
func settle() { time.Sleep(racyWindow + 20*time.Millisecond) }

func writePost(t testing.TB, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// scanResultText is all of what Scan returns, as text: every field of
// every entry (the date with its zone) and every error.
func scanResultText(es []*Entry, errs []error) string {
	var b strings.Builder
	for _, e := range es {
		name, off := e.Date.Zone()
		fmt.Fprintf(&b, "%q %q %q %q %s %s %d %q %#v %#v %v %v\n", e.Path, e.Title, e.Author, e.Layout,
			e.Date.Format(time.RFC3339Nano), e.Date.Location(), off, name, e.Categories, e.Tags, e.Published, e.Draft)
	}
	for _, err := range errs {
		fmt.Fprintf(&b, "error: %v (%T)\n", err, err)
	}
	return b.String()
}

// sameAsUncached scans with the cache and without, and fails unless
// both give the same; it returns the cached scan's text.
func sameAsUncached(t testing.TB, root, cache string, opts ScanOptions) string {
	t.Helper()
	ctx := context.Background()
	opts.Cache = ""
	want := scanResultText(Scan(ctx, root, opts))
	opts.Cache = cache
	got := scanResultText(Scan(ctx, root, opts))
	if got != want {
		t.Fatalf("with the cache:\n%s\nwithout:\n%s", got, want)
	}
	return got
}

func readCache(t testing.TB, path, root string, loc *time.Location) *listCache {
	t.Helper()
	c := loadCache(path, cacheKey(root, loc, nil), loc)
	if !c.valid {
		t.Fatalf("the cache at %s is not valid", path)
	}
	return c
}

func post(title string, extra ...string) string {
	return "---\ntitle: " + title + "\n" + strings.Join(extra, "") + "---\nbody\n"
}

func TestCacheRecordsAndReuses(t *testing.T) {
	shortRacyWindow(t, 50*time.Millisecond)
	root := t.TempDir()
	cache := filepath.Join(t.TempDir(), "sub", "list-cache") // its directory is made
	writePost(t, root, "_posts/2022-01-01-a.md", post("A", "tags: [x, y]\n"))
	writePost(t, root, "_posts/2022-01-02-b.md", post("B", "date: 2022-01-02 10:00:00 -0700\n"))
	writePost(t, root, "_posts/2022-01-03-broken.md", "---\ntitle: [\n---\n")
	writePost(t, root, "_posts/sub/2022-01-04-c.md", post("'C'", "categories:\n  - one\n  - two\n"))
	writePost(t, root, "_drafts/idea.md", post("Idea"))
	settle()
	opts := ScanOptions{Drafts: true, Location: seoul}
	first := sameAsUncached(t, root, cache, opts)
	c := readCache(t, cache, root, seoul)
	if len(c.records) != 5 {
		t.Fatalf("%d records, want 5", len(c.records))
	}
	if _, r := c.lookup("_posts/2022-01-03-broken.md"); r == nil || r.entry != nil || r.line != 2 {
		t.Errorf("the broken post's record: %+v", r)
	}

	// Every file now comes from the cache: spoil the records' titles and
	// see them come back (the cache is used), then put them right.
	for i := range c.records {
		if e := c.records[i].entry; e != nil {
			e.Title = "from the cache: " + e.Title
			c.records[i].raw = nil // encoded anew
		}
	}
	recs := make([]*cacheRecord, len(c.records))
	for i := range c.records {
		recs[i] = &c.records[i]
	}
	if err := os.WriteFile(cache, c.encode(recs), 0o644); err != nil {
		t.Fatal(err)
	}
	es, errs := Scan(context.Background(), root, ScanOptions{Drafts: true, Location: seoul, Cache: cache})
	if len(es) != 4 || len(errs) != 1 {
		t.Fatalf("%d entries, %d errors", len(es), len(errs))
	}
	for _, e := range es {
		if !strings.HasPrefix(e.Title, "from the cache: ") {
			t.Errorf("%s was read again: %q", e.Path, e.Title)
		}
	}
	os.Remove(cache)
	if got := sameAsUncached(t, root, cache, opts); got != first {
		t.Fatalf("second scan:\n%s\nfirst:\n%s", got, first)
	}
}

func TestCacheSeesEveryChange(t *testing.T) {
	shortRacyWindow(t, 50*time.Millisecond)
	root := t.TempDir()
	cache := filepath.Join(t.TempDir(), "list-cache")
	opts := ScanOptions{Location: seoul}
	for i := range 5 {
		writePost(t, root, fmt.Sprintf("_posts/2022-01-0%d-p.md", i+1), post(fmt.Sprintf("Post %d", i)))
	}
	settle()
	sameAsUncached(t, root, cache, opts)

	steps := []struct {
		name string
		do   func()
	}{
		{"edit, same size", func() { writePost(t, root, "_posts/2022-01-01-p.md", post("Post X")) }},
		{"edit, other size", func() { writePost(t, root, "_posts/2022-01-02-p.md", post("Post two")) }},
		{"delete", func() { os.Remove(filepath.Join(root, "_posts/2022-01-03-p.md")) }},
		{"new", func() { writePost(t, root, "_posts/2022-01-09-new.md", post("New")) }},
		{"rename", func() {
			os.Rename(filepath.Join(root, "_posts/2022-01-04-p.md"), filepath.Join(root, "_posts/2022-01-08-moved.md"))
		}},
		{"break", func() { writePost(t, root, "_posts/2022-01-05-p.md", "---\ntitle: [\n---\n") }},
		{"mend", func() { writePost(t, root, "_posts/2022-01-05-p.md", post("Post 4")) }},
		{"swap two files", func() {
			a, b := filepath.Join(root, "_posts/2022-01-01-p.md"), filepath.Join(root, "_posts/2022-01-02-p.md")
			tmp := a + ".tmp"
			os.Rename(a, tmp)
			os.Rename(b, a)
			os.Rename(tmp, b)
		}},
		{"chmod unreadable", func() { os.Chmod(filepath.Join(root, "_posts/2022-01-09-new.md"), 0) }},
		{"chmod readable", func() { os.Chmod(filepath.Join(root, "_posts/2022-01-09-new.md"), 0o644) }},
		{"a directory in the way", func() {
			os.Remove(filepath.Join(root, "_posts/2022-01-08-moved.md"))
			os.Mkdir(filepath.Join(root, "_posts/2022-01-08-moved.md"), 0o755)
		}},
	}
	for _, s := range steps {
		for _, wait := range []bool{false, true} {
			// Right after the change (the file is within the racy
			// window) and once it is old enough to be cached.
			s.do()
			if wait {
				settle()
			}
			t.Run(fmt.Sprintf("%s/settled=%v", s.name, wait), func(t *testing.T) {
				sameAsUncached(t, root, cache, opts)
				sameAsUncached(t, root, cache, opts)
			})
		}
	}
}

// TestCacheRestoredModTime: a file edited to the same size and given
// back its modification time (an editor that keeps it, rsync -t, touch
// -r) is read again: within the racy window because it was never
// cached; after it, by its change time, where the system has one.
func TestCacheRestoredModTime(t *testing.T) {
	shortRacyWindow(t, 200*time.Millisecond)
	root := t.TempDir()
	cache := filepath.Join(t.TempDir(), "list-cache")
	opts := ScanOptions{Location: seoul}
	p := filepath.Join(root, "_posts/2022-01-01-a.md")
	edit := func(title string) {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		writePost(t, root, "_posts/2022-01-01-a.md", post(title))
		if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
	title := func() string {
		es, _ := Scan(context.Background(), root, ScanOptions{Location: seoul, Cache: cache})
		return es[0].Title
	}

	// Within the window: written, scanned, edited, scanned again, all
	// within one tick of a coarse clock.
	writePost(t, root, "_posts/2022-01-01-a.md", post("One"))
	if got := title(); got != "One" {
		t.Fatalf("title %q", got)
	}
	edit("Two")
	if got := title(); got != "Two" {
		t.Fatalf("after an edit in the racy window: title %q, want Two", got)
	}
	sameAsUncached(t, root, cache, opts)

	// After it, cached: the change time gives the edit away.
	settle()
	if got := title(); got != "Two" {
		t.Fatalf("title %q", got)
	}
	if _, r := readCache(t, cache, root, seoul).lookup("_posts/2022-01-01-a.md"); r == nil {
		t.Fatal("not cached once old enough")
	}
	if fi, _ := os.Stat(p); fsstat.FromInfo(fi).CSec == 0 && fsstat.FromInfo(fi).CNsec == 0 {
		t.Skip("no change time on this system: a restored modification time goes unseen outside the racy window, as with git")
	}
	edit("Six")
	if got := title(); got != "Six" {
		t.Fatalf("after an edit with the old modification time: title %q, want Six", got)
	}
}

// TestCacheRacy: cacheable refuses a file changed within the window
// before the scan began, or after it, by either time.
func TestCacheRacy(t *testing.T) {
	start := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	w := &cacheWriter{limit: start.Add(-racyWindow)}
	at := func(d time.Duration) (int64, int64) {
		t := start.Add(d)
		return t.Unix(), int64(t.Nanosecond())
	}
	for _, tt := range []struct {
		m, c time.Duration
		want bool
	}{
		{-time.Hour, -time.Hour, true},
		{-racyWindow - time.Nanosecond, -racyWindow - time.Nanosecond, true},
		{-racyWindow, -time.Hour, false},
		{-time.Hour, -racyWindow, false},
		{-time.Second, -time.Hour, false},
		{time.Hour, -time.Hour, false}, // a time in the future
		{-time.Hour, time.Second, false},
	} {
		var st fileStamp
		st.msec, st.mnsec = at(tt.m)
		st.csec, st.cnsec = at(tt.c)
		if got := w.cacheable(st); got != tt.want {
			t.Errorf("mtime %v, ctime %v from the start: cacheable %v, want %v", tt.m, tt.c, got, tt.want)
		}
	}
	// Without a change time (Windows), the modification time decides.
	var st fileStamp
	st.msec, st.mnsec = at(-time.Hour)
	if !w.cacheable(st) {
		t.Error("no change time: not cacheable")
	}
}

// TestCacheBadFiles: a cache that is not whole, or not this one's, is
// ignored and written anew; never an error, never what it holds.
func TestCacheBadFiles(t *testing.T) {
	shortRacyWindow(t, 50*time.Millisecond)
	root := t.TempDir()
	cache := filepath.Join(t.TempDir(), "list-cache")
	opts := ScanOptions{Location: seoul}
	writePost(t, root, "_posts/2022-01-01-a.md", post("A", "tags: [x]\n"))
	writePost(t, root, "_posts/2022-01-02-b.md", "---\ntitle: [\n---\n")
	settle()
	want := sameAsUncached(t, root, cache, opts)
	good, err := os.ReadFile(cache)
	if err != nil {
		t.Fatal(err)
	}
	c := readCache(t, cache, root, seoul)

	// A cache for this diary that says other things: what a corrupt one
	// that still decoded would say.
	for i := range c.records {
		if e := c.records[i].entry; e != nil {
			e.Title = "WRONG"
			c.records[i].raw = nil // encoded anew
		}
	}
	recs := []*cacheRecord{&c.records[0], &c.records[1]}
	wrong := c.encode(recs)

	flip := func(b []byte, i int) []byte {
		b = bytes.Clone(b)
		b[i] ^= 0x10
		return b
	}
	other := &listCache{key: "another build\x00" + root + "\x00" + zoneID(seoul), loc: seoul}
	otherKey := other.encode(recs)
	// The same, whole, with another version number.
	versioned := bytes.Clone(wrong[:len(wrong)-4])
	versioned[len(cacheMagic)] = cacheVersion + 1
	versioned = binary.LittleEndian.AppendUint32(versioned, crc32.Checksum(versioned, crc32c))
	cases := map[string][]byte{
		"empty":         {},
		"magic only":    []byte(cacheMagic),
		"truncated":     good[:len(good)/2],
		"one byte less": good[:len(good)-1],
		"one byte more": append(bytes.Clone(good), 0),
		"flipped bit":   flip(wrong, len(wrong)/2),
		"flipped crc":   flip(wrong, len(wrong)-1),
		"other key":     otherKey,
		"other version": versioned,
		"garbage":       bytes.Repeat([]byte{0xff}, 4096),
		"zeros":         make([]byte, len(good)),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(cache, data, 0o644); err != nil {
				t.Fatal(err)
			}
			if got := scanResultText(Scan(context.Background(), root, ScanOptions{Location: seoul, Cache: cache})); got != want {
				t.Fatalf("with a bad cache:\n%s\nwant:\n%s", got, want)
			}
			readCache(t, cache, root, seoul) // written anew
		})
	}
	// The wrong one, whole, is believed: which is why it must never be
	// written (the tests above and FuzzCacheDecode).
	os.WriteFile(cache, wrong, 0o644)
	if got := scanResultText(Scan(context.Background(), root, ScanOptions{Location: seoul, Cache: cache})); !strings.Contains(got, "WRONG") {
		t.Fatalf("a whole cache was not used:\n%s", got)
	}
}

// TestCacheZones: a cache read in one zone is not used in another, and
// dates of every kind come back as they were read.
func TestCacheZones(t *testing.T) {
	shortRacyWindow(t, 50*time.Millisecond)
	root := t.TempDir()
	cache := filepath.Join(t.TempDir(), "list-cache")
	writePost(t, root, "_posts/2022-01-01-local.md", post("Local", "date: 2022-01-01 10:00\n"))
	writePost(t, root, "_posts/2022-01-02-utc.md", post("UTC", "date: 2022-01-02T10:00:00Z\n"))
	writePost(t, root, "_posts/2022-01-03-fixed.md", post("Fixed", "date: 2022-01-03 10:00:00 -0730\n"))
	writePost(t, root, "_posts/2022-01-04-seoul.md", post("Seoul offset", "date: 2022-01-04 10:00:00 +0900\n"))
	writePost(t, root, "_posts/2022-01-05-named.md", post("Named", "date: Wed, 05 Jan 2022 10:00:00 KST\n"))
	writePost(t, root, "_posts/2022-01-06-name.md", post("File name"))
	writePost(t, root, "_drafts/mtime.md", post("Dated by its mtime"))
	settle()
	ny := mustZone("America/New_York")
	for _, loc := range []*time.Location{seoul, time.UTC, ny, time.FixedZone("", 9*3600), seoul, time.Local} {
		sameAsUncached(t, root, cache, ScanOptions{Drafts: true, Location: loc})
		if c := readCache(t, cache, root, loc); len(c.records) != 7 {
			t.Errorf("%v: %d records", loc, len(c.records))
		}
		sameAsUncached(t, root, cache, ScanOptions{Drafts: true, Location: loc})
	}
	if zoneID(seoul) == zoneID(ny) || zoneID(time.FixedZone("X", 0)) == zoneID(time.FixedZone("X", 3600)) {
		t.Error("zones told apart by name only")
	}
}

// TestCacheDrafts: a scan without drafts keeps the drafts' records.
func TestCacheDrafts(t *testing.T) {
	shortRacyWindow(t, 50*time.Millisecond)
	root := t.TempDir()
	cache := filepath.Join(t.TempDir(), "list-cache")
	writePost(t, root, "_posts/2022-01-01-a.md", post("A"))
	writePost(t, root, "_drafts/b.md", post("B"))
	settle()
	sameAsUncached(t, root, cache, ScanOptions{Drafts: true, Location: seoul})
	writePost(t, root, "_posts/2022-01-02-c.md", post("C"))
	settle()
	sameAsUncached(t, root, cache, ScanOptions{Location: seoul})
	c := readCache(t, cache, root, seoul)
	if _, r := c.lookup("_drafts/b.md"); r == nil || len(c.records) != 3 {
		t.Fatalf("the draft's record was dropped: %d records", len(c.records))
	}
	os.Remove(filepath.Join(root, "_drafts/b.md"))
	sameAsUncached(t, root, cache, ScanOptions{Drafts: true, Location: seoul})
	if c := readCache(t, cache, root, seoul); len(c.records) != 2 {
		t.Fatalf("%d records, want 2", len(c.records))
	}
}

// TestCacheConcurrent: Scans at once, on one cache, while files change,
// each see what a Scan without cache sees once the changes stop, and
// leave a whole cache.
func TestCacheConcurrent(t *testing.T) {
	shortRacyWindow(t, 30*time.Millisecond)
	root := t.TempDir()
	cache := filepath.Join(t.TempDir(), "list-cache")
	for i := range 40 {
		writePost(t, root, fmt.Sprintf("_posts/2022-01-%02d-p.md", i%28+1), post(fmt.Sprintf("P%02d", i)))
		writePost(t, root, fmt.Sprintf("_posts/2022-02-%02d-q%d.md", i%28+1, i), post(fmt.Sprintf("Q%02d", i)))
	}
	settle()
	ctx := context.Background()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				es, _ := Scan(ctx, root, ScanOptions{Location: seoul, Cache: cache})
				if len(es) == 0 {
					t.Errorf("scanner %d: nothing", g)
					return
				}
			}
		}()
	}
	rng := rand.New(rand.NewSource(1))
	for i := range 60 {
		writePost(t, root, fmt.Sprintf("_posts/2022-02-%02d-q%d.md", rng.Intn(28)+1, rng.Intn(40)), post(fmt.Sprintf("R%02d", i)))
		time.Sleep(time.Duration(rng.Intn(10)) * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	settle()
	readCache(t, cache, root, seoul)
	sameAsUncached(t, root, cache, ScanOptions{Location: seoul})
	sameAsUncached(t, root, cache, ScanOptions{Location: seoul})
	// No temporary file is left behind.
	des, _ := os.ReadDir(filepath.Dir(cache))
	if len(des) != 1 {
		t.Errorf("left in the cache's directory: %v", des)
	}
}

// TestCacheRandomChanges: random edits, each followed by scans with the
// cache, which must always agree with scans without it.
func TestCacheRandomChanges(t *testing.T) {
	shortRacyWindow(t, 20*time.Millisecond)
	root := t.TempDir()
	cache := filepath.Join(t.TempDir(), "list-cache")
	rng := rand.New(rand.NewSource(2))
	names := []string{"_posts/2022-01-01-a.md", "_posts/2022-01-01-b.md", "_posts/x/2022-01-02-c.md", "_drafts/d.md", "_posts/2022-01-03-e.md"}
	contents := []string{post("One"), post("Two"), post("Ten"), post("Eleven"), "---\ntitle: [\n---\n", "no front matter\n",
		post("Dated", "date: 2021-12-31 23:00:00 -0800\n"), post("Tagged", "tags: [a, b]\ncategory: c\n"), "\xff\xfe"}
	for i := range 300 {
		name := names[rng.Intn(len(names))]
		p := filepath.Join(root, filepath.FromSlash(name))
		switch rng.Intn(6) {
		case 0:
			os.Remove(p)
		case 1: // same size, old times back
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
				data, _ := os.ReadFile(p)
				data[rng.Intn(len(data))] ^= 1
				os.WriteFile(p, data, 0o644)
				os.Chtimes(p, fi.ModTime(), fi.ModTime())
			}
		case 2:
			other := filepath.Join(root, filepath.FromSlash(names[rng.Intn(len(names))]))
			os.MkdirAll(filepath.Dir(other), 0o755)
			os.Rename(p, other)
		default:
			writePost(t, root, name, contents[rng.Intn(len(contents))])
		}
		if rng.Intn(4) == 0 {
			settle()
		}
		sameAsUncached(t, root, cache, ScanOptions{Drafts: i%3 != 0, Location: seoul})
	}
}

func TestCacheRoundTrip(t *testing.T) {
	loc := seoul
	c := &listCache{key: "k", loc: loc}
	entries := []*Entry{
		{Path: "_posts/a.md", Title: "제목", Author: "A", Layout: "post", Date: time.Date(2022, 1, 2, 3, 4, 5, 6, loc),
			Categories: []string{"x"}, Tags: []string{}, Published: true},
		{Path: "_drafts/b.md", Date: time.Date(2022, 1, 2, 3, 4, 5, 0, time.UTC), Draft: true},
		{Path: "_posts/c.md", Date: time.Date(1600, 1, 2, 3, 4, 5, 0, time.FixedZone("", -7*3600-1800))},
		{Path: "_posts/d.md", Date: time.Date(9999, 1, 2, 3, 4, 5, 0, time.FixedZone("KST", 9*3600))},
		{Path: "_posts/e.md"},
	}
	var recs []*cacheRecord
	for i, e := range entries {
		if !cacheableEntry(e, loc) {
			t.Fatalf("%s not cacheable", e.Path)
		}
		recs = append(recs, &cacheRecord{path: e.Path, stamp: fileStamp{size: int64(i), msec: -1, mnsec: 2, ino: 1 << 63, mode: 0o644}, entry: e})
	}
	recs = append(recs, &cacheRecord{path: "_posts/f.md", line: 3, msg: "bad"})
	d := &listCache{key: "k", loc: loc}
	d.decode(c.encode(recs))
	if !d.valid || len(d.records) != len(recs) {
		t.Fatalf("decoded %d records, valid %v", len(d.records), d.valid)
	}
	for i, r := range recs {
		got := &d.records[i]
		if got.path != r.path || got.stamp != r.stamp || got.line != r.line || got.msg != r.msg || (got.entry == nil) != (r.entry == nil) {
			t.Errorf("record %d: %+v, want %+v", i, got, r)
			continue
		}
		if r.entry != nil && !reflect.DeepEqual(got.entry, r.entry) {
			t.Errorf("entry %d:\n%#v\nwant\n%#v", i, *got.entry, *r.entry)
		}
	}
	// Another zone's dates are not cached: they could not be read back.
	if cacheableEntry(&Entry{Date: time.Date(2022, 1, 1, 0, 0, 0, 0, mustZone("Europe/Paris"))}, loc) {
		t.Error("a date in another named zone is cacheable")
	}
}

func FuzzCacheDecode(f *testing.F) {
	c := &listCache{key: "k", loc: seoul}
	e := &Entry{Path: "_posts/a.md", Title: "t", Date: time.Date(2022, 1, 2, 3, 4, 5, 6, time.FixedZone("X", 60)), Tags: []string{"a"}}
	// Seeds without their CRC: the target adds a right one, so that the
	// fuzzer explores the decoder rather than the checksum.
	for _, recs := range [][]*cacheRecord{{{path: e.Path, entry: e}, {path: "b", line: 1, msg: "m"}}, nil,
		{{path: "c", entry: &Entry{Path: "c", Date: time.Date(2022, 1, 2, 3, 4, 5, 6, seoul), Categories: []string{}}}}} {
		data := c.encode(recs)
		f.Add(data[:len(data)-4])
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, data := range [][]byte{body, binary.LittleEndian.AppendUint32(bytes.Clone(body), crc32.Checksum(body, crc32c))} {
			d := &listCache{key: "k", loc: seoul}
			d.decode(data) // must not panic
			if !d.valid {
				continue
			}
			// What decodes encodes back, and decodes again the same.
			recs := make([]*cacheRecord, len(d.records))
			for i := range d.records {
				recs[i] = &d.records[i]
				if e := recs[i].entry; e != nil && !cacheableEntry(e, seoul) {
					t.Fatalf("decoded an entry that cannot be encoded: %+v", e)
				}
				recs[i].raw = nil
			}
			again := &listCache{key: "k", loc: seoul}
			again.decode(d.encode(recs))
			if !again.valid || len(again.records) != len(d.records) {
				t.Fatalf("re-encoded cache does not decode")
			}
			for i := range d.records {
				a, b := &d.records[i], &again.records[i]
				if a.path != b.path || a.stamp != b.stamp || a.line != b.line || a.msg != b.msg ||
					(a.entry == nil) != (b.entry == nil) || (a.entry != nil && scanResultText([]*Entry{a.entry}, nil) != scanResultText([]*Entry{b.entry}, nil)) {
					t.Fatalf("record %d: %+v, then %+v", i, a, b)
				}
			}
		}
	})
}

// BenchmarkCacheLoad compares reading the cache of 10,000 entries in its
// own encoding with encoding/gob (which the cache does not use).
func BenchmarkCacheLoad(b *testing.B) {
	loc := seoul
	c := &listCache{key: "k", loc: loc}
	var recs []*cacheRecord
	type gobEntry struct {
		Path, Title, Author, Layout string
		Date                        time.Time
		Categories, Tags            []string
		Published, Draft            bool
	}
	type gobRecord struct {
		Path                           string
		Size, MSec, MNsec, CSec, CNsec int64
		Ino, Dev                       uint64
		Mode                           uint32
		Entry                          *gobEntry
		Line                           int
		Msg                            string
	}
	var grecs []gobRecord
	for i := range 10000 {
		e := &Entry{Path: fmt.Sprintf("_posts/2000-01-01-post-%d.md", i), Title: fmt.Sprintf("오랜만의 산책 %d", i), Author: "Daniel Park",
			Layout: "post", Date: time.Date(2000, 1, 1, 0, 0, 0, 0, loc).AddDate(0, 0, i), Categories: []string{"etc"}, Published: true}
		st := fileStamp{size: 2200, msec: 1700000000 + int64(i), mnsec: 123456789, csec: 1700000000 + int64(i), cnsec: 987654321, ino: uint64(1000 + i), dev: 2049, mode: 0o644}
		recs = append(recs, &cacheRecord{path: e.Path, stamp: st, entry: e})
		grecs = append(grecs, gobRecord{e.Path, st.size, st.msec, st.mnsec, st.csec, st.cnsec, st.ino, st.dev, st.mode,
			&gobEntry{e.Path, e.Title, e.Author, e.Layout, e.Date, e.Categories, e.Tags, e.Published, e.Draft}, 0, ""})
	}
	data := c.encode(recs)
	var gb bytes.Buffer
	if err := gob.NewEncoder(&gb).Encode(grecs); err != nil {
		b.Fatal(err)
	}
	b.Run("binary", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			d := &listCache{key: "k", loc: loc}
			d.decode(data)
			if !d.valid {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("gob", func(b *testing.B) {
		b.SetBytes(int64(gb.Len()))
		b.ReportAllocs()
		for b.Loop() {
			var out []gobRecord
			if err := gob.NewDecoder(bytes.NewReader(gb.Bytes())).Decode(&out); err != nil {
				b.Fatal(err)
			}
			index := make(map[string]int32, len(out))
			for i := range out {
				index[out[i].Path] = int32(i)
			}
		}
	})
}
