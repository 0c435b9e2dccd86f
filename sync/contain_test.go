package sync_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/repo"
)

// rawEntry is one entry of a hostile tree: path is slash-separated, and
// entries that share a first segment become one subtree (in the order
// they are given), so that one name can be both a link and a directory.
// For a gitlink (160000) data is the commit's hex hash. A first segment
// "d#2" makes a second subtree named d.
type rawEntry struct{ mode, path, data string }

// writeRawTree writes entries as tree objects exactly as given, with no
// sorting and no check of names or duplicates (git mktree refuses
// duplicates, so the trees are written with hash-object --literally),
// and returns the root tree's hex hash.
func writeRawTree(t *testing.T, dir string, entries []rawEntry) string {
	t.Helper()
	var tree bytes.Buffer
	var order []string
	groups := map[string][]rawEntry{}
	for _, e := range entries {
		first, rest, sub := strings.Cut(e.path, "/")
		if !sub {
			continue
		}
		if _, ok := groups[first]; !ok {
			order = append(order, first)
		}
		groups[first] = append(groups[first], rawEntry{e.mode, rest, e.data})
	}
	done := map[string]bool{}
	for _, e := range entries {
		first, _, sub := strings.Cut(e.path, "/")
		if sub {
			if done[first] {
				continue
			}
			done[first] = true
			name, _, _ := strings.Cut(first, "#") // "d#2": a second directory named d
			tree.WriteString("40000 " + name + "\x00")
			tree.Write(mustHex(t, writeRawTree(t, dir, groups[first])))
			continue
		}
		var h string
		switch e.mode {
		case "160000":
			h = e.data
		default:
			h = hashObject(t, dir, "blob", []byte(e.data))
		}
		tree.WriteString(e.mode + " " + e.path + "\x00")
		tree.Write(mustHex(t, h))
	}
	return hashObject(t, dir, "tree", tree.Bytes())
}

func hashObject(t *testing.T, dir, typ string, data []byte) string {
	t.Helper()
	cmd := exec.Command("git", "hash-object", "-w", "-t", typ, "--literally", "--stdin")
	cmd.Dir, cmd.Env, cmd.Stdin = dir, gittest.Env(dir), bytes.NewReader(data)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("hash-object: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pushRawCommit puts on the remote's main a commit whose tree is the
// current main's top-level entries followed by extra, written raw.
func pushRawCommit(t *testing.T, w *world, extra []rawEntry) string {
	t.Helper()
	g := w.remote
	var entries []rawEntry
	for _, line := range strings.Split(strings.TrimSpace(gittest.Git(t, g, "ls-tree", "main")), "\n") {
		meta, name, _ := strings.Cut(line, "\t")
		f := strings.Fields(meta)
		m := strings.TrimPrefix(f[0], "0")
		entries = append(entries, rawEntry{m, name, f[2]})
	}
	// Top-level entries of main go in as they are (blobs by hash).
	var tree bytes.Buffer
	for _, e := range entries {
		tree.WriteString(e.mode + " " + e.path + "\x00")
		tree.Write(mustHex(t, e.data))
	}
	// Then the hostile ones, each group as written by writeRawTree.
	sub := writeRawTree(t, g, extra)
	raw := catTree(t, g, sub)
	tree.Write(raw)
	root := hashObject(t, g, "tree", tree.Bytes())
	commit := strings.TrimSpace(gittest.Git(t, g, "commit-tree", root, "-p", "main", "-m", "hostile"))
	gittest.Git(t, g, "update-ref", "refs/heads/main", commit)
	return commit
}

func catTree(t *testing.T, dir, h string) []byte {
	t.Helper()
	cmd := exec.Command("git", "cat-file", "tree", h)
	cmd.Dir, cmd.Env = dir, gittest.Env(dir)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cat-file %s: %v", h, err)
	}
	return out
}

// snapshot records every file, link and directory under dir (type, mode
// and a hash of the content or the link's target), leaving out what a
// sync legitimately writes under a laptop's .git: objects, refs, logs,
// the index and diary's own records. HEAD, config, hooks and info stay
// in: nothing from a remote may change them.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	legit := map[string]bool{"objects": true, "refs": true, "logs": true, "index": true, "diary": true,
		"packed-refs": true, "FETCH_HEAD": true, "ORIG_HEAD": true}
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if filepath.Base(filepath.Dir(p)) == ".git" && legit[d.Name()] {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		var sum string
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			sum = "link " + target
		case d.IsDir():
			sum = "dir"
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h := sha256.Sum256(data)
			sum = hex.EncodeToString(h[:])
		}
		out[rel] = fmt.Sprintf("%v %s", info.Mode(), sum)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func snapshotDiff(before, after map[string]string) []string {
	var out []string
	for p, s := range after {
		if before[p] != s {
			out = append(out, fmt.Sprintf("%s: %q -> %q", p, before[p], s))
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			out = append(out, p+": gone")
		}
	}
	sort.Strings(out)
	return out
}

