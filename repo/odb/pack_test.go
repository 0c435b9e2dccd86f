package odb

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/gitdiary/diary/internal/gittest"
)

// packedHistory makes a repository whose history (files edited a little
// at a time, as diary entries are, in nested trees) git packs with
// deltas, by offset or by name as refDeltas says, and leaves a few
// objects loose.
func packedHistory(t *testing.T, refDeltas bool) string {
	t.Helper()
	gittest.NeedGit(t)
	dir := t.TempDir()
	gittest.Git(t, dir, "init", "-q", "-b", "main")
	rng := rand.New(rand.NewPCG(5, 5))
	var stream bytes.Buffer
	files := map[string]string{}
	for i := range 120 {
		files[fmt.Sprintf("_posts/2022-01-%03d-p.md", i)] = strings.Repeat(fmt.Sprintf("line %d of post %d\n", rng.IntN(50), i), 20+rng.IntN(60))
	}
	for c := range 25 {
		fmt.Fprintf(&stream, "commit refs/heads/main\ncommitter A <a@example.com> %d +0000\ndata 2\nc%d\n", 1650000000+c*3600, c%10)
		n := 0
		for name, body := range files {
			if c > 0 && rng.IntN(8) != 0 {
				continue
			}
			body += fmt.Sprintf("an edit %d\n", c)
			files[name] = body
			fmt.Fprintf(&stream, "M 100644 inline %s\ndata %d\n%s\n", name, len(body), body)
			n++
		}
		fmt.Fprintf(&stream, "M 100644 inline deep/a/b/c.txt\ndata 2\n%d\n\n", c%10)
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = dir
	cmd.Env = gittest.Env(dir)
	cmd.Stdin = &stream
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fast-import: %v\n%s", err, out)
	}
	args := []string{"repack", "-q", "-a", "-d", "-f", "--depth=50", "--window=50"}
	if refDeltas {
		args = append([]string{"-c", "repack.useDeltaBaseOffset=false"}, args...)
	}
	gittest.Git(t, dir, args...)
	// Something loose besides.
	gittest.Git(t, dir, "reset", "-q", "--hard")
	gittest.Write(t, dir, "loose.txt", "loose\n")
	gittest.Git(t, dir, "add", "loose.txt")
	gittest.Git(t, dir, "commit", "-q", "-m", "loose")
	return dir
}

// catFile returns every object git knows in dir, by hash: type and
// content, from git cat-file --batch.
func catFile(t *testing.T, dir string) map[plumbing.Hash]cachedObject {
	t.Helper()
	cmd := exec.Command("git", "cat-file", "--batch-all-objects", "--batch")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	objs := map[plumbing.Hash]cachedObject{}
	rd := bufio.NewReader(bytes.NewReader(out))
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			break
		}
		f := strings.Fields(line)
		h, _ := ParseHash(f[0])
		typ, _ := plumbing.ParseObjectType(f[1])
		n, _ := strconv.Atoi(f[2])
		data := make([]byte, n+1)
		if _, err := io.ReadFull(rd, data); err != nil {
			t.Fatal(err)
		}
		objs[h] = cachedObject{typ, data[:n]}
	}
	return objs
}

// TestObjectStoreAgreesWithGit reads every object of packed histories
// (deltas by offset, deltas by name, chains up to 50) and loose objects,
// and compares each, and its size read from headers, with what git
// cat-file says.
func TestObjectStoreAgreesWithGit(t *testing.T) {
	for _, refDeltas := range []bool{false, true} {
		t.Run(fmt.Sprint("refDeltas=", refDeltas), func(t *testing.T) {
			dir := packedHistory(t, refDeltas)
			want := catFile(t, dir)
			deltas := 0 // verify-pack's lines for deltas end with the depth and the base
			for _, l := range strings.Split(gittest.Git(t, dir, "verify-pack", "-v", packIdx(t, dir)), "\n") {
				if len(strings.Fields(l)) == 7 {
					deltas++
				}
			}
			if len(want) < 500 || deltas < 100 {
				t.Fatalf("%d objects, %d deltas: the history is too small to test much", len(want), deltas)
			}
			s := NewStore(filepath.Join(dir, ".git", "objects"))
			for h, w := range want {
				typ, data, err := s.Read(h)
				if err != nil {
					t.Fatalf("%s: %v", h, err)
				}
				if typ != w.typ || !bytes.Equal(data, w.data) {
					t.Fatalf("%s: %s of %d bytes, git says %s of %d", h, typ, len(data), w.typ, len(w.data))
				}
				// The size from headers alone (what CheckCommit holds to
				// MaxBlobSize before anything is inflated).
				if typ, n, err := s.Size(h); err != nil || typ != w.typ || n != int64(len(w.data)) {
					t.Fatalf("%s: size says %s of %d bytes (%v), git says %s of %d", h, typ, n, err, w.typ, len(w.data))
				}
			}
			if _, _, err := s.Read(plumbing.Hash{1, 2, 3}); err != ErrNotHere {
				t.Errorf("a missing object: %v", err)
			}
		})
	}
}

