package stscreds_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// blockingAssumer is an AssumeRoleAPI that answers nothing until its caller's context
// ends, as a hung STS would.
type blockingAssumer struct{}

func (blockingAssumer) AssumeRoleWithContext(ctx context.Context, _ *sts.AssumeRoleRequest, _ *sts.RuntimeOptions) (*sts.AssumeRoleResponse, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestErrorsNameTheSession: stscreds' errors start with "stscreds: " and name the
// session by role and name, never by its policy or anything secret, and errors.Is
// still finds the cause.
func TestErrorsNameTheSession(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	const policy = `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:PutObject","Resource":"acs:oss:*:*:policy-marker/*"}]}`
	role := srv.Role().Arn
	missing := "acs:ram::" + ststest.DefaultAccountID + ":role/missing"
	session := func(arn string) stscreds.Session {
		return stscreds.Session{RoleArn: arn, RoleSessionName: "vend-bob", Policy: policy}
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	t.Run("SessionCache, cancelled context", func(t *testing.T) {
		cache, err := stscreds.NewSessionCache(blockingAssumer{})
		require.NoError(t, err)
		defer cache.Close()
		_, err = cache.Retrieve(cancelled, session(role))
		require.EqualError(t, err, `stscreds: session `+role+` "vend-bob": context canceled`)
		require.ErrorIs(t, err, context.Canceled)
	})
	t.Run("SessionCache, the caller's deadline", func(t *testing.T) {
		cache, err := stscreds.NewSessionCache(blockingAssumer{})
		require.NoError(t, err)
		defer cache.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		_, err = cache.Retrieve(ctx, session(role))
		require.EqualError(t, err, `stscreds: session `+role+` "vend-bob": context deadline exceeded`)
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})
	t.Run("SessionCache, refused by the service", func(t *testing.T) {
		cache, err := stscreds.NewSessionCache(userClient(t, srv, nil))
		require.NoError(t, err)
		defer cache.Close()
		_, err = cache.Retrieve(context.Background(), session(missing))
		var se *sts.ServiceError
		require.ErrorAs(t, err, &se)
		require.Equal(t, "EntityNotExist.Role", se.Code)
		require.EqualError(t, err, `stscreds: session `+missing+` "vend-bob": refreshing credentials: `+se.Error())
		require.NotContains(t, err.Error(), "policy-marker")
		require.NotContains(t, err.Error(), srv.User().AccessKeySecret)
	})
	t.Run("SessionCache, closed", func(t *testing.T) {
		cache, err := stscreds.NewSessionCache(userClient(t, srv, nil))
		require.NoError(t, err)
		require.NoError(t, cache.Close())
		_, err = cache.Retrieve(context.Background(), session(role))
		require.EqualError(t, err, `stscreds: session `+role+` "vend-bob": the session cache is closed`)
	})
	t.Run("AssumeRoleProvider, cancelled context", func(t *testing.T) {
		p := mustAssumeRole(t, blockingAssumer{}, role, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName, o.Policy = "worker-1", policy
			o.Cache.RefreshTimeout = 10 * time.Millisecond // ends the refresh this test leaves behind
		})
		_, err := p.Retrieve(cancelled)
		require.EqualError(t, err, `stscreds: session `+role+` "worker-1": context canceled`)
		require.ErrorIs(t, err, context.Canceled)
	})
	t.Run("a cache over a provider keeps its session", func(t *testing.T) {
		p := mustAssumeRole(t, blockingAssumer{}, role, func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = "worker-1" })
		_, err := stscreds.NewCache(p, func(o *stscreds.CacheOptions) { o.RefreshTimeout = 10 * time.Millisecond }).Retrieve(cancelled)
		require.EqualError(t, err, `stscreds: session `+role+` "worker-1": context canceled`)
	})
	t.Run("a cache of an unknown provider", func(t *testing.T) {
		failing := stscreds.ProviderFunc(func(context.Context) (stscreds.Credentials, error) { return stscreds.Credentials{}, errors.New("down") })
		_, err := stscreds.NewCache(failing).Retrieve(context.Background())
		require.EqualError(t, err, "stscreds: refreshing credentials: down")
	})
}
