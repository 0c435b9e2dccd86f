package merge

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// lineIn reports whether merged line m is side line s: the same bytes, or
// s without a line end (a file's last line) given one in a conflict.
func lineIn(s, m []byte) bool {
	if bytes.Equal(s, m) {
		return true
	}
	if bytes.HasSuffix(s, []byte("\n")) || !bytes.HasPrefix(m, s) {
		return false
	}
	rest := m[len(s):]
	return string(rest) == "\n" || string(rest) == "\r\n"
}

// subsequence reports whether want appears in lines in order, and if not
// the first line of want that does not.
func subsequence(want, lines [][]byte) (int, bool) {
	j := 0
	for i, w := range want {
		for j < len(lines) && !lineIn(w, lines[j]) {
			j++
		}
		if j == len(lines) {
			return i, false
		}
		j++
	}
	return 0, true
}

// checkText checks what Text guarantees of any merge, whatever the inputs.
//
// What git's merge (and so Text) guarantees, stated precisely:
//
//   - ours == base: the merge is theirs, clean; theirs == base: ours,
//     clean; ours == theirs: ours, clean.
//   - Every line ours changed or added (the lines the diff from base to
//     ours marks), in ours' order, is in the merge; the same for theirs.
//     Inside a conflict a side's last line may have gained a line end.
//   - Every base line that both sides kept (unmarked in both diffs), in
//     base's order, is in the merge, also when there are conflicts:
//     outside them, or inside them on both sides.
//   - It is not true that every line of ours is in a conflicted merge: a
//     base line that ours kept and theirs changed or deleted is gone
//     (theirs' change is taken there) even when other hunks conflict.
//   - Conflicts > 0: the merge has at least that many "<<<<<<<" lines.
//     Conflicts == 0 and no input has a line starting "<<<<<<<": none.
func checkText(t *testing.T, base, ours, theirs []byte) Result {
	t.Helper()
	r := Text(base, ours, theirs, gitLabels)
	if r.Clean() != (r.Conflicts == 0) || r.Conflicts < 0 {
		t.Fatalf("Clean() = %v with %d conflicts", r.Clean(), r.Conflicts)
	}
	same := func(what string, want []byte) {
		if !r.Clean() || !bytes.Equal(r.Merged, want) {
			t.Fatalf("%s: got %d conflicts, %q; want %q", what, r.Conflicts, r.Merged, want)
		}
	}
	switch {
	case bytes.Equal(ours, base):
		same("ours == base", theirs)
	case bytes.Equal(theirs, base):
		same("theirs == base", ours)
	case bytes.Equal(ours, theirs):
		same("ours == theirs", ours)
	}

	b, o, th, m := splitLines(base), splitLines(ours), splitLines(theirs), splitLines(r.Merged)
	d1, d2 := diffLines(b, o), diffLines(b, th)
	changedLines := func(lines [][]byte, hs []hunk) [][]byte {
		var out [][]byte
		for _, h := range hs {
			out = append(out, lines[h.b0:h.b1]...)
		}
		return out
	}
	for _, s := range []struct {
		name  string
		lines [][]byte
	}{{"ours' changes", changedLines(o, d1)}, {"theirs' changes", changedLines(th, d2)}} {
		if i, ok := subsequence(s.lines, m); !ok {
			t.Fatalf("%s: line %q is not in the merge %q", s.name, s.lines[i], r.Merged)
		}
	}
	kept := make([]bool, len(b))
	for i := range kept {
		kept[i] = true
	}
	for _, hs := range [][]hunk{d1, d2} {
		for _, h := range hs {
			for i := h.a0; i < h.a1; i++ {
				kept[i] = false
			}
		}
	}
	var keptLines [][]byte
	for i, k := range kept {
		if k {
			keptLines = append(keptLines, b[i])
		}
	}
	if i, ok := subsequence(keptLines, m); !ok {
		t.Fatalf("kept base line %q is not in the merge %q", keptLines[i], r.Merged)
	}

	markers := 0
	for _, l := range m {
		if bytes.HasPrefix(l, []byte("<<<<<<<")) {
			markers++
		}
	}
	if markers < r.Conflicts {
		t.Fatalf("%d conflicts but %d markers: %q", r.Conflicts, markers, r.Merged)
	}
	inputMarkers := false
	for _, in := range [][]byte{base, ours, theirs} {
		inputMarkers = inputMarkers || bytes.HasPrefix(in, []byte("<<<<<<<")) ||
			bytes.Contains(in, []byte("\n<<<<<<<"))
	}
	if r.Clean() && markers > 0 && !inputMarkers {
		t.Fatalf("a clean merge with markers: %q", r.Merged)
	}
	return r
}