func packIdx(t *testing.T, dir string) string {
	t.Helper()
	idx, err := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.idx"))
	if err != nil || len(idx) != 1 {
		t.Fatalf("packs: %v %v", idx, err)
	}
	return idx[0]
}

// TestObjectStoreSurvivesBrokenPacks: reading a pack whose bytes were
// damaged at random gives errors that say what to do, or data, never a
// panic or a hang. (As
// with git and go-git, objects are not hashed again when read: damage
// to an entry's header can point at other valid data, and git fsck is
// what finds it.)
func TestObjectStoreSurvivesBrokenPacks(t *testing.T) {
	dir := packedHistory(t, false)
	want := catFile(t, dir)
	packFile := strings.TrimSuffix(packIdx(t, dir), ".idx") + ".pack"
	orig, err := os.ReadFile(packFile)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	failed := 0
	for range 30 {
		damaged := bytes.Clone(orig)
		for range 1 + rng.IntN(4) {
			damaged[12+rng.IntN(len(damaged)-32)] ^= byte(1 + rng.IntN(255))
		}
		os.Chmod(packFile, 0o644)
		if err := os.WriteFile(packFile, damaged, 0o644); err != nil {
			t.Fatal(err)
		}
		s := NewStore(filepath.Join(dir, ".git", "objects"))
		for h := range want {
			if _, _, err := s.Read(h); err != nil {
				failed++
				if !strings.Contains(err.Error(), "git fsck") {
					t.Fatalf("%s: %v: the error does not say what to do", h, err)
				}
			}
		}
	}
	if failed == 0 {
		t.Error("no damage was ever noticed")
	}
}

// TestWritePackGitReads writes packs of a whole history, as push and
// upload-pack send them (trees as deltas by offset or by hash), and
// checks that git index-pack --strict takes them and that every object
// reads back as the source has it.
func TestWritePackGitReads(t *testing.T) {
	src := packedHistory(t, false)
	st := filesystem.NewStorage(osfs.New(filepath.Join(src, ".git")), cache.NewObjectLRUDefault())
	head, _ := ParseHash(strings.TrimSpace(gittest.Git(t, src, "rev-parse", "HEAD")))
	hashes, err := ObjectsToSend(st, []plumbing.Hash{head}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := catFile(t, src)
	for _, refDeltas := range []bool{false, true} {
		t.Run(fmt.Sprint("refDeltas=", refDeltas), func(t *testing.T) {
			var pack bytes.Buffer
			if err := WritePack(&pack, st, hashes, refDeltas); err != nil {
				t.Fatal(err)
			}
			size := pack.Len()
			dst := t.TempDir()
			gittest.Git(t, dst, "init", "-q", "--bare")
			cmd := exec.Command("git", "index-pack", "--strict", "--stdin")
			cmd.Dir = dst
			cmd.Stdin = &pack
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git index-pack: %v\n%s", err, out)
			}
			got := catFile(t, dst)
			if len(got) != len(hashes) {
				t.Errorf("%d objects in the pack, %d sent", len(got), len(hashes))
			}
			for h, g := range got {
				if w := want[h]; w.typ != g.typ || !bytes.Equal(w.data, g.data) {
					t.Fatalf("%s reads differently from the pack", h)
				}
			}
			deltas := 0
			idx, _ := filepath.Glob(filepath.Join(dst, "objects", "pack", "*.idx"))
			if len(idx) != 1 {
				t.Fatalf("packs: %v", idx)
			}
			for _, l := range strings.Split(gittest.Git(t, dst, "verify-pack", "-v", idx[0]), "\n") {
				if len(strings.Fields(l)) == 7 {
					deltas++
				}
			}
			if deltas < 10 {
				t.Errorf("%d trees sent as deltas", deltas)
			}
			t.Logf("%d objects, %d deltas, %d bytes", len(got), deltas, size)
		})
	}
}

