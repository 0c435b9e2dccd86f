package entry

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestCountWords(t *testing.T) {
	for _, c := range []struct {
		text string
		want int
	}{
		{"", 0},
		{"one two  three\n", 3},
		{"오늘은 한강 근처 산책을 했다.", 5},
		{"### Notes\n- a walk | by the river", 6}, // ### - | are no words
		{"https://go.dev/doc/ don't", 2},
		{"a\u00a0b\u3000c", 3}, // Unicode spaces part words
		{"Go 언어 예제를", 3},
		{"...", 0},
	} {
		if got := CountWords([]byte(c.text)); got != c.want {
			t.Errorf("CountWords(%q) = %d, want %d", c.text, got, c.want)
		}
	}
}

func TestText(t *testing.T) {
	for _, c := range []struct{ data, want string }{
		{"---\ntitle: x\n---\n\n> A disclaimer\n> of two lines.\n>\n> More.\n\nMy text.\n", "\nMy text.\n"},
		{"---\ntitle: x\n---\nNo quote.\n> later quote\n", "No quote.\n> later quote\n"},
		{"No front matter.\n", "No front matter.\n"},
		{"---\ntitle: x\n---\n> only the quote", ""},
	} {
		if got := string(Text([]byte(c.data))); got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.data, got, c.want)
		}
	}
}

// TestScanCountsWords: Scan sets Words, and the cache gives the same
// count back.
func TestScanCountsWords(t *testing.T) {
	root := t.TempDir()
	p := filepath.Join(root, "_posts", "2022-04-30-a.md")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, []byte("---\ntitle: A\n---\n\n> Disclaimer words here.\n\n오늘은 한강 근처 산책을 했다. And a walk.\n"), 0o644)
	old := racyWindow
	racyWindow = 0
	defer func() { racyWindow = old }()
	cache := filepath.Join(t.TempDir(), "cache")
	for i := range 2 {
		es, errs := Scan(context.Background(), root, ScanOptions{Cache: cache})
		if len(errs) > 0 || len(es) != 1 || es[0].Words != 8 {
			t.Fatalf("scan %d: %v %+v", i, errs, es)
		}
	}
}
