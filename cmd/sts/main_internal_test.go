package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: a credential
// server that is not closed, a child that is not waited for. Then it removes the
// binaries the exec tests built.
//
// It first makes sure the tests run with SIGINT and SIGHUP at their defaults: sts
// exec keeps ignored what it starts with ignored, as a shell's command would, so the
// exec tests, run in the background of a script (where a shell ignores SIGINT) or
// under nohup, would test that case and not theirs. A Go program that handles a
// signal gives its defaults to what it execs, so the binary starts over as itself.
func TestMain(m *testing.M) {
	if signal.Ignored(syscall.SIGINT) || signal.Ignored(syscall.SIGHUP) {
		signal.Notify(make(chan os.Signal, 1), syscall.SIGINT, syscall.SIGHUP)
		self, err := os.Executable()
		if err == nil {
			err = syscall.Exec(self, os.Args, os.Environ())
		}
		fmt.Fprintln(os.Stderr, "cannot start the tests over with SIGINT and SIGHUP at their defaults:", err)
		os.Exit(1)
	}
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		if builtBinaries != "" {
			os.RemoveAll(builtBinaries)
		}
		os.Exit(code)
	}))
}
