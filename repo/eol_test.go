package repo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gitdiary/diary/internal/gittest"
)

// eolContents are the contents the conversion tests commit: every shape
// git's text conversion tells apart.
var eolContents = map[string]string{
	"lf":       "one\ntwo\n",
	"crlf":     "one\r\ntwo\r\n",
	"mixed":    "one\r\ntwo\nthree\r\n",
	"nofinal":  "one\r\ntwo",
	"lonecr":   "one\rtwo\r\n",
	"crcrlf":   "one\r\r\ntwo\r\n",
	"binary":   "PNG\x00\x01\x02\r\nrest\r\n",
	"late-nul": strings.Repeat("line\r\n", 2000) + "\x00\r\n",
	"controls": strings.Repeat("\x01", 3) + "short\r\n",
	"ctrl-z":   strings.Repeat("text ", 40) + "\r\nend\x1a",
	"empty":    "",
	"onlycr":   "\r",
	"hangul":   "일기\r\n오늘\r\n",
}

// eolIsolate gives the test process, which diary reads git's config in,
// a home and config of its own, as gittest.Env gives the git CLI.
func eolIsolate(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_ATTR_NOSYSTEM", "1")
}

// TestEOLAsGit is the differential test of the text conversion against
// the git CLI: for each .gitattributes × core.autocrlf (and core.eol),
// every content of eolContents is committed by diary and added by git,
// and the blobs must be the same; git status must be clean after
// diary's commit; diary's checkout of the commit must write the bytes a
// git clone writes; and after each file is rewritten with its line
// endings flipped, diary's changes must be git status's.
func TestEOLAsGit(t *testing.T) {
	gittest.NeedGit(t)
	eolIsolate(t)
	ctx := context.Background()
	attrs := []string{
		"",
		"* text",
		"* -text",
		"* text=auto",
		"* text eol=lf",
		"* text eol=crlf",
		"* text=auto eol=lf",
		"* text=auto eol=crlf",
		"* eol=crlf",
		"* eol=lf",
		"* binary",
		"* crlf",
		"* -crlf",
		"* crlf=input",
		"*.txt text eol=crlf\n/sub/** -text",
	}
	type setting struct{ autocrlf, eol string }
	settings := []setting{{"", ""}, {"true", ""}, {"input", ""}, {"false", "crlf"}}
	names := make([]string, 0, len(eolContents))
	for n := range eolContents {
		names = append(names, n)
	}
	sort.Strings(names)
	cases := 0
	// One repository per setting, a folder per attributes file.
	for _, st := range settings {
		{
			label := fmt.Sprintf("autocrlf=%q eol=%q", st.autocrlf, st.eol)
			base := t.TempDir()
			config := func(dir string) {
				if st.autocrlf != "" {
					gittest.Git(t, dir, "config", "core.autocrlf", st.autocrlf)
				}
				if st.eol != "" {
					gittest.Git(t, dir, "config", "core.eol", st.eol)
				}
			}
			var paths []string
			var attrFiles []string
			write := func(dir string) {
				paths, attrFiles = paths[:0], attrFiles[:0]
				for i, at := range attrs {
					folder := fmt.Sprintf("a%02d/", i)
					if at != "" {
						gittest.Write(t, dir, folder+".gitattributes", at+"\n")
						attrFiles = append(attrFiles, folder+".gitattributes")
					}
					for _, n := range names {
						ps := []string{n + ".txt"}
						if n == "lf" || n == "crlf" || n == "mixed" {
							ps = append(ps, "sub/"+n+".md") // below a folder, another extension
						}
						for _, p := range ps {
							gittest.Write(t, dir, folder+p, eolContents[n])
							paths = append(paths, folder+p)
						}
					}
				}
			}
			what := func(p string) string { // the case, for messages
				var i int
				fmt.Sscanf(p, "a%02d/", &i)
				return fmt.Sprintf("%s %q: %s", label, attrs[i], p)
			}
			d, g := filepath.Join(base, "diary"), filepath.Join(base, "git")
			for _, dir := range []string{d, g} {
				gittest.Git(t, base, "init", "-q", "-b", "main", dir)
				config(dir)
				write(dir)
			}
			r, err := Open(d)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.Commit(ctx, CommitOptions{Paths: append(attrFiles, paths...), Message: "first", Author: sig}); err != nil {
				t.Fatalf("%s: %v", label, err)
			}
			gittest.Git(t, g, "add", "-A")
			dBlobs, gBlobs := lsFiles(t, d), lsFiles(t, g)
			for _, p := range paths {
				cases++
				if dBlobs[p] != gBlobs[p] {
					t.Errorf("%s: diary stored %s, git add %s", what(p), dBlobs[p], gBlobs[p])
				}
			}
			if s := gittest.Git(t, d, "status", "--porcelain"); s != "" {
				t.Errorf("%s: git status after diary's commit:\n%s", label, s)
			}
			if ch, err := r.Changes(ctx); err != nil || len(ch) != 0 {
				t.Errorf("%s: diary's changes after its commit: %v %v", label, ch, err)
			}

			// Checkout: a git clone, and diary's own into an emptied work
			// tree, write the same bytes.
			c := filepath.Join(base, "clone")
			args := []string{"clone", "-q"}
			if st.autocrlf != "" {
				args = append(args, "-c", "core.autocrlf="+st.autocrlf)
			}
			if st.eol != "" {
				args = append(args, "-c", "core.eol="+st.eol)
			}
			gittest.Git(t, base, append(args, d, c)...)
			for _, p := range append(attrFiles, paths...) {
				os.Remove(filepath.Join(d, filepath.FromSlash(p)))
			}
			head, err := r.Head()
			if err != nil {
				t.Fatal(err)
			}
			tree, err := r.ReadTree(head.Hash)
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Update(ctx, ZeroHash, head.Hash, Tree{}, tree); err != nil {
				t.Fatalf("%s: checkout: %v", label, err)
			}
			for _, p := range paths {
				if got, want := gittest.Read(t, d, p), gittest.Read(t, c, p); got != want {
					t.Errorf("%s: diary checked out %q, git %q", what(p), got, want)
				}
			}
			// Every entry racily clean in both (the index older than the
			// files), so that git reads each file rather than trust its
			// stat data, which it would for some and not others as the
			// clock ticked during its clone.
			past := time.Now().Add(-time.Hour)
			for _, dir := range []string{d, c} {
				os.Chtimes(filepath.Join(dir, ".git", "index"), past, past)
			}
			// Clean, but for what git itself sees modified in its clone:
			// under text, "\r\r\n" is stored as "\r\n", which the next
			// clean would make "\n".
			if s, want := gittest.Git(t, d, "status", "--porcelain"), gittest.Git(t, c, "status", "--porcelain"); s != want {
				t.Errorf("%s: git status after diary's checkout:\n%s\nafter git's clone:\n%s", label, s, want)
			}

			// Line endings flipped: what git calls modified, diary does.
			for _, p := range paths {
				old := gittest.Read(t, d, p)
				flipped := strings.ReplaceAll(old, "\r\n", "\n")
				if flipped == old {
					flipped = strings.ReplaceAll(old, "\n", "\r\n")
				}
				gittest.Write(t, d, p, flipped)
				// As the user's edit of a while ago: git's status takes a
				// file whose size changed for modified without reading
				// it, and diary, which reads it, refreshes the stat data
				// in the index of one it finds the same, which a file
				// changed in the last seconds it leaves alone.
				then := time.Now().Add(-time.Minute)
				os.Chtimes(filepath.Join(d, filepath.FromSlash(p)), then, then)
			}
			ch, err := r.Changes(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range ch {
				got = append(got, c.Path)
			}
			var want []string
			for _, l := range strings.Split(strings.TrimRight(gittest.Git(t, d, "-c", "core.quotepath=false", "status", "--porcelain", "-uall"), "\n"), "\n") {
				if l != "" {
					want = append(want, l[3:])
				}
			}
			sort.Strings(want)
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s: with line endings flipped diary sees\n%v\ngit status, after diary's\n%v", label, got, want)
			}
		}
	}
	t.Logf("%d path × attributes × settings cases: blobs, checkout and status as git's", cases)
}

