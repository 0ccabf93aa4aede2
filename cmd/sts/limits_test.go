package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// idleConnections is how many idle connections TestIdleClientsCannotExhaustTheServer
// opens: $STSGO_IDLE_CONNS, else 2,000, and never more than the descriptor limit
// allows (the test holds both ends of each).
func idleConnections(t *testing.T) int {
	n := 2000
	if s := os.Getenv("STSGO_IDLE_CONNS"); s != "" {
		var err error
		n, err = strconv.Atoi(s)
		require.NoError(t, err)
	}
	var lim syscall.Rlimit
	require.NoError(t, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim))
	if most := int(lim.Cur)/2 - 200; n > most {
		t.Logf("RLIMIT_NOFILE %d: %d connections instead of %d", lim.Cur, most, n)
		n = most
	}
	return n
}

// TestIdleClientsCannotExhaustTheServer opens thousands of connections and leaves
// them idle, half of them after a request (kept alive), half before any: the server
// keeps at most its cap open, and a legitimate client still gets its credentials.
func TestIdleClientsCannotExhaustTheServer(t *testing.T) {
	if testing.Short() {
		t.Skip("opens thousands of connections")
	}
	srv := startServer(t, canaryProvider(), io.Discard)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	n := idleConnections(t)
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range n {
		c, err := net.Dial("tcp", u.Host)
		require.NoError(t, err, "connection %d", i)
		conns = append(conns, c)
		if i%2 == 0 {
			// A request for a wrong path (no secret needed), then kept alive.
			fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", u.Host)
		}
	}
	limiter := srv.l.(*connLimiter)
	require.LessOrEqual(t, limiter.open(), defaultLimits.maxConns+1)

	resp, body := get(t, "GET", srv.URL, "")
	require.Equal(t, 200, resp.StatusCode)
	require.Contains(t, body, canarySecret)
	t.Logf("%d idle connections: the server holds %d open and serves", n, limiter.open())
}

// TestSlowClientsAreCut: a client that sends its header, or its body, a byte at a
// time is cut off at the server's timeouts, long before it is done, while a
// legitimate client is served meanwhile; a header over the cap is refused.
//
// The server's timeouts are short, so that the test is; a legitimate client that a
// loaded machine holds back as long is cut too, rightly: it is asked again (within 20
// s), and a server that never answers it still fails.
func TestSlowClientsAreCut(t *testing.T) {
	limits := defaultLimits
	limits.readHeader, limits.read = 300*time.Millisecond, 600*time.Millisecond
	srv, err := startCredentialServer(canaryProvider(), listenOptions{addr: "127.0.0.1:0", logTo: io.Discard, limits: limits})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)

	tests := []struct{ name, head, drip string }{
		// No secret needed: the path is /.
		{"header", "GET / HTTP/1.1\r\nHost: " + u.Host + "\r\n", "X-Slow: " + strings.Repeat("a", 400) + "\r\n"},
		{"body", "POST / HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Length: 400\r\n\r\n", strings.Repeat("a", 400)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", u.Host)
			require.NoError(t, err)
			defer c.Close()
			_, err = io.WriteString(c, tc.head)
			require.NoError(t, err)
			cut := make(chan int, 1)
			go func() { // the server's answer, if any, then its close
				n, _ := io.Copy(io.Discard, bufio.NewReader(c))
				cut <- int(n)
			}()
			// 400 bytes at one per 50 ms would take 20 s; the server's timeouts are
			// under a second.
			sent := 0
			for ; sent < len(tc.drip); sent++ {
				select {
				case <-cut:
					t.Logf("cut after %d of %d bytes", sent, len(tc.drip))
					answered(t, srv.URL, nil, func(status int, body string) bool {
						return status == 200 && strings.Contains(body, canarySecret)
					}, "a legitimate client is served")
					return
				case <-time.After(50 * time.Millisecond):
				}
				if _, err := c.Write([]byte{tc.drip[sent]}); err != nil {
					break // closed by the server
				}
			}
			require.Less(t, sent, len(tc.drip), "the slow client was never cut off")
		})
	}

	// A header over MaxHeaderBytes is refused.
	answered(t, srv.URL, http.Header{"X-Big": {strings.Repeat("a", 2*defaultLimits.maxHeaderBytes+4096)}},
		func(status int, _ string) bool { return status == http.StatusRequestHeaderFieldsTooLarge }, "a header over the cap is refused")
}

// answered GETs url with header until the answer is what ok wants, for up to 20 s,
// and fails the test with the last answer if it never is.
func answered(t *testing.T, url string, header http.Header, ok func(status int, body string) bool, what string) {
	t.Helper()
	var last atomic.Value // string: the condition may still run when Eventually gives up
	last.Store("none")
	if !assert.Eventually(t, func() bool {
		req, err := http.NewRequest("GET", url, nil)
		if err != nil {
			last.Store(err.Error())
			return false
		}
		if header != nil {
			req.Header = header
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			last.Store(err.Error())
			return false
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		last.Store(fmt.Sprintf("%d %q (%v)", resp.StatusCode, body, err))
		return err == nil && ok(resp.StatusCode, string(body))
	}, 20*time.Second, 10*time.Millisecond) {
		t.Fatalf("%s: the last answer: %s", what, last.Load())
	}
}
