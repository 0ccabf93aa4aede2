package stscreds_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// TestOneRefreshForManyCallers asks a cold provider from 1,000 goroutines at once:
// exactly one AssumeRole call, and everyone gets the same credentials.
func TestOneRefreshForManyCallers(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	srv.Inject(ststest.Fault{Kind: ststest.Latency, Latency: 50 * time.Millisecond}) // let the callers pile up
	p := mustAssumeRole(t, userClient(t, srv, nil), srv.Role().Arn)

	const n = 1000
	var wg sync.WaitGroup
	start := make(chan struct{})
	got := make([]stscreds.Credentials, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			got[i], errs[i] = p.Retrieve(context.Background())
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		require.Equal(t, got[0], got[i])
	}
	require.Equal(t, 1, srv.RequestCount("AssumeRole"))
	require.Regexp(t, `^STS\.`, got[0].AccessKeyId)
	require.Equal(t, "stscreds.AssumeRole", got[0].Source)
}

// TestRefreshAheadFailureAndRecovery walks the clocks of the fake, the client and the
// cache through a credential's life: refresh ahead of expiry in the background, a
// failing service while the credentials are still valid, expiry, and recovery.
func TestRefreshAheadFailureAndRecovery(t *testing.T) {
	clock := newFakeClock()
	srv := ststest.NewServer(ststest.WithClock(clock.Now))
	defer srv.Close()
	p := mustAssumeRole(t, userClient(t, srv, clock), srv.Role().Arn, func(o *stscreds.AssumeRoleOptions) {
		o.Duration = 15 * time.Minute
		o.Cache = stscreds.CacheOptions{Clock: clock.Now, Random: func() float64 { return 0 }, RetryBackoff: 10 * time.Second}
	})
	ctx := context.Background()
	first, err := p.Retrieve(ctx)
	require.NoError(t, err)
	require.Equal(t, clock.Now().Add(15*time.Minute), first.Expires)

	// Before the window (a fifth of the lifetime: the last 3 minutes): cached.
	clock.Add(11 * time.Minute)
	again, err := p.Retrieve(ctx)
	require.NoError(t, err)
	require.Equal(t, first, again)
	require.Equal(t, 1, srv.RequestCount("AssumeRole"))

	// In the window: the old credentials at once, a new set in the background.
	clock.Add(time.Minute)
	again, err = p.Retrieve(ctx)
	require.NoError(t, err)
	require.Equal(t, first, again)
	require.Eventually(t, func() bool {
		c, _ := p.Retrieve(ctx)
		return c.AccessKeyId != first.AccessKeyId
	}, 20*time.Second, time.Millisecond)
	require.Equal(t, 2, srv.RequestCount("AssumeRole"))
	second, _ := p.Retrieve(ctx)

	// The service fails inside the next window: still-valid credentials keep coming,
	// and refreshes back off instead of hammering it.
	srv.Inject(ststest.Fault{Kind: ststest.ServerError, Times: 1000})
	clock.Add(13 * time.Minute) // two minutes before expiry
	for range 20 {
		c, err := p.Retrieve(ctx)
		require.NoError(t, err)
		require.Equal(t, second, c)
	}
	require.Eventually(t, func() bool { return srv.RequestCount("AssumeRole") == 3 }, 20*time.Second, time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	require.Equal(t, 3, srv.RequestCount("AssumeRole"), "one failed refresh, then back-off")

	// Past expiry: an error, never the expired credentials.
	clock.Add(3 * time.Minute)
	c, err := p.Retrieve(ctx)
	require.Error(t, err)
	require.Zero(t, c)
	require.ErrorContains(t, err, "InternalError")

	// The fault clears; after the back-off the next Retrieve recovers.
	srv.ClearFaults()
	clock.Add(time.Minute)
	c, err = p.Retrieve(ctx)
	require.NoError(t, err)
	require.NotEqual(t, second.AccessKeyId, c.AccessKeyId)
	require.True(t, clock.Now().Before(c.Expires))
}

// TestCallerCancelDoesNotAbortSharedRefresh checks that the caller that starts a
// refresh may give up without ending it for the others.
func TestCallerCancelDoesNotAbortSharedRefresh(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	c := stscreds.NewCache(stscreds.ProviderFunc(func(ctx context.Context) (stscreds.Credentials, error) {
		calls.Add(1)
		select {
		case <-release:
			return stscreds.Credentials{AccessKeyId: "id", AccessKeySecret: "secret", Expires: time.Now().Add(time.Hour)}, nil
		case <-ctx.Done():
			return stscreds.Credentials{}, ctx.Err()
		}
	}))
	ctx, cancel := context.WithCancel(context.Background())
	firstDone := make(chan error)
	go func() {
		_, err := c.Retrieve(ctx)
		firstDone <- err
	}()
	require.Eventually(t, func() bool { return calls.Load() == 1 }, 20*time.Second, time.Millisecond)
	secondDone := make(chan error)
	go func() {
		_, err := c.Retrieve(context.Background())
		secondDone <- err
	}()
	cancel()
	require.ErrorIs(t, <-firstDone, context.Canceled, "the cancelled caller returns at once")
	close(release)
	require.NoError(t, <-secondDone, "the refresh went on for the other caller")
	require.EqualValues(t, 1, calls.Load())
}

func TestInvalidateAndBadValues(t *testing.T) {
	var calls atomic.Int32
	var next atomic.Value
	next.Store(stscreds.Credentials{AccessKeyId: "id", AccessKeySecret: "secret"})
	c := stscreds.NewCache(stscreds.ProviderFunc(func(context.Context) (stscreds.Credentials, error) {
		calls.Add(1)
		return next.Load().(stscreds.Credentials), nil
	}), func(o *stscreds.CacheOptions) { o.RetryBackoff = time.Nanosecond })
	ctx := context.Background()
	got, err := c.Retrieve(ctx)
	require.NoError(t, err)
	require.Zero(t, got.Expires, "credentials that never expire are cached for good")
	_, _ = c.Retrieve(ctx)
	require.EqualValues(t, 1, calls.Load())

	c.Invalidate()
	next.Store(stscreds.Credentials{AccessKeyId: "id", AccessKeySecret: "secret", Expires: time.Now().Add(-time.Second)})
	_, err = c.Retrieve(ctx)
	require.ErrorContains(t, err, "expired", "expired credentials from a provider are refused")
	require.EqualValues(t, 2, calls.Load())

	next.Store(stscreds.Credentials{AccessKeyId: "id"})
	time.Sleep(time.Millisecond)
	_, err = c.Retrieve(ctx)
	require.ErrorContains(t, err, "no AccessKeyId or AccessKeySecret")
}

// TestRetrieveHonoursContext: a caller whose context ends stops waiting for the shared
// refresh, which goes on, bounded by RefreshTimeout.
//
// The refresh cannot end before the first caller has returned: the provider also
// waits for the test's gate. Before, the refresh ended by its 50 ms RefreshTimeout
// alone; a stall that long held the caller until both its deadline had passed and
// the refresh had failed, and Retrieve then returned either error ("gave up" once in
// 15 whole-suite runs under load).
func TestRetrieveHonoursContext(t *testing.T) {
	gate := make(chan struct{})
	c := stscreds.NewCache(stscreds.ProviderFunc(func(ctx context.Context) (stscreds.Credentials, error) {
		<-ctx.Done()
		<-gate
		return stscreds.Credentials{}, errors.New("gave up")
	}), func(o *stscreds.CacheOptions) { o.RefreshTimeout = 50 * time.Millisecond })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := c.Retrieve(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	close(gate)
	_, err = c.Retrieve(context.Background())
	require.ErrorContains(t, err, "gave up", "RefreshTimeout bounds the shared refresh")
}

func TestCredentialsString(t *testing.T) {
	c := stscreds.Credentials{AccessKeyId: "STS.id", AccessKeySecret: "s3cr3t", SecurityToken: "t0k3n", Source: "x"}
	for _, s := range []string{c.String(), c.GoString()} {
		require.Contains(t, s, "STS.id")
		require.NotContains(t, s, "s3cr3t")
		require.NotContains(t, s, "t0k3n")
	}
}

// TestRealClockRefresh checks the cache on the real clock: a window shorter than a
// second is stretched to one, so a refresh starts a second before expiry, and no
// Retrieve ever returns credentials expired when it was called.
//
// "When it was called": the time is read before the call. Read after it returned,
// it fails the cache whenever the machine stalls the test between the return and the
// reading for longer than the credentials had left, which may be a few
// milliseconds on a machine that was slow to run the refresh too.
func TestRealClockRefresh(t *testing.T) {
	var calls atomic.Int32
	c := stscreds.NewCache(stscreds.ProviderFunc(func(context.Context) (stscreds.Credentials, error) {
		n := calls.Add(1)
		return stscreds.Credentials{AccessKeyId: string(rune('a' + n)), AccessKeySecret: "s", Expires: time.Now().Add(1200 * time.Millisecond)}, nil
	}), func(o *stscreds.CacheOptions) { o.ExpiryWindow, o.JitterFraction = time.Millisecond, -1 })
	ctx := context.Background()
	first, err := c.Retrieve(ctx)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		asked := time.Now()
		got, err := c.Retrieve(ctx)
		require.NoError(t, err)
		require.True(t, asked.Before(got.Expires), "never expired")
		return got.AccessKeyId != first.AccessKeyId
	}, 20*time.Second, 5*time.Millisecond, "a bound for a loaded machine; the refresh is due in 0.2 s")
}

