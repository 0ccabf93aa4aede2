package stscreds_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// countingProvider returns credentials "id-1", "id-2", ... expiring at what expires
// says, counting its calls.
type countingProvider struct {
	calls   atomic.Int32
	expires func() time.Time
}

func (p *countingProvider) Retrieve(context.Context) (stscreds.Credentials, error) {
	n := p.calls.Add(1)
	return stscreds.Credentials{AccessKeyId: fmt.Sprintf("id-%d", n), AccessKeySecret: "s", Expires: p.expires()}, nil
}

// readMany reads c n times, letting any background refresh that a read starts end
// before the next read, as a steady stream of callers would.
func readMany(t *testing.T, c *stscreds.Cache, n int) {
	t.Helper()
	for range n {
		_, err := c.Retrieve(context.Background())
		require.NoError(t, err)
		time.Sleep(200 * time.Microsecond)
	}
}

// TestNoRefreshStorm holds the expiry window to the credentials' lifetime: a window
// at or above it, or credentials that arrive already inside it, must not make every
// read start a refresh (before, 200 reads made about 200 provider calls).
func TestNoRefreshStorm(t *testing.T) {
	t.Run("window above the lifetime", func(t *testing.T) {
		clock := newFakeClock()
		p := &countingProvider{expires: func() time.Time { return clock.Now().Add(15 * time.Minute) }}
		c := stscreds.NewCache(p, func(o *stscreds.CacheOptions) {
			o.ExpiryWindow, o.Clock, o.Random = 20*time.Minute, clock.Now, func() float64 { return 0 }
		})
		readMany(t, c, 200)
		require.EqualValues(t, 1, p.calls.Load(), "fresh credentials are not refreshed at once")
		// The window is cut to half the lifetime: the refresh starts 7.5 minutes ahead.
		clock.Add(7*time.Minute + 29*time.Second)
		readMany(t, c, 50)
		require.EqualValues(t, 1, p.calls.Load())
		clock.Add(2 * time.Second)
		readMany(t, c, 200)
		require.EqualValues(t, 2, p.calls.Load(), "one refresh in the window, then fresh credentials")
	})
	t.Run("credentials that arrive inside the window", func(t *testing.T) {
		// An upstream that keeps handing out the same credentials (a metadata service
		// or a credential server that has not refreshed yet) with 4 minutes left,
		// under a 5-minute window.
		clock := newFakeClock()
		end := clock.Now().Add(10 * time.Minute)
		p := &countingProvider{expires: func() time.Time { return end }}
		c := stscreds.NewCache(p, func(o *stscreds.CacheOptions) {
			o.ExpiryWindow, o.Clock, o.Random = 5*time.Minute, clock.Now, func() float64 { return 0 }
		})
		readMany(t, c, 10)
		clock.Add(6 * time.Minute) // 4 minutes left: inside the window
		readMany(t, c, 200)
		require.EqualValues(t, 2, p.calls.Load(), "the value that arrived inside its window waits half its life")
		// Each later refresh waits half of what is left: a handful of calls, not one per read.
		for range 8 {
			clock.Add(end.Sub(clock.Now()) / 2)
			readMany(t, c, 20)
		}
		require.LessOrEqual(t, p.calls.Load(), int32(2+8))
		require.GreaterOrEqual(t, p.calls.Load(), int32(3), "it is still asked")
	})
	t.Run("providers refuse a window not shorter than their duration", func(t *testing.T) {
		srv := ststest.NewServer()
		defer srv.Close()
		for _, window := range []time.Duration{15 * time.Minute, 20 * time.Minute} {
			_, err := stscreds.NewAssumeRoleProvider(userClient(t, srv, nil), srv.Role().Arn, func(o *stscreds.AssumeRoleOptions) {
				o.Duration, o.Cache.ExpiryWindow = 15*time.Minute, window
			})
			require.ErrorContains(t, err, "CacheOptions.ExpiryWindow ("+window.String()+") is not shorter than the credentials' Duration (15m0s)")
			_, err = stscreds.NewOIDCProvider(userClient(t, srv, nil), srv.Role().Arn, "acs:ram::1:oidc-provider/p",
				stscreds.TokenFile("/nonexistent"), func(o *stscreds.OIDCOptions) {
					o.Duration, o.Cache.ExpiryWindow = 15*time.Minute, window
				})
			require.ErrorContains(t, err, "CacheOptions.ExpiryWindow")
		}
	})
}

