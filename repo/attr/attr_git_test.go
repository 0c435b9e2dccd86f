package attr

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitdiary/diary/internal/gittest"
)

// TestLookupAsGit asks the git CLI (`git check-attr`) and a Checker the
// attributes text, eol and crlf of many paths under attributes files
// that use every part of the pattern and macro syntax, and wants the
// same answers.
func TestLookupAsGit(t *testing.T) {
	gittest.NeedGit(t)
	files := map[string]string{
		".gitattributes": strings.Join([]string{
			"# a comment",
			"*.md text eol=lf",
			"*.txt text",
			"*.bat text eol=crlf",
			"*.png binary",
			"*.auto text=auto",
			"*.autolf text=auto eol=lf",
			"/top.md -text",
			"docs/**/*.md eol=crlf",
			"**/gen/* -text",
			"a/**/b.md text=auto",
			"lit/** eol=crlf",
			"dir/ text=auto",
			"!neg.md -text",
			"\"quoted name.md\" -text",
			"\"q\\303\\251.md\" eol=crlf",
			"[attr]lf text eol=lf",
			"[attr]nest lf",
			"*.lf lf",
			"*.nest nest",
			"*.unlf -lf",
			"*.bin -binary text",
			"*.both binary text",
			"*.uns text !text",
			"*.legacy crlf",
			"*.nolegacy -crlf",
			"*.input crlf=input",
			"*.textinput text=input",
			"*.textfoo text=foo crlf",
			"*.bad text bad^name",
			"*.eolonly eol=crlf",
			"*.eolodd eol=mac",
			"*.unseteol -text eol=crlf",
			"*.minusval -text=auto",
			"[abc].q text",
			"[!abc].r text",
			"[a-c]x.s text",
			"[[:digit:]]*.t text",
			"[[:nope:]].u text",
			"unclosed[.v text",
			"esc\\*.w text",
			"?.x text",
			"*/*.y text",
			"sub/*.z text",
			"x**y.z2 text",
			"\ttabbed.md -text\r",
		}, "\n") + "\n",
		"sub/.gitattributes":        "*.md -text\n[attr]lf -text\n/only.txt eol=crlf\nnested/*.txt text=auto\n*.z !text\n",
		"sub/deeper/.gitattributes": "*.md text=auto eol=crlf\n",
	}
	info := "*.info text eol=crlf\nsub/*.md eol=lf\n"
	paths := []string{
		"a.md", "top.md", "x/top.md", "a.txt", "w.bat", "p.png", "x.auto", "x.autolf",
		"docs/a.md", "docs/x/y/a.md", "docs/a.txt", "gen/a.md", "x/gen/a.txt", "x/gen/y/a.txt",
		"a/b.md", "a/x/b.md", "a/x/y/b.md", "ab.md", "lit/a", "lit/x/y", "dir/a.md", "dir",
		"neg.md", "quoted name.md", "qé.md", "f.lf", "f.nest", "f.unlf", "f.bin", "f.both", "f.uns",
		"f.legacy", "f.nolegacy", "f.input", "f.textinput", "f.textfoo", "f.bad", "f.eolonly", "f.eolodd",
		"f.unseteol", "f.minusval", "a.q", "d.q", "ab.q", "a.r", "d.r", "ax.s", "dx.s", "1abc.t", "a.t",
		"[.u", "n.u", "unclosed[.v", "esc*.w", "escx.w", "a.x", "ab.x", "d/a.y", "a.y", "d/e/a.y",
		"sub/a.z", "sub/x/a.z", "xy.z2", "xaby.z2", "tabbed.md",
		"sub/a.md", "sub/only.txt", "only.txt", "sub/x/only.txt", "sub/nested/a.txt", "sub/f.lf",
		"sub/deeper/a.md", "sub/deeper/x/a.md", "f.info", "sub/f.info", "Top.md", "A.MD",
	}
	dir := t.TempDir()
	gittest.Git(t, dir, "init", "-q")
	for name, content := range files {
		gittest.Write(t, dir, name, content)
	}
	if err := os.WriteFile(filepath.Join(dir, ".git", "info", "attributes"), []byte(info), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, fold := range []bool{false, true} {
		gittest.Git(t, dir, "config", "core.ignorecase", fmt.Sprint(fold))
		// stdout alone: the warnings on stderr would break its lines.
		cmd := exec.Command("git", append([]string{"-c", "core.quotepath=false", "check-attr", "text", "eol", "crlf", "--"}, paths...)...)
		cmd.Dir, cmd.Env = dir, gittest.Env(dir)
		raw, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		out := string(raw)
		want := map[string]string{}
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			i := strings.LastIndex(l, ": ")
			if i < 0 || strings.HasPrefix(l, "warning: ") {
				continue // a warning on stderr
			}
			j := strings.LastIndex(l[:i], ": ")
			if j < 0 {
				continue
			}
			p := strings.Trim(l[:j], "\"")
			want[p+" "+l[j+2:i]] = l[i+2:]
		}
		c := NewChecker(Files{Info: []byte(info)}, func(d string) []byte {
			name := ".gitattributes"
			if d != "" {
				name = d + "/" + name
			}
			if s, ok := files[name]; ok {
				return []byte(s)
			}
			return nil
		}, fold)
		for _, p := range paths {
			a := c.Lookup(p)
			for _, kv := range []struct {
				name string
				st   State
			}{{"text", a.Text}, {"eol", a.EOL}, {"crlf", a.CRLF}} {
				if got, w := show(kv.st), want[p+" "+kv.name]; got != w {
					t.Errorf("ignorecase=%v: %s: %s is %s, git says %s", fold, p, kv.name, got, w)
				}
			}
		}
	}
}

// show is State as check-attr prints it.
func show(s State) string {
	switch s.Kind {
	case Set:
		return "set"
	case Unset:
		return "unset"
	case Valued:
		return s.Value
	}
	return "unspecified"
}
