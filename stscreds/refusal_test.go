package stscreds_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// TestDeadSourceCredentialsAreReplaced chains a role: a client signs with a provider's
// credentials, which the service lets expire while the provider's cache, on a clock
// that lags, still trusts them. The refused call invalidates the cache, fetches anew
// and succeeds, once; credentials that stay dead fail at once.
func TestDeadSourceCredentialsAreReplaced(t *testing.T) {
	clock := newFakeClock()
	srv := ststest.NewServer(ststest.WithClock(clock.Now))
	defer srv.Close()
	cacheNow := clock.Now() // the cache's clock stands still
	p := mustAssumeRole(t, userClient(t, srv, clock), srv.Role().Arn, func(o *stscreds.AssumeRoleOptions) {
		o.Cache.Clock = func() time.Time { return cacheNow }
	})
	cfg := srv.Config()
	cfg.AccessKeyId, cfg.AccessKeySecret, cfg.Credential = nil, nil, p
	chained, err := sts.NewClient(cfg, once, sts.WithClock(clock.Now))
	require.NoError(t, err)

	id, err := chained.GetCallerIdentity()
	require.NoError(t, err)
	require.Equal(t, "AssumedRoleUser", *id.Body.IdentityType)
	require.Equal(t, 1, srv.RequestCount("AssumeRole"))

	clock.Add(2 * time.Hour) // the service's credentials expire; the cache does not see it
	_, err = chained.GetCallerIdentity()
	require.NoError(t, err)
	require.Equal(t, 2, srv.RequestCount("AssumeRole"), "fetched anew once")
	require.Equal(t, 3, srv.RequestCount("GetCallerIdentity"), "the refused call was sent again")

	// A Credential that keeps returning dead credentials: the error, without sending
	// the refused credentials again.
	dead, err := p.Retrieve(context.Background())
	require.NoError(t, err)
	clock.Add(2 * time.Hour)
	stuck := stscreds.NewCache(stscreds.ProviderFunc(func(context.Context) (stscreds.Credentials, error) {
		return dead, nil
	}), func(o *stscreds.CacheOptions) { o.Clock = func() time.Time { return cacheNow } })
	cfg.Credential = stuck
	chained, err = sts.NewClient(cfg, once, sts.WithClock(clock.Now))
	require.NoError(t, err)
	before := srv.RequestCount("GetCallerIdentity")
	_, err = chained.GetCallerIdentity()
	var se *sts.ServiceError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "InvalidSecurityToken.Expired", se.Code)
	require.Equal(t, before+1, srv.RequestCount("GetCallerIdentity"))
}

// TestExpiresOnTheLocalClock runs the fake ten minutes ahead of this machine (within
// the signing window, so nothing is refused): the Expiration it returns is ten minutes
// later than this machine would compute, and the provider moves it onto the local clock.
func TestExpiresOnTheLocalClock(t *testing.T) {
	const skew = 10 * time.Minute
	srv := ststest.NewServer(ststest.WithClock(func() time.Time { return time.Now().Add(skew) }))
	defer srv.Close()
	client := userClient(t, srv, nil)
	p := mustAssumeRole(t, client, srv.Role().Arn, func(o *stscreds.AssumeRoleOptions) { o.Duration = time.Hour })
	got, err := p.Retrieve(context.Background())
	require.NoError(t, err)
	require.InDelta(t, time.Hour.Seconds(), time.Until(got.Expires).Seconds(), 3, "Expires %s", got.Expires)
}
