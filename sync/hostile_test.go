package sync_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
	"github.com/gitdiary/diary/repo"
)

// hostileCommit puts on the remote's main a commit whose tree holds one
// entry written byte by byte with git plumbing (hash-object --literally
// takes what git itself would never write), and returns the commit.
func hostileCommit(t *testing.T, w *world, mode, name string, blob []byte) string {
	t.Helper()
	g := w.remote
	cmd := exec.Command("git", "hash-object", "-w", "--stdin")
	cmd.Dir, cmd.Env, cmd.Stdin = g, gittest.Env(g), bytes.NewReader(blob)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := hex.DecodeString(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatal(err)
	}
	// The hostile entry beside the site's real files.
	base := strings.TrimSpace(gittest.Git(t, g, "rev-parse", "main^{tree}"))
	listing := gittest.Git(t, g, "ls-tree", base)
	var tree bytes.Buffer
	// Write the hostile entry first: git's order does not matter to a
	// hostile remote, and diary must not rely on it.
	tree.WriteString(mode + " " + name + "\x00")
	tree.Write(raw)
	for _, line := range strings.Split(strings.TrimSpace(listing), "\n") {
		f := strings.Fields(line)
		bin, err := hex.DecodeString(f[2])
		if err != nil {
			t.Fatal(err)
		}
		m := f[0]
		if m == "040000" {
			m = "40000"
		}
		tree.WriteString(m + " " + f[3] + "\x00")
		tree.Write(bin)
	}
	cmd = exec.Command("git", "hash-object", "-w", "-t", "tree", "--literally", "--stdin")
	cmd.Dir, cmd.Env, cmd.Stdin = g, gittest.Env(g), bytes.NewReader(tree.Bytes())
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("hash-object: %v\n%s", err, out)
	}
	treeHex := strings.TrimSpace(string(out))
	commit := strings.TrimSpace(gittest.Git(t, g, "commit-tree", treeHex, "-p", "main", "-m", "hostile"))
	gittest.Git(t, g, "update-ref", "refs/heads/main", commit)
	return commit
}

func TestHostileRemote(t *testing.T) {
	tests := []struct {
		name, mode, entry string
		blob              []byte
		want              string // in the error
	}{
		{"dot dot", "100644", "..", []byte("x"), `".."`},
		{"dot git", "100644", ".git", []byte("[core]\n"), `".git"`},
		{"dot git, other case", "40000", ".GiT", nil, `".GiT"`},
		{"empty name", "100644", "", []byte("x"), `""`},
		{"absolute", "100644", "/etc/passwd", []byte("x"), `"/etc/passwd"`},
		{"slash", "100644", "a/b", []byte("x"), `"a/b"`},
		{"backslash", "100644", `..\..\evil`, []byte("x"), `..\\..\\evil`},
		{"link out of the tree", "120000", "escape", []byte("../../../etc"), "outside the work tree"},
		{"absolute link", "120000", "escape", []byte("/etc/passwd"), "outside the work tree"},
		{"link into .git", "120000", "hook", []byte(".git/hooks"), "outside the work tree"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.seed(map[string]string{"_config.yml": "title: Diary\n", post: gittest.Post("Hello", "x\n")})
			a := w.laptop("a")
			blob := tt.blob
			if tt.mode == "40000" {
				// A directory named .git holding a config.
				blob = nil
			}
			var commit string
			if blob == nil {
				commit = hostileDir(t, w, tt.entry)
			} else {
				commit = hostileCommit(t, w, tt.mode, tt.entry, blob)
			}
			a.write("_posts/2022-05-01-mine.md", gittest.Post("Mine", "my words\n"))
			before := gittest.Files(t, a.dir)
			head := gittest.Git(t, a.dir, "rev-parse", "HEAD")
			_, err := a.sync()
			if err == nil {
				t.Fatal("a hostile tree was taken")
			}
			fetched := gittest.TryGitOK(a.dir, "cat-file", "-e", commit)
			switch {
			case !strings.Contains(err.Error(), tt.want):
				t.Errorf("error %q: want it to name %s", err, tt.want)
			case fetched && (!errors.Is(err, repo.ErrUnsafePath) || !strings.Contains(err.Error(), commit[:7])):
				t.Errorf("error %q: want ErrUnsafePath naming commit %s", err, commit[:7])
			}
			// Local work is committed and kept; nothing of the remote's was
			// written, in the work tree, .git or outside.
			after := gittest.Files(t, a.dir)
			if len(after) != len(before) || after["_posts/2022-05-01-mine.md"] != before["_posts/2022-05-01-mine.md"] {
				t.Errorf("work tree changed: %v -> %v", gittest.Paths(before), gittest.Paths(after))
			}
			if gittest.Git(t, a.dir, "rev-parse", "HEAD~1") != head {
				t.Error("the local work was not committed on top of the old HEAD")
			}
			if _, err := os.Lstat(filepath.Join(a.dir, "escape")); err == nil {
				t.Error("a link was written")
			}
			// No ref of this laptop takes the hostile commit.
			if refs, _ := gittest.TryGit(a.dir, "for-each-ref", "--contains", commit); fetched && refs != "" {
				t.Errorf("refs took the hostile commit:\n%s", refs)
			}
			// What the laptop's refs reach is sound (the refused objects
			// lie unreferenced until git gc prunes them).
			gittest.Git(t, a.dir, "fsck", "--connectivity-only")
			if st := gittest.Git(t, a.dir, "status", "--porcelain"); st != "" {
				t.Errorf("status: %s", st)
			}
		})
	}
}

