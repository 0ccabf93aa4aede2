// Package layout holds a package's files to the order in which its code reads from
// the top down: a file may use the names of the files listed below it, and a name
// of a file listed above it only where the caller has said why.
package layout

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// Use is one file's use of a name that another file of its package declares.
type Use struct {
	From, To string // file names, without their directory
	Name     string // "Client", or "Client.settings" for a method
}

// Uses returns every use, in the package in dir, of a package-level name or a method
// that another file declares, and the package's files. Test files and generated
// files are left out of both, though they are type-checked with the rest.
func Uses(dir string) (uses []Use, files []string, err error) {
	fset := token.NewFileSet()
	ctx := build.Default
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, nil, err
	}
	var parsed []*ast.File
	generated := map[string]bool{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		if ok, err := ctx.MatchFile(dir, filepath.Base(name)); err != nil || !ok {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			return nil, nil, err
		}
		parsed = append(parsed, f)
		if ast.IsGenerated(f) {
			generated[filepath.Base(name)] = true
		} else {
			files = append(files, filepath.Base(name))
		}
	}
	exports, err := exportData(dir)
	if err != nil {
		return nil, nil, err
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}}
	pkg, err := conf.Check(dir, fset, parsed, info)
	if err != nil {
		return nil, nil, err
	}
	seen := map[Use]bool{}
	for id, obj := range info.Uses {
		if obj.Pkg() != pkg || !obj.Pos().IsValid() {
			continue
		}
		name := obj.Name()
		switch o := obj.(type) {
		case *types.Func:
			if recv := o.Signature().Recv(); recv != nil {
				t := recv.Type()
				if p, ok := t.(*types.Pointer); ok {
					t = p.Elem()
				}
				if n, ok := t.(*types.Named); ok {
					name = n.Obj().Name() + "." + name
				}
			} else if o.Parent() != pkg.Scope() {
				continue
			}
		default:
			if obj.Parent() != pkg.Scope() {
				continue // a field, a local
			}
		}
		u := Use{From: filepath.Base(fset.File(id.Pos()).Name()), To: filepath.Base(fset.File(obj.Pos()).Name()), Name: name}
		if u.From == u.To || generated[u.From] || generated[u.To] {
			continue
		}
		seen[u] = true
	}
	uses = make([]Use, 0, len(seen))
	for u := range seen {
		uses = append(uses, u)
	}
	sort.Slice(uses, func(i, j int) bool {
		a, b := uses[i], uses[j]
		return a.From < b.From || a.From == b.From && (a.To < b.To || a.To == b.To && a.Name < b.Name)
	})
	return uses, files, nil
}

// exportData maps the import path of every dependency of the package in dir to the
// file of its compiled export data, as the go command builds it.
func exportData(dir string) (map[string]string, error) {
	cmd := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}", ".")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w: %s", err, stderr.Bytes())
	}
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if path, file, ok := strings.Cut(sc.Text(), "\t"); ok && file != "" {
			m[path] = file
		}
	}
	return m, sc.Err()
}

// Check returns what breaks the order: a file that is not in order (generated files
// aside), and each use of a name of a file that stands above the user in order,
// unless up lists that pair of files as "user -> file". order runs from the top
// down.
func Check(uses []Use, files, order []string, up map[string]string) []string {
	var problems []string
	for _, f := range files {
		if !slices.Contains(order, f) {
			problems = append(problems, f+" has no place in the layout")
		}
	}
	for _, u := range uses {
		from, to := slices.Index(order, u.From), slices.Index(order, u.To)
		if from < 0 || to < 0 || from < to {
			continue
		}
		if _, ok := up[u.From+" -> "+u.To]; ok {
			continue
		}
		problems = append(problems, fmt.Sprintf("%s uses %s of %s, which stands above it", u.From, u.Name, u.To))
	}
	return problems
}

// Hold fails t for each thing that breaks order in the package of the test's own
// directory, as Check finds them.
func Hold(t testing.TB, order []string, up map[string]string) {
	t.Helper()
	uses, files, err := Uses(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Check(uses, files, order, up) {
		t.Error(p)
	}
}