// TestFarFutureExpiration caches credentials that expire past what Unix nanoseconds
// hold (the year 2262): before, the value overflowed into the past and every read
// called the provider.
func TestFarFutureExpiration(t *testing.T) {
	for _, expires := range []string{"2262-04-11T23:47:17Z", "2263-01-01T00:00:00Z", "9999-12-31T23:59:59Z"} {
		t.Run(expires, func(t *testing.T) {
			at, err := time.Parse(time.RFC3339, expires)
			require.NoError(t, err)
			p := &countingProvider{expires: func() time.Time { return at }}
			c := stscreds.NewCache(p)
			for range 20 {
				got, err := c.Retrieve(context.Background())
				require.NoError(t, err)
				require.Equal(t, at, got.Expires)
			}
			require.EqualValues(t, 1, p.calls.Load())
		})
	}
	t.Run("through the client", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"RequestId":"R","Credentials":{"AccessKeyId":"STS.far","AccessKeySecret":"s","SecurityToken":"t","Expiration":"9999-12-31T23:59:59Z"}}`)
		}))
		defer srv.Close()
		var calls atomic.Int32
		client, err := sts.NewClient(&sts.Config{AccessKeyId: dara.String("id"), AccessKeySecret: dara.String("secret"),
			Endpoint: dara.String(strings.TrimPrefix(srv.URL, "http://")), Protocol: dara.String("HTTP")})
		require.NoError(t, err)
		counted := assumeRoleFunc(func(ctx context.Context, req *sts.AssumeRoleRequest, rt *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error) {
			calls.Add(1)
			return client.AssumeRoleWithContext(ctx, req, rt)
		})
		p := mustAssumeRole(t, counted, "acs:ram::1234567890123456:role/r")
		for range 20 {
			_, err := p.Retrieve(context.Background())
			require.NoError(t, err)
		}
		require.EqualValues(t, 1, calls.Load())
	})
}

// assumeRoleFunc is an AssumeRoleAPI that a wrapper (tracing, metrics) would be: it
// cannot name its signer.
type assumeRoleFunc func(context.Context, *sts.AssumeRoleRequest, *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error)

func (f assumeRoleFunc) AssumeRoleWithContext(ctx context.Context, req *sts.AssumeRoleRequest, rt *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error) {
	return f(ctx, req, rt)
}

// TestInvalidateOnlyTheRefusedCredentials: a refusal of credentials that a refresh
// has already replaced leaves the fresh ones in place.
func TestInvalidateOnlyTheRefusedCredentials(t *testing.T) {
	p := &countingProvider{expires: func() time.Time { return time.Now().Add(time.Hour) }}
	c := stscreds.NewCache(p)
	ctx := context.Background()
	got, err := c.Retrieve(ctx)
	require.NoError(t, err)
	require.Equal(t, "id-1", got.AccessKeyId)
	require.False(t, c.InvalidateCredentials("id-0", ""), "other credentials")
	got, _ = c.Retrieve(ctx)
	require.Equal(t, "id-1", got.AccessKeyId)
	require.True(t, c.InvalidateCredentials("id-1", ""))
	got, _ = c.Retrieve(ctx)
	require.Equal(t, "id-2", got.AccessKeyId)
	require.False(t, c.InvalidateCredentials("id-1", ""), "a late refusal of replaced credentials")
	got, _ = c.Retrieve(ctx)
	require.Equal(t, "id-2", got.AccessKeyId)
	require.EqualValues(t, 2, p.calls.Load())

	// End to end: a call signed with id-2 is refused after the cache has moved on to
	// id-3; the client sends it again with id-3 and does not throw id-3 away.
	client, refused := refusingService(t, c, "id-2", func() {
		c.Invalidate() // the cache refreshes meanwhile, elsewhere
		_, _ = c.Retrieve(ctx)
	})
	_, err = client.GetCallerIdentityWithContext(ctx, nil)
	require.NoError(t, err)
	require.EqualValues(t, 1, refused.Load())
	require.EqualValues(t, 3, p.calls.Load(), "id-3 was kept: no fourth fetch")
	got, _ = c.Retrieve(ctx)
	require.Equal(t, "id-3", got.AccessKeyId)
}

// refusingService is a client of a service that signs with cred: the service answers
// GetCallerIdentity, except that it refuses calls signed with accessKeyId as unknown
// (InvalidAccessKeyId.NotFound), calling onRefusal first if not nil, and counts the
// refusals.
func refusingService(t *testing.T, cred sts.ContextCredential, accessKeyId string, onRefusal func()) (*sts.Client, *atomic.Int32) {
	t.Helper()
	refused := new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Authorization"), "Credential="+accessKeyId+",") {
			if onRefusal != nil {
				onRefusal()
			}
			refused.Add(1)
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"RequestId":"R","Code":"InvalidAccessKeyId.NotFound","Message":"Specified access key is not found."}`)
			return
		}
		fmt.Fprint(w, `{"RequestId":"R","AccountId":"1","Arn":"acs:ram::1:user/u","IdentityType":"RAMUser","UserId":"u","PrincipalId":"u"}`)
	}))
	t.Cleanup(srv.Close)
	client, err := sts.NewClient(&sts.Config{Credential: cred, Endpoint: dara.String(strings.TrimPrefix(srv.URL, "http://")), Protocol: dara.String("HTTP")})
	require.NoError(t, err)
	return client, refused
}

