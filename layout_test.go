package sts_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stsgo/sts/internal/layout"
)

// TestLayout holds the package's files to the order in which a call reads them, from
// the top down (CONTRIBUTING.md, "How the code is laid out"): a file uses only the
// names of files below it, but for the uses that upUses lists by name with why it
// needs them.
func TestLayout(t *testing.T) {
	order := []string{
		"doc.go",
		"config.go",      // NewClient: a Client from Config
		"options.go",     // the With* options
		"endpoints.go",   // which host a Config names
		"call.go",        // one call: its settings, credentials, attempts and retries
		"signer.go",      // one attempt's request, signed
		"transport.go",   // sending it
		"runtime.go",     // the call's settings, made from RuntimeOptions
		"decode.go",      // reading and decoding the answer
		"answers.go",     // what an answer must hold
		"credentials.go", // where a call's credentials come from
		"clock.go",       // the client's clock and the service's
		"client.go",      // the Client
		"validate.go",    // the rules the requests are checked by
		"models.go",      // the requests and responses
		"params.go",      // parameter lists
		"retry.go",       // when and how long to wait before sending again
		"ratelimit.go",   // pacing the calls
		"redact.go",      // keeping secrets out of text
		"optional.go",    // the official SDK's pointer fields
		"errors.go",      // the errors
	}
	upUses := map[string]string{
		"client.go -> clock.go: dateSample, stamp":      "the Client's fields hold the clocks' state",
		"client.go -> credentials.go: credentialSource": "the Client's fields hold its credential source",
		"models.go -> answers.go: parseExpiration":      "Credentials.ExpirationTime parses as decoding every answer does",
		"redact.go -> credentials.go: credential":       "a scrubber removes the call's credential",
	}
	// What go generate writes from the description of the API; these stand nowhere.
	generated := []string{"client_gen.go", "models_gen.go", "params_gen.go", "validate_gen.go"}
	layout.Hold(t, order, upUses, generated...)
}

// TestOptionsInOneFile holds every function that returns an Option to options.go.
func TestOptionsInOneFile(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Type.Results == nil || len(fn.Type.Results.List) != 1 {
				continue
			}
			if id, ok := fn.Type.Results.List[0].Type.(*ast.Ident); !ok || id.Name != "Option" {
				continue
			}
			found++
			if name != "options.go" {
				t.Errorf("%s declares %s, an Option, outside options.go", name, fn.Name.Name)
			}
		}
	}
	if found == 0 {
		t.Error("no function returns an Option")
	}
}
