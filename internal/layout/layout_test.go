package layout

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// pkg is what the guard needs of one `go list -json` record.
type pkg struct {
	ImportPath   string
	Dir          string
	Imports      []string
	TestImports  []string
	XTestImports []string
	Deps         []string
}

// listModule runs `go list -e -deps=false -json ./...` in the module
// root dir, offline (GOPROXY=off: everything it needs is in the module
// cache or, for a made-up module, reported as an import all the same).
func listModule(t *testing.T, dir string) (module string, pkgs []pkg) {
	t.Helper()
	mod := exec.Command("go", "list", "-m")
	mod.Dir = dir
	mod.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod")
	out, err := mod.Output()
	if err != nil {
		t.Fatalf("go list -m in %s: %v: %s", dir, err, stderrOf(err))
	}
	module = strings.TrimSpace(string(out))
	cmd := exec.Command("go", "list", "-e", "-json", "./...")
	cmd.Dir = dir
	cmd.Env = mod.Env
	out, err = cmd.Output()
	if err != nil {
		t.Fatalf("go list -json ./... in %s: %v: %s", dir, err, stderrOf(err))
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("go list -json ./... in %s: %v", dir, err)
		}
		pkgs = append(pkgs, p)
	}
	return module, pkgs
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}

// under says whether path is the package prefix or one below it.
func under(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// breaches lists every way the module in root, whose packages are pkgs,
// departs from the layout of DESIGN.md; nil when it keeps to it.
func breaches(root, module string, pkgs []pkg) ([]string, error) {
	var out []string
	say := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	// The module root holds go.mod, go.sum, README.md, LICENSE, NOTICE and folders.
	files, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if strings.HasSuffix(f.Name(), ".go") {
			say("%s: a .go file in the module root: command logic goes in internal/app, one file per verb", f.Name())
		}
	}

	repoPkg, configPkg := module+"/repo", module+"/config"
	for _, p := range pkgs {
		all := slices.Concat(p.Imports, p.TestImports, p.XTestImports)
		for _, imp := range all {
			if strings.HasPrefix(imp, "github.com/go-git/") && !under(p.ImportPath, repoPkg) {
				say("%s imports %s: only repo/... may import go-git", p.ImportPath, imp)
			}
			if strings.HasPrefix(imp, repoPkg+"/") && !under(p.ImportPath, repoPkg) {
				say("%s imports %s: a room of repo is repo's own; call repo, whose API has its own types", p.ImportPath, imp)
			}
			if under(imp, "github.com/spf13/viper") && !under(p.ImportPath, configPkg) {
				say("%s imports %s: only config/ may import viper", p.ImportPath, imp)
			}
		}
		if under(p.ImportPath, module+"/entry") {
			deps := slices.Concat(p.Imports, p.Deps)
			slices.Sort(deps)
			for _, dep := range slices.Compact(deps) {
				if under(dep, repoPkg) || under(dep, configPkg) {
					say("%s depends on %s: entry/ must not know git or settings", p.ImportPath, dep)
				}
			}
		}
		if under(p.ImportPath, module+"/sync") || under(p.ImportPath, module+"/internal/app") {
			prints, err := printsIn(root, p.Dir)
			if err != nil {
				return nil, err
			}
			for _, where := range prints {
				say("%s: %s prints nothing: return what happened and let cmd/diary print it", where, p.ImportPath)
			}
		}
	}
	return out, nil
}

