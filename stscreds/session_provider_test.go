package stscreds_test

import (
	"context"
	"testing"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"
	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts"
	"github.com/stsgo/sts/stscreds"
	"github.com/stsgo/sts/ststest"
)

// TestSessionProviderSignsClients hands one session of a SessionCache to a client as
// its Config.Credential, and reads it through credentials-go's two interfaces: each
// sees the session's one set of credentials, and only the first read calls STS.
func TestSessionProviderSignsClients(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	cache, err := stscreds.NewSessionCache(userClient(t, srv, nil))
	require.NoError(t, err)
	defer cache.Close()
	s := stscreds.Session{RoleArn: srv.Role().Arn, RoleSessionName: "alice", Policy: userPolicy("alice")}
	p, err := cache.Provider(s)
	require.NoError(t, err)

	client := clientWith(t, srv, p)
	for range 3 {
		id, err := client.GetCallerIdentity()
		require.NoError(t, err)
		require.Equal(t, "acs:ram::"+ststest.DefaultAccountID+":assumed-role/"+srv.Role().Name+"/alice", *id.Body.Arn)
	}
	require.Equal(t, 1, srv.RequestCount("AssumeRole"))

	want, err := cache.Retrieve(context.Background(), s)
	require.NoError(t, err)
	var cred credentials.Credential = p
	model, err := cred.GetCredential()
	require.NoError(t, err)
	require.Equal(t, want.AccessKeyId, *model.AccessKeyId)
	require.Equal(t, want.AccessKeySecret, *model.AccessKeySecret)
	require.Equal(t, want.SecurityToken, *model.SecurityToken)
	require.Equal(t, "sts", *model.Type)
	var prov providers.CredentialsProvider = p
	got, err := prov.GetCredentials()
	require.NoError(t, err)
	require.Equal(t, providers.Credentials{AccessKeyId: want.AccessKeyId, AccessKeySecret: want.AccessKeySecret,
		SecurityToken: want.SecurityToken, ProviderName: "stscreds.SessionCache"}, *got)
	require.Equal(t, 1, srv.RequestCount("AssumeRole"), "the provider reads the cache")

	other, err := cache.Provider(stscreds.Session{RoleArn: srv.Role().Arn, RoleSessionName: "bob"})
	require.NoError(t, err)
	bob, err := other.Retrieve(context.Background())
	require.NoError(t, err)
	require.NotEqual(t, want.AccessKeyId, bob.AccessKeyId, "a provider per session")
}

// TestSessionProviderRefusesBadSessions: a session the client would refuse is refused
// when the provider is made, naming the field.
func TestSessionProviderRefusesBadSessions(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	cache, err := stscreds.NewSessionCache(userClient(t, srv, nil))
	require.NoError(t, err)
	defer cache.Close()
	for _, tc := range []struct {
		name    string
		session stscreds.Session
		field   string
	}{
		{"no session name", stscreds.Session{RoleArn: srv.Role().Arn}, "AssumeRoleRequest.RoleSessionName"},
		{"no role", stscreds.Session{RoleSessionName: "alice"}, "AssumeRoleRequest.RoleArn"},
		{"too short", stscreds.Session{RoleArn: srv.Role().Arn, RoleSessionName: "alice", Duration: 1}, "AssumeRoleRequest.DurationSeconds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := cache.Provider(tc.session)
			require.Nil(t, p)
			var ve *sts.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tc.field, ve.Field)
		})
	}
}

// TestSessionProviderRefusedCredentialsLeaveTheFleet: a service refuses the session's
// credentials (revoked, say). The client signing with the provider invalidates them,
// in memory and in the shared store, and gets fresh ones from STS; another replica
// sharing the store then adopts the fresh ones, never the refused ones.
func TestSessionProviderRefusedCredentialsLeaveTheFleet(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	store := newMemStore()
	replica := func() *stscreds.SessionCache {
		c, err := stscreds.NewSessionCache(userClient(t, srv, nil), func(o *stscreds.SessionCacheOptions) { o.Store = store })
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		return c
	}
	a, b := replica(), replica()
	s := stscreds.Session{RoleArn: srv.Role().Arn, RoleSessionName: "alice"}
	ctx := context.Background()
	first, err := a.Retrieve(ctx, s)
	require.NoError(t, err)
	p, err := a.Provider(s)
	require.NoError(t, err)

	client, refused := refusingService(t, p, first.AccessKeyId, nil)
	_, err = client.GetCallerIdentityWithContext(ctx, nil)
	require.NoError(t, err)
	require.EqualValues(t, 1, refused.Load())
	require.Equal(t, 2, srv.RequestCount("AssumeRole"), "fresh credentials from STS, not the refused ones from the store")

	fresh, err := a.Retrieve(ctx, s)
	require.NoError(t, err)
	require.NotEqual(t, first.AccessKeyId, fresh.AccessKeyId)
	got, err := b.Retrieve(ctx, s)
	require.NoError(t, err)
	require.Equal(t, fresh.AccessKeyId, got.AccessKeyId, "the other replica adopts the fresh ones")
	require.Equal(t, 2, srv.RequestCount("AssumeRole"))

	require.False(t, p.InvalidateCredentials(first.AccessKeyId, first.SecurityToken), "a late refusal of replaced credentials")
	got, err = b.Retrieve(ctx, s)
	require.NoError(t, err)
	require.Equal(t, fresh.AccessKeyId, got.AccessKeyId)
	require.Equal(t, 2, srv.RequestCount("AssumeRole"))
}
