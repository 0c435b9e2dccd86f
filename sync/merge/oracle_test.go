package merge

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// gitPath returns the git binary, or skips the test without one (fails
// it on CI, where git is installed).
func gitPath(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("git")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("git is needed as the merge oracle: %v", err)
		}
		t.Skipf("git not found: %v", err)
	}
	return p
}

// gitMerger runs `git merge-file -p` in a directory of its own, reusing
// the three files. It reads no configuration that could change the merge
// style.
type gitMerger struct {
	git, dir string
	env      []string
}

func newGitMerger(t testing.TB, git string) *gitMerger {
	dir := t.TempDir()
	env := append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_CEILING_DIRECTORIES="+filepath.Dir(dir),
		"LC_ALL=C",
	)
	return &gitMerger{git: git, dir: dir, env: env}
}

// merge returns git's merge and its number of conflicts (capped at 127).
func (g *gitMerger) merge(base, ours, theirs []byte) ([]byte, int, error) {
	for name, data := range map[string][]byte{"base": base, "ours": ours, "theirs": theirs} {
		if err := os.WriteFile(filepath.Join(g.dir, name), data, 0o600); err != nil {
			return nil, 0, err
		}
	}
	cmd := exec.Command(g.git, "-c", "merge.conflictStyle=merge", "merge-file", "-p",
		"-L", "ours", "-L", "base", "-L", "theirs", "ours", "base", "theirs")
	cmd.Dir = g.dir
	cmd.Env = g.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return stdout.Bytes(), 0, nil
	case errors.As(err, &ee) && ee.ExitCode() > 0 && ee.ExitCode() <= 127:
		return stdout.Bytes(), ee.ExitCode(), nil
	}
	return nil, 0, fmt.Errorf("git merge-file: %v: %s", err, stderr.Bytes())
}

// The generated files: lines drawn from a small vocabulary, so that
// repeats happen and alignments are ambiguous, with some Hangul, some
// lines without letters or digits (which git's zealous mode treats
// specially between conflicts), and unique lines that anchor the diff.
var vocab = []string{
	"alpha", "beta", "gamma", "delta", "the quick brown fox", "x = 1",
	"", "", "}", "{", "---", "* * *", ")", "    indented", "- item", "# Heading",
	"오늘은 비가 왔다.", "안녕하세요", "일기를 쓴다", "…", "—",
	"> 심심할 때 재미로 개인의 생각을 정리하고, 작성하는 곳입니다.",
}

type genFile struct {
	lines   []string // without line ends
	crlf    bool
	finalNL bool
}

func (f genFile) bytes() []byte {
	eol := "\n"
	if f.crlf {
		eol = "\r\n"
	}
	var b strings.Builder
	for i, l := range f.lines {
		b.WriteString(l)
		if i < len(f.lines)-1 || f.finalNL {
			b.WriteString(eol)
		}
	}
	return []byte(b.String())
}

func (f genFile) clone() genFile {
	f.lines = append([]string(nil), f.lines...)
	return f
}

type gen struct {
	r        *rand.Rand
	unique   int
	vocab    []string // this case's vocabulary: all of vocab, or a few lines of it
	minLen   int
	maxLen   int
	maxEdits int // per side
}

func (g *gen) line() string {
	switch n := g.r.IntN(10); {
	case n < 6:
		return g.vocab[g.r.IntN(len(g.vocab))]
	case n < 7:
		// A line in another line end style inside the file.
		return g.vocab[g.r.IntN(len(g.vocab))] + "\r"
	default:
		g.unique++
		return fmt.Sprintf("line %d", g.unique)
	}
}

func (g *gen) base() genFile {
	n := g.minLen + g.r.IntN(g.maxLen-g.minLen+1)
	f := genFile{crlf: g.r.IntN(10) == 0, finalNL: g.r.IntN(7) != 0}
	for range n {
		f.lines = append(f.lines, g.line())
	}
	return f
}

// edit applies one random edit to f.
type edit func(f *genFile)

