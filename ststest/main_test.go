package ststest_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: a server that is
// not closed, a client connection kept alive.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
