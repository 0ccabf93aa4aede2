package redistest

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStartKnowsItsOwnServer: Start waits for its own process to answer, by the
// process ID the server reports; a server of another test on the same port is not
// taken for it.
func TestStartKnowsItsOwnServer(t *testing.T) {
	s := Start(t)
	pid := s.cmd.Process.Pid
	require.NoError(t, wantInfo(context.Background(), s, "server", "process_id:"+strconv.Itoa(pid)))
	err := wantInfo(context.Background(), s, "server", "process_id:"+strconv.Itoa(pid+1))
	require.ErrorContains(t, err, "INFO server has no \"process_id:"+strconv.Itoa(pid+1)+"\"")
}
