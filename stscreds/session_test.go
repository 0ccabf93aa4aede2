package stscreds_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

func userPolicy(user string) string {
	return `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:PutObject","Resource":"acs:oss:*:*:b/` + user + `/*"}]}`
}

// TestSessionCacheOneCallPerSession asks for 50 sessions, 20 times each, from many
// goroutines at once: one AssumeRole call per session, and every caller of a session
// gets the same credentials.
func TestSessionCacheOneCallPerSession(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	srv.Inject(ststest.Fault{Kind: ststest.Latency, Latency: 20 * time.Millisecond, Times: 50})
	c, err := stscreds.NewSessionCache(userClient(t, srv, nil))
	require.NoError(t, err)
	defer c.Close()

	const sessions, asks = 50, 20
	start := time.Now().Truncate(time.Second) // the fake's Expiration is in whole seconds
	got := make([][asks]stscreds.Credentials, sessions)
	var wg sync.WaitGroup
	for i := range sessions {
		for j := range asks {
			wg.Go(func() {
				s := stscreds.Session{RoleArn: srv.Role().Arn, RoleSessionName: fmt.Sprintf("u%d", i), Policy: userPolicy(fmt.Sprint(i)), Duration: 15 * time.Minute}
				creds, err := c.Retrieve(context.Background(), s)
				require.NoError(t, err)
				got[i][j] = creds
			})
		}
	}
	wg.Wait()
	require.Equal(t, sessions, srv.RequestCount("AssumeRole"))
	seen := map[string]bool{}
	for i := range sessions {
		for j := range asks {
			require.Equal(t, got[i][0], got[i][j])
		}
		require.False(t, seen[got[i][0].AccessKeyId], "each session its own credentials")
		seen[got[i][0].AccessKeyId] = true
		// Issued between the start and now, however slow a loaded machine made the test
		// (give or take the second of the Date header the client measures the fake's
		// clock by).
		require.WithinRange(t, got[i][0].Expires, start.Add(15*time.Minute-2*time.Second), time.Now().Add(15*time.Minute+2*time.Second))
	}
	require.Equal(t, sessions, c.Len())
}

// TestSessionCacheEvictsLeastRecentlyUsed keeps two sessions of three.
func TestSessionCacheEvictsLeastRecentlyUsed(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	c, err := stscreds.NewSessionCache(userClient(t, srv, nil), func(o *stscreds.SessionCacheOptions) { o.MaxEntries = 2 })
	require.NoError(t, err)
	defer c.Close()
	ask := func(name string) {
		_, err := c.Retrieve(context.Background(), stscreds.Session{RoleArn: srv.Role().Arn, RoleSessionName: "user-" + name})
		require.NoError(t, err)
	}
	ask("a")
	ask("b")
	ask("a") // b is now the least recently used
	ask("c") // evicts b
	require.Equal(t, 2, c.Len())
	require.Equal(t, 3, srv.RequestCount("AssumeRole"))
	ask("a")
	ask("c")
	require.Equal(t, 3, srv.RequestCount("AssumeRole"), "a and c stayed")
	ask("b")
	require.Equal(t, 4, srv.RequestCount("AssumeRole"), "b was evicted")

	require.NoError(t, c.Invalidate(context.Background(), stscreds.Session{RoleArn: srv.Role().Arn, RoleSessionName: "user-b", Duration: time.Hour}))
	ask("b")
	require.Equal(t, 5, srv.RequestCount("AssumeRole"), "invalidated; a zero Duration and one hour are the same session")
}

// TestSessionCacheRefusesBadSessionsAndOptions checks that mistakes surface at once,
// naming the field, and take no memory.
func TestSessionCacheRefusesBadSessionsAndOptions(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	client := userClient(t, srv, nil)
	for _, f := range []func(*stscreds.SessionCacheOptions){
		func(o *stscreds.SessionCacheOptions) { o.MaxEntries = -1 },
		func(o *stscreds.SessionCacheOptions) { o.StoreTimeout = -time.Second },
		func(o *stscreds.SessionCacheOptions) { o.LockTTL = -time.Second },
		func(o *stscreds.SessionCacheOptions) { o.MaxLockWait = -time.Second },
	} {
		_, err := stscreds.NewSessionCache(client, f)
		require.ErrorContains(t, err, "SessionCacheOptions.")
	}
	c, err := stscreds.NewSessionCache(client)
	require.NoError(t, err)
	_, err = c.Retrieve(context.Background(), stscreds.Session{RoleArn: srv.Role().Arn})
	var ve *sts.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "AssumeRoleRequest.RoleSessionName", ve.Field)
	require.Zero(t, c.Len())
	require.Zero(t, srv.RequestCount("AssumeRole"))

	require.NoError(t, c.Close())
	_, err = c.Retrieve(context.Background(), stscreds.Session{RoleArn: srv.Role().Arn, RoleSessionName: "late"})
	require.ErrorContains(t, err, "closed")
}

