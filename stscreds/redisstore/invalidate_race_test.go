package redisstore_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/internal/redistest"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// gatedClient is a *sts.Client (so a Signer) whose AssumeRole calls wait for gate to
// close once they have said so on entered; it counts the calls in flight per session
// name and the most seen at once.
type gatedClient struct {
	*sts.Client
	gate    chan struct{}
	entered chan string

	mu       sync.Mutex
	inFlight map[string]int
	most     map[string]int
}

func newGatedClient(t *testing.T, srv *ststest.Server) *gatedClient {
	t.Helper()
	c, err := sts.NewClient(srv.Config())
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return &gatedClient{Client: c, gate: make(chan struct{}), entered: make(chan string, 64),
		inFlight: map[string]int{}, most: map[string]int{}}
}

func (g *gatedClient) AssumeRoleWithContext(ctx context.Context, req *sts.AssumeRoleRequest, rt *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error) {
	name := *req.RoleSessionName
	g.mu.Lock()
	g.inFlight[name]++
	g.most[name] = max(g.most[name], g.inFlight[name])
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.inFlight[name]--
		g.mu.Unlock()
	}()
	g.entered <- name
	<-g.gate
	return g.Client.AssumeRoleWithContext(ctx, req, rt)
}

func (g *gatedClient) mostAtOnce(name string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.most[name]
}

// TestInvalidateDuringFetchKeepsNothing: a fetch under way when Invalidate runs
// must not leave what it gets in the store for other replicas to adopt (found by an
// adversarial review: the fetch published after Invalidate returned, and replica B
// adopted it with no STS call).
func TestInvalidateDuringFetchKeepsNothing(t *testing.T) {
	redis := redistest.Start(t)
	store := newStore(t, redis, keyA)
	srv := ststest.NewServer()
	defer srv.Close()
	gated := newGatedClient(t, srv)
	a, err := stscreds.NewSessionCache(gated, withStore(store))
	require.NoError(t, err)
	defer a.Close()
	other := fleet(t, srv, 1, nil, nil, withStore(store))[0]
	ctx := context.Background()
	s := session(srv, 1)

	type result struct {
		creds stscreds.Credentials
		err   error
	}
	done := make(chan result, 1)
	go func() {
		creds, err := a.Retrieve(ctx, s)
		done <- result{creds, err}
	}()
	<-gated.entered // the fetch is calling STS
	require.NoError(t, a.Invalidate(ctx, s))
	close(gated.gate)
	first := <-done
	require.NoError(t, first.err)
	require.Equal(t, 1, srv.RequestCount("AssumeRole"))

	// After Invalidate returned, the next Retrieve in any process must call STS.
	got, err := other.cache.Retrieve(ctx, s)
	require.NoError(t, err)
	require.Equal(t, 2, srv.RequestCount("AssumeRole"),
		"another process adopted credentials fetched before Invalidate (%s)", got.AccessKeyId)
	require.NotEqual(t, first.creds.AccessKeyId, got.AccessKeyId)
}

// TestInvalidateDuringFetchSameProcess: the same, for the next Retrieve in the
// process that invalidated.
func TestInvalidateDuringFetchSameProcess(t *testing.T) {
	redis := redistest.Start(t)
	store := newStore(t, redis, keyA)
	srv := ststest.NewServer()
	defer srv.Close()
	gated := newGatedClient(t, srv)
	a, err := stscreds.NewSessionCache(gated, withStore(store))
	require.NoError(t, err)
	defer a.Close()
	ctx := context.Background()
	s := session(srv, 1)

	done := make(chan error, 1)
	go func() {
		_, err := a.Retrieve(ctx, s)
		done <- err
	}()
	<-gated.entered
	require.NoError(t, a.Invalidate(ctx, s))
	close(gated.gate)
	require.NoError(t, <-done)

	calls := srv.RequestCount("AssumeRole")
	_, err = a.Retrieve(ctx, s)
	require.NoError(t, err)
	require.Equal(t, calls+1, srv.RequestCount("AssumeRole"), "the Retrieve after Invalidate adopted the entry a fetch begun before it published")
}
