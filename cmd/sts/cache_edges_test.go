package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCacheKeysTheSessionNameFromTheEnvironment: the session name taken from
// $ALIBABA_CLOUD_ROLE_SESSION_NAME is part of the cache key, so a request for session
// "bob" is never answered with the credentials cached for "alice" (found by an
// adversarial review: the key held the flag as given, empty).
func TestCacheKeysTheSessionNameFromTheEnvironment(t *testing.T) {
	srv := fake(t)
	cacheDir(t)
	args := []string{"assume-role", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "-format", "json"}

	t.Setenv("ALIBABA_CLOUD_ROLE_SESSION_NAME", "alice")
	status, alice, errs := runCLI(args...)
	require.Equal(t, 0, status, errs)

	t.Setenv("ALIBABA_CLOUD_ROLE_SESSION_NAME", "bob")
	status, bob, errs := runCLI(args...)
	require.Equal(t, 0, status, errs)

	require.Equal(t, 2, srv.RequestCount("AssumeRole"), "session bob was answered from session alice's cache entry")
	require.NotEqual(t, alice, bob)
}

// TestCacheIgnoresAFIFO: a cache entry that is not a plain file is ignored; a FIFO
// under the entry's name blocked open(2), and assume-role with it, for ever.
func TestCacheIgnoresAFIFO(t *testing.T) {
	srv := fake(t)
	dir := cacheDir(t)
	args := []string{"assume-role", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "-format", "json", "-session-name", "fifo", "-timeout", "20s"}
	status, _, errs := runCLI(args...)
	require.Equal(t, 0, status, errs)
	files := cacheFiles(t, dir)
	require.Len(t, files, 1)
	entry := filepath.Join(dir, files[0])
	require.NoError(t, os.Remove(entry))
	require.NoError(t, syscall.Mkfifo(entry, 0o600))

	done := make(chan int, 1)
	go func() {
		status, _, _ := runCLI(args...)
		done <- status
	}()
	select {
	case status := <-done:
		require.Equal(t, 0, status)
	case <-time.After(60 * time.Second):
		// Release the blocked open so the goroutine ends.
		if f, err := os.OpenFile(entry, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
		<-done
		t.Fatal("assume-role blocked opening a FIFO in the cache (-timeout 20s, waited 60s)")
	}
}
