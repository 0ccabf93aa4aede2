package stscreds_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// TestCacheStats follows a cache through hits, a miss, a refresh ahead of expiry, a
// failed refresh and reads from many goroutines at once: every read is counted once,
// as a hit or a miss, and every provider call once.
func TestCacheStats(t *testing.T) {
	clock := newFakeClock()
	var fail atomic.Bool
	p := &countingProvider{expires: func() time.Time { return clock.Now().Add(time.Hour) }}
	c := stscreds.NewCache(stscreds.ProviderFunc(func(ctx context.Context) (stscreds.Credentials, error) {
		if fail.Load() {
			return stscreds.Credentials{}, errors.New("refused")
		}
		return p.Retrieve(ctx)
	}), func(o *stscreds.CacheOptions) { o.Clock, o.Random = clock.Now, func() float64 { return 0 } })
	ctx := context.Background()
	require.Equal(t, stscreds.CacheStats{}, c.Stats())

	readMany(t, c, 3)
	require.Equal(t, stscreds.CacheStats{Hits: 2, Misses: 1, Refreshes: 1}, c.Stats())

	clock.Add(50 * time.Minute) // inside the 12-minute window: a hit, and a refresh behind it
	readMany(t, c, 1)
	require.Eventually(t, func() bool { return c.Stats().Refreshes == 2 }, 20*time.Second, time.Millisecond)
	require.Equal(t, stscreds.CacheStats{Hits: 3, Misses: 1, Refreshes: 2}, c.Stats())

	fail.Store(true)
	c.Invalidate()
	_, err := c.Retrieve(ctx)
	require.Error(t, err)
	require.Equal(t, stscreds.CacheStats{Hits: 3, Misses: 2, Refreshes: 3, RefreshFailures: 1}, c.Stats())
	fail.Store(false)
	c.Invalidate()
	readMany(t, c, 1)

	const goroutines, reads = 8, 500
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range reads {
				if _, err := c.Retrieve(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	require.Equal(t, stscreds.CacheStats{Hits: 3 + goroutines*reads, Misses: 3, Refreshes: 4, RefreshFailures: 1}, c.Stats())
}

// storeStub is a SharedStore in memory whose operations can be made to fail, and
// whose lock can be held by another process.
type storeStub struct {
	*memStore
	fail, held atomic.Bool
}

func (s *storeStub) Load(ctx context.Context, key string) (stscreds.Credentials, bool, error) {
	if s.fail.Load() {
		return stscreds.Credentials{}, false, errors.New("store down")
	}
	return s.memStore.Load(ctx, key)
}

func (s *storeStub) Lock(ctx context.Context, key string, ttl time.Duration) (func(context.Context) error, error) {
	if s.held.Load() {
		return nil, nil
	}
	return s.memStore.Lock(ctx, key, ttl)
}

// TestSessionCacheStats runs two replicas on one store through a shared miss, a shared
// hit, a wait for another process's lock, an eviction and a store outage, and checks
// each counter after each step.
func TestSessionCacheStats(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	store := &storeStub{memStore: newMemStore()}
	replica := func() *stscreds.SessionCache {
		c, err := stscreds.NewSessionCache(userClient(t, srv, nil), func(o *stscreds.SessionCacheOptions) {
			o.Store, o.MaxEntries, o.MaxLockWait, o.StoreCooldown = store, 2, 20*time.Millisecond, time.Hour
			o.Logger = slog.New(slog.DiscardHandler)
		})
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		return c
	}
	a, b := replica(), replica()
	ctx := context.Background()
	ask := func(c *stscreds.SessionCache, name string) {
		t.Helper()
		_, err := c.Retrieve(ctx, stscreds.Session{RoleArn: srv.Role().Arn, RoleSessionName: name})
		require.NoError(t, err)
	}

	ask(a, "alice")
	ask(a, "alice")
	ask(b, "alice")
	require.Equal(t, stscreds.SessionCacheStats{CacheStats: stscreds.CacheStats{Hits: 1, Misses: 1, Refreshes: 1},
		Entries: 1, STSCalls: 1, SharedMisses: 2}, a.Stats(), "a load before the lock and one under it")
	require.Equal(t, stscreds.SessionCacheStats{CacheStats: stscreds.CacheStats{Misses: 1, Refreshes: 1},
		Entries: 1, SharedHits: 1}, b.Stats())

	store.held.Store(true) // another process fetches bob and never publishes
	ask(b, "bob")
	store.held.Store(false)
	got := b.Stats()
	require.EqualValues(t, 1, got.LockWaits)
	require.EqualValues(t, 1, got.STSCalls, "called STS itself after MaxLockWait")

	ask(b, "carol") // past MaxEntries: alice goes
	got = b.Stats()
	require.Equal(t, 2, got.Entries)
	require.EqualValues(t, 1, got.Evictions)

	store.fail.Store(true)
	for _, name := range []string{"dave", "erin", "frank", "grace"} {
		ask(b, name)
	}
	got = b.Stats()
	require.EqualValues(t, 3, got.StoreFailures, "three failures open the circuit; then the store is left alone")
	require.True(t, got.StoreCircuitOpen)
	require.EqualValues(t, 1, got.StoreCircuitOpens)
	require.EqualValues(t, 6, got.STSCalls)
	require.EqualValues(t, 7, got.Refreshes, "alice from the store, the others from STS")
	require.EqualValues(t, srv.RequestCount("AssumeRole"), a.Stats().STSCalls+got.STSCalls)
}
