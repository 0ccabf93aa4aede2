package sts_test

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

// silentServer accepts connections on loopback and never answers, except that it
// closes the first `drop` connections at once. It counts the connections it accepted
// and calls accepted (if set) with each count.
func silentServer(t *testing.T, drop int32, accepted func(n int32)) (addr string, count *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	count = new(atomic.Int32)
	var mu sync.Mutex
	var held []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			n := count.Add(1)
			if n <= drop {
				conn.Close()
			} else {
				mu.Lock()
				held = append(held, conn)
				mu.Unlock()
			}
			if accepted != nil {
				accepted(n)
			}
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	})
	return ln.Addr().String(), count
}

func silentConfig(addr string) *sts.Config {
	return &sts.Config{AccessKeyId: dara.String(testKeyID), AccessKeySecret: dara.String(testSecret),
		Endpoint: dara.String(addr), Protocol: dara.String("HTTP")}
}

// TestErrorsNameWhatEndedTheCall: a call that a timeout or the caller's context ends
// says which, and how many requests it sent, and errors.Is still finds the context's
// error.
func TestErrorsNameWhatEndedTheCall(t *testing.T) {
	assume := new(sts.AssumeRoleRequest).SetRoleArn("acs:ram::1234567890123456:role/x").SetRoleSessionName("timeouts")

	t.Run("read timeout, three attempts", func(t *testing.T) {
		addr, count := silentServer(t, 0, nil)
		client := newTestClient(t, silentConfig(addr))
		_, err := client.AssumeRoleWithOptions(assume, new(sts.RuntimeOptions).SetReadTimeout(50))
		require.EqualError(t, err, "sts: AssumeRole "+addr+": read timeout 50ms exceeded after 3 attempts")
		require.ErrorIs(t, err, context.DeadlineExceeded)
		var te *sts.TransportError
		require.ErrorAs(t, err, &te)
		require.Equal(t, 3, te.Attempts)
		// The server may accept an attempt's connection late, or never: on a loaded
		// machine a 50 ms attempt can end before it dials. It never sees more.
		require.LessOrEqual(t, count.Load(), int32(3))
	})

	// The deadline passes on cue, once the server has accepted the second attempt's
	// connection (the read timeout is 10 s): a deadline of a second, as the test had,
	// passes before the second attempt whenever a loaded machine stalls the client
	// that long, and the call then ends after one.
	t.Run("the caller's deadline, second attempt", func(t *testing.T) {
		ctx := newCueDeadline()
		addr, count := silentServer(t, 1, func(n int32) { // the first connection is dropped: a retry
			if n == 2 {
				ctx.pass()
			}
		})
		client := newTestClient(t, silentConfig(addr))
		_, err := client.AssumeRoleWithContext(ctx, assume, nil)
		require.EqualError(t, err, "sts: AssumeRole "+addr+": context deadline exceeded (the caller's deadline) after 2 attempts")
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.Equal(t, int32(2), count.Load())
	})

	t.Run("the caller's cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		addr, _ := silentServer(t, 0, func(int32) { cancel() })
		client := newTestClient(t, silentConfig(addr))
		_, err := client.AssumeRoleWithContext(ctx, assume, nil)
		require.EqualError(t, err, "sts: AssumeRole "+addr+": context canceled after 1 attempt")
		require.ErrorIs(t, err, context.Canceled)
		require.NotErrorIs(t, err, context.DeadlineExceeded)
	})
}
