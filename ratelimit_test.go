package sts_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/ststest"
)

// TestRateLimiter sends AssumeRole calls, without retries, at a fake with a quota of 50
// per second: unpaced, the quota refuses some; paced by a golang.org/x/time/rate
// limiter at 40 per second, none, however late the calls reach the fake.
//
// The paced calls come from 8 callers, each sending its 10 calls one after another,
// which is what makes "none" hold on a machine of any speed or load. The fake counts
// a call when its handler reads it, some time after the limiter let it go; a stall
// can bunch calls that the limiter spaced out (80 callers at once, each waiting for
// a turn and then for its connection, once had 16 of 80 refused at a load average of
// 28). With callers that wait for their answer, take any stretch shorter than a
// second in which the fake counts calls: each caller's calls counted in it, but for
// its first, asked the limiter for a turn after the previous one was counted, so
// inside the stretch, and the limiter gives at most 1 + 40 turns in a second. The
// fake counts at most 41 + 8 = 49 calls in any second, under its 50.
func TestRateLimiter(t *testing.T) {
	call := func(c *sts.Client, srv *ststest.Server, i int) (throttled bool) {
		_, err := c.AssumeRole(new(sts.AssumeRoleRequest).SetRoleArn(srv.Role().Arn).SetRoleSessionName("s" + string(rune('a'+i%26))))
		if sts.IsThrottling(err) {
			return true
		}
		require.NoError(t, err)
		return false
	}
	noRetry := sts.WithRetryPolicy(sts.RetryPolicy{MaxAttempts: 1})

	// Unpaced, 80 calls at once. Whether 51 of them reach the fake within one second
	// is up to the machine (a loaded one once sent all 80 in more than a second, and
	// none was refused), so bursts go until the quota refuses some, 20 at most.
	srv := ststest.NewServer(ststest.WithQuota(50))
	defer srv.Close()
	c := newTestClient(t, srv.Config(), noRetry)
	var unpaced, bursts int32
	for unpaced == 0 && bursts < 20 {
		bursts++
		var wg sync.WaitGroup
		var n atomic.Int32
		for i := range 80 {
			wg.Go(func() {
				if call(c, srv, i) {
					n.Add(1)
				}
			})
		}
		wg.Wait()
		unpaced = n.Load()
	}
	require.Positive(t, unpaced, "the quota refuses part of an unpaced burst (%d bursts of 80)", bursts)
	t.Logf("unpaced: %d of 80 throttled, in burst %d", unpaced, bursts)

	// Paced: a fresh fake, whose quota has seen nothing.
	srv = ststest.NewServer(ststest.WithQuota(50))
	defer srv.Close()
	c = newTestClient(t, srv.Config(), noRetry, sts.WithRateLimiter(rate.NewLimiter(40, 1)))
	var wg sync.WaitGroup
	var paced atomic.Int32
	for g := range 8 {
		wg.Go(func() {
			for i := range 10 {
				if call(c, srv, 10*g+i) {
					paced.Add(1)
				}
			}
		})
	}
	wg.Wait()
	require.Zero(t, paced.Load())
	require.Equal(t, 80, srv.RequestCount("AssumeRole"))
}

// TestRateLimitErrorBeforeDeadline checks that a call whose wait would outlast its
// context fails at once with a *RateLimitError, and that STS never sees it.
//
// "At once" is "before the context's deadline": the context is still live when the
// call returns. (A check that the call took under half a second fails whenever the
// machine stalls the test for that long.) The next turn is a minute away and the
// deadline 50 s: a client that waited would return only after the deadline.
func TestRateLimitErrorBeforeDeadline(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	c := newTestClient(t, srv.Config(), sts.WithRateLimiter(rate.NewLimiter(rate.Every(time.Minute), 1)))
	_, err := c.GetCallerIdentity()
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	_, err = c.GetCallerIdentityWithContext(ctx, nil)
	require.NoError(t, ctx.Err(), "fails at once, not at the deadline")
	require.NotErrorIs(t, err, context.DeadlineExceeded, "the limiter refused the turn; the deadline had not passed")
	var rl *sts.RateLimitError
	require.ErrorAs(t, err, &rl)
	require.Equal(t, "GetCallerIdentity", rl.Action)
	require.Contains(t, err.Error(), "rate limit")
	require.False(t, sts.IsRetryable(err))
	require.Equal(t, 1, srv.RequestCount("GetCallerIdentity"))

	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	_, err = c.GetCallerIdentityWithContext(ctx, nil)
	require.True(t, errors.Is(err, context.Canceled), "%v", err)
}
