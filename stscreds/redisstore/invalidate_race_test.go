package redisstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/stscreds/redisstore/redistest"
	"github.com/stsgo/sts/ststest"
)

// gatedClient is a *sts.Client (so a Signer) whose AssumeRole calls wait for gate to
// close once they have said so on entered.
type gatedClient struct {
	*sts.Client
	gate    chan struct{}
	entered chan string
}

func newGatedClient(t *testing.T, srv *ststest.Server) *gatedClient {
	t.Helper()
	c, err := sts.NewClient(srv.Config())
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return &gatedClient{Client: c, gate: make(chan struct{}), entered: make(chan string, 64)}
}

func (g *gatedClient) AssumeRoleWithContext(ctx context.Context, req *sts.AssumeRoleRequest, rt *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error) {
	g.entered <- *req.RoleSessionName
	<-g.gate
	return g.Client.AssumeRoleWithContext(ctx, req, rt)
}

// TestInvalidateDuringFetchKeepsNothing: a fetch under way when Invalidate runs
// must not leave what it gets in the store, so that the next Retrieve, in another
// process or in the one that invalidated, calls STS (found by an adversarial review:
// the fetch published after Invalidate returned and both adopted it).
func TestInvalidateDuringFetchKeepsNothing(t *testing.T) {
	for _, next := range []string{"another process", "the same process"} {
		t.Run(next, func(t *testing.T) {
			redis := redistest.Start(t)
			store := newStore(t, redis, keyA)
			srv := ststest.NewServer()
			defer srv.Close()
			gated := newGatedClient(t, srv)
			a, err := stscreds.NewSessionCache(gated, withStore(store))
			require.NoError(t, err)
			defer a.Close()
			reader := a
			if next == "another process" {
				reader = fleet(t, srv, 1, nil, nil, withStore(store))[0].cache
			}
			ctx := context.Background()
			s := session(srv, 1)

			done := make(chan error, 1)
			go func() {
				_, err := a.Retrieve(ctx, s)
				done <- err
			}()
			<-gated.entered // the fetch is calling STS
			require.NoError(t, a.Invalidate(ctx, s))
			close(gated.gate)
			require.NoError(t, <-done)
			require.Equal(t, 1, srv.RequestCount("AssumeRole"))

			_, err = reader.Retrieve(ctx, s)
			require.NoError(t, err)
			require.Equal(t, 2, srv.RequestCount("AssumeRole"), "credentials fetched before Invalidate were adopted after it")
		})
	}
}