func (g *gen) edit() edit {
	r := g.r
	pos := func(f *genFile, extra int) int { return r.IntN(len(f.lines) + extra) }
	switch r.IntN(11) {
	case 0, 1: // insert a few lines
		k := 1 + r.IntN(3)
		var ls []string
		for range k {
			ls = append(ls, g.line())
		}
		p := r.Uint32()
		return func(f *genFile) {
			i := int(p % uint32(len(f.lines)+1))
			f.lines = append(f.lines[:i], append(ls, f.lines[i:]...)...)
		}
	case 2, 3: // delete a few lines
		k := 1 + r.IntN(3)
		p := r.Uint32()
		return func(f *genFile) {
			if len(f.lines) == 0 {
				return
			}
			i := int(p % uint32(len(f.lines)))
			j := min(i+k, len(f.lines))
			f.lines = append(f.lines[:i], f.lines[j:]...)
		}
	case 4, 5: // replace a line
		l := g.line()
		p := r.Uint32()
		return func(f *genFile) {
			if len(f.lines) == 0 {
				f.lines = []string{l}
				return
			}
			f.lines[int(p%uint32(len(f.lines)))] = l
		}
	case 6: // duplicate a line
		p := r.Uint32()
		return func(f *genFile) {
			if len(f.lines) == 0 {
				return
			}
			i := int(p % uint32(len(f.lines)))
			f.lines = append(f.lines[:i+1], append([]string{f.lines[i]}, f.lines[i+1:]...)...)
		}
	case 7: // move a line
		p, q := r.Uint32(), r.Uint32()
		return func(f *genFile) {
			if len(f.lines) < 2 {
				return
			}
			i := int(p % uint32(len(f.lines)))
			l := f.lines[i]
			f.lines = append(f.lines[:i], f.lines[i+1:]...)
			j := int(q % uint32(len(f.lines)+1))
			f.lines = append(f.lines[:j], append([]string{l}, f.lines[j:]...)...)
		}
	case 8: // at the start
		l := g.line()
		replace := r.IntN(2) == 0
		return func(f *genFile) {
			if replace && len(f.lines) > 0 {
				f.lines[0] = l
			} else {
				f.lines = append([]string{l}, f.lines...)
			}
		}
	case 9: // at the end
		l := g.line()
		how := r.IntN(3)
		return func(f *genFile) {
			switch {
			case how == 0 || len(f.lines) == 0:
				f.lines = append(f.lines, l)
			case how == 1:
				f.lines[len(f.lines)-1] = l
			default:
				f.lines = f.lines[:len(f.lines)-1]
			}
		}
	default: // the final newline
		_ = pos
		return func(f *genFile) { f.finalNL = !f.finalNL }
	}
}

type oracleCase struct {
	base, ours, theirs []byte
}

func (g *gen) oracleCase() oracleCase {
	g.vocab = vocab
	if g.r.IntN(4) == 0 {
		// A handful of lines, each repeated often: xdiff sets such lines
		// aside before its search when they sit among unmatched lines.
		k := 2 + g.r.IntN(4)
		g.vocab = make([]string, k)
		for i := range g.vocab {
			g.vocab[i] = vocab[g.r.IntN(len(vocab))]
		}
	}
	base := g.base()
	ours, theirs := base.clone(), base.clone()
	if g.r.IntN(6) == 0 { // the same edits on both sides first
		for range 1 + g.r.IntN(2) {
			e := g.edit()
			e(&ours)
			e(&theirs)
		}
	}
	for _, f := range []*genFile{&ours, &theirs} {
		for range g.r.IntN(g.maxEdits + 1) {
			g.edit()(f)
		}
	}
	if g.r.IntN(40) == 0 {
		theirs = ours.clone()
	}
	return oracleCase{base.bytes(), ours.bytes(), theirs.bytes()}
}

func (c oracleCase) String() string {
	return fmt.Sprintf("base:   %q\nours:   %q\ntheirs: %q", c.base, c.ours, c.theirs)
}

// TestTextAgainstGit merges thousands of random edit pairs with Text and
// with git merge-file, DESIGN.md's measure of the merge: Text may never
// merge cleanly where git conflicts; where git merges cleanly, Text must
// too in at least 99% of cases, and give the same bytes in at least 99%
// of those.
func TestTextAgainstGit(t *testing.T) {
	git := gitPath(t)
	const n = 5000
	g := &gen{r: rand.New(rand.NewPCG(2024, 4)), minLen: 5, maxLen: 60, maxEdits: 4}
	cases := make([]oracleCase, n)
	for i := range cases {
		cases[i] = g.oracleCase()
	}
	runOracle(t, git, cases)
}