// hostileShapes are trees a remote can send that must never reach the
// disk, each with what the error must name.
func hostileShapes(main string) []struct {
	name    string
	entries []rawEntry
	want    string
} {
	return []struct {
		name    string
		entries []rawEntry
		want    string
	}{
		// One name twice: a link that looks inside, and a directory
		// under the same name whose file would be written through it.
		{"duplicate entries", []rawEntry{{"120000", "x", "_posts"}, {"100644", "x/pwned.md", "pwned\n"}}, `"x"`},
		{"the same directory twice", []rawEntry{{"100644", "d/a.md", "a\n"}, {"100644", "d#2/b.md", "b\n"}}, `"d" twice`},
		{"the same file twice", []rawEntry{{"100644", "twice.md", "one\n"}, {"100644", "twice.md", "two\n"}}, `"twice.md"`},
		// Each link looks inside alone; together l1 leaves the tree
		// (d/l2 is the root, and its .. is the root's parent).
		{"link chain", []rawEntry{{"120000", "d/l2", ".."}, {"120000", "l1", "d/l2/.."}}, `"l1"`},
		{"link to a link out", []rawEntry{{"120000", "a", "b"}, {"120000", "b", "d/l2/.."}, {"120000", "d/l2", ".."}}, "outside the work tree"},
		// The link and then a file below it, the whole attack of the
		// issue: with the chain above, the file lands in ../home.
		{"link then file", []rawEntry{{"120000", "d/l2", ".."}, {"120000", "l1", "d/l2/.."}, {"100644", "l1/home/.bashrc", "pwned\n"}}, `"l1`},
		{"case clash", []rawEntry{{"120000", "Docs", "_posts"}, {"100644", "docs/x.md", "x\n"}}, "docs"},
		{"normalisation clash", []rawEntry{{"100644", "caf\u00e9.md", "nfc\n"}, {"100644", "cafe\u0301.md", "nfd\n"}}, "caf"},
		{"ntfs trailing dot", []rawEntry{{"100644", ".git./config", "[core]\n\tworktree = /\n"}}, `".git."`},
		{"ntfs trailing space", []rawEntry{{"100644", ".git /config", "[core]\n\tworktree = /\n"}}, `".git "`},
		{"ntfs short name", []rawEntry{{"100644", "git~1/config", "[core]\n\tworktree = /\n"}}, `"git~1"`},
		{"ntfs short name, upper case", []rawEntry{{"100644", "GIT~1/config", "[core]\n\tworktree = /\n"}}, `"GIT~1"`},
		{"ntfs stream", []rawEntry{{"100644", ".git::$INDEX_ALLOCATION/config", "[core]\n"}}, `.git::$INDEX_ALLOCATION`},
		{"hfs ignorable", []rawEntry{{"100644", ".g\u200cit/config", "[core]\n\tworktree = /\n"}}, `".g\u200cit"`},
		{"hfs ignorable, upper case", []rawEntry{{"100644", ".GI\ufeffT/config", "[core]\n"}}, `".GI\ufeffT"`},
		{"file into a gitlink", []rawEntry{{"160000", "sub", main}, {"100644", "sub/x.md", "x\n"}}, `"sub`},
		{"absolute link", []rawEntry{{"120000", "abs", "/etc"}}, `"abs"`},
		{"dot dot link", []rawEntry{{"120000", "up", "../home"}}, `"up"`},
	}
}

