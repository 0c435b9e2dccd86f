package merge

import (
	"testing"

	"github.com/gitdiary/diary/internal/jekylltest"
)

// TestSplitPostAsJekyll: the merge cuts a post into front matter and body
// where Jekyll does (the same cases list and the fast scan are held to in
// entry), so that it never merges a body line as a key or a key as text.
func TestSplitPostAsJekyll(t *testing.T) {
	for _, c := range jekylltest.FrontMatter {
		t.Run(c.Name, func(t *testing.T) {
			p, ok := splitPost([]byte(c.Post))
			if ok != c.Matter {
				t.Fatalf("splitPost(%q): front matter %v, Jekyll: %v", c.Post, ok, c.Matter)
			}
			if ok && string(p.body) != c.Body {
				t.Errorf("splitPost(%q): body %q, Jekyll's %q", c.Post, p.body, c.Body)
			}
		})
	}
}
