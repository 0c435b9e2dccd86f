package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// postsDiary is a diary (a git work tree, nothing committed) holding the
// files given, by slash-separated path, opened with testOptions.
func postsDiary(t *testing.T, files map[string]string) *Diary {
	t.Helper()
	opts := testOptions(t)
	if out, err := exec.Command("git", "init", "-q", opts.Repo).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	for name, text := range files {
		p := filepath.Join(opts.Repo, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestSearchNFDEntry: an entry named and written in NFD, as macOS writes
// Korean, is found by an NFC query, and an NFC entry by an NFD query;
// the path is given as it is on disk.
func TestSearchNFDEntry(t *testing.T) {
	post := func(title, text string) string {
		return "---\ntitle: " + title + "\ndate: 2022-04-30\n---\n\n" + text + "\n"
	}
	nfdName := norm.NFD.String("_posts/2022-04-30-한강-산책.md")
	nfcName := "_posts/2022-05-01-서울-이사.md"
	d := postsDiary(t, map[string]string{
		nfdName: norm.NFD.String(post("한강 산책", "오늘은 한강에서 산책을 했다.")),
		nfcName: post("서울 이사", "서울로 이사하는 날이었다."),
	})
	if nfdName == norm.NFC.String(nfdName) {
		t.Fatal("the NFD name is NFC: the test tests nothing")
	}
	ctx := context.Background()
	for _, c := range []struct {
		query, want string
	}{
		{"산책을", nfdName},                   // NFC query, NFD entry (in the text)
		{"한강", nfdName},                    // and in the title
		{norm.NFD.String("이사하는"), nfcName}, // NFD query, NFC entry
		{norm.NFD.String("서울"), nfcName},
	} {
		hits, warnings, err := d.Search(ctx, SearchOptions{Query: []string{c.query}})
		if err != nil || len(warnings) > 0 {
			t.Fatalf("search %+q: %v %v", c.query, err, warnings)
		}
		if len(hits) != 1 || hits[0].Entry.Path != c.want {
			var got []string
			for _, h := range hits {
				got = append(got, h.Entry.Path)
			}
			t.Errorf("search %+q found %+q, want %+q", c.query, got, c.want)
			continue
		}
		if s := hits[0].Snippet; len(s.Marks) == 0 {
			t.Errorf("search %+q: no match marked in the snippet %q", c.query, s.Text)
		}
	}
}
