package main

import (
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// pkg is what the generated code meets in the hand-written files of the sts package:
// the rules a parameter may name, the methods a model has besides the generated ones,
// and every package-level name.
type pkg struct {
	rules   map[string]string          // rule value -> its type, "rule" or "numRule"
	methods map[string]map[string]bool // receiver type -> its methods
	names   map[string]bool            // package-level declarations
}

// stsDir returns the sts package's directory: the module's root, the nearest
// directory at or above the current one that holds a go.mod. go generate runs the
// generator there; its tests run it two levels below.
func stsDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("apigen: no go.mod at or above the current directory")
		}
		dir = parent
	}
}

// readPkg parses the files of the sts package in dir that the generator does not
// write (the non-test files but *_gen.go). It reads declarations only, so that it
// works while the generated files are stale or missing.
func readPkg(dir string) (pkg, error) {
	p := pkg{rules: map[string]string{}, methods: map[string]map[string]bool{}, names: map[string]bool{}}
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return p, err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	everywhere := map[*ast.File]bool{} // built on every system, with no tags
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, "_gen.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution|parser.ParseComments)
		if err != nil {
			return p, fmt.Errorf("apigen: %w", err)
		}
		if f.Name.Name == "sts" {
			files = append(files, f)
			if everywhere[f], err = builtEverywhere(dir, filepath.Base(path)); err != nil {
				return p, fmt.Errorf("apigen: %w", err)
			}
		}
	}
	if len(files) == 0 {
		return p, fmt.Errorf("apigen: no file of package sts in %s", dir)
	}
	results := map[string]string{} // function -> the type it returns, if one named type
	for _, f := range files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			if fn.Recv == nil {
				p.names[fn.Name.Name] = true
				if r := fn.Type.Results; r != nil && len(r.List) == 1 && len(r.List[0].Names) <= 1 {
					results[fn.Name.Name] = typeName(r.List[0].Type)
				}
				continue
			}
			recv := typeName(fn.Recv.List[0].Type)
			if p.methods[recv] == nil {
				p.methods[recv] = map[string]bool{}
			}
			p.methods[recv][fn.Name.Name] = true
		}
	}
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, s := range g.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					p.names[s.Name.Name] = true
				case *ast.ValueSpec:
					for i, id := range s.Names {
						p.names[id.Name] = true
						if g.Tok != token.VAR {
							continue
						}
						t := typeName(s.Type)
						if t == "" && i < len(s.Values) {
							switch v := s.Values[i].(type) {
							case *ast.CompositeLit:
								t = typeName(v.Type)
							case *ast.CallExpr:
								t = results[typeName(v.Fun)]
							}
						}
						// A rule only some builds declare is no rule: the generated
						// Validate would not build on the others.
						if (t == "rule" || t == "numRule") && everywhere[f] {
							p.rules[id.Name] = t
						}
					}
				}
			}
		}
	}
	return p, nil
}

// builtEverywhere reports whether the file name in dir is built on every system
// and with no build tags: it is when systems as unlike as these three build it.
func builtEverywhere(dir, name string) (bool, error) {
	for _, target := range [][2]string{{"linux", "amd64"}, {"windows", "arm64"}, {"js", "wasm"}} {
		ctx := build.Default
		ctx.GOOS, ctx.GOARCH, ctx.BuildTags, ctx.CgoEnabled = target[0], target[1], nil, false
		ok, err := ctx.MatchFile(dir, name)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// typeName is the name of the type or function that e names plainly (T, *T, T[P]),
// or "".
func typeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return typeName(e.X)
	case *ast.IndexExpr:
		return typeName(e.X)
	case *ast.IndexListExpr:
		return typeName(e.X)
	}
	return ""
}
