package repo

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzCheckPath: a path checkPath lets through, joined to a work tree,
// stays inside it and never reaches .git; a name checkName lets through
// is one path segment.
func FuzzCheckPath(f *testing.F) {
	for _, s := range []string{"_posts/2022-04-30-a.md", "../x", "/etc/passwd", ".git/config", "a/.GIT/b",
		"a//b", "a\\b", "", ".", "./a", "a/..", "a/b/../../..", "\x00", "a\x00b", ".git", "git", "..a", "a..", ".gitignore"} {
		f.Add(s)
	}
	root := filepath.FromSlash("/work/tree")
	f.Fuzz(func(t *testing.T, p string) {
		if checkPath(p) == nil {
			full := filepath.Join(root, filepath.FromSlash(p))
			rel, err := filepath.Rel(root, full)
			if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(p) {
				t.Fatalf("%q escapes the work tree: %q", p, full)
			}
			for _, seg := range strings.Split(filepath.ToSlash(rel), "/") {
				if strings.EqualFold(seg, ".git") {
					t.Fatalf("%q reaches into .git", p)
				}
			}
			if strings.ContainsAny(p, "\\\x00") {
				t.Fatalf("%q holds a backslash or NUL", p)
			}
		}
		if checkName(p) == nil && (strings.ContainsAny(p, "/\\\x00") || p == "" || p == "." || p == ".." || strings.EqualFold(p, ".git")) {
			t.Fatalf("checkName let %q through", p)
		}
	})
}
