package main

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: a credential
// server that is not closed, a child that is not waited for. Then it removes the
// binaries the exec tests built.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		if builtBinaries != "" {
			os.RemoveAll(builtBinaries)
		}
		os.Exit(code)
	}))
}