// printsIn lists the places in the non-test .go files of dir (all of
// them, whatever their build constraints), relative to root, that name os.Stdout,
// os.Stderr, a fmt.Print function or the builtin print and println.
func printsIn(root, dir string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var out []string
	at := func(pos token.Pos) string {
		p := fset.Position(pos)
		if rel, err := filepath.Rel(root, p.Filename); err == nil {
			p.Filename = rel
		}
		return p.String()
	}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		// The local names of fmt and os in this file.
		local := map[string]string{}
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			if path != "fmt" && path != "os" {
				continue
			}
			as := path
			if imp.Name != nil {
				as = imp.Name.Name
			}
			local[as] = path
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				x, ok := n.X.(*ast.Ident)
				if !ok {
					break
				}
				switch local[x.Name] {
				case "os":
					if n.Sel.Name == "Stdout" || n.Sel.Name == "Stderr" {
						out = append(out, fmt.Sprintf("%s: os.%s", at(n.Pos()), n.Sel.Name))
					}
				case "fmt":
					if strings.HasPrefix(n.Sel.Name, "Print") {
						out = append(out, fmt.Sprintf("%s: fmt.%s", at(n.Pos()), n.Sel.Name))
					}
				}
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && (id.Name == "print" || id.Name == "println") {
					out = append(out, fmt.Sprintf("%s: %s", at(n.Pos()), id.Name))
				}
			}
			return true
		})
	}
	return out, nil
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		t.Fatal("go env GOMOD: not in a module")
	}
	return filepath.Dir(gomod)
}

// TestLayout holds the whole module to DESIGN.md's layout.
func TestLayout(t *testing.T) {
	root := moduleRoot(t)
	module, pkgs := listModule(t, root)
	if module != "github.com/gitdiary/diary" {
		t.Fatalf("module %q in %s: want github.com/gitdiary/diary", module, root)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list ./... found %d packages in %s: the guard would see too little", len(pkgs), root)
	}
	found, err := breaches(root, module, pkgs)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range found {
		t.Error(b)
	}
}

// TestLayoutCatches builds a small module that breaks every rule, and
// checks that the guard names each breach: a guard that passes
// everything would let TestLayout pass too.
func TestLayoutCatches(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/d\n\ngo 1.22\n")
	write("diary.go", "package diary\n")
	write("config/config.go", "package config\n\nimport _ \"github.com/spf13/viper\"\n")
	write("repo/repo.go", "package repo\n\nimport _ \"github.com/go-git/go-git/v5\"\n")
	write("repo/odb/odb.go", "package odb\n\nimport _ \"github.com/go-git/go-git/v5/plumbing\"\n")
	write("util/util.go", "package util\n\nimport _ \"example.com/d/config\"\n")
	write("entry/entry.go", "package entry\n\nimport _ \"example.com/d/util\"\n")
	write("entry/git.go", "package entry\n\nimport _ \"example.com/d/repo\"\n")
	write("sync/sync.go", "package sync\n\nimport f \"fmt\"\n\nfunc run() { f.Println(); println() }\n")
	write("sync/merge/merge_test.go", "package merge\n\nimport (\n\t\"fmt\"\n\t\"testing\"\n)\n\nfunc TestX(t *testing.T) { fmt.Println() }\n")
	write("sync/merge/merge.go", "package merge\n")
	write("internal/app/app.go", "package app\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc say() { fmt.Fprintln(os.Stderr) }\n")
	write("cmd/d/main.go", "package main\n\nimport (\n\t_ \"example.com/d/repo/odb\"\n\t_ \"github.com/go-git/go-git/v5/plumbing\"\n\t_ \"github.com/spf13/viper\"\n)\n\nfunc main() {}\n")

	module, pkgs := listModule(t, dir)
	found, err := breaches(dir, module, pkgs)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"diary.go: a .go file in the module root",
		"example.com/d/cmd/d imports github.com/go-git/go-git/v5/plumbing: only repo/...",
		"example.com/d/cmd/d imports github.com/spf13/viper: only config/",
		"example.com/d/cmd/d imports example.com/d/repo/odb: a room of repo",
		"example.com/d/entry depends on example.com/d/repo:",
		"example.com/d/entry depends on example.com/d/config:",
		"sync.go:5:14: fmt.Println",
		"sync.go:5:27: println",
		"app.go:8:27: os.Stderr",
	}
	all := strings.Join(found, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("the guard missed %q; it said:\n%s", w, all)
		}
	}
	if len(found) != len(want) {
		t.Errorf("the guard said %d things, want %d:\n%s", len(found), len(want), all)
	}
}