// hostileDir puts a directory of the given name, holding a config file,
// into the remote's tree.
func hostileDir(t *testing.T, w *world, name string) string {
	g := w.remote
	cmd := exec.Command("git", "hash-object", "-w", "--stdin")
	cmd.Dir, cmd.Env, cmd.Stdin = g, gittest.Env(g), strings.NewReader("[core]\n\tworktree = /\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	sub := mktree(t, g, "100644 blob "+strings.TrimSpace(string(out))+"\tconfig\n")
	listing := gittest.Git(t, g, "ls-tree", "main")
	root := mktreeLiteral(t, g, listing+"040000 tree "+sub+"\t"+name+"\n")
	commit := strings.TrimSpace(gittest.Git(t, g, "commit-tree", root, "-p", "main", "-m", "hostile"))
	gittest.Git(t, g, "update-ref", "refs/heads/main", commit)
	return commit
}

func mktree(t *testing.T, dir, listing string) string {
	cmd := exec.Command("git", "mktree")
	cmd.Dir, cmd.Env, cmd.Stdin = dir, gittest.Env(dir), strings.NewReader(listing)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("mktree: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

// mktreeLiteral is mktree without git's checks on names.
func mktreeLiteral(t *testing.T, dir, listing string) string {
	var tree bytes.Buffer
	for _, line := range strings.Split(strings.TrimSpace(listing), "\n") {
		meta, name, _ := strings.Cut(line, "\t")
		f := strings.Fields(meta)
		mode := strings.TrimPrefix(f[0], "0")
		tree.WriteString(mode + " " + name + "\x00")
		bin, err := hex.DecodeString(f[2])
		if err != nil {
			t.Fatal(err)
		}
		tree.Write(bin)
	}
	cmd := exec.Command("git", "hash-object", "-w", "-t", "tree", "--literally", "--stdin")
	cmd.Dir, cmd.Env, cmd.Stdin = dir, gittest.Env(dir), bytes.NewReader(tree.Bytes())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("hash-object: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestHostileEnormousBlob(t *testing.T) {
	old := repo.MaxBlobSize
	repo.MaxBlobSize = 1 << 20 // the rule, at a size a test can afford
	defer func() { repo.MaxBlobSize = old }()
	w := newWorld(t)
	w.seed(map[string]string{"_config.yml": "title: Diary\n"})
	a := w.laptop("a")
	commit := hostileCommit(t, w, "100644", "huge.bin", bytes.Repeat([]byte("0123456789abcdef"), 1<<17))
	a.write(post, gittest.Post("Hello", "mine\n"))
	_, err := a.sync()
	if !errors.Is(err, repo.ErrTooLarge) || !strings.Contains(err.Error(), commit[:7]) || !strings.Contains(err.Error(), "huge.bin of 2 MB") {
		t.Fatalf("error %v", err)
	}
	if _, err := os.Stat(filepath.Join(a.dir, "huge.bin")); err == nil {
		t.Error("the enormous file was written")
	}
	if st := gittest.Git(t, a.dir, "status", "--porcelain"); st != "" {
		t.Errorf("status: %s", st)
	}
}