// TestHostileTreesContained sends each hostile shape to a laptop three
// ways: a fast-forward (no local commit), a merge (an unpushed entry
// makes the histories diverge) and diary clone. Each must fail naming
// the path, write nothing in the work tree, in .git (beyond fetched
// objects and refs) or outside (a sentinel home beside the laptop), and
// keep the local entry.
func TestHostileTreesContained(t *testing.T) {
	for _, how := range []string{"fast-forward", "merge", "clone"} {
		t.Run(how, func(t *testing.T) {
			for i, shape := range hostileShapes("") {
				t.Run(shape.name, func(t *testing.T) {
					w := newWorld(t)
					w.seed(map[string]string{"_config.yml": "title: Diary\n", post: gittest.Post("Hello", "x\n")})
					gittest.Write(t, w.dir, "home/.bashrc", "# mine\n")
					gittest.Write(t, w.dir, "etc/passwd", "root\n")
					var a *laptop
					if how != "clone" {
						a = w.laptop("a")
					}
					// The gitlink names the remote's own commit.
					main := strings.TrimSpace(gittest.Git(t, w.remote, "rev-parse", "main"))
					entries := hostileShapes(main)[i].entries
					commit := pushRawCommit(t, w, entries)
					if how == "merge" {
						a.write("_posts/2022-05-01-mine.md", gittest.Post("Mine", "my words\n"))
					}
					before := snapshot(t, w.dir)
					var err error
					var head string
					if how == "clone" {
						_, err = repo.Clone(context.Background(), w.remote, filepath.Join(w.dir, "c"), repo.NetOptions{})
					} else {
						head = gittest.Git(t, a.dir, "rev-parse", "HEAD")
						_, err = a.sync()
					}
					if err == nil {
						t.Fatalf("a hostile tree (commit %s) was taken", commit[:7])
					}
					if !strings.Contains(err.Error(), shape.want) {
						t.Errorf("error %q: want it to name %s", err, shape.want)
					}
					after := snapshot(t, w.dir)
					if how == "clone" {
						for p := range after {
							if p == "c" || strings.HasPrefix(p, "c/") {
								delete(after, p) // a refused clone may leave nothing or its .git, never a file
								if !strings.HasPrefix(p, "c/.git") && p != "c" {
									t.Errorf("clone wrote %s", p)
								}
							}
						}
					}
					if d := snapshotDiff(before, after); len(d) > 0 {
						t.Errorf("changed outside the fetched objects and refs:\n%s", strings.Join(d, "\n"))
					}
					if how == "clone" {
						return
					}
					if how == "merge" {
						if got := gittest.Git(t, a.dir, "rev-parse", "HEAD~1"); got != head {
							t.Error("the local entry was not committed on top of the old HEAD")
						}
						if !strings.Contains(gittest.Git(t, a.dir, "show", "--stat", "HEAD"), "2022-05-01-mine.md") {
							t.Error("the local entry is not in the last commit")
						}
					} else if got := gittest.Git(t, a.dir, "rev-parse", "HEAD"); got != head {
						t.Error("HEAD moved")
					}
					if refs, _ := gittest.TryGit(a.dir, "for-each-ref", "--contains", commit); refs != "" {
						t.Errorf("refs took the hostile commit:\n%s", refs)
					}
					if st := gittest.Git(t, a.dir, "status", "--porcelain"); st != "" {
						t.Errorf("status: %s", st)
					}
				})
			}
		})
	}
}

