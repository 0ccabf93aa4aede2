package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// root is the sts package's directory, where go generate writes.
const root = "../.."

// TestGeneratedFilesAreCurrent runs the generator in memory and fails, naming the file,
// when a committed generated file differs from what the description in api.go gives:
// the description was edited without go generate, or the generated file by hand.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	files, err := generate(operations, shared)
	require.NoError(t, err)
	for _, problem := range stale(root, files) {
		t.Error(problem + "; run go generate in the module's root")
	}
}

// stale lists how the generated files in dir differ from files: one line a file that
// differs (with its first differing line), is missing, or is a *_gen.go file the
// generator no longer writes.
func stale(dir string, files map[string][]byte) []string {
	var problems []string
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("%s: %v", name, err))
		case !bytes.Equal(got, want):
			gotLines, wantLines := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
			i := 0
			for i < len(gotLines) && i < len(wantLines) && gotLines[i] == wantLines[i] {
				i++
			}
			line := func(l []string) string {
				if i < len(l) {
					return l[i]
				}
				return "(end of file)"
			}
			problems = append(problems, fmt.Sprintf("%s is stale: line %d is %q, the description gives %q", name, i+1, line(gotLines), line(wantLines)))
		}
	}
	extra, _ := filepath.Glob(filepath.Join(dir, "*_gen.go"))
	for _, path := range extra {
		if _, ok := files[filepath.Base(path)]; !ok {
			problems = append(problems, fmt.Sprintf("%s is not written by the generator any more", filepath.Base(path)))
		}
	}
	slices.Sort(problems)
	return problems
}

// TestStaleFindsEveryDifference holds the staleness test to catching each way the
// committed files can drift from the description.
func TestStaleFindsEveryDifference(t *testing.T) {
	files, err := generate(operations, shared)
	require.NoError(t, err)
	withParam := slices.Clone(operations)
	withParam[0].Request = append(slices.Clone(withParam[0].Request), field{Name: "ZTestOnly", Type: "string", Doc: "ZTestOnly is made up."})
	edited, err := generate(withParam, shared)
	require.NoError(t, err)

	cases := []struct {
		name  string
		write map[string][]byte // the files on disk
		want  []string          // the start of each problem reported
	}{
		{"current", files, nil},
		// A parameter without a rule leaves Validate alone.
		{"description edited without go generate", edited, []string{"client_gen.go is stale", "models_gen.go is stale", "params_gen.go is stale"}},
		{"file edited by hand", with(files, "client_gen.go", append(slices.Clone(files["client_gen.go"]), "// x\n"...)),
			[]string{`client_gen.go is stale: line`}},
		{"file missing", without(files, "validate_gen.go"), []string{"validate_gen.go: "}},
		{"file left over", with(files, "old_gen.go", []byte("package sts\n")), []string{"old_gen.go is not written by the generator any more"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, b := range tc.write {
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
			}
			got := stale(dir, files)
			require.Len(t, got, len(tc.want), "%q", got)
			for i := range got {
				require.True(t, strings.HasPrefix(got[i], tc.want[i]), "got %q, want it to start with %q", got[i], tc.want[i])
			}
		})
	}
}

func with(files map[string][]byte, name string, b []byte) map[string][]byte {
	out := map[string][]byte{name: b}
	for k, v := range files {
		if k != name {
			out[k] = v
		}
	}
	return out
}

func without(files map[string][]byte, name string) map[string][]byte {
	out := with(files, name, nil)
	delete(out, name)
	return out
}

// TestAddingAParameterIsOneLine adds an optional parameter by one field of the
// description and checks that it reaches the model, its accessors, the parameter
// list and, with a rule, Validate, in the service's order.
func TestAddingAParameterIsOneLine(t *testing.T) {
	ops := slices.Clone(operations)
	// Named to sort last, and not to meet a parameter Alibaba may add.
	ops[0].Request = append(slices.Clone(ops[0].Request), field{Name: "ZTestOnly", Type: "string", Rule: "externalIDRule", Doc: "ZTestOnly is made up."})
	files, err := generate(ops, shared)
	require.NoError(t, err)
	// The parameter slice holds every parameter of the operation, the new one too.
	capacity := fmt.Sprintf("request.params(make([]signer.Param, 0, %d))", len(ops[0].Request))
	for name, want := range map[string][]string{
		"models_gen.go": {
			"\t// ZTestOnly is made up.\n\tZTestOnly *string `json:\"ZTestOnly,omitempty\" xml:\"ZTestOnly,omitempty\"`\n}",
			"func (s *AssumeRoleRequest) GetZTestOnly() *string { return s.ZTestOnly }",
			"func (s *AssumeRoleRequest) SetZTestOnly(v string) *AssumeRoleRequest {",
		},
		"client_gen.go":   {capacity},
		"params_gen.go":   {"params = appendString(params, \"ZTestOnly\", s.ZTestOnly)\n\treturn params\n"},
		"validate_gen.go": {"c.str(\"ZTestOnly\", s.ZTestOnly, false, externalIDRule)\n\treturn c.err()\n"},
	} {
		for _, w := range want {
			require.Contains(t, string(files[name]), w, name)
		}
	}
}