// TestSharedSessionsNeedANamedSigner: two caches on one store whose clients cannot
// name their signers would key every session alike and hand one signer's session to
// another; NewSessionCache refuses them unless Principal names the signer.
func TestSharedSessionsNeedANamedSigner(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	client := userClient(t, srv, nil)
	wrapper := assumeRoleFunc(client.AssumeRoleWithContext)
	store := newMemStore()

	_, err := stscreds.NewSessionCache(wrapper, func(o *stscreds.SessionCacheOptions) { o.Store = store })
	require.ErrorContains(t, err, "SessionCacheOptions.Principal")
	require.ErrorContains(t, err, "stscreds.Signer")

	for _, ok := range []func(*stscreds.SessionCacheOptions){
		func(o *stscreds.SessionCacheOptions) { o.Store, o.Principal = store, "alice" }, // named
		func(o *stscreds.SessionCacheOptions) {},                                        // no store: nothing shared
	} {
		c, err := stscreds.NewSessionCache(wrapper, ok)
		require.NoError(t, err)
		_, err = c.Retrieve(context.Background(), stscreds.Session{RoleArn: srv.Role().Arn, RoleSessionName: "session"})
		require.NoError(t, err)
		require.NoError(t, c.Close())
	}
	c, err := stscreds.NewSessionCache(client, func(o *stscreds.SessionCacheOptions) { o.Store = store }) // *sts.Client is a Signer
	require.NoError(t, err)
	require.NoError(t, c.Close())
}

// memStore is a SharedStore in memory, enough for tests that need one.
type memStore struct {
	mu      sync.Mutex
	entries map[string]stscreds.Credentials
}

func newMemStore() *memStore { return &memStore{entries: map[string]stscreds.Credentials{}} }

func (m *memStore) Load(_ context.Context, key string) (stscreds.Credentials, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.entries[key]
	return c, ok, nil
}

func (m *memStore) Save(_ context.Context, key string, creds stscreds.Credentials, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries[key] = creds
	return nil
}

func (m *memStore) Lock(context.Context, string, time.Duration) (func(context.Context) error, error) {
	return func(context.Context) error { return nil }, nil
}

