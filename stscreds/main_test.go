package stscreds_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: a refresh that
// never ends, a cache that is never closed.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