// TestMergeBornShapesRefused: two histories that are each fine can make,
// merged, a tree that is not: a link from one side and a file below it
// from the other, two names one case-insensitive file system takes for
// one, or a link chain whose links came from different sides. The merge
// must write nothing and keep the local entry committed.
func TestMergeBornShapesRefused(t *testing.T) {
	for _, tt := range []struct {
		name   string
		remote func(t *testing.T, dir string)
		local  func(t *testing.T, l *laptop)
		want   string
	}{
		{"link from one side, file below it from the other",
			func(t *testing.T, dir string) { symlink(t, dir, "n", "_posts") },
			func(t *testing.T, l *laptop) { l.write("n/x.md", "x\n") },
			`"n"`},
		{"names that differ in case",
			func(t *testing.T, dir string) {
				gittest.Write(t, dir, "_posts/2022-05-01-Case.md", gittest.Post("Case", "theirs\n"))
			},
			func(t *testing.T, l *laptop) { l.write("_posts/2022-05-01-case.md", gittest.Post("case", "mine\n")) },
			"one name on macOS and Windows"},
		{"names that differ in Unicode form",
			func(t *testing.T, dir string) {
				gittest.Write(t, dir, "_posts/2022-05-01-caf\u00e9.md", gittest.Post("Café", "theirs\n"))
			},
			func(t *testing.T, l *laptop) {
				l.write("_posts/2022-05-01-cafe\u0301.md", gittest.Post("Café", "mine\n"))
			},
			"one name on macOS and Windows"},
		{"a chain of links from both sides",
			func(t *testing.T, dir string) { symlink(t, dir, "d/l2", "..") },
			func(t *testing.T, l *laptop) { symlink(t, l.dir, "l1", "d/l2/..") },
			`"l1"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.seed(map[string]string{"_config.yml": "title: Diary\n", post: gittest.Post("Hello", "x\n")})
			gittest.Write(t, w.dir, "home/.bashrc", "# mine\n")
			a := w.laptop("a")
			g := w.gitLaptop("g")
			tt.remote(t, g)
			gittest.Git(t, g, "add", "-A")
			gittest.Git(t, g, "commit", "-q", "-m", "theirs")
			gittest.Git(t, g, "push", "-q", "origin", "HEAD:main")
			tt.local(t, a)
			head := gittest.Git(t, a.dir, "rev-parse", "HEAD")
			before := snapshot(t, w.dir)
			_, err := a.sync()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v: want one naming %s", err, tt.want)
			}
			if d := snapshotDiff(before, snapshot(t, w.dir)); len(d) > 0 {
				t.Errorf("changed outside the fetched objects and refs:\n%s", strings.Join(d, "\n"))
			}
			if got := gittest.Git(t, a.dir, "rev-parse", "HEAD~1"); got != head {
				t.Error("the local work was not committed on top of the old HEAD")
			}
			if st := gittest.Git(t, a.dir, "status", "--porcelain"); st != "" {
				t.Errorf("status: %s", st)
			}
		})
	}
}

func symlink(t *testing.T, root, rel, target string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}

// TestCloneKeepsLinksAndGitlinks: what is safe is taken as it is. A clone
// writes a link with its target byte for byte (go-git's checkout made an
// absolute link of a relative one, which the next sync then pushed), a
// gitlink is kept as an opaque entry with nothing written into it, and
// the first sync after the clone has nothing to commit or push.
func TestCloneKeepsLinksAndGitlinks(t *testing.T) {
	w := newWorld(t)
	w.seed(map[string]string{"_config.yml": "title: Diary\n", post: gittest.Post("Hello", "x\n")})
	g := w.gitLaptop("g")
	symlink(t, g, "latest.md", post)
	symlink(t, g, "_drafts/up.md", "../"+post)
	main := strings.TrimSpace(gittest.Git(t, g, "rev-parse", "HEAD"))
	gittest.Git(t, g, "update-index", "--add", "--cacheinfo", "160000,"+main+",assets/lib")
	gittest.Write(t, g, ".gitmodules", "[submodule \"lib\"]\n\tpath = assets/lib\n\turl = https://example.com/lib.git\n")
	gittest.Git(t, g, "add", ".gitmodules", "latest.md", "_drafts/up.md")
	gittest.Git(t, g, "commit", "-q", "-m", "links and a theme")
	gittest.Git(t, g, "push", "-q", "origin", "HEAD:main")

	a := w.laptop("a")
	for p, want := range map[string]string{"latest.md": post, "_drafts/up.md": "../" + post} {
		got, err := os.Readlink(filepath.Join(a.dir, filepath.FromSlash(p)))
		if err != nil || got != want {
			t.Errorf("%s: a link to %q (%v), want %q", p, got, err, want)
		}
	}
	if got := gittest.Git(t, a.dir, "ls-tree", "HEAD", "assets/lib"); !strings.Contains(got, "160000 commit "+main) {
		t.Errorf("the gitlink: %q", got)
	}
	if des, err := os.ReadDir(filepath.Join(a.dir, "assets", "lib")); err == nil && len(des) > 0 {
		t.Errorf("the gitlink's directory holds %d files", len(des))
	}
	if st := gittest.Git(t, a.dir, "status", "--porcelain"); st != "" {
		t.Errorf("status after clone:\n%s", st)
	}
	res := a.mustSync()
	if len(res.Committed) > 0 || res.Pushed {
		t.Errorf("the first sync after a clone committed %v, pushed %v", res.Committed, res.Pushed)
	}
	gittest.Fsck(t, a.dir)

	// The submodule's directory is here, empty, as git clone leaves it,
	// and the remote moves the submodule on: the gitlink moves, and
	// nothing is written into the directory. (A checked-out submodule's
	// files are still taken for the diary's by the change scan: not
	// covered here.)
	if err := os.MkdirAll(filepath.Join(a.dir, "assets", "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	next := strings.TrimSpace(gittest.Git(t, g, "rev-parse", "HEAD"))
	gittest.Git(t, g, "update-index", "--add", "--cacheinfo", "160000,"+next+",assets/lib")
	gittest.Git(t, g, "commit", "-q", "-m", "theme update")
	gittest.Git(t, g, "push", "-q", "origin", "HEAD:main")
	a.mustSync()
	if got := gittest.Git(t, a.dir, "ls-tree", "HEAD", "assets/lib"); !strings.Contains(got, next) {
		t.Errorf("the gitlink: %s, want %s", got, next)
	}
	if des, err := os.ReadDir(filepath.Join(a.dir, "assets", "lib")); err != nil || len(des) > 0 {
		t.Errorf("the submodule's directory: %d files, %v", len(des), err)
	}
}

// TestLocalDotGitNameRefused: diary never pushes what it would refuse to
// fetch. A local folder named as Windows reads .git is not committed,
// and the error names it and says what to do.
func TestLocalDotGitNameRefused(t *testing.T) {
	w := newWorld(t)
	w.seed(map[string]string{"_config.yml": "title: Diary\n"})
	a := w.laptop("a")
	a.write("git~1/config", "[core]\n")
	remote := gittest.Git(t, w.remote, "rev-parse", "main")
	_, err := a.sync()
	if err == nil || !strings.Contains(err.Error(), `"git~1", a name Windows or macOS read as .git`) || !strings.Contains(err.Error(), "rename it") {
		t.Fatalf("error %v", err)
	}
	if got := gittest.Git(t, w.remote, "rev-parse", "main"); got != remote {
		t.Error("pushed")
	}
}