// TestRefusalsDoNotStorm: a service that keeps refusing the credentials (a revoked
// role, a key not yet propagated) costs a fetch for the first refusal, then one per
// back-off, not one per call; a refusal of credentials with the same AccessKeyId but
// an older token keeps the fresh ones; credentials that arrive with under two seconds
// to live are not fetched per read.
func TestRefusalsDoNotStorm(t *testing.T) {
	t.Run("a service that keeps refusing", func(t *testing.T) {
		var sent atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sent.Add(1)
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"Code":"InvalidAccessKeyId.NotFound","Message":"Specified access key is not found.","RequestId":"R"}`)
		}))
		defer srv.Close()
		clock := newFakeClock()
		p := &countingProvider{expires: func() time.Time { return clock.Now().Add(time.Hour) }}
		c := stscreds.NewCache(p, func(o *stscreds.CacheOptions) { o.Clock = clock.Now })
		client, err := sts.NewClient(&sts.Config{Credential: c, Endpoint: dara.String(strings.TrimPrefix(srv.URL, "http://")),
			Protocol: dara.String("HTTP")}, once)
		require.NoError(t, err)
		for range 20 {
			_, err := client.GetCallerIdentity()
			require.ErrorContains(t, err, "InvalidAccessKeyId.NotFound")
		}
		require.EqualValues(t, 2, p.calls.Load(), "the first refusal fetched anew; the fresh value is held for RetryBackoff")
		require.EqualValues(t, 21, sent.Load(), "the first call was sent again with the fresh credentials, no other")
		clock.Add(time.Second)
		_, _ = client.GetCallerIdentity()
		require.EqualValues(t, 3, p.calls.Load(), "after the back-off, one more fetch")
		for range 20 {
			_, _ = client.GetCallerIdentity()
		}
		require.EqualValues(t, 3, p.calls.Load(), "held for twice as long now")
	})
	t.Run("same AccessKeyId, newer token", func(t *testing.T) {
		var n atomic.Int32
		c := stscreds.NewCache(stscreds.ProviderFunc(func(context.Context) (stscreds.Credentials, error) {
			return stscreds.Credentials{AccessKeyId: "STS.same", AccessKeySecret: "s", SecurityToken: fmt.Sprint("token-", n.Add(1)),
				Expires: time.Now().Add(time.Hour)}, nil
		}))
		old, err := c.Retrieve(context.Background())
		require.NoError(t, err)
		require.True(t, c.InvalidateCredentials(old.AccessKeyId, old.SecurityToken))
		fresh, err := c.Retrieve(context.Background())
		require.NoError(t, err)
		require.False(t, c.InvalidateCredentials(old.AccessKeyId, old.SecurityToken), "a late refusal of the older token")
		again, _ := c.Retrieve(context.Background())
		require.Equal(t, fresh, again)
	})
	t.Run("credentials that arrive about to expire", func(t *testing.T) {
		for _, life := range []time.Duration{time.Nanosecond, time.Millisecond, 1999 * time.Millisecond} {
			clock := newFakeClock()
			p := &countingProvider{expires: func() time.Time { return clock.Now().Add(life) }}
			c := stscreds.NewCache(p, func(o *stscreds.CacheOptions) { o.Clock = clock.Now })
			for range 2000 { // a second of reads, every 500µs
				_, _ = c.Retrieve(context.Background())
				clock.Add(500 * time.Microsecond)
			}
			require.LessOrEqual(t, p.calls.Load(), int32(2), "credentials living %s", life)
		}
		// Over a minute the back-off doubles: 1, 2, 4, 8, 16, 32 s.
		clock := newFakeClock()
		p := &countingProvider{expires: func() time.Time { return clock.Now().Add(time.Millisecond) }}
		c := stscreds.NewCache(p, func(o *stscreds.CacheOptions) { o.Clock = clock.Now })
		for range 6400 {
			_, _ = c.Retrieve(context.Background())
			clock.Add(10 * time.Millisecond)
		}
		require.LessOrEqual(t, p.calls.Load(), int32(8), "a minute of reads of credentials that live 1ms")
	})
}

// zeroExpiration answers AssumeRole with the zero time as Expiration, what a gateway
// that serialises an unset time writes.
type zeroExpiration struct{ calls atomic.Int32 }

func (z *zeroExpiration) AssumeRoleWithContext(context.Context, *sts.AssumeRoleRequest, *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error) {
	z.calls.Add(1)
	return &sts.AssumeRoleResponse{Body: &sts.AssumeRoleResponseBody{RequestId: dara.String("R"), Credentials: new(sts.Credentials).
		SetAccessKeyId("STS.x").SetAccessKeySecret("s").SetSecurityToken("t").SetExpiration("0001-01-01T00:00:00Z")}}, nil
}

// TestZeroExpirationIsRefused: in Credentials the zero Expires means "never expires";
// an answer with the zero time must not become that.
func TestZeroExpirationIsRefused(t *testing.T) {
	client := &zeroExpiration{}
	p := mustAssumeRole(t, client, "acs:ram::1234567890123456:role/r")
	_, err := p.Retrieve(context.Background())
	require.ErrorContains(t, err, "Expiration is the zero time")
}

func (m *memStore) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries, key)
	return nil
}
