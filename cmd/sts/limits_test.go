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
	"syscall"
	"testing"
	"time"

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
					resp, body := get(t, "GET", srv.URL, "")
					require.Equal(t, 200, resp.StatusCode, "a legitimate client is served")
					require.Contains(t, body, canarySecret)
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
	req, err := http.NewRequest("GET", srv.URL, nil)
	require.NoError(t, err)
	req.Header.Set("X-Big", strings.Repeat("a", 2*defaultLimits.maxHeaderBytes+4096))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
}
