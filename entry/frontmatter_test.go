package entry

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/jekylltest"
)

// TestSplitFrontMatter: the splitter cuts every post where jekyll 4.3
// cut it when it built the post, and the pieces join back into the file.
func TestSplitFrontMatter(t *testing.T) {
	for _, c := range jekylltest.FrontMatter {
		t.Run(c.Name, func(t *testing.T) {
			fm, ok := SplitFrontMatter([]byte(c.Post))
			if ok != c.Matter {
				t.Fatalf("SplitFrontMatter(%q): front matter %v, Jekyll: %v", c.Post, ok, c.Matter)
			}
			if !ok {
				if opens := strings.HasPrefix(c.Post, "---\n"); (fm.Open != nil) != opens {
					t.Errorf("SplitFrontMatter(%q): Open = %q, want it set only for a fence nothing closes", c.Post, fm.Open)
				}
				return
			}
			if string(fm.Body) != c.Body {
				t.Errorf("SplitFrontMatter(%q): body %q, Jekyll's %q", c.Post, fm.Body, c.Body)
			}
			joined := string(bytes.Join([][]byte{fm.Open, fm.YAML, fm.Close, fm.Body}, nil))
			if joined != c.Post {
				t.Errorf("the pieces join into %q, not the file %q", joined, c.Post)
			}
		})
	}
}

// TestFrontMatterReadAsJekyll: list (Parse) and the fast scan (parseFast)
// read the title Jekyll reads from every case of the delimiter rule, and
// refuse what Jekyll builds without front matter.
func TestFrontMatterReadAsJekyll(t *testing.T) {
	for _, c := range jekylltest.FrontMatter {
		t.Run(c.Name, func(t *testing.T) {
			const path = "_posts/2020-01-01-a.md"
			e, err := Parse(path, []byte(c.Post), time.UTC, false)
			if !c.Matter {
				if err == nil {
					t.Fatalf("Parse(%q) read front matter %+v; Jekyll takes none", c.Post, e)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v; Jekyll reads the title %q", c.Post, err, c.Title)
			}
			if e.Title != c.Title {
				t.Errorf("Parse(%q): title %q, Jekyll's %q", c.Post, e.Title, c.Title)
			}
			fast := sameAsParse(t, path, []byte(c.Post), time.UTC, false)
			if !fast && !strings.Contains(c.Title, "\n") && !strings.Contains(c.Post, "  ---") {
				t.Errorf("the fast scan declines %q, a shape it reads", c.Post)
			}
		})
	}
}

// FuzzSplitFrontMatter: on any input, the fast scan and Parse agree, and
// both take front matter exactly where the splitter finds it.
func FuzzSplitFrontMatter(f *testing.F) {
	for _, c := range jekylltest.FrontMatter {
		f.Add([]byte(c.Post))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const path = "_posts/2020-01-01-a.md"
		sameAsParse(t, path, data, time.UTC, false)
		if _, ok := SplitFrontMatter(data); !ok {
			if _, err := Parse(path, data, time.UTC, false); err == nil {
				t.Fatalf("Parse read front matter in %q, where the splitter finds none", data)
			}
		}
	})
}
