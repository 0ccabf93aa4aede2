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

// TestRateLimiter sends a burst of AssumeRole calls, without retries, at a fake with
// a quota of 50 per second: unpaced, the quota refuses some; paced by a
// golang.org/x/time/rate limiter at 40 per second, none.
func TestRateLimiter(t *testing.T) {
	srv := ststest.NewServer(ststest.WithQuota(50))
	defer srv.Close()
	burst := func(opts ...sts.Option) (throttled int32) {
		c := newTestClient(t, srv.Config(), append(opts, sts.WithRetryPolicy(sts.RetryPolicy{MaxAttempts: 1}))...)
		var wg sync.WaitGroup
		var n atomic.Int32
		for i := range 80 {
			wg.Go(func() {
				_, err := c.AssumeRole(new(sts.AssumeRoleRequest).SetRoleArn(srv.Role().Arn).SetRoleSessionName("s" + string(rune('a'+i%26))))
				if sts.IsThrottling(err) {
					n.Add(1)
				} else {
					require.NoError(t, err)
				}
			})
		}
		wg.Wait()
		return n.Load()
	}
	unpaced := burst()
	require.Positive(t, unpaced, "the quota refuses part of an unpaced burst")
	t.Logf("unpaced: %d of 80 throttled", unpaced)
	time.Sleep(time.Second) // let the quota's window empty
	require.Zero(t, burst(sts.WithRateLimiter(rate.NewLimiter(40, 1))))
}

// TestRateLimitErrorBeforeDeadline checks that a call whose wait would outlast its
// context fails at once with a *RateLimitError, and that STS never sees it.
func TestRateLimitErrorBeforeDeadline(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	c := newTestClient(t, srv.Config(), sts.WithRateLimiter(rate.NewLimiter(rate.Every(time.Minute), 1)))
	_, err := c.GetCallerIdentity()
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	_, err = c.GetCallerIdentityWithContext(ctx, nil)
	require.Less(t, time.Since(start), 500*time.Millisecond, "fails at once, not at the deadline")
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
