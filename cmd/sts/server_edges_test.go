package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/internal/testclock"
)

// TestSlowBodiesHoldNoSlot: a local client that knows no secret sends, on as many
// connections as the cap, a request for / with "Content-Length: 1000" and then no
// body. net/http would read the missing body until ReadTimeout with the connection
// active, and at the cap the limiter would close a legitimate consumer's connection
// instead (found by an adversarial review). The server now answers and closes such
// connections at once. Its read timeout is an hour, so that a server that waits for
// the body waits past any bound a loaded machine could need.
func TestSlowBodiesHoldNoSlot(t *testing.T) {
	limits := defaultLimits
	limits.maxConns = 4
	limits.read = time.Hour
	srv, err := startCredentialServer(canaryProvider(), listenOptions{addr: "127.0.0.1:0", logTo: io.Discard, limits: limits})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	for range limits.maxConns {
		c, err := net.Dial("tcp", u.Host)
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: %s\r\nContent-Length: 1000\r\n\r\n", u.Host)
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		answer, err := io.ReadAll(c) // the answer, then the server's close: no timeout
		require.NoError(t, err, "the server kept the connection waiting for the body")
		require.Contains(t, string(answer), "404")
	}
	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get(srv.URL)
	require.NoError(t, err, "a legitimate consumer is refused after %d slow requests", limits.maxConns)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
}

// TestFreshAfterAPause: the cache refreshes only when asked. When no request came
// during the expiry window (a suspended laptop, sts exec stopped with Ctrl-Z, a wall
// clock stepped forward), the first request after the pause got the old credentials
// with 10 minutes left, stale to every consumer but Go; now it waits for fresh ones.
func TestFreshAfterAPause(t *testing.T) {
	clock := testclock.New(time.Now().UTC().Truncate(time.Second))
	_, _, srv := servedRole(t, clock, "127.0.0.1:0")
	python := consumers[0]
	clock.Add(50 * time.Minute) // one-hour credentials: 10 minutes left, no request in between
	_, expires, err := python.read(srv.URL)
	require.NoError(t, err)
	require.Greater(t, expires.Sub(clock.Now()), consumerStaleTime, "served with %v left after a 50-minute pause", expires.Sub(clock.Now()))
}

// TestHeaderCapIs8KiB: net/http allows MaxHeaderBytes plus 4096 bytes of slack, so
// MaxHeaderBytes is 4 KiB for the README's cap of 8 KiB; 11 KiB of headers are refused.
func TestHeaderCapIs8KiB(t *testing.T) {
	srv := startServer(t, canaryProvider(), io.Discard)
	req, err := http.NewRequest("GET", srv.URL, nil)
	require.NoError(t, err)
	req.Header.Set("X-Big", strings.Repeat("a", 11<<10))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode, "11 KiB of headers answered %d", resp.StatusCode)
}