// TestTextAgainstGitLarge does the same on long files with hundreds of
// edits on each side, where git's diff may give up on a shortest diff
// past a cost of its own (a bound it does not document, so Text does not
// copy it): the hard rule must hold there too.
func TestTextAgainstGitLarge(t *testing.T) {
	git := gitPath(t)
	n := 60
	if testing.Short() {
		n = 10
	}
	g := &gen{r: rand.New(rand.NewPCG(7, 11)), minLen: 500, maxLen: 4000}
	cases := make([]oracleCase, n)
	for i := range cases {
		g.maxEdits = 600
		if i%2 == 1 {
			g.maxEdits = 3000 // most lines changed: the search gives up early
		}
		cases[i] = g.oracleCase()
	}
	runOracle(t, git, cases)
}

func runOracle(t *testing.T, git string, cases []oracleCase) {
	n := len(cases)

	type outcome struct {
		git    []byte
		gitN   int
		err    error
		merged Result
	}
	outs := make([]outcome, n)
	var wg sync.WaitGroup
	next := make(chan int)
	workers := 2 * runtime.GOMAXPROCS(0)
	for range workers {
		gm := newGitMerger(t, git)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				c := cases[i]
				o := &outs[i]
				o.git, o.gitN, o.err = gm.merge(c.base, c.ours, c.theirs)
				o.merged = Text(c.base, c.ours, c.theirs, Labels{"ours", "base", "theirs"})
			}
		}()
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()

	var same, differ, bothConflict, conflictSame, conflictCountSame, textOnly, gitOnly int
	var shown int
	show := func(what string, i int) {
		if shown >= 5 {
			return
		}
		shown++
		if len(cases[i].base) > 4000 {
			t.Logf("case %d: %s (%d, %d, %d bytes; not shown)", i, what,
				len(cases[i].base), len(cases[i].ours), len(cases[i].theirs))
			return
		}
		t.Logf("case %d: %s\n%v\ngit (%d conflicts):\n%q\nText (%d conflicts):\n%q",
			i, what, cases[i], outs[i].gitN, outs[i].git, outs[i].merged.Conflicts, outs[i].merged.Merged)
	}
	for i, o := range outs {
		if o.err != nil {
			t.Fatalf("case %d: %v\n%v", i, o.err, cases[i])
		}
		textClean, gitClean := o.merged.Clean(), o.gitN == 0
		switch {
		case textClean && gitClean && bytes.Equal(o.git, o.merged.Merged):
			same++
		case textClean && gitClean:
			differ++
			show("both clean, different merges", i)
		case !textClean && !gitClean:
			bothConflict++
			if bytes.Equal(o.git, o.merged.Merged) {
				conflictSame++
			}
			if o.gitN == min(o.merged.Conflicts, 127) {
				conflictCountSame++
			}
		case !textClean:
			textOnly++
			show("Text conflicts, git merges cleanly", i)
		default:
			gitOnly++
			t.Errorf("case %d: Text merged cleanly where git reports %d conflicts", i, o.gitN)
			show("Text clean, git conflicts", i)
		}
	}
	t.Logf("%d cases: both clean and identical %d; both clean and different %d; both conflicted %d "+
		"(identical output %d, same conflict count %d); Text conflicted where git was clean %d; "+
		"Text clean where git conflicted %d",
		n, same, differ, bothConflict, conflictSame, conflictCountSame, textOnly, gitOnly)
	// The three figures of DESIGN.md (Sync, text merge quality).
	gitClean := same + differ + textOnly
	pct := func(a, b int) float64 {
		if b == 0 {
			return 100
		}
		return 100 * float64(a) / float64(b)
	}
	t.Logf("figures: clean where git conflicts %d; clean where git is clean %.2f%% (%d of %d); "+
		"identical where both are clean %.2f%% (%d of %d)",
		gitOnly, pct(same+differ, gitClean), same+differ, gitClean, pct(same, same+differ), same, same+differ)
	if gitClean > 0 && pct(same+differ, gitClean) < 99 {
		t.Errorf("clean where git is clean: %.2f%%, want at least 99%%", pct(same+differ, gitClean))
	}
	if bothClean := same + differ; bothClean > 0 && pct(same, bothClean) < 99 {
		t.Errorf("identical where both clean: %d of %d (%.2f%%), want at least 99%%",
			same, bothClean, pct(same, bothClean))
	}
	if t.Failed() {
		for i, o := range outs {
			if o.merged.Clean() != (o.gitN == 0) || !bytes.Equal(o.git, o.merged.Merged) {
				show("differs", i)
			}
		}
	}
}
