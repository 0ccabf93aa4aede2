package main

import (
	"slices"
	"testing"
)

// TestDescriptionErrorsTheCompilerFinds holds check to its doc, "refuses a description
// the generator would write broken code for": each description below passes check
// today, and go generate writes files that do not build (go build: "field and method
// with the same name String", "undefined: noSuchRule", "cannot use policyRule ... as
// numRule value"), or a field that is not exported, so that no caller can set it
// and encoding/json leaves it out.
func TestDescriptionErrorsTheCompilerFinds(t *testing.T) {
	withParam := func(f field) []operation {
		ops := slices.Clone(operations)
		ops[0].Request = append(slices.Clone(ops[0].Request), f)
		return ops
	}
	withBody := func(f field) []operation {
		ops := slices.Clone(operations)
		ops[0].Body = append(slices.Clone(ops[0].Body), f)
		return ops
	}
	for _, tc := range []struct {
		name string
		ops  []operation
	}{
		{"a parameter named String, as the model's method", withParam(field{Name: "String", Type: "string"})},
		{"a parameter named GoString", withParam(field{Name: "GoString", Type: "string"})},
		{"a parameter named Validate", withParam(field{Name: "Validate", Type: "string"})},
		{"a response field named String", withBody(field{Name: "String", Type: "string"})},
		{"a rule that validate.go does not declare", withParam(field{Name: "ZTestOnly", Type: "string", Rule: "noSuchRule"})},
		{"a string rule on an int64", withParam(field{Name: "ZTestOnly", Type: "int64", Rule: "policyRule"})},
		{"a name that is not exported", withParam(field{Name: "zTestOnly", Type: "string"})},
		{"a name that is not an identifier", withParam(field{Name: "Z-Test", Type: "string"})},
		{"an operation described twice", append(slices.Clone(operations), operations[0])},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := generate(tc.ops, shared); err == nil {
				t.Error("generate accepts it")
			}
		})
	}
}
