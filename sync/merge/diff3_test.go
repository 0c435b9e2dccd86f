package merge

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// lines writes each of the words on a line of its own.
func lines(words string) []byte {
	if words == "" {
		return nil
	}
	return []byte(strings.ReplaceAll(words, " ", "\n") + "\n")
}

// The examples of Khanna, Kunal and Pierce, "A Formal Investigation of
// Diff3" (2007): the running example (O = 1 2 3 4 5 6, A = 1 4 5 2 3 6,
// B = 1 2 4 5 3 6), and the simple cases of section 2. parse is the
// paper's chunk parse, written as stable chunks (the base lines) and
// unstable ones (ours/base/theirs).
var paperCases = []struct {
	name      string
	o, a, b   string
	parse     string
	want      string // the merge, as git merge-file shows it
	conflicts int
}{
	{name: "running example", o: "1 2 3 4 5 6", a: "1 4 5 2 3 6", b: "1 2 4 5 3 6",
		parse: "[1] {/2 3/2} [4 5] {2 3//3} [6]",
		want:  "1\n<<<<<<< ours\n4\n5\n2\n=======\n2\n4\n5\n>>>>>>> theirs\n3\n6\n", conflicts: 1},
	{name: "running example, sides swapped", o: "1 2 3 4 5 6", a: "1 2 4 5 3 6", b: "1 4 5 2 3 6",
		parse: "[1] {2/2 3/} [4 5] {3//2 3} [6]",
		want:  "1\n<<<<<<< ours\n2\n4\n5\n=======\n4\n5\n2\n>>>>>>> theirs\n3\n6\n", conflicts: 1},
	{name: "a change on one side only", o: "1 2 3", a: "1 x 3", b: "1 2 3",
		parse: "[1] {x/2/2} [3]", want: "1\nx\n3\n"},
	{name: "changes on both sides, apart", o: "1 2 3 4 5", a: "1 x 3 4 5", b: "1 2 3 4 y",
		parse: "[1] {x/2/2} [3 4] {5/5/y}", want: "1\nx\n3\n4\ny\n"},
	{name: "the same change on both sides (a false conflict)", o: "1 2 3", a: "1 x 3", b: "1 x 3",
		parse: "", want: "1\nx\n3\n"},
	{name: "a true conflict", o: "1 2 3", a: "1 x 3", b: "1 y 3",
		parse: "[1] {x/2/y} [3]", want: "1\n<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n3\n", conflicts: 1},
}

// showParse writes a parse in the notation of paperCases.
func showParse(cs []chunk, b, o, t [][]byte) string {
	word := func(ls [][]byte) string {
		var w []string
		for _, l := range ls {
			w = append(w, strings.TrimSuffix(string(l), "\n"))
		}
		return strings.Join(w, " ")
	}
	var out []string
	for _, c := range cs {
		if c.stable {
			out = append(out, "["+word(b[c.b0:c.b1])+"]")
		} else {
			out = append(out, "{"+word(o[c.o0:c.o1])+"/"+word(b[c.b0:c.b1])+"/"+word(t[c.t0:c.t1])+"}")
		}
	}
	return strings.Join(out, " ")
}

func TestDiff3Paper(t *testing.T) {
	gm := newGitMerger(t, gitPath(t))
	for _, c := range paperCases {
		t.Run(c.name, func(t *testing.T) {
			o, a, b := lines(c.o), lines(c.a), lines(c.b)
			if c.parse != "" {
				bl, al, tl := splitLines(o), splitLines(a), splitLines(b)
				in := interner{}
				bi, ai, ti := in.ids(bl), in.ids(al), in.ids(tl)
				cs := parse(matches(diffIDs(bi, ai), len(bi)), matches(diffIDs(bi, ti), len(bi)), len(ai), len(ti))
				if got := showParse(cs, bl, al, tl); got != c.parse {
					t.Errorf("parse = %s, want %s", got, c.parse)
				}
			}
			r := Text(o, a, b, gitLabels)
			if string(r.Merged) != c.want || r.Conflicts != c.conflicts {
				t.Errorf("Text = %d conflicts %q, want %d %q", r.Conflicts, r.Merged, c.conflicts, c.want)
			}
			g, n, err := gm.merge(o, a, b)
			if err != nil {
				t.Fatal(err)
			}
			if string(g) != c.want || n != c.conflicts {
				t.Errorf("git merge-file = %d conflicts %q; the table says %d %q", n, g, c.conflicts, c.want)
			}
		})
	}
}

// TestTextProperties checks on random files the properties of a 3-way
// merge that any diff3 has (Khanna, Kunal and Pierce, section 3), and
// that git's merge has too:
//   - merging X with itself, against any base, gives X;
//   - merging with a side that did not change gives the other side;
//   - the merge holds every line that either side added, in that side's
//     order (checkText).
func TestTextProperties(t *testing.T) {
	g := &gen{r: rand.New(rand.NewPCG(12, 34)), minLen: 0, maxLen: 40, maxEdits: 5}
	for i := range 3000 {
		c := g.oracleCase()
		base, x := c.base, c.ours
		same := func(what string, r Result, want []byte) {
			t.Helper()
			if !r.Clean() || !bytes.Equal(r.Merged, want) {
				t.Fatalf("case %d: %s: %d conflicts, %q; want %q\n%v", i, what, r.Conflicts, r.Merged, want, c)
			}
		}
		same("merge(X, base, X)", Text(base, x, x, gitLabels), x)
		same("merge(X, base, base)", Text(base, x, base, gitLabels), x)
		same("merge(base, base, X)", Text(base, base, x, gitLabels), x)
		checkText(t, c.base, c.ours, c.theirs)
	}
}

// TestTextAddedLines checks the third property on a case made for it:
// both sides add lines in many places, and every added line is in the
// merge, conflicts or not.
func TestTextAddedLines(t *testing.T) {
	var base, ours, theirs strings.Builder
	for i := range 30 {
		fmt.Fprintf(&base, "line %d\n", i)
		fmt.Fprintf(&ours, "line %d\n", i)
		fmt.Fprintf(&theirs, "line %d\n", i)
		if i%3 == 0 {
			fmt.Fprintf(&ours, "ours %d\n", i)
		}
		if i%4 == 0 {
			fmt.Fprintf(&theirs, "theirs %d\n", i)
		}
	}
	r := checkText(t, []byte(base.String()), []byte(ours.String()), []byte(theirs.String()))
	for i := range 30 {
		for _, want := range []string{fmt.Sprintf("ours %d\n", i), fmt.Sprintf("theirs %d\n", i)} {
			if (strings.HasPrefix(want, "ours") && i%3 == 0 || strings.HasPrefix(want, "theirs") && i%4 == 0) &&
				!bytes.Contains(r.Merged, []byte(want)) {
				t.Errorf("%q is not in the merge %q", want, r.Merged)
			}
		}
	}
	if r.Conflicts == 0 {
		t.Errorf("no conflicts where both sides added after the same lines: %q", r.Merged)
	}
}