// TestTreeDelta: the delta from one tree to another, applied, gives the
// other, for trees that share much, little or nothing.
func TestTreeDelta(t *testing.T) {
	entry := func(name string, n byte) []byte {
		return append([]byte("100644 "+name+"\x00"), bytes.Repeat([]byte{n}, 20)...)
	}
	tree := func(names ...string) []byte {
		var b []byte
		for i, n := range names {
			b = append(b, entry(n, byte(i))...)
		}
		return b
	}
	var many []string
	for i := range 5000 {
		many = append(many, fmt.Sprintf("2022-%05d.md", i))
	}
	edited := slices.Clone(many)
	edited[100] = "2022-00100-renamed.md"
	cases := [][2][]byte{
		{tree(many...), tree(append(slices.Clone(many), "z.md")...)},
		{tree(many...), tree(edited...)},
		{tree(many...), tree(many[1:]...)},
		{tree("a", "b"), tree("c", "d")},
		{tree(), tree("a")},
		{tree("a"), tree()},
		{bytes.Repeat([]byte("x"), 70000), bytes.Repeat([]byte("y"), 300)}, // not trees at all
	}
	for i, c := range cases {
		got, err := applyDelta(c[0], treeDelta(c[0], c[1]))
		if err != nil || !bytes.Equal(got, c[1]) {
			t.Errorf("case %d: %v", i, err)
		}
	}
	// Random trees from one pool of names and contents, in git's order
	// (sort.Strings is git's order for names without a directory).
	rng := rand.New(rand.NewPCG(3, 3))
	randomTree := func() []byte {
		var names []string
		for i := range 60 {
			if rng.IntN(3) > 0 {
				names = append(names, fmt.Sprintf("f%02d", i))
			}
		}
		var b []byte
		for _, n := range names {
			b = append(b, entry(n, byte(rng.IntN(3)))...)
		}
		return b
	}
	for range 500 {
		a, b := randomTree(), randomTree()
		if got, err := applyDelta(a, treeDelta(a, b)); err != nil || !bytes.Equal(got, b) {
			t.Fatalf("random trees: %v", err)
		}
	}
	if d := treeDelta(tree(many...), tree(append(slices.Clone(many), "z.md")...)); len(d) > 100 {
		t.Errorf("one entry added to 5,000: a delta of %d bytes", len(d))
	}
}

// TestObjectSizeReadsNoContent: the size of a 32 MB blob, loose or
// packed, is read without inflating the blob, as CheckCommit needs of a
// remote's enormous file before it takes anything of it.
func TestObjectSizeReadsNoContent(t *testing.T) {
	gittest.NeedGit(t)
	dir := t.TempDir()
	gittest.Git(t, dir, "init", "-q", "-b", "main")
	big := bytes.Repeat([]byte("0123456789abcdef"), 2<<20)
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	h, _ := ParseHash(strings.TrimSpace(gittest.Git(t, dir, "hash-object", "-w", "big.bin")))
	allocated := func() uint64 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.TotalAlloc
	}
	for _, where := range []string{"loose", "packed"} {
		if where == "packed" {
			gittest.Git(t, dir, "add", "big.bin")
			gittest.Git(t, dir, "commit", "-q", "-m", "big")
			gittest.Git(t, dir, "repack", "-q", "-a", "-d")
		}
		s := NewStore(filepath.Join(dir, ".git", "objects"))
		before := allocated()
		typ, n, err := s.Size(h)
		used := allocated() - before
		if err != nil || typ != plumbing.BlobObject || n != int64(len(big)) {
			t.Fatalf("%s: %s of %d bytes, %v", where, typ, n, err)
		}
		if used > 4<<20 {
			t.Errorf("%s: reading the size of a %d MB blob allocated %d MB", where, len(big)>>20, used>>20)
		}
	}
}
