package sts_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"syscall"
	"testing"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
)

// boundLoopback is a loopback TCP socket bound to a port of its own, closed at the
// end of t, and its address.
func boundLoopback(t *testing.T) (fd int, addr string) {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	require.NoError(t, err)
	t.Cleanup(func() { syscall.Close(fd) })
	require.NoError(t, syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	sa, err := syscall.Getsockname(fd)
	require.NoError(t, err)
	return fd, net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port))
}

// fullBacklog listens on loopback with a backlog of one, which one connection fills,
// and never accepts: Linux drops further SYNs, so every dial hangs until its timeout.
func fullBacklog(t *testing.T) string {
	fd, addr := boundLoopback(t)
	require.NoError(t, syscall.Listen(fd, 0))
	filler, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { filler.Close() })
	return addr
}

// TestConnectTimeoutNamed: a call whose connections are never made says that the
// connect timeout ended it, which one (the call's or the client's), and how many
// attempts it made; errors.Is finds context.DeadlineExceeded and errors.As the
// network's *net.OpError.
func TestConnectTimeoutNamed(t *testing.T) {
	addr := fullBacklog(t)
	assume := new(sts.AssumeRoleRequest).SetRoleArn("acs:ram::1234567890123456:role/x").SetRoleSessionName("timeouts")
	tests := []struct {
		name    string
		config  func(*sts.Config)
		runtime *sts.RuntimeOptions
		want    string
	}{
		{"the call's", func(*sts.Config) {}, new(sts.RuntimeOptions).SetConnectTimeout(100), "connect timeout 100ms exceeded"},
		{"the client's", func(c *sts.Config) { c.ConnectTimeout = dara.Int(150) }, nil, "connect timeout 150ms exceeded"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := silentConfig(addr)
			tc.config(cfg)
			_, err := newTestClient(t, cfg).AssumeRoleWithContext(context.Background(), assume, tc.runtime)
			require.EqualError(t, err, "sts: AssumeRole "+addr+": "+tc.want+" dialing "+addr+" after 3 attempts")
			require.ErrorIs(t, err, context.DeadlineExceeded)
			var op *net.OpError
			require.ErrorAs(t, err, &op)
			require.Equal(t, "dial", op.Op)
		})
	}
}

// TestRefusedConnectionCountsItsAttempts: a call whose connections are refused says
// so, with the attempts it made. The port is held by a socket that never listens: a
// port closed after use could be taken again, by another listener or as a dial's own
// local port (a TCP connection to itself).
func TestRefusedConnectionCountsItsAttempts(t *testing.T) {
	_, addr := boundLoopback(t)
	assume := new(sts.AssumeRoleRequest).SetRoleArn("acs:ram::1234567890123456:role/x").SetRoleSessionName("timeouts")
	_, err := newTestClient(t, silentConfig(addr)).AssumeRole(assume)
	var te *sts.TransportError
	require.ErrorAs(t, err, &te)
	require.Equal(t, 3, te.Attempts)
	require.ErrorContains(t, err, "connection refused after 3 attempts")
	require.False(t, errors.Is(err, context.DeadlineExceeded))
}
