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
	"go/build/constraint"
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
// that another file declares, and the package's files: every non-test .go file of
// dir whose package clause is the package's, whatever its build constraints. The
// files built by default are type-checked together, and a file that is not is
// type-checked with the files of the first system (go tool dist list) and build tags
// under which it is built. The generated files are those that generated names; each
// must carry the "Code generated ... DO NOT EDIT." comment, and they are left out of
// both results, though they are type-checked with the rest. A file that carries that
// comment but is not named is a file like any other.
func Uses(dir string, generated ...string) (uses []Use, files []string, err error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, nil, err
	}
	fset := token.NewFileSet()
	parsed := map[string]*ast.File{}
	pkgName := ""
	var names []string // every file of the package, generated or not
	for _, path := range paths {
		name := filepath.Base(path)
		if strings.HasSuffix(name, "_test.go") || strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return nil, nil, err
		}
		if ok, err := build.Default.MatchFile(dir, name); err != nil {
			return nil, nil, err
		} else if ok || pkgName == "" {
			pkgName = f.Name.Name // a file built by default names the package
		}
		parsed[name] = f
		names = append(names, name)
	}
	gen := map[string]bool{}
	for _, name := range generated {
		f, ok := parsed[name]
		switch {
		case !ok:
			return nil, nil, fmt.Errorf("%s is named as generated but is no file of the package in %s", name, dir)
		case !ast.IsGenerated(f):
			return nil, nil, fmt.Errorf("%s is named as generated but does not say so (Code generated ... DO NOT EDIT.)", name)
		}
		gen[name] = true
	}
	for _, name := range names {
		if parsed[name].Name.Name != pkgName {
			continue // a program kept beside the package, as a go:build ignore generator
		}
		if !gen[name] {
			files = append(files, name)
		}
	}
	// The contexts to type-check under: the default one, and one for each file that
	// it does not build.
	ctxs := []build.Context{build.Default}
	for _, name := range files {
		if ctxBuilds(ctxs, dir, name) {
			continue
		}
		ctx, err := contextFor(dir, name, parsed[name])
		if err != nil {
			return nil, nil, err
		}
		ctxs = append(ctxs, ctx)
	}
	seen := map[Use]bool{}
	for _, ctx := range ctxs {
		var checked []*ast.File
		for _, name := range names {
			if ok, _ := ctx.MatchFile(dir, name); ok && parsed[name].Name.Name == pkgName {
				checked = append(checked, parsed[name])
			}
		}
		if err := usesIn(ctx, dir, fset, checked, gen, seen); err != nil {
			return nil, nil, err
		}
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

// ctxBuilds reports whether one of ctxs builds the file name.
func ctxBuilds(ctxs []build.Context, dir, name string) bool {
	for _, ctx := range ctxs {
		if ok, _ := ctx.MatchFile(dir, name); ok {
			return true
		}
	}
	return false
}

// contextFor returns a context that builds the file name, which the default one does
// not: the first system of go tool dist list, with no build tags or with every tag
// that the file's go:build line names.
func contextFor(dir, name string, f *ast.File) (build.Context, error) {
	var tags []string
	for _, c := range f.Comments {
		for _, line := range c.List {
			expr, err := constraint.Parse(line.Text)
			if err != nil {
				continue
			}
			expr.Eval(func(tag string) bool { tags = append(tags, tag); return true })
		}
	}
	out, err := exec.Command("go", "tool", "dist", "list").Output()
	if err != nil {
		return build.Context{}, fmt.Errorf("go tool dist list: %w", err)
	}
	for _, pair := range strings.Fields(string(out)) {
		goos, goarch, _ := strings.Cut(pair, "/")
		for _, withTags := range []bool{false, true} {
			ctx := build.Default
			ctx.GOOS, ctx.GOARCH, ctx.CgoEnabled = goos, goarch, false
			if withTags {
				ctx.BuildTags = tags
			}
			if ok, _ := ctx.MatchFile(dir, name); ok {
				return ctx, nil
			}
		}
	}
	return build.Context{}, fmt.Errorf("%s is built on no system that go tool dist list names, with or without the tags it names, so its uses cannot be checked", name)
}

// usesIn type-checks files as ctx builds them and adds to seen each use of a name
// that another of them declares, but for the uses from or of a generated file.
func usesIn(ctx build.Context, dir string, fset *token.FileSet, files []*ast.File, generated map[string]bool, seen map[Use]bool) error {
	exports, err := exportData(ctx, dir)
	if err != nil {
		return err
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})}
	if ctx.GOOS != build.Default.GOOS || ctx.GOARCH != build.Default.GOARCH {
		conf.Sizes = types.SizesFor("gc", ctx.GOARCH)
	}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}}
	pkg, err := conf.Check(dir, fset, files, info)
	if err != nil {
		return fmt.Errorf("%s/%s: %w", ctx.GOOS, ctx.GOARCH, err)
	}
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
	return nil
}

// exportData maps the import path of every dependency of the package in dir to the
// file of its compiled export data, as the go command builds it for ctx.
func exportData(ctx build.Context, dir string) (map[string]string, error) {
	cmd := exec.Command("go", "list", "-export", "-deps", "-tags", strings.Join(ctx.BuildTags, ","), "-f", "{{.ImportPath}}\t{{.Export}}", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS="+ctx.GOOS, "GOARCH="+ctx.GOARCH)
	if !ctx.CgoEnabled {
		cmd.Env = append(cmd.Env, "CGO_ENABLED=0")
	}
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

// Check returns what breaks the order: a file that has no place in order, each use
// of a name of a file that stands above the user in order that up does not list, and
// each exception of up that lists no such use. up lists the uses that may run up,
// with why: "user.go -> file.go: Name, Type.Method" names the user, the file it uses
// and each name it may use there. order runs from the top down.
func Check(uses []Use, files, order []string, up map[string]string) []string {
	var problems []string
	for _, f := range files {
		if !slices.Contains(order, f) {
			problems = append(problems, f+" has no place in the layout")
		}
	}
	allowed := map[Use]string{} // a use that may run up -> the exception that lists it
	for key := range up {
		pair, list, ok := strings.Cut(key, ":")
		from, to, ok2 := strings.Cut(pair, " -> ")
		if !ok || !ok2 || strings.TrimSpace(list) == "" {
			problems = append(problems, fmt.Sprintf("exception %q names no use: write \"user.go -> file.go: Name, Type.Method\"", key))
			continue
		}
		for _, name := range strings.Split(list, ",") {
			allowed[Use{From: strings.TrimSpace(from), To: strings.TrimSpace(to), Name: strings.TrimSpace(name)}] = key
		}
	}
	used := map[Use]bool{}
	for _, u := range uses {
		from, to := slices.Index(order, u.From), slices.Index(order, u.To)
		if from < 0 || to < 0 || from < to {
			continue
		}
		if _, ok := allowed[u]; ok {
			used[u] = true
			continue
		}
		problems = append(problems, fmt.Sprintf("%s uses %s of %s, which stands above it", u.From, u.Name, u.To))
	}
	for u, key := range allowed {
		if !used[u] {
			problems = append(problems, fmt.Sprintf("exception %q: %s does not use %s of %s above it any more; remove it", key, u.From, u.Name, u.To))
		}
	}
	slices.Sort(problems)
	return problems
}

// Hold fails t for each thing that breaks order in the package of the test's own
// directory, as Check finds them. generated names the package's generated files
// (see Uses).
func Hold(t testing.TB, order []string, up map[string]string, generated ...string) {
	t.Helper()
	uses, files, err := Uses(".", generated...)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Check(uses, files, order, up) {
		t.Error(p)
	}
}
