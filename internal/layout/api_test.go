package layout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

// exportImporter type-checks against the compiler's export data of the
// packages `go list -export -deps` names for patterns in dir: the types
// as the compiler sees them, aliases resolved, without parsing go-git.
func exportImporter(t *testing.T, dir string, patterns ...string) (types.Importer, map[string]bool) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-export", "-deps", "-json=ImportPath,Export,DepOnly"}, patterns...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -export %s in %s: %v: %s", strings.Join(patterns, " "), dir, err, stderrOf(err))
	}
	exports := map[string]string{}
	named := map[string]bool{} // the packages the patterns matched, not their dependencies
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath, Export string
			DepOnly            bool
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("go list -export in %s: %v", dir, err)
		}
		exports[p.ImportPath] = p.Export
		if !p.DepOnly {
			named[p.ImportPath] = true
		}
	}
	lookup := func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok || file == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	}
	return importer.ForCompiler(token.NewFileSet(), "gc", lookup), named
}

// exposed lists every exported name of pkg whose type, signature,
// fields or methods name a type of a package matching foreign: what a
// caller of pkg would have to hold or spell in that package's terms.
func exposed(pkg *types.Package, foreign func(path string) bool) []string {
	var out []string
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		w := &walker{foreign: foreign, seen: map[types.Type]bool{}}
		if tn, ok := obj.(*types.TypeName); ok {
			if tn.IsAlias() {
				w.walk(types.Unalias(tn.Type()), true)
			} else {
				w.walk(tn.Type().Underlying(), false)
			}
			// Methods: those of T and of *T that a caller can call.
			ms := types.NewMethodSet(types.NewPointer(tn.Type()))
			for i := range ms.Len() {
				if m := ms.At(i).Obj(); m.Exported() {
					w.walk(m.Type(), false)
				}
			}
		} else {
			w.walk(obj.Type(), false)
		}
		for _, f := range w.found {
			out = append(out, fmt.Sprintf("%s.%s exposes %s", pkg.Path(), name, f))
		}
	}
	return out
}

type walker struct {
	foreign func(string) bool
	seen    map[types.Type]bool
	found   []string
}

// walk looks through t for foreign named types. Below a named type of
// pkg's own it looks no further than the name (its own entry in the
// scope is walked on its own), unless top says t is what an alias names.
func (w *walker) walk(t types.Type, top bool) {
	if t == nil || w.seen[t] {
		return
	}
	w.seen[t] = true
	switch t := t.(type) {
	case *types.Alias:
		w.walk(types.Unalias(t), top)
	case *types.Named:
		if p := t.Obj().Pkg(); p != nil && w.foreign(p.Path()) {
			w.found = append(w.found, types.TypeString(t, nil))
			return
		}
		for i := range t.TypeArgs().Len() {
			w.walk(t.TypeArgs().At(i), false)
		}
		if top {
			w.walk(t.Underlying(), false)
		}
	case *types.Pointer:
		w.walk(t.Elem(), false)
	case *types.Slice:
		w.walk(t.Elem(), false)
	case *types.Array:
		w.walk(t.Elem(), false)
	case *types.Map:
		w.walk(t.Key(), false)
		w.walk(t.Elem(), false)
	case *types.Chan:
		w.walk(t.Elem(), false)
	case *types.Signature:
		w.walk(t.Params(), false)
		w.walk(t.Results(), false)
	case *types.Tuple:
		for i := range t.Len() {
			w.walk(t.At(i).Type(), false)
		}
	case *types.Struct:
		for i := range t.NumFields() {
			if f := t.Field(i); f.Exported() || f.Embedded() {
				w.walk(f.Type(), false)
			}
		}
	case *types.Interface:
		for i := range t.NumMethods() {
			if m := t.Method(i); m.Exported() {
				w.walk(m.Type(), false)
			}
		}
		for i := range t.NumEmbeddeds() {
			w.walk(t.EmbeddedType(i), false)
		}
	}
}

func isGoGit(path string) bool { return strings.HasPrefix(path, "github.com/go-git/") }

// TestRepoOwnTypes: what callers of repo see (every exported name, its
// type, its fields and its methods) is in diary's own types, never
// go-git's, so that no caller has to know go-git to hold a hash or a
// mode, and go-git can be changed inside repo/ alone.
func TestRepoOwnTypes(t *testing.T) {
	root := moduleRoot(t)
	const repoPkg = "github.com/gitdiary/diary/repo"
	imp, named := exportImporter(t, root, repoPkg)
	if !named[repoPkg] {
		t.Fatalf("go list -export did not name %s", repoPkg)
	}
	pkg, err := imp.Import(repoPkg)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkg.Scope().Names()) < 20 {
		t.Fatalf("%s has %d names in its export data: the guard would see too little", repoPkg, len(pkg.Scope().Names()))
	}
	for _, f := range exposed(pkg, isGoGit) {
		t.Errorf("%s: a go-git type in repo's API; give repo its own type and convert inside repo", f)
	}
}

// TestExposedCatches type-checks a small package that hands out go-git
// types in each way a package can (an alias, a field, a parameter, a
// result, a method, a variable, an element of a map) beside names that
// keep them inside, and checks that the guard names exactly the first.
func TestExposedCatches(t *testing.T) {
	root := moduleRoot(t)
	imp, _ := exportImporter(t, root, "github.com/go-git/go-git/v5/plumbing", "github.com/go-git/go-git/v5/plumbing/transport")
	src := `package leaky

import (
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

type Hash = plumbing.Hash
type AuthMethod = transport.AuthMethod
type Entry struct{ Hash plumbing.Hash; own [20]byte }
type Tree map[string]plumbing.Hash
type Repo struct{ auth transport.AuthMethod }
func (r *Repo) Head() (plumbing.Hash, error) { return plumbing.ZeroHash, nil }
func Parse(h plumbing.Hash) {}
var ZeroHash = plumbing.ZeroHash

type Own [20]byte
func (o Own) String() string { return "" }
type Creds struct{ m transport.AuthMethod }
func (r *Repo) own() plumbing.Hash { return plumbing.ZeroHash }
func Fine(h Own) Own { return h }
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "leaky.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := (&types.Config{Importer: imp}).Check("example.com/leaky", fset, []*ast.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := exposed(pkg, isGoGit)
	sort.Strings(got)
	want := []string{
		"example.com/leaky.AuthMethod exposes github.com/go-git/go-git/v5/plumbing/transport.AuthMethod",
		"example.com/leaky.Entry exposes github.com/go-git/go-git/v5/plumbing.Hash",
		"example.com/leaky.Hash exposes github.com/go-git/go-git/v5/plumbing.Hash",
		"example.com/leaky.Parse exposes github.com/go-git/go-git/v5/plumbing.Hash",
		"example.com/leaky.Repo exposes github.com/go-git/go-git/v5/plumbing.Hash",
		"example.com/leaky.Tree exposes github.com/go-git/go-git/v5/plumbing.Hash",
		"example.com/leaky.ZeroHash exposes github.com/go-git/go-git/v5/plumbing.Hash",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the guard said:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
