package layout

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// platformPairs are the build constraints a platform-dependent file may
// carry: a Linux (fast) file and a portable one, the diary_portable tag
// forcing the portable one on Linux. The unix pair is only for the
// work-tree writer (repo/workfs_*.go), whose openat walk is a safety
// property that macOS users must keep (its comment says why).
var platformPairs = map[string]bool{
	"linux && !diary_portable": true,
	"!linux || diary_portable": true,
	"unix && !diary_portable":  true,
	"!unix || diary_portable":  true,
}

// platformDirs are the folders whose platform files are on that one axis.
var platformDirs = []string{"repo", "repo/odb", "repo/index", "repo/transport", "internal/fsstat"}

// TestPlatformFiles: every platform-dependent file in repo/ and
// internal/fsstat is one of a pair selected by the one pattern, and none
// is selected by its name alone (a name such as x_linux.go or x_unix.go
// would build whatever the tag says).
func TestPlatformFiles(t *testing.T) {
	root := moduleRoot(t)
	for _, dir := range platformDirs {
		files, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(dir), "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			name := filepath.Base(f)
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			c := buildConstraint(t, f)
			if c != "" && !platformPairs[c] {
				t.Errorf("%s/%s: //go:build %s: a platform file is `linux && !diary_portable` or `!linux || diary_portable`", dir, name, c)
			}
			base := strings.TrimSuffix(name, ".go")
			for _, goos := range []string{"linux", "darwin", "windows", "freebsd", "netbsd", "openbsd", "unix", "bsd", "other", "nolinux"} {
				if strings.HasSuffix(base, "_"+goos) && (goos != "linux" || c != "linux && !diary_portable") {
					t.Errorf("%s/%s: named for a platform (%s) outside the one pattern: name it x_linux.go with `linux && !diary_portable`, or x_portable.go", dir, name, goos)
				}
			}
		}
	}
}

// buildConstraint is the file's //go:build expression, "" for none.
func buildConstraint(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if c, ok := strings.CutPrefix(line, "//go:build "); ok {
			return strings.TrimSpace(c)
		}
		if strings.HasPrefix(line, "package ") {
			break
		}
	}
	return ""
}
