package sts

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: a transport's
// connection, a retry's timer, a credential fetch a call abandoned.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
