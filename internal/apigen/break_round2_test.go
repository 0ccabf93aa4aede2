package main

import (
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
