package redistest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStartKnowsItsOwnServer: Start waits for its own process to answer; a server of
// another test on the same port is not taken for it.
func TestStartKnowsItsOwnServer(t *testing.T) {
	s := Start(t)
	c := s.Client()
	require.NoError(t, ours(context.Background(), c, s.cmd.Process.Pid))
	err := ours(context.Background(), c, s.cmd.Process.Pid+1)
	require.ErrorContains(t, err, "another server answers on "+s.Addr)
}