// TestDescriptionErrors refuses descriptions the generator would write broken or
// silently wrong code for, naming the field.
func TestDescriptionErrors(t *testing.T) {
	edit := func(f func(op *operation)) []operation {
		ops := slices.Clone(operations)
		ops[0].Request = slices.Clone(ops[0].Request)
		ops[0].Body = slices.Clone(ops[0].Body)
		f(&ops[0])
		return ops
	}
	cases := []struct {
		name string
		ops  []operation
		want string
	}{
		{"unknown type", edit(func(op *operation) { op.Request[0].Type = "bool" }), `AssumeRoleRequest.Policy: type "bool"`},
		{"model as parameter", edit(func(op *operation) { op.Request[0].Type = "Credentials" }), "AssumeRoleRequest.Policy: a request parameter is a string or an int64"},
		{"required without rule", edit(func(op *operation) { op.Request[2].Rule = "" }), "AssumeRoleRequest.RoleArn: a required parameter needs a rule"},
		{"declared twice", edit(func(op *operation) { op.Request = append(op.Request, op.Request[0]) }), "AssumeRoleRequest.Policy: declared twice"},
		{"rule on a response field", edit(func(op *operation) { op.Body[2].Rule = "policyRule" }), "AssumeRoleResponseBody.RequestId: only request parameters have rules"},
		{"no name", edit(func(op *operation) { op.Body[0].Name = "" }), "AssumeRoleResponseBody: a field has no name"},
		{"named as a generated method", edit(func(op *operation) { op.Request[0].Name = "Validate" }), "AssumeRoleRequest.Validate: the model has a method of that name"},
		{"named as another field's getter", edit(func(op *operation) { op.Request = append(op.Request, field{Name: "GetPolicy", Type: "string"}) }), "AssumeRoleRequest.GetPolicy: the model has a method of that name"},
		{"not exported", edit(func(op *operation) { op.Request[0].Name = "policy" }), `AssumeRoleRequest.policy: a field's name must be an exported Go identifier`},
		{"unknown rule", edit(func(op *operation) { op.Request[0].Rule = "policyRul" }), "AssumeRoleRequest.Policy: rule policyRul is not a rule or numRule value of the sts package"},
		{"string rule on an int64", edit(func(op *operation) { op.Request[1].Rule = "policyRule" }), "AssumeRoleRequest.DurationSeconds: rule policyRule is of type rule; a parameter of type int64 needs a numRule"},
		{"numRule on a string", edit(func(op *operation) { op.Request[0].Rule = "durationRule" }), "AssumeRoleRequest.Policy: rule durationRule is of type numRule; a parameter of type string needs a rule"},
		{"a function of the package as rule", edit(func(op *operation) { op.Request[0].Rule = "arnRule" }), "AssumeRoleRequest.Policy: rule arnRule is not"},
		{"operation twice", append(slices.Clone(operations), operations[0]), "operation AssumeRole: described twice"},
		{"operation not exported", edit(func(op *operation) { op.Name = "assumeRole" }), `operation "assumeRole": the name must be an exported Go identifier`},
		{"a model the package declares", edit(func(op *operation) { op.Nested = []model{{Name: "Config"}} }), "model Config: the sts package declares Config by hand"},
		{"secret in one model only", edit(func(op *operation) { op.Request[2].Secret = true }), "Secret differs"},
		{"a secret int64", edit(func(op *operation) { op.Request[1].Secret = true }), "AssumeRoleRequest.DurationSeconds: only a string is secret"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := generate(tc.ops, shared)
			require.ErrorContains(t, err, tc.want)
		})
	}
	t.Run("named as a hand-written method", func(t *testing.T) {
		s := slices.Clone(shared)
		s[0].Fields = append(slices.Clone(s[0].Fields), field{Name: "ExpirationTime", Type: "string"})
		_, err := generate(operations, s)
		require.ErrorContains(t, err, "Credentials.ExpirationTime: the model has a method of that name")
	})
}
