package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestEntryPointNamesTheCompilerFinds: check compares a model's fields with its
// methods, but not an operation's entry points (Name, NameWithOptions,
// NameWithContext, methods of Client) with the methods client.go, clock.go and
// credentials.go declare on Client, nor with another operation's entry points. Each
// description below passes check and go generate writes a client_gen.go that does not
// build ("method Client.Endpoint already declared at ./client.go").
func TestEntryPointNamesTheCompilerFinds(t *testing.T) {
	withOp := func(name string) []operation {
		return append(slices.Clone(operations), operation{Name: name, Body: []field{{Name: "RequestId", Type: "string"}}})
	}
	for _, tc := range []struct {
		name string
		ops  []operation
	}{
		{"an operation named as a Client method (Endpoint)", withOp("Endpoint")},
		{"an operation named as a Client method (ClockOffset)", withOp("ClockOffset")},
		{"an operation named as a Client method (CloseIdleConnections)", withOp("CloseIdleConnections")},
		{"an operation named as another's WithContext entry point", withOp("AssumeRoleWithContext")},
		{"an operation named as another's WithOptions entry point", withOp("GetCallerIdentityWithOptions")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := generate(tc.ops, shared); err == nil {
				t.Error("generate accepts it")
			}
		})
	}
}

// TestDocTheCompilerRefuses: a doc comment is written into the generated code as it
// is; one that is not UTF-8 (or holds a NUL) makes a file the compiler refuses
// ("invalid UTF-8 encoding").
func TestDocTheCompilerRefuses(t *testing.T) {
	for _, doc := range []string{"Made up \xff.", "Made up \x00."} {
		ops := slices.Clone(operations)
		ops[0].Request = append(slices.Clone(ops[0].Request), field{Name: "ZTestOnly", Type: "string", Doc: doc})
		if _, err := generate(ops, shared); err == nil {
			t.Errorf("generate accepts the doc %q", doc)
		}
	}
}

// TestRuleOfAnotherSystemIsNoRule: readPkg reads every non-test file whatever its
// build constraints, so a rule declared only in a _windows.go file (or behind
// //go:build) passes check, and the generated validate_gen.go does not build on any
// other system ("undefined: windowsOnlyRule"; seen by adding such a file and a
// parameter naming the rule, then go generate and go build).
func TestRuleOfAnotherSystemIsNoRule(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("validate.go", "package sts\n\ntype rule struct{ desc string }\n\nvar everywhereRule = rule{desc: \"x\"}\n")
	write("rules_windows.go", "package sts\n\nvar windowsOnlyRule = rule{desc: \"x\"}\n")
	write("rules_tagged.go", "//go:build sometag\n\npackage sts\n\nvar taggedRule = rule{desc: \"x\"}\n")
	p, err := readPkg(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.rules["everywhereRule"] != "rule" {
		t.Fatalf("readPkg misses the rule every build has: %v", p.rules)
	}
	for _, name := range []string{"windowsOnlyRule", "taggedRule"} {
		if p.rules[name] != "" {
			t.Errorf("readPkg takes %s, which the default build does not compile, for a rule", name)
		}
	}
}
