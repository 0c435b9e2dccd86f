package merge

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// apply applies hunks, a diff from a to b, to a.
func apply(t *testing.T, a, b [][]byte, hs []hunk) [][]byte {
	t.Helper()
	var out [][]byte
	i := 0
	for k, h := range hs {
		if h.a0 < i || h.a1 < h.a0 || h.b1 < h.b0 || h.a0 == h.a1 && h.b0 == h.b1 {
			t.Fatalf("hunk %d %+v is out of order or empty (after a line %d): %+v", k, h, i, hs)
		}
		if len(out)+h.a0-i != h.b0 {
			t.Fatalf("hunk %d %+v starts at b line %d, the unchanged lines put it at %d", k, h, h.b0, len(out)+h.a0-i)
		}
		out = append(out, a[i:h.a0]...)
		out = append(out, b[h.b0:h.b1]...)
		i = h.a1
	}
	return append(out, a[i:]...)
}

// checkDiff checks that diffLines(a, b) is an edit script from a to b:
// applied to a it gives b, and it keeps only lines equal in both.
func checkDiff(t *testing.T, a, b []byte) []hunk {
	t.Helper()
	la, lb := splitLines(a), splitLines(b)
	hs := diffLines(la, lb)
	got := apply(t, la, lb, hs)
	if !bytes.Equal(bytes.Join(got, nil), b) {
		t.Fatalf("the diff %+v applied to %q gives %q, want %q", hs, a, bytes.Join(got, nil), b)
	}
	// The unchanged lines must be equal: walk them in step.
	i, j := 0, 0
	for _, h := range append(hs, hunk{a0: len(la), a1: len(la), b0: len(lb), b1: len(lb)}) {
		for i < h.a0 {
			if !bytes.Equal(la[i], lb[j]) {
				t.Fatalf("the diff %+v keeps a line %d %q as b line %d %q", hs, i, la[i], j, lb[j])
			}
			i++
			j++
		}
		i, j = h.a1, h.b1
	}
	return hs
}

var diffCases = []struct{ a, b string }{
	{"", ""},
	{"a\n", ""},
	{"", "a\n"},
	{"a\nb\nc\n", "a\nc\n"},
	{"a\nb\n", "b\na\n"},
	{"a\nb\nc\na\nb\nb\na\n", "c\nb\na\nb\na\nc\n"}, // the paper's example, one line a letter
	{"a\nb", "a\nb\n"},
	{"x\r\ny\n", "x\ny\n"},
}

func FuzzDiff(f *testing.F) {
	for _, c := range diffCases {
		f.Add([]byte(c.a), []byte(c.b))
	}
	g := &gen{r: rand.New(rand.NewPCG(5, 6)), minLen: 3, maxLen: 30, maxEdits: 4}
	for range 20 {
		c := g.oracleCase()
		f.Add(c.base, c.ours)
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		checkDiff(t, a, b)
	})
}

// TestDiffMinimal checks on the paper's example that the diff is a
// shortest edit script: ABCABBA to CBABAC takes 5 edits (Myers 1986,
// figure 1).
func TestDiffMinimal(t *testing.T) {
	hs := checkDiff(t, []byte("a\nb\nc\na\nb\nb\na\n"), []byte("c\nb\na\nb\na\nc\n"))
	n := 0
	for _, h := range hs {
		n += h.a1 - h.a0 + h.b1 - h.b0
	}
	if n != 5 {
		t.Errorf("%d edits (%+v), want 5", n, hs)
	}
}

var hunkHeader = regexp.MustCompile(`(?m)^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@`)

// gitDiff returns the hunks of `git diff --no-index -U0` from a to b.
func gitDiff(git, dir string, a, b []byte) ([]hunk, error) {
	if err := os.WriteFile(filepath.Join(dir, "a"), a, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "b"), b, 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(git, "diff", "--no-index", "--no-indent-heuristic", "--text", "-U0", "a", "b")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
		return nil, fmt.Errorf("git diff: %v", err)
	}
	var hs []hunk
	for _, m := range hunkHeader.FindAllStringSubmatch(string(out), -1) {
		num := func(s string) int {
			if s == "" {
				return 1
			}
			v, _ := strconv.Atoi(s)
			return v
		}
		a0, an, b0, bn := num(m[1]), num(m[2]), num(m[3]), num(m[4])
		if an > 0 {
			a0-- // a header names the first line, or the line before an insertion
		}
		if bn > 0 {
			b0--
		}
		hs = append(hs, hunk{a0, a0 + an, b0, b0 + bn})
	}
	return hs, nil
}

// TestDiffAgainstGit compares the diff with git's on the oracle's random
// files: where several shortest diffs exist, the one chosen decides
// whether a merge is clean, so it should be the one git chooses.
func TestDiffAgainstGit(t *testing.T) {
	git := gitPath(t)
	dir := t.TempDir()
	g := &gen{r: rand.New(rand.NewPCG(31, 8)), minLen: 5, maxLen: 60, maxEdits: 4}
	const n = 300
	same := 0
	for range n {
		c := g.oracleCase()
		checkDiff(t, c.base, c.ours)
		want, err := gitDiff(git, dir, c.base, c.ours)
		if err != nil {
			t.Fatal(err)
		}
		got := diffLines(splitLines(c.base), splitLines(c.ours))
		if fmt.Sprint(got) == fmt.Sprint(want) {
			same++
		} else {
			t.Logf("a %q\nb %q\ngit %v\ndiff %v", c.base, c.ours, want, got)
		}
	}
	t.Logf("the same diff as git's in %d of %d cases", same, n)
	if same < n*98/100 {
		t.Errorf("the same diff as git's in only %d of %d cases", same, n)
	}
}

// TestDiffGivesUp: two long files that share their lines but hardly
// their order make the search costly; past maxCost it settles for a
// longer diff, which must still be a diff, and soon.
func TestDiffGivesUp(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	var a, b bytes.Buffer
	for range 12000 {
		fmt.Fprintf(&a, "%d\n", r.IntN(50))
		fmt.Fprintf(&b, "%d\n", r.IntN(50))
	}
	start := time.Now()
	hs := checkDiff(t, a.Bytes(), b.Bytes())
	t.Logf("%d hunks in %v", len(hs), time.Since(start))
}
