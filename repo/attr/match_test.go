package attr

import (
	"strings"
	"testing"
	"time"
)

func TestGlob(t *testing.T) {
	for _, c := range []struct {
		pat, text string
		paths     bool
		want      bool
	}{
		{"*.md", "a.md", true, true},
		{"*.md", "d/a.md", true, false},
		{"*.md", "d/a.md", false, true},
		{"**/a.md", "a.md", true, true},
		{"**/a.md", "x/y/a.md", true, true},
		{"a/**", "a/b/c", true, true},
		{"a/**", "a", true, false},
		{"a/**/b", "a/b", true, true},
		{"a/**/b", "a/x/y/b", true, true},
		{"a/**/b", "a/xb", true, false},
		{"a**b", "a/b", true, false},
		{"a**b", "axyb", true, true},
		{"[a-c]?", "b/", true, false},
		{"[!a-c]x", "dx", true, true},
		{"[^a-c]x", "ax", true, false},
		{"[]]x", "]x", true, true},
		{"[a-]x", "-x", true, true},
		{"[[:upper:]]*", "Abc", true, true},
		{"[[:bogus:]]*", "Abc", true, false},
		{"ab[", "ab[", true, false},
		{"a\\*", "a*", true, true},
		{"a\\*", "ab", true, false},
		{"a\\", "a\\", true, false},
		{"*a*", "bab", true, true},
		{"**", "a/b", true, true},
		{"*", "a/b", true, false},
	} {
		if got := glob(c.pat, c.text, c.paths, false); got != c.want {
			t.Errorf("glob(%q, %q, paths %v) = %v, want %v", c.pat, c.text, c.paths, got, c.want)
		}
	}
}

// TestGlobBounded: a pattern made to backtrack exponentially (a hostile
// remote's .gitattributes) is answered in bounded time, and rightly.
func TestGlobBounded(t *testing.T) {
	start := time.Now()
	pat := strings.Repeat("*a", 40) + "b"
	text := strings.Repeat("a", 200)
	if glob(pat, text, true, false) {
		t.Error("matched")
	}
	if !glob(pat, strings.Repeat("a", 80)+"b", true, false) {
		t.Error("did not match")
	}
	stars := strings.Repeat("**/", 300) + "x"
	if glob(stars, strings.Repeat("d/", 30)+"y", true, false) {
		t.Error("matched")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}
