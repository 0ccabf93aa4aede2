package stscreds_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/internal/testclock"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// newFakeClock is a clock that tests move by hand, on a whole second; the fake server,
// our client and the cache all read it.
func newFakeClock() *testclock.Clock { return testclock.New(time.Now().UTC().Truncate(time.Second)) }

// once is a retry policy of a single attempt, so that a test's injected fault is seen
// by exactly one refresh.
var once = sts.WithRetryPolicy(sts.RetryPolicy{MaxAttempts: 1})

// userClient is a client of srv signed as its fixture user, on clock.
func userClient(t testing.TB, srv *ststest.Server, clock *testclock.Clock) *sts.Client {
	t.Helper()
	opts := []sts.Option{once}
	if clock != nil {
		opts = append(opts, sts.WithClock(clock.Now))
	}
	c, err := sts.NewClient(srv.Config(), opts...)
	require.NoError(t, err)
	return c
}

// mustAssumeRole is NewAssumeRoleProvider for arguments a test knows are right.
func mustAssumeRole(t testing.TB, client stscreds.AssumeRoleAPI, roleArn string, optFns ...func(*stscreds.AssumeRoleOptions)) *stscreds.AssumeRoleProvider {
	t.Helper()
	p, err := stscreds.NewAssumeRoleProvider(client, roleArn, optFns...)
	require.NoError(t, err)
	return p
}

// mustOIDC is NewOIDCProvider for arguments a test knows are right.
func mustOIDC(t testing.TB, client stscreds.OIDCAPI, roleArn, providerArn string, tokens stscreds.TokenSource, optFns ...func(*stscreds.OIDCOptions)) *stscreds.OIDCProvider {
	t.Helper()
	p, err := stscreds.NewOIDCProvider(client, roleArn, providerArn, tokens, optFns...)
	require.NoError(t, err)
	return p
}
