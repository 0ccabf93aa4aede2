package main

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: a credential
// server that is not closed, a child that is not waited for.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
