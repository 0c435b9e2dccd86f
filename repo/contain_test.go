package repo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/repo/attr"
	"github.com/gitdiary/diary/repo/odb"
)

func TestIsDotGit(t *testing.T) {
	for _, tt := range []struct {
		name string
		want bool
	}{
		{".git", true},
		{".GIT", true},
		{".GiT", true},
		{".git.", true},  // NTFS drops trailing dots
		{".git..", true}, // and several
		{".git ", true},  // and spaces
		{".git . .", true},
		{"git~1", true}, // NTFS 8.3 short name
		{"GIT~1", true},
		{"git~2", true},
		{".git::$INDEX_ALLOCATION", true}, // an NTFS stream of .git
		{".git:foo", true},
		{"git~1:stream", true},
		{".g\u200cit", true}, // HFS+ ignores ZERO WIDTH NON-JOINER
		{"\u200d.git", true},
		{".git\ufeff", true},
		{".GI\u206aT", true},
		{".gi\u202et", true},
		{".git\u200f.", true}, // both at once
		{"git", false},
		{".gitignore", false},
		{".gitmodules", false},
		{".gitattributes", false},
		{"git~", false},
		{"git~a", false},
		{"git~1a", false},
		{"a.git", false},
		{". git", false},
		{".g it", false},
		{"_posts", false},
		{".git\u00ad", false}, // SOFT HYPHEN is not one HFS+ ignores
		{"", false},
	} {
		if got := isDotGit(tt.name); got != tt.want {
			t.Errorf("isDotGit(%q) = %v, want %v", tt.name, got, tt.want)
		}
		if tt.want && checkName(tt.name) == nil {
			t.Errorf("checkName(%q) let it through", tt.name)
		}
		if tt.want && checkPath("_posts/"+tt.name+"/x.md") == nil {
			t.Errorf("checkPath let %q through", tt.name)
		}
	}
}