// TestSessionCacheCloseEndsFetches closes a cache while a fetch hangs: Close ends it
// and returns, and the waiting caller gets an error.
//
// The fetch hangs at the fake for a minute, then would succeed: a Close that waited
// for it instead of ending it would return a minute late and leave the caller with
// credentials, not an error. So the error is the check, not the time Close took (an
// earlier version wanted it under 5 s); the test waits for the fetch to reach the
// fake (its request counted), not for 20 ms.
func TestSessionCacheCloseEndsFetches(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	srv.Inject(ststest.Fault{Kind: ststest.Latency, Latency: time.Minute})
	c, err := stscreds.NewSessionCache(userClient(t, srv, nil))
	require.NoError(t, err)
	errc := make(chan error, 1)
	go func() {
		_, err := c.Retrieve(context.Background(), stscreds.Session{RoleArn: srv.Role().Arn, RoleSessionName: "hang"})
		errc <- err
	}()
	require.Eventually(t, func() bool { return c.Len() == 1 && srv.RequestCount("AssumeRole") == 1 }, 20*time.Second, time.Millisecond,
		"the fetch reaches the fake")
	require.NoError(t, c.Close())
	require.Error(t, <-errc, "the fetch was ended, not waited for")
}

// sessionCache is a SessionCache of stubAssumer (no network), with at most max
// sessions.
func sessionCache(t *testing.T, max int) *stscreds.SessionCache {
	t.Helper()
	c, err := stscreds.NewSessionCache(stubAssumer{}, func(o *stscreds.SessionCacheOptions) { o.MaxEntries = max })
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// TestSessionCacheBound fills a cache of 1,000 with three times as many sessions: it
// never holds more than 1,000, holds most of them once it has seen 1,000, and all
// 1,000 once every shard is full.
func TestSessionCacheBound(t *testing.T) {
	c := sessionCache(t, 1000)
	ctx := context.Background()
	for i := range 3000 {
		_, err := c.Retrieve(ctx, benchSession(i))
		require.NoError(t, err)
		require.LessOrEqual(t, c.Len(), 1000)
		if i == 999 {
			require.GreaterOrEqual(t, c.Len(), 920, "a few percent fewer, having seen MaxEntries sessions")
		}
	}
	require.Equal(t, 1000, c.Len())
	got := c.Stats()
	require.EqualValues(t, 2000, got.Evictions)
	require.EqualValues(t, 3000, got.STSCalls)
}

// TestSessionCacheKeepsHotSessions reads 100 sessions between every 100 new ones, in a
// cache of 1,000: the new ones push each other out, the 100 read often are never
// evicted (one AssumeRole each, however many new sessions pass).
func TestSessionCacheKeepsHotSessions(t *testing.T) {
	c := sessionCache(t, 1000)
	ctx := context.Background()
	next := 1000
	for range 50 {
		for i := range 100 {
			_, err := c.Retrieve(ctx, benchSession(i))
			require.NoError(t, err)
		}
		for range 100 {
			_, err := c.Retrieve(ctx, benchSession(next))
			require.NoError(t, err)
			next++
		}
	}
	got := c.Stats()
	require.EqualValues(t, 100+50*100, got.STSCalls, "the hot 100 were fetched once each")
	require.Greater(t, got.Evictions, uint64(3000))
}

// TestSessionCacheEvictsUnderLoad reads 300 sessions at random from 16 goroutines in a
// cache of 100: no error, never more than 100 held, and every session made is either
// held or counted as evicted, each with the one AssumeRole call that filled it.
func TestSessionCacheEvictsUnderLoad(t *testing.T) {
	c := sessionCache(t, 100)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 500 {
				if _, err := c.Retrieve(context.Background(), benchSession((g*7919+i*31)%300)); err != nil {
					t.Error(err)
					return
				}
				if n := c.Len(); n > 100 {
					t.Errorf("%d sessions held", n)
					return
				}
			}
		})
	}
	wg.Wait()
	got := c.Stats()
	require.Equal(t, got.STSCalls, got.Evictions+uint64(got.Entries))
	require.Equal(t, got.Hits+got.Misses, uint64(16*500))
}
