package redisstore_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: every client,
// cache and server a test starts must be closed. Started with workerEnv set, the test
// binary is instead one process of the fleet that TestLimiterIsFairAcrossProcesses
// runs.
func TestMain(m *testing.M) {
	if cfg := os.Getenv(workerEnv); cfg != "" {
		os.Exit(limiterWorker(cfg))
	}
	goleak.VerifyTestMain(m)
}