func TestFoldName(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"README.md", "readme.md", true},
		{"caf\u00e9.md", "cafe\u0301.md", true}, // NFC and NFD
		{"CAF\u00c9.md", "cafe\u0301.md", true},
		{"a.md", "a.md.", true}, // NTFS drops the dot
		{"a.md", "a.md ", true},
		{"a\u200c.md", "a.md", true}, // HFS+ drops it
		{"Stra\u00dfe", "STRASSE", true},
		{"\u1100\u1161", "\uac00", true}, // Hangul jamo and the syllable
		{"a.md", "b.md", false},
		{"2022-04-30-일기.md", "2022-04-30-일기.markdown", false},
	} {
		if got := foldName(tt.a) == foldName(tt.b); got != tt.same {
			t.Errorf("foldName(%q) == foldName(%q): %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

func TestCheckShape(t *testing.T) {
	blob := func(s string) Hash { return Hash(odb.ObjectHash(plumbing.BlobObject, []byte(s))) }
	links := map[Hash]string{}
	link := func(target string) Entry {
		h := blob(target)
		links[h] = target
		return Entry{Hash: h, Mode: ModeSymlink}
	}
	file := Entry{Hash: blob("x"), Mode: ModeRegular}
	target := func(h Hash) (string, error) { return links[h], nil }
	for _, tt := range []struct {
		name     string
		to, from Tree
		want     string // "" when fine
	}{
		{"plain", Tree{"_posts/a.md": file, "about.md": file}, nil, ""},
		{"link inside", Tree{"a": link("_posts"), "_posts/x.md": file}, nil, ""},
		{"link up and back in", Tree{"d/l": link("../_posts/x.md"), "_posts/x.md": file}, nil, ""},
		{"gitlink alone", Tree{"assets/lib": {Hash: blob("c"), Mode: ModeSubmodule}}, nil, ""},
		{"file below a link", Tree{"a": link("_posts"), "a/x.md": file}, nil, `"a" is a link`},
		{"file below a file", Tree{"a": file, "a/x.md": file}, nil, `"a" is a file`},
		{"file into a gitlink", Tree{"lib": {Hash: blob("c"), Mode: ModeSubmodule}, "lib/x": file}, nil, `"lib" is a submodule`},
		{"case", Tree{"_posts/A.md": file, "_posts/a.md": file}, nil, `"_posts/A.md" and "_posts/a.md"`},
		{"case of a directory", Tree{"Posts": link("x"), "posts/a.md": file}, nil, `"Posts" and "posts"`},
		{"case the user had", Tree{"A.md": file, "a.md": Entry{Hash: blob("y"), Mode: ModeRegular}}, Tree{"A.md": file, "a.md": file}, ""},
		{"case, one new", Tree{"A.md": file, "a.md": file}, Tree{"A.md": file}, `"A.md" and "a.md"`},
		{"absolute", Tree{"l": link("/etc")}, nil, "absolute"},
		{"drive letter", Tree{"l": link("C:/Windows")}, nil, "absolute"},
		{"backslash", Tree{"l": link(`..\..\etc`)}, nil, "backslash"},
		{"up and out", Tree{"d/l": link("../../x")}, nil, "outside the work tree"},
		{"into .git", Tree{"l": link(".git/hooks")}, nil, "into .git"},
		{"into .git the NTFS way", Tree{"l": link("git~1/hooks")}, nil, "into .git"},
		{"chain out", Tree{"d/l2": link(".."), "l1": link("d/l2/..")}, nil, `"l1"`},
		{"chain out, case-insensitively", Tree{"d/l2": link(".."), "l1": link("D/L2/..")}, nil, `"l1"`},
		{"chain to .git", Tree{"a": link("b/.git"), "b": link(".")}, nil, "into .git"},
		{"loop", Tree{"a": link("b/x"), "b": link("a/y")}, nil, "loop"},
		{"empty", Tree{"a": link("")}, nil, "empty"},
		{"an old escaping link kept", Tree{"l": link("/etc"), "x": file}, Tree{"l": link("/etc")}, ""},
		{"an old link made to escape by a new one", Tree{"a": link("d/l/.."), "d/l": link("..")}, Tree{"a": link("d/l/.."), "d/l": file}, `"a"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := checkShape(tt.to, tt.from, target)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && err == nil:
				t.Errorf("let through, want %s", tt.want)
			case tt.want != "" && (!strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrUnsafePath)):
				t.Errorf("error %q: want ErrUnsafePath naming %s", err, tt.want)
			}
		})
	}
}

// FuzzIsDotGit: whatever name isDotGit lets through is not .git once
// NTFS and HFS+ have had their way with it, and foldName never makes two
// names one that differ after those rules.
func FuzzIsDotGit(f *testing.F) {
	for _, s := range []string{".git", ".git.", "git~1", ".g\u200cit", ".gitignore", "a", ".GIT ::x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if isDotGit(name) {
			return
		}
		n := strings.Map(func(r rune) rune {
			if hfsIgnorable(r) {
				return -1
			}
			return r
		}, name)
		if i := strings.IndexByte(n, ':'); i >= 0 {
			n = n[:i]
		}
		n = strings.TrimRight(n, ". ")
		if strings.EqualFold(n, ".git") || strings.EqualFold(n, "git~1") {
			t.Fatalf("%q is .git on NTFS or HFS+", name)
		}
		if foldName(name) == foldName(".git") {
			t.Fatalf("%q folds to .git", name)
		}
	})
}

// checkoutWorld is a repository whose HEAD is commit from, and whose
// commit to changes the files of directory d.
func checkoutWorld(t *testing.T, before, after map[string]string) (dir string, r *Repo, from, to Hash) {
	t.Helper()
	gittest.NeedGit(t)
	dir = filepath.Join(t.TempDir(), "diary")
	gittest.Git(t, filepath.Dir(dir), "init", "-q", "-b", "main", dir)
	for p, c := range after {
		gittest.Write(t, dir, p, c)
	}
	gittest.Git(t, dir, "add", "-A")
	gittest.Git(t, dir, "commit", "-q", "-m", "to")
	gittest.Git(t, dir, "rm", "-q", "-r", ".")
	for p, c := range before {
		gittest.Write(t, dir, p, c)
	}
	gittest.Git(t, dir, "add", "-A")
	gittest.Git(t, dir, "commit", "-q", "-m", "from")
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	from, _ = ParseHash(strings.TrimSpace(gittest.Git(t, dir, "rev-parse", "HEAD")))
	to, _ = ParseHash(strings.TrimSpace(gittest.Git(t, dir, "rev-parse", "HEAD~1")))
	return dir, r, from, to
}

// TestUpdateNeverWritesThroughALinkedDirectory: a directory of the work
// tree that has become a link on disk (the user's, a tool's, or one a
// race planted) is never written, removed or emptied through, not even
// when it points inside the work tree.
func TestUpdateNeverWritesThroughALinkedDirectory(t *testing.T) {
	for _, where := range []string{"outside", "inside"} {
		t.Run(where, func(t *testing.T) {
			dir, r, from, to := checkoutWorld(t,
				map[string]string{"d/f.md": "old\n", "d/gone.md": "gone\n", "other.md": "o\n"},
				map[string]string{"d/f.md": "new\n", "d/added.md": "added\n", "other.md": "o\n"})
			// d moves away and a link takes its place, holding the
			// same files, so that every file looks as HEAD has it.
			elsewhere := filepath.Join(filepath.Dir(dir), "elsewhere")
			if where == "inside" {
				elsewhere = filepath.Join(dir, "e")
			}
			if err := os.Rename(filepath.Join(dir, "d"), elsewhere); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(elsewhere, filepath.Join(dir, "d")); err != nil {
				t.Fatal(err)
			}
			ft, err := r.ReadTree(from)
			if err != nil {
				t.Fatal(err)
			}
			tt, err := r.ReadTree(to)
			if err != nil {
				t.Fatal(err)
			}
			err = r.Update(context.Background(), from, to, ft, tt)
			if !errors.Is(err, ErrUnsafePath) || !strings.Contains(err.Error(), `"d"`) {
				t.Errorf("error %v: want ErrUnsafePath naming \"d\"", err)
			}
			for name, want := range map[string]string{"f.md": "old\n", "gone.md": "gone\n", "added.md": ""} {
				if got := gittest.Read(t, elsewhere, name); got != want {
					t.Errorf("%s through the link: %q, want %q", name, got, want)
				}
			}
			if fi, err := os.Lstat(filepath.Join(dir, "d")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Errorf("the link d: %v %v", fi, err)
			}
		})
	}
}

// TestWriteWorkFileRefusesALinkedParent: the writer itself, below the
// checks, opens every directory without following a link, so that a
// link planted between the check and the write is not followed either.
func TestWriteWorkFileRefusesALinkedParent(t *testing.T) {
	dir, r, _, to := checkoutWorld(t, map[string]string{"x.md": "x\n"}, map[string]string{"a/b/f.md": "new\n"})
	outside := filepath.Join(filepath.Dir(dir), "outside")
	if err := os.MkdirAll(filepath.Join(outside, "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "a")); err != nil {
		t.Fatal(err)
	}
	tt, err := r.ReadTree(to)
	if err != nil {
		t.Fatal(err)
	}
	err = r.writeWorkFile("a/b/f.md", tt["a/b/f.md"], attr.Binary)
	if !errors.Is(err, ErrUnsafePath) || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("error %v: want ErrUnsafePath naming \"a\"", err)
	}
	if _, err := os.Lstat(filepath.Join(outside, "b", "f.md")); err == nil {
		t.Error("written through the link")
	}
	// The last name is never followed either: a link there is replaced
	// by the file, not written through.
	target := filepath.Join(outside, "target")
	gittest.Write(t, outside, "target", "mine\n")
	if err := os.Remove(filepath.Join(dir, "a")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, "a", "b", "f.md")); err != nil {
		t.Fatal(err)
	}
	if err := r.writeWorkFile("a/b/f.md", tt["a/b/f.md"], attr.Binary); err != nil {
		t.Fatal(err)
	}
	if got := gittest.Read(t, outside, "target"); got != "mine\n" {
		t.Errorf("written through the link: %q", got)
	}
	if got := gittest.Read(t, dir, "a/b/f.md"); got != "new\n" {
		t.Errorf("a/b/f.md: %q", got)
	}
}

// FuzzFoldName: the fast ways through foldName give what the full
// folding gives.
func FuzzFoldName(f *testing.F) {
	for _, s := range []string{"2022-04-30-일기.md", "README.md", "caf\u00e9", "cafe\u0301", "Straße", "ǅ", "ﬁ", "a\u200c", "\u0345"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if !utf8.ValidString(name) {
			return
		}
		full := strings.TrimRight(cases.Fold().String(norm.NFC.String(withoutIgnorables(name))), " .")
		if got := foldName(name); got != full {
			t.Fatalf("foldName(%q) = %q, want %q", name, got, full)
		}
	})
}

// TestFoldNameEveryRune: every code point, alone and after a letter,
// folds the same through the fast ways as through the full folding.
// Fuzzing found U+24CC (Ⓦ), a symbol with a lower case; this looks at
// all of them.
func TestFoldNameEveryRune(t *testing.T) {
	fold := cases.Fold()
	bad := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		for _, name := range []string{string(r), "a" + string(r)} {
			full := strings.TrimRight(fold.String(norm.NFC.String(withoutIgnorables(name))), " .")
			if got := foldName(name); got != full {
				if bad++; bad <= 10 {
					t.Errorf("foldName(%q) (U+%04X) = %q, want %q", name, r, got, full)
				}
			}
		}
	}
	if bad > 10 {
		t.Errorf("and %d more", bad-10)
	}
}

// TestUpdateFileBecomesDirectory: a remote may turn a file into a
// directory of the same name, or a directory into a file. The old one
// goes first, and the new one is written without going through anything
// that was there.
func TestUpdateFileBecomesDirectory(t *testing.T) {
	for _, tt := range []struct {
		name          string
		before, after map[string]string
	}{
		{"file to directory", map[string]string{"d": "file\n", "o.md": "o\n"}, map[string]string{"d/f.md": "x\n", "o.md": "o\n"}},
		{"directory to file", map[string]string{"d/f.md": "x\n", "d/g/h.md": "h\n", "o.md": "o\n"}, map[string]string{"d": "file\n", "o.md": "o\n"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir, r, from, to := checkoutWorld(t, tt.before, tt.after)
			ft, err := r.ReadTree(from)
			if err != nil {
				t.Fatal(err)
			}
			tt2, err := r.ReadTree(to)
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Update(context.Background(), from, to, ft, tt2); err != nil {
				t.Fatal(err)
			}
			for p, want := range tt.after {
				if got := gittest.Read(t, dir, p); got != want {
					t.Errorf("%s: %q, want %q", p, got, want)
				}
			}
			gittest.Git(t, dir, "reset", "-q", "--soft", "HEAD~1")
			if st := gittest.Git(t, dir, "status", "--porcelain"); st != "" {
				t.Errorf("status:\n%s", st)
			}
		})
	}
}