// lsFiles is the index's blobs by path, as git ls-files -s lists them.
func lsFiles(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(gittest.Git(t, dir, "-c", "core.quotepath=false", "ls-files", "-s")), "\n") {
		f := strings.Fields(l)
		if len(f) >= 4 {
			out[strings.Join(f[3:], " ")] = f[1]
		}
	}
	return out
}

// TestEOLAutoKeepsCRLFBlob: text=auto (and core.autocrlf) leave alone a
// file whose blob in the index already has CRLF, as git does
// (gitattributes(5), text=auto), and a .gitattributes gone from the work
// tree but still in the index is read from the index, as git reads it.
func TestEOLAutoKeepsCRLFBlob(t *testing.T) {
	gittest.NeedGit(t)
	eolIsolate(t)
	ctx := context.Background()
	for _, autocrlf := range []string{"", "true"} {
		base := t.TempDir()
		d, g := filepath.Join(base, "diary"), filepath.Join(base, "git")
		steps := []struct {
			files map[string]string
			rm    []string
		}{
			{files: map[string]string{"old.txt": "one\r\ntwo\r\n", "lf.txt": "one\ntwo\n"}},
			{files: map[string]string{".gitattributes": "* text=auto\n", "old.txt": "one\r\ntwo\r\nthree\r\n", "lf.txt": "one\r\ntwo\r\n", "new.txt": "a\r\nb\r\n"}},
			{files: map[string]string{"later.txt": "x\r\ny\r\n"}, rm: []string{".gitattributes"}},
		}
		for _, dir := range []string{d, g} {
			gittest.Git(t, base, "init", "-q", "-b", "main", dir)
			if autocrlf != "" {
				gittest.Git(t, dir, "config", "core.autocrlf", autocrlf)
			}
		}
		r, err := Open(d)
		if err != nil {
			t.Fatal(err)
		}
		for i, st := range steps {
			var paths []string
			for _, dir := range []string{d, g} {
				paths = paths[:0]
				for p, c := range st.files {
					gittest.Write(t, dir, p, c)
					paths = append(paths, p)
				}
				for _, p := range st.rm {
					os.Remove(filepath.Join(dir, p))
				}
			}
			sort.Strings(paths)
			if _, err := r.Commit(ctx, CommitOptions{Paths: paths, Message: "step", Author: sig}); err != nil {
				t.Fatal(err)
			}
			gittest.Git(t, g, append([]string{"add", "--"}, paths...)...)
			gittest.Git(t, g, "commit", "-q", "-m", "step")
			dBlobs, gBlobs := lsFiles(t, d), lsFiles(t, g)
			for _, p := range paths {
				if dBlobs[p] != gBlobs[p] {
					t.Errorf("autocrlf=%q step %d: %s: diary stored %s (%q), git %s (%q)", autocrlf, i, p,
						dBlobs[p], gittest.Git(t, d, "cat-file", "-p", dBlobs[p]), gBlobs[p], gittest.Git(t, g, "cat-file", "-p", gBlobs[p]))
				}
			}
			want := gittest.Git(t, g, "status", "--porcelain")
			if got := gittest.Git(t, d, "status", "--porcelain"); got != want {
				t.Errorf("autocrlf=%q step %d: git status after diary's commit:\n%s\nafter git's:\n%s", autocrlf, i, got, want)
			}
		}
	}
}
