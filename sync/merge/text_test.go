package merge

import (
	"os/exec"
	"testing"
)

var gitLabels = Labels{Ours: "ours", Base: "base", Theirs: "theirs"}

// The expected merges below are git merge-file's (2.39), and are checked
// against the installed git too when there is one.
var textCases = []struct {
	name               string
	base, ours, theirs string
	want               string
	conflicts          int
}{
	{name: "all empty"},
	{name: "added on one side to an empty file", ours: "a\n", want: "a\n"},
	{name: "added on both to an empty file, differently", ours: "a\n", theirs: "b\n",
		want: "<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n", conflicts: 1},
	{name: "added on both to an empty file, the same", ours: "a\n", theirs: "a\n", want: "a\n"},
	{name: "everything deleted on one side", base: "a\nb\n", ours: "", theirs: "a\nb\n", want: ""},
	{name: "only ours changed", base: "a\nb\nc\n", ours: "a\nB\nc\n", theirs: "a\nb\nc\n", want: "a\nB\nc\n"},
	{name: "only theirs changed", base: "a\nb\nc\n", ours: "a\nb\nc\n", theirs: "a\nb\nC\n", want: "a\nb\nC\n"},
	{name: "both changed the same", base: "a\nb\nc\n", ours: "a\nB\nc\nd\n", theirs: "a\nB\nc\nd\n",
		want: "a\nB\nc\nd\n"},
	{name: "one line apart: clean", base: "a\nb\nc\nd\n", ours: "a\nB\nc\nd\n", theirs: "a\nb\nc\nD\n",
		want: "a\nB\nc\nD\n"},
	{name: "touching changes conflict", base: "a\nb\nc\nd\n", ours: "a\nB\nc\nd\n", theirs: "a\nb\nC\nd\n",
		want: "a\n<<<<<<< ours\nB\nc\n=======\nb\nC\n>>>>>>> theirs\nd\n", conflicts: 1},
	{name: "a deletion touching a change conflicts", base: "a\nb\n", ours: "b\n", theirs: "a\nc\n",
		want: "<<<<<<< ours\nb\n=======\na\nc\n>>>>>>> theirs\n", conflicts: 1},
	{name: "both append at the end", base: "a\n", ours: "a\nx\n", theirs: "a\ny\n",
		want: "a\n<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n", conflicts: 1},
	{name: "final newline removed on one side, change at the start on the other",
		base: "a\nb\n", ours: "a\nb", theirs: "x\nb\n",
		want: "<<<<<<< ours\na\nb\n=======\nx\nb\n>>>>>>> theirs\n", conflicts: 1},
	{name: "final newline removed on both", base: "a\nb\n", ours: "a\nb", theirs: "a\nb", want: "a\nb"},
	{name: "no final newline in a conflict", base: "a\nb\n", ours: "a\nc", theirs: "a\nd",
		want: "a\n<<<<<<< ours\nc\n=======\nd\n>>>>>>> theirs\n", conflicts: 1},
	{name: "CRLF conflict", base: "a\r\nb\r\n", ours: "a\r\nx\r\n", theirs: "a\r\ny\r\n",
		want: "a\r\n<<<<<<< ours\r\nx\r\n=======\r\ny\r\n>>>>>>> theirs\r\n", conflicts: 1},
	{name: "CRLF conflict without final newline", base: "a\r\nb\r\n", ours: "a\r\nx", theirs: "a\r\ny",
		want: "a\r\n<<<<<<< ours\r\nx\r\n=======\r\ny\r\n>>>>>>> theirs\r\n", conflicts: 1},
	{name: "CRLF clean", base: "a\r\nb\r\nc\r\nd\r\n", ours: "A\r\nb\r\nc\r\nd\r\n", theirs: "a\r\nb\r\nc\r\nD\r\n",
		want: "A\r\nb\r\nc\r\nD\r\n"},
	{name: "zealous: only the differing line conflicts", base: "a\nz\n",
		ours: "a\n1\n2\nX\n3\n4\nz\n", theirs: "a\n1\n2\nY\n3\n4\nz\n",
		want: "a\n1\n2\n<<<<<<< ours\nX\n=======\nY\n>>>>>>> theirs\n3\n4\nz\n", conflicts: 1},
	{name: "zealous: conflicts split by four lines with letters", base: "a\nz\n",
		ours: "a\nP\nb1\nb2\nb3\nb4\nQ\nz\n", theirs: "a\nR\nb1\nb2\nb3\nb4\nS\nz\n",
		want:      "a\n<<<<<<< ours\nP\n=======\nR\n>>>>>>> theirs\nb1\nb2\nb3\nb4\n<<<<<<< ours\nQ\n=======\nS\n>>>>>>> theirs\nz\n",
		conflicts: 2},
	{name: "zealous: lines without ASCII letters or digits join conflicts", base: "a\nz\n",
		ours: "a\nP\n안녕\n---\n\n…\nQ\nz\n", theirs: "a\nR\n안녕\n---\n\n…\nS\nz\n",
		want: "a\n<<<<<<< ours\nP\n안녕\n---\n\n…\nQ\n=======\nR\n안녕\n---\n\n…\nS\n>>>>>>> theirs\nz\n", conflicts: 1},
}

func TestText(t *testing.T) {
	var gm *gitMerger
	if git, err := exec.LookPath("git"); err == nil {
		gm = newGitMerger(t, git)
	}
	for _, c := range textCases {
		t.Run(c.name, func(t *testing.T) {
			r := Text([]byte(c.base), []byte(c.ours), []byte(c.theirs), gitLabels)
			if string(r.Merged) != c.want || r.Conflicts != c.conflicts {
				t.Errorf("Text = %d conflicts\n%q\nwant %d\n%q", r.Conflicts, r.Merged, c.conflicts, c.want)
			}
			if r.Clean() != (c.conflicts == 0) {
				t.Errorf("Clean() = %v with %d conflicts", r.Clean(), r.Conflicts)
			}
			if gm == nil {
				return
			}
			out, n, err := gm.merge([]byte(c.base), []byte(c.ours), []byte(c.theirs))
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != c.want || n != c.conflicts {
				t.Errorf("git merge-file = %d conflicts\n%q\nthe table says %d\n%q", n, out, c.conflicts, c.want)
			}
		})
	}
}

func TestTextLabels(t *testing.T) {
	r := Text([]byte("a\n"), []byte("b\n"), []byte("c\n"), Labels{Ours: "laptop", Theirs: "origin/main"})
	want := "<<<<<<< laptop\nb\n=======\nc\n>>>>>>> origin/main\n"
	if string(r.Merged) != want {
		t.Errorf("got %q, want %q", r.Merged, want)
	}
	r = Text([]byte("a\n"), []byte("b\n"), []byte("c\n"), Labels{})
	want = "<<<<<<<\nb\n=======\nc\n>>>>>>>\n"
	if string(r.Merged) != want {
		t.Errorf("without labels: got %q, want %q", r.Merged, want)
	}
}

// TestTextDoesNotAlias checks that the merge is a copy: changing it leaves
// the inputs alone.
func TestTextDoesNotAlias(t *testing.T) {
	base, ours, theirs := []byte("a\n"), []byte("a\n"), []byte("b\n")
	r := Text(base, ours, theirs, gitLabels)
	r.Merged[0] = 'X'
	if string(theirs) != "b\n" {
		t.Errorf("theirs changed to %q", theirs)
	}
}