func FuzzText(f *testing.F) {
	for _, c := range textCases {
		f.Add([]byte(c.base), []byte(c.ours), []byte(c.theirs))
	}
	g := &gen{r: rand.New(rand.NewPCG(1, 2)), minLen: 3, maxLen: 20, maxEdits: 3}
	for range 30 {
		c := g.oracleCase()
		f.Add(c.base, c.ours, c.theirs)
	}
	f.Fuzz(func(t *testing.T, base, ours, theirs []byte) {
		checkText(t, base, ours, theirs)
	})
}

// TestTextInvariants runs FuzzText's checks on the oracle's cases, so
// that they hold on plain `go test` too.
func TestTextInvariants(t *testing.T) {
	g := &gen{r: rand.New(rand.NewPCG(99, 3)), minLen: 5, maxLen: 60, maxEdits: 4}
	for range 2000 {
		c := g.oracleCase()
		checkText(t, c.base, c.ours, c.theirs)
	}
}

// checkPost checks what Post guarantees of any merge.
//
//   - It does not panic, and Clean() agrees with Conflicts.
//   - theirs == base: the merge is ours, clean; ours == theirs: ours, clean.
//   - Conflicts == 0 and every side has front matter that Post reads (or
//     base is empty): the merge has front matter that reads the same way,
//     YAML that parses as a mapping with no key twice. (When a side's front
//     matter does not parse, Post is Text on the whole file, and a clean
//     merge may carry that side's broken front matter; diary's lint stops
//     it from being pushed.)
func checkPost(t *testing.T, base, ours, theirs []byte) Result {
	t.Helper()
	r := Post(base, ours, theirs, gitLabels)
	if r.Clean() != (r.Conflicts == 0) || r.Conflicts < 0 {
		t.Fatalf("Clean() = %v with %d conflicts", r.Clean(), r.Conflicts)
	}
	if bytes.Equal(theirs, base) || bytes.Equal(ours, theirs) {
		if !r.Clean() || !bytes.Equal(r.Merged, ours) {
			t.Fatalf("want ours %q, got %d conflicts, %q", ours, r.Conflicts, r.Merged)
		}
	}
	_, okb := splitPost(base)
	_, oko := splitPost(ours)
	_, okt := splitPost(theirs)
	if r.Clean() && (okb || len(base) == 0) && oko && okt {
		if _, ok := splitPost(r.Merged); !ok {
			t.Fatalf("clean merge whose front matter does not parse:\nbase %q\nours %q\ntheirs %q\nmerged %q",
				base, ours, theirs, r.Merged)
		}
	}
	return r
}

func FuzzPost(f *testing.F) {
	fixture, err := os.ReadFile(filepath.Join("testdata", "2022-04-30-personal-diary.md"))
	if err != nil {
		f.Fatal(err)
	}
	small := []byte("---\ntitle: a\ntags: [x, y]\n---\nbody\n")
	f.Add(small, []byte("---\ntitle: b\ntags: [x, y, z]\n---\nbody\n"), []byte("---\ntitle: a\ntags: [y, w]\n---\nbody 2\n"))
	f.Add(small, []byte("---\ntitle: a\ntags:\n- x\n- y\n- q\n---\nbody\n"), []byte("---\nlang: ko\ntitle: a\ntags: x\n---\nbody\n"))
	f.Add(small, []byte("---\ncategories: a b\ntitle: a\n---\n"), []byte("---\ntitle: a\ncategories: [a, c]\n---\n"))
	f.Add([]byte(nil), small, []byte("---\ntitle: a\ntags: [q]\n---\nbody\n"))
	f.Add([]byte(postBase), []byte(postBase[:40]+"x"+postBase[40:]), []byte(postBase+"more\n"))
	f.Add(fixture, bytes.Replace(fixture, []byte("title: Personal Diary"), []byte("title: Mine"), 1),
		bytes.Replace(fixture, []byte("category: etc"), []byte("category: [etc, ai]"), 1))
	f.Fuzz(func(t *testing.T, base, ours, theirs []byte) {
		checkPost(t, base, ours, theirs)
	})
}