// TestNoExpiredCredentialsAfterSuspend moves the wall clock two hours on at once, as a
// laptop or VM that resumes from a suspend sees it (Go's monotonic clock, and every
// timer, stood still meanwhile). The cached credentials have expired: Retrieve must
// not return them, and fetches new ones. The cache reads only the wall clock, on this
// test clock as on the real one, so this is the production path.
func TestNoExpiredCredentialsAfterSuspend(t *testing.T) {
	var jump atomic.Int64
	wall := func() time.Time { return time.Now().Add(time.Duration(jump.Load())) }
	var calls atomic.Int32
	c := stscreds.NewCache(stscreds.ProviderFunc(func(context.Context) (stscreds.Credentials, error) {
		n := calls.Add(1)
		return stscreds.Credentials{AccessKeyId: string(rune('a' + n)), AccessKeySecret: "s", Expires: wall().Add(time.Hour)}, nil
	}), func(o *stscreds.CacheOptions) { o.Clock = wall })
	ctx := context.Background()
	first, err := c.Retrieve(ctx)
	require.NoError(t, err)
	again, err := c.Retrieve(ctx)
	require.NoError(t, err)
	require.Equal(t, first, again, "cached")

	jump.Store(int64(2 * time.Hour)) // resume
	got, err := c.Retrieve(ctx)
	require.NoError(t, err)
	require.NotEqual(t, first.AccessKeyId, got.AccessKeyId, "the expired value is not served")
	require.True(t, wall().Before(got.Expires))
	require.EqualValues(t, 2, calls.Load())
}

// TestClockSetBackDoesNotStallRefresh sets the wall clock back an hour after a failed
// refresh: the back-off ends by its length, not by a time the clock will take an hour
// to reach again.
func TestClockSetBackDoesNotStallRefresh(t *testing.T) {
	var shift atomic.Int64
	wall := func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
	var fail atomic.Bool
	fail.Store(true)
	c := stscreds.NewCache(stscreds.ProviderFunc(func(context.Context) (stscreds.Credentials, error) {
		if fail.Load() {
			return stscreds.Credentials{}, errors.New("down")
		}
		return stscreds.Credentials{AccessKeyId: "id", AccessKeySecret: "s", Expires: wall().Add(time.Hour)}, nil
	}), func(o *stscreds.CacheOptions) { o.Clock, o.RetryBackoff = wall, 50*time.Millisecond })
	_, err := c.Retrieve(context.Background())
	require.ErrorContains(t, err, "down")
	fail.Store(false)
	shift.Store(int64(-time.Hour))
	require.Eventually(t, func() bool {
		_, err := c.Retrieve(context.Background())
		return err == nil
	}, 20*time.Second, 10*time.Millisecond, "the 50 ms back-off ends (20 s: a bound for a loaded machine, far under the hour)")
}
